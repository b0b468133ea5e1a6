# Territoires — `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-10)
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/territoires
# The suite runs in parallel (pytest-xdist), one process per core up to four: each worker
# has its own database and imports its own sample, which more workers would not repay.
TEST_WORKERS ?= $(shell n=$$(nproc); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: install run serve dev test test-sqlite test-postgres test-scale scale-check lint format bench verify chromium messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# Prepares everything (idempotent: a second run imports nothing), then serves.
run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py import_territories
	$(BIN)/python manage.py load_demo --accounts
	TERRITOIRES_COLLECTED_STATIC=1 $(BIN)/python manage.py collectstatic --noinput -v0
	$(MAKE) --no-print-directory serve

# The web server and the task queue's worker beside it.
serve:
	TERRITOIRES_COLLECTED_STATIC=1 BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) scripts/serve

dev: install
	TERRITOIRES_DEBUG=1 TERRITOIRES_TASKS=immediate $(BIN)/python manage.py runserver $(HOST):$(PORT)

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive territoires --severity-level high

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install chromium lint test-sqlite test-postgres test-scale

test-sqlite: install
	$(BIN)/pytest -n $(TEST_WORKERS)

# Runs the suite again on PostgreSQL when one answers (starting the local cluster if needed).
test-postgres: install
	@if scripts/postgres-available; then \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(TEST_WORKERS); \
	else \
		echo "NOTICE: no PostgreSQL at 127.0.0.1:5432 — the PostgreSQL run is skipped."; \
	fi

# The production setup of docs/deployment.md started on loopback (PostgreSQL, Redis, two
# uvicorn processes, the RQ worker), then browser journeys and a short load: about 2 minutes.
scale-check: install chromium
	$(BIN)/python -m verify scale_check

# Run by `make test` when PostgreSQL and Redis both answer at 127.0.0.1.
test-scale: install
	@if scripts/postgres-available && $(BIN)/python -c "import redis; redis.Redis('127.0.0.1', socket_connect_timeout=2).ping()" 2>/dev/null; then \
		$(MAKE) --no-print-directory scale-check; \
	else \
		echo "NOTICE: no PostgreSQL and Redis at 127.0.0.1 — the scale check is skipped."; \
	fi

bench: install chromium
	$(BIN)/python -m bench

# Long, bounded checks (faults, scale, deep fuzzing, audits): docs/reliability.md.
verify: install chromium
	$(BIN)/python -m verify

# Refresh the translation catalogues (needs GNU gettext), then translate new English entries.
messages: install
	$(BIN)/python manage.py makemessages -l en -l fr --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete
	$(BIN)/python manage.py compilemessages -l en -l fr --ignore=.venv
