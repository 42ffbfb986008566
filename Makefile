# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# make backup's rotation: the newest archive of each of the last 7 days and of the last 4 weeks
KEEP_DAILY ?= 7
KEEP_WEEKLY ?= 4

.PHONY: run test lint messages install install-dev serve backup restore

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
