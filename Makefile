# Dargah: `make run` serves the bundled catalogue, `make test` runs every test.
# `make install` installs what serving needs and nothing else; `make test` adds the test tools
# (pytest, Playwright, schemathesis, ruff …) and Debian's chromium, nginx and promtool.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DARGAH := $(VENV)/bin/dargah
INDEX := var/index
HOST ?= 127.0.0.1
PORT ?= 8080
WORKERS ?= 2
CORPUS_FILES := $(wildcard corpus/services/*.jsonl) $(wildcard corpus/*.tsv) $(wildcard corpus/*.json)

.PHONY: install install-test run index test eval bench soak clean browser nginx promtool

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/find-python.sh
	@set -e; py=$$(scripts/find-python.sh); \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  rm -rf $(VENV); echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

# The test tools, on top of the runtime: never in a production environment.
install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# Rebuilt whenever the bundled corpus (or the code that analyses it) is newer than the index.
$(INDEX)/CURRENT: $(CORPUS_FILES) $(wildcard analyzers/*.py analyzers/data/* store/*.py indexer/*.py) $(VENV)/.installed
	$(DARGAH) index corpus --index $(INDEX)

index: $(INDEX)/CURRENT

run: install $(INDEX)/CURRENT
	$(DARGAH) serve --index $(INDEX) --host $(HOST) --port $(PORT) --workers $(WORKERS)

# The browser test drives Debian's Chromium (Playwright's own browser download cannot work here).
CHROMIUM ?= $(shell command -v chromium 2>/dev/null)
browser:
	@if [ -z "$(CHROMIUM)" ] && ! command -v chromium >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser test"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; fi

# The deployment test runs Debian's nginx in front of two replicas.
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
	  echo "installing Debian's nginx for the deployment test"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq nginx >/dev/null; fi; fi

# The metrics test checks /metrics with `promtool check metrics` (Debian ships it in prometheus).
promtool:
	@if ! command -v promtool >/dev/null 2>&1; then \
	  echo "installing Debian's prometheus for promtool (the metrics test)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null; fi \
	  || echo "promtool could not be installed: the metrics test checks the format itself"; fi

# Lint and formatting first: they take a second, the tests two minutes.
test: install-test browser nginx promtool
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q $(PYTEST_ARGS)

# Relevance on corpus/judgments/queries.tsv, beside a naive baseline and each signal switched off.
eval: install $(INDEX)/CURRENT
	$(PY) -m search.evaluate --index $(INDEX) $(EVAL_ARGS)

# Speed against a tantivy build of the same service and a fixed-answer ceiling; not part of make test.
bench: install
	$(PY) -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	@command -v wrk >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi; }
	$(PY) benchmarks/run.py $(BENCH_ARGS)

# Minutes of mixed load with a rebuild every minute; not part of make test.
SOAK_MINUTES ?= 5
soak: install
	$(PY) benchmarks/soak.py --minutes $(SOAK_MINUTES)

clean:
	rm -rf $(VENV) var .pytest_cache
