# carers: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Installs come from the lock files in requirements/ (exact versions with their hashes);
# `make lock` remakes them after a change to the dependencies in pyproject.toml.
LOCK := requirements/test.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
FLASK := $(BIN)/flask --app carers
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test bench bench-pg load assets lint lock install migrate demo clean public-base-url

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "carers needs Python 3.11"' \
		|| (echo "Set PYTHON to a Python 3.11 interpreter, e.g. make run PYTHON=python3.11" && false)
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# A local secret key, made once and kept out of git with the rest of instance/, and the
# address of the local server (every link in emails starts with it).
instance/config.py:
	@mkdir -p instance
	@$(PYTHON) -c 'import secrets; print(f"SECRET_KEY = {secrets.token_hex(32)!r}")' > $@
	@echo "Wrote instance/config.py with a new SECRET_KEY."

# An instance/config.py written before PUBLIC_BASE_URL was required gets the local address.
public-base-url: instance/config.py
	@grep -q '^PUBLIC_BASE_URL' instance/config.py || { \
		echo "PUBLIC_BASE_URL = 'http://$(HOST):$(PORT)'" >> instance/config.py; \
		echo "Wrote PUBLIC_BASE_URL = 'http://$(HOST):$(PORT)' to instance/config.py."; }

migrate: $(STAMP) public-base-url
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load

# The web server and, beside it in its own process, the scheduler (every timed job: the
# outbox, the morning digest, reminders). Stopping the server stops the scheduler too.
run: demo
	@echo "Serving carers on http://$(HOST):$(PORT)/ (staff: http://$(HOST):$(PORT)/staff/sign-in)"
	@echo "Starting the scheduler beside it (flask scheduler run)"
	@$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) serve --host $(HOST) --port $(PORT)

# Production serving on this machine: gunicorn (WEB_BIND, WEB_WORKERS, WEB_THREADS; see
# carers/core/gunicorn_conf.py) and the scheduler beside it, against DATABASE_URL. No demo data
# and no migration: run `flask --app carers db upgrade` first, as on an upgrade. Stopping the
# server stops the scheduler too.
serve: $(STAMP)
	@echo "Starting the scheduler beside gunicorn (flask scheduler run)"
	@$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c python:carers.core.gunicorn_conf 'carers:create_app()'

# The suite runs on every core (pytest-xdist), each worker with its own database; the 20
# slowest tests are listed at the end. `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

# The benchmark: seed a throwaway agency, time the service under gunicorn from outside beside
# a bare Flask app (see bench/__main__.py). On SQLite in a temporary directory, or on
# DATABASE_URL when it is set; bench-pg on a fresh local PostgreSQL database.
BENCH_PG_SERVER ?= postgresql+psycopg://postgres@127.0.0.1:5432
BENCH_PG_DATABASE ?= carers_bench
BENCH_PG_URL := $(BENCH_PG_SERVER)/$(BENCH_PG_DATABASE)
LOCUST := locust==2.47.0

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-pg: $(STAMP)
	psql -h 127.0.0.1 -U postgres -q -c 'DROP DATABASE IF EXISTS $(BENCH_PG_DATABASE)' \
		-c 'CREATE DATABASE $(BENCH_PG_DATABASE)'
	$(BIN)/python -m bench --database-url $(BENCH_PG_URL) $(BENCH_ARGS)

# A load test with locust (bench/load/): 50 users for 60 s against gunicorn on a fresh
# PostgreSQL database of 10,000 households; fails if any request failed.
load: $(STAMP)
	$(BIN)/python -m pip install --quiet $(LOCUST)
	psql -h 127.0.0.1 -U postgres -q -c 'DROP DATABASE IF EXISTS $(BENCH_PG_DATABASE)' \
		-c 'CREATE DATABASE $(BENCH_PG_DATABASE)'
	$(BIN)/python -m bench.load --database-url $(BENCH_PG_URL) $(LOAD_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check carers tests bench
	$(BIN)/lint-imports

# Remake the lock files: requirements/main.txt (what a production install needs) and
# requirements/test.txt (that and the tests' tools), for Python 3.11 on Linux.
lock: | $(BIN)/python
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip pip-tools
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements/main.txt pyproject.toml
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --extra test -o requirements/test.txt \
		pyproject.toml

# Rebuild the committed GOV.UK CSS and JavaScript (needs Node.js and npm).
assets:
	npm ci
	bash assets/build.sh

clean:
	rm -rf $(VENV) .venv-lock .pytest_cache .ruff_cache build *.egg-info
