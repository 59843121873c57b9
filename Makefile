# Budgetopfølgning: `make run` starts the app (`make run PORT=8013` on another port), `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run serve worker beat test lint migrate demo clean screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# `make run KOMMUNE=eksempel` loads the fictitious Fjordby Kommune (fixtures/eksempel/) instead of Ballerup, into a
# database file of its own, since one installation serves one kommune.
KOMMUNE ?= ballerup
ifeq ($(KOMMUNE),eksempel)
export DATABASE_URL ?= sqlite:///eksempel.sqlite3
endif

demo: migrate
	$(BIN)/python manage.py demo --kommune $(KOMMUNE)

PORT ?= 8000

run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production: gunicorn with DJANGO_ENV=production; SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS and the GUNICORN_*
# variables come from the environment (docs/drift.md, docs/env.example).
serve: install
	DJANGO_ENV=production $(BIN)/python manage.py migrate --noinput
	DJANGO_ENV=production $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_ENV=production $(BIN)/gunicorn -c config/gunicorn.py

# Background jobs (the Bilag after a lock) when CELERY_BROKER_URL names Redis or RabbitMQ; without it they run in
# the web process and no worker is needed.
worker: install
	$(BIN)/celery -A config worker --loglevel=INFO

# The daily deadline reminders (one beat per installation); cron with `manage.py send_paamindelser` also does.
beat: install
	$(BIN)/celery -A config beat --loglevel=INFO --schedule /tmp/budgetopfolgning-beat

test: install
	$(BIN)/pytest

screenshots: install
	SKAERMBILLEDER=1 $(BIN)/pytest tests/test_browser.py -k "AxeTests"

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles
