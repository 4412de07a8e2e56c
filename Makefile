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
.PHONY: help run serve topology test lint format unit e2e setup setup-dev setup-test migrate demo-data \
	reset-demo bench clean catalogs catalogs-compile

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) \
		| awk -F ':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

# Demo mode unless CLOUDLINK_DEMO_MODE is set (an empty value is not demo mode: the app
# then refuses to start with the demo accounts), for the app and for loading its demo
# data (the invitations of the demo admin contacts need the demo secret key). The demo
# is the production build and server on localhost:3000 only, with the same security
# headers (cloudlink_app/serve.py --demo; built again only when the sources changed).
DEMO_MODE := CLOUDLINK_DEMO_MODE=$${CLOUDLINK_DEMO_MODE-1}
run: setup migrate demo-data ## Set up, migrate, load demo data and serve on localhost:3000
	$(DEMO_MODE) $(BIN)/python -m cloudlink_app.serve --demo --host 127.0.0.1 --port 3000

# Production (docs/deployment.md): PostgreSQL (REFLEX_DB_URL), Redis
# (REFLEX_REDIS_URL; needed for CLOUDLINK_WORKERS > 1), REFLEX_DEPLOY_URL and
# CLOUDLINK_SECRET_KEY from the environment. It checks them, migrates, builds the pages
# for the deploy URL and serves pages and backend on HOST:PORT. SERVE_FLAGS=--no-build
# serves the build already there (a second process on this machine).
HOST ?= 127.0.0.1
PORT ?= 8000
SERVE_FLAGS ?=
serve: setup ## Production: check, migrate, build, serve on HOST:PORT (PostgreSQL, Redis)
	$(BIN)/python -m cloudlink_app.serve --host $(HOST) --port $(PORT) $(SERVE_FLAGS)

test: setup-test lint unit e2e topology ## Set up everything, then lint, unit, browser and topology tests

lint: setup-dev ## Ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup-dev ## Format the code and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The production tests' PostgreSQL and Redis: the machine's own when they answer at the
# tests' URLs (tests/support/postgres.py), else throwaway ones on free ports for this run
# only (tests/support/services.py). CLOUDLINK_TEST_OWN_SERVICES=1 always starts throwaway
# ones (the fresh-machine path, leaving the machine's servers alone).
WITH_SERVICES := $(BIN)/python -m tests.support.services --

unit: setup-dev test-deps ## Unit and production tests (PostgreSQL, Redis)
	$(WITH_SERVICES) $(BIN)/python -m pytest tests/unit tests/production

e2e: setup-test ## Browser tests (Playwright's event loop clashes with pytest-asyncio: own run)
	$(WITH_SERVICES) $(BIN)/python -m pytest tests/e2e

# The browser tests marked topology and faults again, through nginx in front of two
# `make serve` instances with two workers each, on PostgreSQL and Redis
# (tests/support/topology.py); then the production tests marked workers (servers
# started with three worker processes, both ways: slow).
topology: setup-test ## Browser tests through nginx, two app instances, PostgreSQL, Redis
	CLOUDLINK_TEST_TOPOLOGY=1 $(WITH_SERVICES) $(BIN)/python -m pytest tests/e2e
	CLOUDLINK_TEST_TOPOLOGY=1 $(WITH_SERVICES) $(BIN)/python -m pytest tests/production -m workers

# Translations (docs/translations.md): Babel's gettext catalogs, msgid = key. The .mo
# files are made here from the .po files (gitignored, never committed).
LOCALE_DIR := cloudlink_app/locale
POT := $(LOCALE_DIR)/messages.pot
MO_FILES = $(patsubst %.po,%.mo,$(wildcard $(LOCALE_DIR)/*/LC_MESSAGES/messages.po))

setup: $(VENV)/.installed $(BUN) $(MO_FILES) ## Install the app's dependencies and bun, compile the catalogs

catalogs: $(VENV)/.installed ## Extract the keys into messages.pot, update every language's .po
	$(BIN)/pybabel extract -F babel.cfg --sort-output --add-location=file -o $(POT) cloudlink_app
	$(BIN)/python -m cloudlink_app.locale.keys $(POT)
	$(BIN)/pybabel update -i $(POT) -d $(LOCALE_DIR) --no-fuzzy-matching

catalogs-compile: $(MO_FILES) ## Compile every language's .po into its .mo

$(LOCALE_DIR)/%/LC_MESSAGES/messages.mo: $(LOCALE_DIR)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@ -l $*

setup-dev: setup $(VENV)/.installed-dev ## setup, plus the test and lint tools

setup-test: setup-dev test-deps /usr/bin/chromium ## setup-dev, plus Debian's Chromium, PostgreSQL, Redis, nginx

# Debian's postgresql, redis-server and nginx, in one apt-get update + install, only when
# their binaries are missing. A server a package starts is used only if it answers at the
# tests' default URL (Debian's PostgreSQL does not: no trust login, no database `test`).
APT_GET ?= apt-get
.PHONY: test-deps
test-deps: ## Debian's PostgreSQL, Redis and nginx (with brotli), when missing
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -x /usr/bin/redis-server || missing="$$missing redis-server"; \
	test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	test -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so \
		|| missing="$$missing libnginx-mod-http-brotli-static"; \
	if [ -n "$$missing" ]; then \
		$(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq $$missing; \
	fi

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
	$(DEMO_MODE) $(BIN)/python -m cloudlink_app.demo_data

reset-demo: setup migrate ## Drop every customer, load the demo ones again (demo databases only)
	$(DEMO_MODE) $(BIN)/python -m cloudlink_app.demo_data --reset

# The event benchmark runs on the production topology too (bench/_topology.py): nginx,
# PostgreSQL and redis-server from test-deps, throwaway servers of its own.
bench: setup-dev test-deps bench-setup ## Run the benchmarks and print their figures (bench/README.md)
	$(BIN)/python -m bench

# The page-load benchmark's Lighthouse (npm) in .tools/lighthouse, and Debian's Chromium.
LIGHTHOUSE_DIR := .tools/lighthouse
LIGHTHOUSE := $(LIGHTHOUSE_DIR)/node_modules/lighthouse/cli/index.js
.PHONY: bench-setup
bench-setup: $(LIGHTHOUSE) /usr/bin/chromium ## Lighthouse and Chromium for make bench
$(LIGHTHOUSE):
	mkdir -p $(LIGHTHOUSE_DIR)
	npm install --silent --no-audit --no-fund --prefix $(LIGHTHOUSE_DIR) lighthouse@13.5.0
	test -f $(LIGHTHOUSE)

clean: ## Remove the virtualenv, bun and Reflex's build and state folders
	rm -rf $(VENV) .tools .web .states
