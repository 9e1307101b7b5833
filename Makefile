# AR Desk — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test bench lint format init clean-data

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
	$(PY) -m pytest -q

## Benchmarks with 1,000,000 open items (BENCH_ITEMS to change); prints figures, never fails on budget
bench: $(VENV)/.installed
	$(PY) -m tools.bench

init: $(VENV)/.installed
	$(PY) -m ar_core init

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
