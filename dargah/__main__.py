"""`python -m dargah`, the same as the installed `dargah` command."""

import sys

from dargah.cli import main

sys.exit(main())
