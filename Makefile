# Two commands do all the set-up on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make demo` works in its own folder: its database and workbooks never touch a clerk's tcxd.db.
DEMO_DIR := demo
DEMO_YEAR := 2025
# `make install` links the `tcxd` command into this folder, which is on the PATH of most systems.
INSTALL_DIR ?= $(HOME)/.local/bin

.PHONY: demo install test test-fast bench bench-small stress lint format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py --dir $(DEMO_DIR) --data sample_data --year $(DEMO_YEAR)

# A link, not a copy: the command follows this folder's .venv. An existing `tcxd` there that is
# not a link to this folder's is left alone.
install: $(STAMP)
	@mkdir -p "$(INSTALL_DIR)"
	@target="$(CURDIR)/$(BIN)/tcxd"; link="$(INSTALL_DIR)/tcxd"; \
	if [ -e "$$link" ] && [ "$$(readlink "$$link")" != "$$target" ]; then \
		echo "Đã có $$link (không phải liên kết tới $$target): không ghi đè. Xóa hoặc đổi tên nó rồi chạy lại."; exit 1; \
	fi; \
	ln -sfn "$$target" "$$link"; \
	echo "Đã đặt lệnh tcxd vào $$link (liên kết tới $$target)."; \
	case ":$$PATH:" in *":$(INSTALL_DIR):"*) echo "Mở cửa sổ dòng lệnh mới rồi gõ: tcxd --help";; \
	*) echo "Thư mục $(INSTALL_DIR) chưa có trong PATH: thêm dòng export PATH=\"$(INSTALL_DIR):\$$PATH\" vào ~/.bashrc (hoặc ~/.zshrc), rồi mở cửa sổ dòng lệnh mới.";; esac

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The edit-test loop: everything but the slow tier (tests/conftest.py, SLOW: whole sample
# provinces, subprocesses, the foreign corpus, PostgreSQL). `make test` runs it all.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -x -q -n 2 -m "not slow"

bench: $(STAMP)
	$(BIN)/python bench/run.py --size all

bench-small: $(STAMP)
	$(BIN)/python bench/run.py --size small

stress: $(STAMP)
	TCXD_STRESS=1 $(BIN)/python -m pytest -m stress

# ruff; the layers of docs/design.md and no import cycles (import-linter, contracts in
# pyproject.toml); types (mypy); no reference left to a module's old place (tools/relayout.py).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python tools/relayout.py --check

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .hypothesis $(DEMO_DIR)
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
