# The two commands: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
TMP    := $(CURDIR)/.tmp
CHROMIUM ?= $(or $(MONITOR_CHROMIUM),/usr/bin/chromium)

.PHONY: run test install chromium lint pytest bench bench-board bench-audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## make run: install, migrate the embedded SQLite database, add demo data if empty, serve :8050
run: install
	$(BIN)/monitor check-config
	$(BIN)/monitor db upgrade
	$(BIN)/monitor seed-demo
	$(BIN)/monitor serve --host 127.0.0.1 --port 8050

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

lint: install
	$(BIN)/ruff check monitor tests bench migrations
	$(BIN)/ruff format --check monitor tests bench migrations
	$(BIN)/mypy

pytest: install chromium
	mkdir -p $(TMP)
	TMPDIR=$(TMP) $(BIN)/pytest $(PYTEST_ARGS)
	rm -rf $(TMP)

## make test: install, chromium, ruff, mypy, then the whole suite (browser tests included)
test: lint pytest

bench: install
	$(BIN)/python -m bench.bench_bedside

bench-board: install
	$(BIN)/python -m bench.bench_board

bench-audit: install
	$(BIN)/python -m bench.bench_audit

clean:
	rm -rf $(VENV) $(TMP) .pytest_cache .mypy_cache .ruff_cache test-artifacts
