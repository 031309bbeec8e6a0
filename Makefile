# Two entry points on a fresh machine: `make demo` and `make test`.
# Everything they need is installed into .venv by the `install` target.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo generate test lint typecheck bench clean

$(STAMP): pyproject.toml generated/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet -e generated/python --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

generate: install
	$(BIN)/contracts generate

demo: generate
	npm install --prefix examples/node --no-audit --no-fund --silent
	$(PY) examples/demo.py

lint: install
	$(BIN)/ruff check codegen runtime tests benchmarks examples
	$(BIN)/ruff format --check codegen runtime tests benchmarks examples

typecheck: install
	$(BIN)/mypy codegen runtime
	$(BIN)/mypy --strict examples

test: lint typecheck
	$(BIN)/contracts check
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/codegen.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
