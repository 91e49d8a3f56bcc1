# ohlora: `make demo` sets up and runs the main job; `make test` sets up and runs the tests;
# `make lint` checks style, format and the import layers.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check

.PHONY: setup demo test lint bench browser fuzz mutate clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/base.txt requirements/mediapipe.txt requirements/dev.txt requirements/ray.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements/base.txt -r requirements/dev.txt -r requirements/ray.txt
	$(PIP) install -q --no-deps -r requirements/mediapipe.txt
	$(PIP) install -q --no-deps -e .
	touch $@

# Debian's chromium for the real-browser tests (playwright's own browser download does not work here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: setup
	$(VENV)/bin/ohlora demo

test: setup browser
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/lint-imports

# The robustness suite with many more generated bad inputs (tests/robustness; CI runs 30 each).
fuzz: setup
	OHLORA_FUZZ=1 $(PY) -m pytest -q tests/robustness

# Deliberate breaks of the core behaviours, one at a time, against their tests (scripts/mutate.py;
# a few minutes, not part of `make test`).
mutate: setup
	$(PY) scripts/mutate.py

bench: setup
	$(PY) benchmarks/sample_throughput.py

clean:
	rm -rf $(VENV) build *.egg-info
