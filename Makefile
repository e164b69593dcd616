# classguard: `make demo` shows it working, `make test` checks everything.
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: all demo test lint typecheck layers pytest bench venv clean

all: test

venv:
	@bash .ci/bootstrap

demo: venv
	@$(PY) examples/demo.py

test: venv
	@echo "== ruff"
	@$(BIN)/ruff check --config .ci/ruff.toml .
	@$(BIN)/ruff format --config .ci/ruff.toml --check .
	@echo "== mypy (strict on policies/)"
	@$(BIN)/mypy
	@echo "== import-linter (the layering of DESIGN.md)"
	@$(BIN)/lint-imports --no-cache
	@echo "== pytest"
	@# Two workers, one test file each at a time (a file's fixtures, e.g. the end-to-end
	@# school day, stay in one process): about half the time on two cores.
	@$(BIN)/pytest -n 2 --dist loadfile

bench: venv
	@CLASSGUARD_APT_EXTRA="squid tinyproxy" bash .ci/bootstrap
	@$(PY) bench/results.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
