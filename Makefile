# rasd — two commands: `make demo` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.db
DEMO_SERVE ?= 1
RASD_PORT ?= 8765
SHARED ?= ../shared

.PHONY: install demo test bench clean help web serve chromium screenshots

help:
	@echo "make demo    set up and run the main job on the example corpus"
	@echo "make test    set up and run the whole test suite"
	@echo "make bench   speed and memory benchmarks (needs ../shared/data/dev)"
	@echo "make serve   serve the demo store (map, timeline, API) and print its address"
	@echo "make web     rebuild the web page from web/ into src/rasd/serve/static (npm ci)"

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	$(BIN)/python -m compileall -q src  # rasd's own bytecode once: read even where PYTHONDONTWRITEBYTECODE is set
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/rasd --db $(DEMO_DB) ingest examples/ --meta examples/meta.jsonl
	@if [ -d $(SHARED)/seeds ]; then $(BIN)/rasd --db $(DEMO_DB) ingest $(SHARED)/seeds --meta $(SHARED)/seeds/meta.jsonl; fi
	$(BIN)/rasd --db $(DEMO_DB) documents --limit 100
	$(BIN)/rasd --db $(DEMO_DB) stats
	$(BIN)/rasd --db $(DEMO_DB) events --fused --status confirmed --limit 3
	$(BIN)/rasd --db $(DEMO_DB) events --fused --status disputed --limit 3
	@if [ "$(DEMO_SERVE)" != 0 ]; then \
		echo "== serving the demo store: open the address below (Ctrl-C stops; DEMO_SERVE=0 make demo skips this)"; \
		$(BIN)/rasd --db $(DEMO_DB) serve --port $(RASD_PORT); \
	fi

test: install chromium
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/run.py

# The browser tests drive Debian's Chromium; install it when it is missing (root on CI).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "make: /usr/bin/chromium is missing (apt-get install chromium); browser tests will be skipped"; fi; \
	fi

# The built page is committed under src/rasd/serve/static, so this is needed only after editing web/.
web:
	cd web && npm ci --no-audit --no-fund --ignore-scripts && node build.mjs

# Screenshots of the page's main views on the examples (and seeds): docs/screenshots/*.png
screenshots: install chromium
	$(BIN)/python docs/screenshots.py

serve: install
	@test -f $(DEMO_DB) || $(MAKE) demo
	$(BIN)/rasd --db $(DEMO_DB) serve --port $(RASD_PORT)

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
