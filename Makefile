# AR Desk — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
# pytest workers of `make test` (one per core of the 2-core CI machine; 0 runs in one process)
TEST_WORKERS ?= 2

.PHONY: run test bench load lint format init clean-data

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

## Create/migrate the database, load the demo data when it is empty, serve on http://localhost:8501
run: $(VENV)/.installed
	$(PY) -m ar_core init
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.address localhost

## Run the whole pytest suite (PostgreSQL and browser tests run when CI=true or when configured)
test: $(VENV)/.installed
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

## Benchmarks with 1,000,000 open items (BENCH_ITEMS to change); prints figures, never fails on budget
bench: $(VENV)/.installed
	$(PY) -m tools.bench

## Load test (not in `make test`): 8 browser sessions (Debian chromium) on a 1,000,000-item store for 3 min.
## The store is built once in $(LOAD_DIR); quick check: make load LOAD_DIR=data/load-50k LOAD_ARGS="--items 50000 --minutes 1"
LOAD_DIR ?= data/load
load: $(VENV)/.installed
	$(PY) -m tools.load --data-dir $(LOAD_DIR) $(LOAD_ARGS)

init: $(VENV)/.installed
	$(PY) -m ar_core init

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
