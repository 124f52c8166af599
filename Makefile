# Dargah: `make run` serves the bundled catalogue, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DARGAH := $(VENV)/bin/dargah
INDEX := var/index
HOST ?= 127.0.0.1
PORT ?= 8080
WORKERS ?= 2
CORPUS_FILES := $(wildcard corpus/services/*.jsonl) $(wildcard corpus/*.tsv) corpus/service-card.schema.json

.PHONY: install run index test eval bench soak clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/find-python.sh
	@set -e; py=$$(scripts/find-python.sh); \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  rm -rf $(VENV); echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# Rebuilt whenever the bundled corpus (or the code that analyses it) is newer than the index.
$(INDEX)/CURRENT: $(CORPUS_FILES) $(wildcard analyzers/*.py indexer/*.py) $(VENV)/.installed
	$(DARGAH) index corpus --index $(INDEX)

index: $(INDEX)/CURRENT

run: install $(INDEX)/CURRENT
	$(DARGAH) serve --index $(INDEX) --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

# Relevance on corpus/judgments/queries.tsv, beside a naive baseline and each signal switched off.
eval: install $(INDEX)/CURRENT
	$(PY) -m search.evaluate --index $(INDEX) $(EVAL_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
