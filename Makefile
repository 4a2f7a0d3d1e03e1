# Two commands do all the set-up on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := tcxd.db
DEMO_OUT := bao-cao
DEMO_YEAR := 2025

.PHONY: demo test test-fast bench bench-small stress lint format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py --db $(DEMO_DB) --data sample_data --out $(DEMO_OUT) --year $(DEMO_YEAR)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(STAMP)
	$(BIN)/python -m pytest -x -q

bench: $(STAMP)
	$(BIN)/python bench/run.py --size all

bench-small: $(STAMP)
	$(BIN)/python bench/run.py --size small

stress: $(STAMP)
	TCXD_STRESS=1 $(BIN)/python -m pytest -m stress

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .hypothesis $(DEMO_OUT) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
