#!/bin/sh
# Prints the path of a Python >= 3.12 interpreter, or explains and fails.
# The default python3 may be older (a pyenv whose global is 3.11 with 3.12 and 3.13
# installed beside it), and pyenv shims for versions that are not selected exist but
# fail when run, so every candidate is actually executed, not just found.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

for c in "${PYTHON:-}" python3.12 python3.13 python3 python; do
  [ -n "$c" ] || continue
  p=$(command -v "$c" 2>/dev/null) || continue
  if ok "$p"; then
    # Resolve pyenv shims to the real interpreter so the venv does not depend on them.
    "$p" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done

roots="${PYENV_ROOT:-$HOME/.pyenv}"
command -v pyenv >/dev/null 2>&1 && roots="$(pyenv root 2>/dev/null) $roots"
for root in $roots; do
  for p in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V); do
    if ok "$p"; then echo "$p"; exit 0; fi
  done
done
for p in /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
  [ -x "$p" ] && ok "$p" && { echo "$p"; exit 0; }
done

echo "error: Dargah needs Python >= 3.12 (hazm 0.12 requires it), and none was found." >&2
echo "       Install one (e.g. 'pyenv install 3.12' or apt-get install python3.12) or set PYTHON=/path/to/python3.12." >&2
exit 1
