# rasd — two commands: `make demo` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.db
SHARED ?= ../shared

.PHONY: install demo test bench clean help

help:
	@echo "make demo    set up and run the main job on the example corpus"
	@echo "make test    set up and run the whole test suite"
	@echo "make bench   speed and memory benchmarks (needs ../shared/data/dev)"

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/rasd --db $(DEMO_DB) ingest examples/ --meta examples/meta.jsonl
	@if [ -d $(SHARED)/seeds ]; then $(BIN)/rasd --db $(DEMO_DB) ingest $(SHARED)/seeds --meta $(SHARED)/seeds/meta.jsonl; fi
	$(BIN)/rasd --db $(DEMO_DB) documents --limit 100
	$(BIN)/rasd --db $(DEMO_DB) stats

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
