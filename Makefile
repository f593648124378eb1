# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run serve test lint format migrations bench clean

# Pick an interpreter of 3.12 or newer: the committed .python-version makes
# pyenv's python3 resolve to 3.13; the machine's default python3 is 3.11,
# on which pip would quietly install an older Django.
$(PY):
	@set -e; found=""; \
	for cand in python3 python3.13 python3.12 python3.14; do \
	  if command -v $$cand >/dev/null 2>&1 && $$cand -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then found=$$cand; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "Python 3.12 or newer is needed (found: $$(python3 --version 2>&1))."; \
	  echo "Install it (e.g. 'pyenv install 3.13') and run make again."; exit 1; \
	fi; \
	echo "Creating $(VENV) with $$($$found --version)"; \
	$$found -m venv $(VENV)

# XStatic-Bootstrap ships only as an sdist whose setup imports pkg_resources,
# which current setuptools no longer has: build it against setuptools<81, then
# bring pip and setuptools back to their latest releases (nothing imports
# pkg_resources at run time, and the supply-chain audit covers them too).
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check "setuptools>=69,<81" wheel
	$(PY) -m pip install --quiet --disable-pip-version-check --no-build-isolation "XStatic-Bootstrap>=5.3,<5.4"
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@$(PY) -c 'import django, sys; v = django.VERSION; sys.exit(0 if v[:2] == (6, 1) else "Django 6.1 expected, found %s" % django.get_version())'
	@touch $(STAMP)

# Links in the demo's emails point at this server.
run: export SPA_SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_starter_library
	DJANGO_DEBUG=1 $(PY) manage.py load_starter_questionnaire
	DJANGO_DEBUG=1 $(PY) manage.py load_demo_spa
	DJANGO_DEBUG=1 $(PY) manage.py ensure_demo_staff
	@# The worker sends the queued emails; Ctrl-C stops the server, and the trap the worker.
	@export DJANGO_DEBUG=1; \
	$(PY) manage.py run_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# A production-like local run: DEBUG off, static files collected and served
# compressed by WhiteNoise, gunicorn with two sync workers. Plain HTTP on
# loopback, so no SSL redirect and no Secure cookies; a throwaway secret key
# unless one is set. Demo content comes from `make run`. The mail worker
# (`manage.py run_worker`) runs beside gunicorn, as in production.
serve: export SPA_SITE_URL ?= http://127.0.0.1:$(PORT)
serve: $(STAMP)
	@set -e; \
	export DJANGO_ENV=development DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0; \
	export DATABASE_CONN_MAX_AGE="$${DATABASE_CONN_MAX_AGE:-60}"; \
	export DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}"; \
	$(PY) manage.py collectstatic --no-input --verbosity 0; \
	$(PY) manage.py migrate --no-input --verbosity 0; \
	no_control_socket=$$($(VENV)/bin/gunicorn --help | grep -o -m1 -- '--no-control-socket' || true); \
	echo "Serving on http://127.0.0.1:$(PORT) with the mail worker (DEBUG off; Ctrl-C stops both)"; \
	$(PY) manage.py run_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn spa.wsgi --worker-class sync --workers 2 \
	  --bind 127.0.0.1:$(PORT) --access-logfile - \
	  --logger-class spa.gunicorn_logging.RedactingLogger $$no_control_socket

# The suite runs with DEBUG off, as production does; it needs some secret key.
test: $(STAMP)
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-test-only-not-secret-$$RANDOM$$RANDOM} $(PY) -m pytest $(PYTEST_ARGS)

# The performance benchmark (bench/README.md): not part of `make test`. It builds its own
# data set under bench/.data/, runs gunicorn as `serve` does on BENCH_PORT (8100) and
# wrk against every page, and writes its table to bench/out/. E.g.
# make bench BENCH_ARGS="--rounds 5 --seconds 10" or BENCH_ARGS="--scale 5".
bench: $(STAMP)
	$(PY) -m bench.run $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations

clean:
	rm -rf $(VENV) data staticfiles bench/.data
