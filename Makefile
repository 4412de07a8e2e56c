# Two commands on a fresh machine: `make run` (the app with demo data) and `make test`.
# `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUN_DIR := .tools/bun
BUN := $(CURDIR)/$(BUN_DIR)/node_modules/bun/bin/bun.exe
export REFLEX_BUN_PATH := $(BUN)
export PYTHONDONTWRITEBYTECODE := 1
# Playwright drives Debian's Chromium; it must not try to download a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.DEFAULT_GOAL := help
.PHONY: help run test lint format unit e2e setup setup-dev setup-test migrate demo-data \
	reset-demo bench clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) \
		| awk -F ':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

# Demo mode unless CLOUDLINK_DEMO_MODE is set (an empty value is not demo mode: the app
# then refuses to start with the demo accounts). Both servers listen on 127.0.0.1 only
# (the frontend's address: cloudlink_app/localhost_dev_server.py).
run: setup migrate demo-data ## Set up, migrate, load demo data and serve on localhost:3000
	CLOUDLINK_DEMO_MODE=$${CLOUDLINK_DEMO_MODE-1} $(BIN)/reflex run --env dev \
		--frontend-port 3000 --backend-port 8000 --backend-host 127.0.0.1

test: setup-test lint unit e2e ## Set up everything, then lint, unit and browser tests

lint: setup-dev ## Ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup-dev ## Format the code and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

unit: setup-dev ## Unit and production tests (PostgreSQL, Redis)
	$(BIN)/python -m pytest tests/unit tests/production

e2e: setup-test ## Browser tests (Playwright's event loop clashes with pytest-asyncio: own run)
	$(BIN)/python -m pytest tests/e2e

setup: $(VENV)/.installed $(BUN) ## Install the app's dependencies and bun

setup-dev: setup $(VENV)/.installed-dev ## setup, plus the test and lint tools

setup-test: setup-dev /usr/bin/chromium ## setup-dev, plus Debian's Chromium

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Reflex wants bun and Node >= 22; the npm package carries a bun binary that needs neither.
$(BUN):
	mkdir -p $(BUN_DIR)
	npm install --silent --no-audit --no-fund --prefix $(BUN_DIR) bun@1.4.5
	test -x $(BUN)

/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

migrate: setup ## Apply the database migrations
	$(BIN)/reflex db migrate

demo-data: setup ## Load the demo customers once
	$(BIN)/python -m cloudlink_app.demo_data

reset-demo: setup migrate ## Drop every customer, load the demo ones again (demo databases only)
	$(BIN)/python -m cloudlink_app.demo_data --reset

bench: setup-dev ## Run the benchmarks and print their figures (no browser needed)
	$(BIN)/python -m bench

clean: ## Remove the virtualenv, bun and Reflex's build and state folders
	rm -rf $(VENV) .tools .web .states
