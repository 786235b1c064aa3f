# xxgk: two commands set everything up on a fresh machine with Python 3.11+.
#   make preview   install, then build the demo portal in content/ and serve it on
#                  http://127.0.0.1:8000, rebuilding and reloading the browser on every save
#   make test      install the test dependencies, run every test

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
CHROMIUM := /usr/bin/chromium
NGINX    := /usr/sbin/nginx

.PHONY: install preview build check lint test system screenshots bench bench-build clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "xxgk needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(STAMP)

check: $(STAMP)
	$(BIN)/xxgk check

build: $(STAMP)
	$(BIN)/xxgk build

preview: $(STAMP)
	$(BIN)/xxgk serve --port $(PORT)

# Tests use the real parts users have: Debian's Chromium driven by Playwright (never a downloaded
# browser) with a Chinese font, as every reader's system has one (without it pages render as boxes
# and printed page counts mean nothing), and Debian's nginx serving the built site. Installed here
# when missing.
system:
	@missing=""; \
	test -x $(CHROMIUM) || missing="$$missing chromium"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	test -x $(NGINX) || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian's$$missing for the browser and web server tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/mypy generator

test: $(STAMP) system lint
	XXGK_CHROMIUM=$(CHROMIUM) XXGK_NGINX=$(NGINX) $(BIN)/python -m pytest

# The README's screenshots, from the demo as the code renders it today.
screenshots: $(STAMP) system
	XXGK_CHROMIUM=$(CHROMIUM) $(BIN)/python tests/screenshots.py

# Benchmarks (minutes, not part of `make test`): see docs/performance.md.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	XXGK_CHROMIUM=$(CHROMIUM) $(BIN)/python tests/bench/search_bench.py --reports 10000

# xxgk build on 1,000 and 10,000 reports (add 100000 to SIZES for the province-sized run: about 40 minutes).
SIZES ?= 1000 10000
bench-build: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python tests/bench/run.py --sizes $(SIZES)

clean:
	rm -rf site .site-* .xxgk-cache $(VENV) .pytest_cache
