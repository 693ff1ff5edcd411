# Two commands set everything up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

CHROMIUM := $(or $(CHROMIUM_PATH),/usr/bin/chromium)

.PHONY: install run test lint browser bench migrate demo worker clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo

run: demo
	DEBUG=$${DEBUG:-1} PORT=$(PORT) PY=$(PY) bash bin/run-dev

worker: install
	$(PY) manage.py db_worker

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The browser tests drive Debian's chromium; without it they would be skipped, and
# `make test` must run the whole suite.
browser:
	@test -x $(CHROMIUM) || { \
	  echo "== installing Debian's chromium for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test: lint browser
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

bench: install
	$(PY) bench/cfdi_validate.py
	$(PY) bench/upload.py
	$(PY) bench/upload.py --pg

clean:
	rm -rf $(VENV) var/db.sqlite3* var/mail var/screenshots
