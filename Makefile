# The two commands: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Every package, dev tools included, at the version and hash in the lock; `make lock` writes it
# again from pyproject.toml (after a deliberate change there).
LOCK   := requirements.lock
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8050
# The suite runs on this many processes (pytest-xdist); a schema or file per worker and per test.
WORKERS ?= 2
CHROMIUM ?= $(or $(MONITOR_CHROMIUM),/usr/bin/chromium)
# axe-core, the accessibility engine the browser tests inject into every page. Pinned; the
# version must match AXE_VERSION in tests/browser/accessibility.py. npm checks the tarball
# against the registry's integrity; we check it against the one pinned here.
AXE_VERSION   := 4.10.3
AXE_INTEGRITY := sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg==
AXE_DIR       := $(VENV)/axe-core-$(AXE_VERSION)

.PHONY: run test install lock chromium axe-core lint pytest bench bench-board bench-audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## make lock: resolve pyproject.toml (with the dev extra) again into the hashed lock
lock: | $(BIN)/python
	$(BIN)/python -m pip install -q "$$(grep -o '"uv==[^"]*"' pyproject.toml | tr -d '"')"
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 --no-header --quiet -o $(LOCK)

## make run: install, migrate the embedded SQLite database, add demo data if empty, serve
## on HOST:PORT (default 127.0.0.1:8050; `make run PORT=8060`)
run: install
	$(BIN)/monitor check-config
	$(BIN)/monitor db upgrade
	$(BIN)/monitor seed-demo
	$(BIN)/monitor serve --host $(HOST) --port $(PORT)

## Debian's chromium for the browser tests (Playwright's own download cannot work here)
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "Chromium is missing at $(CHROMIUM). Install it as root with:"; \
	  echo "    sudo apt-get install chromium"; \
	  echo "or point MONITOR_CHROMIUM at a Chromium binary, then run make test again."; \
	  exit 1; \
	fi

## axe-core from the npm registry (once; kept in .venv), served to the test browser from disk
axe-core: $(AXE_DIR)/axe.min.js

$(AXE_DIR)/axe.min.js:
	@command -v npm >/dev/null || { \
	  echo "npm is missing: the browser tests need axe-core $(AXE_VERSION) from the npm registry."; \
	  echo "Install it with: sudo apt-get install npm   (then run make test again)"; exit 1; }
	rm -rf $(AXE_DIR).part && mkdir -p $(AXE_DIR).part
	cd $(AXE_DIR).part && npm pack --silent --json axe-core@$(AXE_VERSION) > pack.json
	grep -q '"integrity": "$(AXE_INTEGRITY)"' $(AXE_DIR).part/pack.json || \
	  { echo "axe-core $(AXE_VERSION): integrity differs from the pinned one"; exit 1; }
	tar -xzf $(AXE_DIR).part/axe-core-$(AXE_VERSION).tgz -C $(AXE_DIR).part package/axe.min.js package/LICENSE
	rm -rf $(AXE_DIR) && mv $(AXE_DIR).part/package $(AXE_DIR) && rm -rf $(AXE_DIR).part

lint: install
	$(BIN)/ruff check monitor tests bench migrations
	$(BIN)/ruff format --check monitor tests bench migrations
	$(BIN)/mypy

# A short temporary folder outside the checkout, whatever its path: Unix socket paths
# (Chromium's among them) must stay under 108 bytes. Removed after, pass or fail.
# Two phases: everything but `serial` on $(WORKERS) processes, then the `serial` tests (they
# restart PostgreSQL) alone. Either failing fails the run; "no tests" (5) in one phase is fine.
pytest: install chromium axe-core
	@tmp=$$(mktemp -d /tmp/monitor-test.XXXXXX) && echo "TMPDIR=$$tmp" && \
	TMPDIR=$$tmp $(BIN)/pytest -n $(WORKERS) --dist loadgroup -m "not serial" $(PYTEST_ARGS); parallel=$$?; \
	TMPDIR=$$tmp $(BIN)/pytest -m serial $(PYTEST_ARGS); serial=$$?; \
	rm -rf "$$tmp"; \
	if [ $$parallel -eq 5 ] && [ $$serial -eq 5 ]; then exit 5; fi; \
	for status in $$parallel $$serial; do \
	  if [ $$status -ne 0 ] && [ $$status -ne 5 ]; then exit $$status; fi; done

## make test: install, chromium, axe-core, ruff, mypy, then the whole suite (browser tests included)
test: lint pytest

bench: install
	$(BIN)/python -m bench.bench_bedside

bench-board: install
	$(BIN)/python -m bench.bench_board

bench-audit: install
	$(BIN)/python -m bench.bench_audit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
