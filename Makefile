# Network Commons — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

## Set up and serve the site with the demo network on SQLite at http://$(HOST):$(PORT)
run: $(VENV)/.installed
	@echo "Migrating the database in var/ ..."
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py load_demo_network
	@echo "Serving Network Commons at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/daphne -b $(HOST) -p $(PORT) cop_site.asgi:application

## Install what the tests need and run the whole suite on PostgreSQL, Redis and Chromium
test: $(VENV)/.installed-dev services
	$(BIN)/python -m pytest $(PYTEST_ARGS)

services:
	bash scripts/install_test_services.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var build *.egg-info .pytest_cache .ruff_cache
