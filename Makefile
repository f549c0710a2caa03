# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TOCSIN_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint bench demo clean-data

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## run: create the store if needed, load the demo dataset once, serve on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/tocsin init
	$(BIN)/tocsin demo load --if-empty
	$(BIN)/tocsin serve --host 127.0.0.1 --port 8000 --with-worker

## test: lint and type checks, then the whole suite on SQLite and on a throwaway PostgreSQL
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy
	scripts/with-postgres.sh $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

## bench: run every benchmark; each writes benchmarks/results/NAME.json
bench: $(STAMP)
	scripts/with-postgres.sh sh -c 'for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done'

clean-data:
	rm -rf var
