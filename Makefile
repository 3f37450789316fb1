# Everything a newcomer needs: `make generate` and `make test` set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help setup generate check validate test lint typecheck clean

help:
	@echo "make generate   regenerate every client in generated/ from specs/"
	@echo "make test       run the whole test suite (golden, units, clients over HTTP, static checks)"
	@echo "make check      fail with a diff when generated/ is stale or was edited by hand"
	@echo "make validate   validate the specs only"
	@echo "make lint       ruff over generator/, generated/ and tests/"
	@echo "make typecheck  mypy --strict over generator/ and generated/"

# the virtual environment is rebuilt whenever pyproject.toml changes
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

generate: $(STAMP)
	$(BIN)/clientgen generate

check: $(STAMP)
	$(BIN)/clientgen check

validate: $(STAMP)
	$(BIN)/clientgen validate

lint: $(STAMP)
	$(BIN)/ruff check generator tests generated

typecheck: $(STAMP)
	$(BIN)/mypy generator
	cd generated && ../$(BIN)/mypy --strict --cache-dir ../.mypy_cache $$(ls -d */ | tr -d /)

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
