# Two entry points on a fresh machine: `make demo` and `make test`.
# Everything they need is installed into .venv by the `install` target.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-deps demo generate node-runtime test test-fast lint typecheck bench clean

# redis-server (tests and the demo start their own) and Node 20 with npm.
system-deps:
	@command -v redis-server >/dev/null || { \
	  echo "installing redis-server from Debian's packages"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server >/dev/null; }
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "Node 20 and npm are needed (https://nodejs.org or your package manager)"; exit 1; }

$(STAMP): pyproject.toml generated/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq -e '.[dev]'
	$(PY) -m pip install -qq -e generated/python --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP) system-deps

generate: install
	$(BIN)/contracts generate

# The Node runtime: TypeScript in runtime/node/src, compiled into runtime/node/compiled
# (checked in; the generated npm package ships it, so its users build nothing). Run it
# after changing src/, then `make generate`; tests/test_node_runtime_build.py fails
# while compiled/ is stale.
node-runtime: system-deps
	npm ci --prefix runtime/node --no-audit --no-fund --silent
	rm -rf runtime/node/compiled
	cd runtime/node && npx --no-install tsc -p tsconfig.json

demo: generate
	rm -rf examples/node/node_modules/@platform  # a fresh copy of generated/ts
	npm install --prefix examples/node --no-audit --no-fund --silent
	$(PY) examples/demo.py
	$(PY) examples/streams_demo.py
	$(PY) examples/http_demo.py

lint: install
	$(BIN)/ruff check codegen runtime tests benchmarks examples
	$(BIN)/ruff format --check codegen runtime tests benchmarks examples

# mypy --strict (pyproject) on everything but the golden snapshots: the Python under
# tests/golden/*/expected/ lacks the _support/ that generation copies in verbatim,
# so it cannot be checked where it lies; tests/test_typecheck.py checks each golden
# package whole (and tests/test_golden.py that it equals the snapshot).
typecheck: install
	$(BIN)/mypy codegen runtime
	$(BIN)/mypy --strict examples
	$(BIN)/mypy --explicit-package-bases benchmarks tests \
	  --exclude '^tests/golden/[^/]+/expected/'

test: lint typecheck
	$(BIN)/contracts check
	$(BIN)/contracts drift
	$(PY) -m pytest

# The inner loop (under a minute): lint, types, and every test that needs neither
# Redis nor Node and is not slow. `make test` stays the full gate.
test-fast: lint typecheck
	$(BIN)/contracts check
	$(PY) -m pytest -q -m "not slow and not node and not redis"

bench: install
	$(PY) benchmarks/codegen.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
