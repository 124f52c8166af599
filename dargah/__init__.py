"""The `dargah` command line; the one package allowed to import every layer (see tests/test_layers.py)."""
