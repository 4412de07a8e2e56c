# Two commands on a fresh machine: `make run` (the app with demo data) and `make test`.
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

.PHONY: run test setup setup-test migrate demo-data reset-demo unit e2e bench clean

run: setup migrate demo-data ## Set up, migrate, load demo data and serve on :3000
	CLOUDLINK_DEMO_MODE=$${CLOUDLINK_DEMO_MODE:-1} $(BIN)/reflex run --env dev --frontend-port 3000 --backend-port 8000

test: setup-test ## Set up everything, then the unit and browser tests
	$(BIN)/python -m pytest tests/unit tests/production
	@# Playwright's event loop clashes with pytest-asyncio: browser tests run on their own.
	$(BIN)/python -m pytest tests/e2e

setup: $(VENV)/.installed $(BUN)

setup-test: setup $(VENV)/.installed-dev /usr/bin/chromium

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

reset-demo: setup migrate ## Drop every customer and load the demo customers again
	$(BIN)/python -m cloudlink_app.demo_data --reset

bench: setup-test ## Run the benchmarks and print their figures
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .tools .web .states
