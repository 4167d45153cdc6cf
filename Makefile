# The README's two commands are `make demo` and `make test`; everything else supports them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOUSEHOLDS ?= 20000
STRUCTURE ?= 2025
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test e2e install assets messages migrate-check lint bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed node_modules/.package-lock.json messages

assets: node_modules/.package-lock.json

messages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

# Install, migrate, load Đà Nẵng's units, generate demo data, print the logins and serve the portal.
demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py load_standards
	DEBUG=1 $(PY) manage.py load_holidays
	DEBUG=1 $(PY) manage.py load_support_policies
	DEBUG=1 $(PY) manage.py seed_demo --structure $(STRUCTURE) --households $(HOUSEHOLDS)
	DEBUG=1 $(PY) manage.py seed_review_demo
	DEBUG=1 $(PY) manage.py seed_policy_demo
	@echo "Open http://127.0.0.1:$(PORT)/ and log in with one of the accounts above."
	@# The task worker builds long Excel exports; it runs beside the server and stops with it.
	DEBUG=1 $(PY) manage.py db_worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole test suite (DATABASE_URL picks the database; SQLite when unset).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Real-browser journeys (Debian's chromium: apt-get install chromium); screenshots in tests/e2e/screenshots/.
e2e: install
	$(PY) -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

migrate-check: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

bench: install
	bash bench/seed_city.sh $(BENCH_HOUSEHOLDS)

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
