# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# make backup's rotation: the newest archive of each of the last 7 days and of the last 4 weeks
KEEP_DAILY ?= 7
KEEP_WEEKLY ?= 4

HOST ?= 127.0.0.1
WORKERS ?= 2

.PHONY: run test lint messages install install-dev serve loadtest backup restore bench

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load the demo content with its accounts, serve on 127.0.0.1:$(PORT)
## (SITE_URL, the address in emails and feeds, follows PORT: website/settings/dev.py)
run: install
	PORT=$(PORT) $(PY) manage.py migrate --no-input
	PORT=$(PORT) $(PY) manage.py load_demo_content --with-accounts
	PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test: install the test dependencies and run the whole suite (SQLite, or DATABASE_URL),
## on every core (pytest-xdist; browser tests stay together on one worker)
test: install-dev
	$(PY) -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

## make lint: ruff over the whole tree
lint: install-dev
	$(VENV)/bin/ruff check .

## make messages: refresh the French catalogue after changing strings (needs gettext)
messages: install
	$(PY) manage.py makemessages --locale fr --no-obsolete --ignore ".venv/*" --ignore "staticfiles/*"
	$(PY) manage.py compilemessages --locale fr --ignore ".venv/*"

## make backup: one dated archive (database, media, documents, manifest) into BACKUP_DIR
## (backups/ by default), then older archives deleted but for KEEP_DAILY days and KEEP_WEEKLY
## weeks; safe while the site runs. See the README, "Opérations / Operations".
backup: install
	$(PY) manage.py backup --keep-daily $(KEEP_DAILY) --keep-weekly $(KEEP_WEEKLY)

## make restore FILE=backups/raa-YYYYMMDD-HHMMSS.tar.gz: restore it into an empty database and
## empty media and documents folders (FORCE=1 replaces what they hold)
restore: install
	@test -n "$(FILE)" || { echo "Usage : make restore FILE=backups/raa-AAAAMMJJ-HHMMSS.tar.gz [FORCE=1]" >&2; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

## make serve: the site in production mode on one machine (website/settings/serve.py): gunicorn
## with $(WORKERS) workers on $(HOST):$(PORT), DEBUG off, whitenoise's compressed hashed static
## files, the task worker beside it. SQLite (db.sqlite3) unless DATABASE_URL is set; a local
## secret key in .secret_key (made once, never committed) unless SECRET_KEY is set. Migrates,
## and loads the demo content with its accounts only when the database is empty.
SERVE_ENV = DJANGO_SETTINGS_MODULE=website.settings.serve \
	SECRET_KEY="$${SECRET_KEY:-$$(cat .secret_key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" \
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/db.sqlite3}"

.secret_key:
	umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: install $(if $(SECRET_KEY),,.secret_key)
	$(SERVE_ENV) $(PY) manage.py migrate --no-input
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	$(SERVE_ENV) DJANGO_SETTINGS_MODULE=website.settings.dev DEBUG=true \
		$(PY) manage.py load_demo_content --with-accounts --if-empty
	$(SERVE_ENV) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(SERVE_ENV) $(VENV)/bin/gunicorn website.wsgi:application --workers $(WORKERS) \
		--bind $(HOST):$(PORT) --no-control-socket --access-logfile - --access-logformat '%(s)s %(m)s %(U)s %(M)sms'

## make loadtest: 50 simulated members (locust) log in, read, comment and follow for 60 s against
## `make serve` on a free port (loadtest.sqlite3, or DATABASE_URL); prints requests, errors and
## percentiles, then checks that each comment posted is stored exactly once (exit 1 otherwise)
loadtest: install-dev
	$(PY) loadtest/run.py

## make bench: the site's speed at two sizes of synthetic content (BENCH_SCALES, "1 50"):
## its own SQLite files (bench/bench-scale-N.sqlite3, rebuilt when the migrations change) or,
## with BENCH_DATABASE=postgresql, its own databases raa_bench_scale_N on the server of
## BENCH_DATABASE_URL (postgresql://postgres@127.0.0.1:5432/postgres; any other database is refused),
## `make serve` on a free port, BENCH_SECONDS (10) of load per page, anonymous and as the demo
## member: req/s, p50/p95/p99, server CPU and SQL queries per page, the static file as the
## ceiling, worker memory; tables printed and written to bench/results-YYYYMMDD-HHMM.md
bench: install-dev
	$(PY) bench/run.py
