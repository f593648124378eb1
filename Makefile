# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
UV_ENV := .venv-uv
UV := $(UV_ENV)/bin/uv
# Never download an interpreter: the machine's Python (see FIND_PYTHON) is the one.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run serve test lint typecheck format migrations bench clean lock

# Pick an interpreter of 3.12 or newer: the committed .python-version makes
# pyenv's python3 resolve to 3.13; the machine's default python3 is 3.11,
# on which an older Django would be the newest that fits.
FIND_PYTHON = found=""; \
	for cand in python3 python3.13 python3.12 python3.14; do \
	  if command -v $$cand >/dev/null 2>&1 && $$cand -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then found=$$cand; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "Python 3.12 or newer is needed (found: $$(python3 --version 2>&1))."; \
	  echo "Install it (e.g. 'pyenv install 3.13') and run make again."; exit 1; \
	fi

# uv installs exactly what uv.lock names (versions and hashes), from PyPI. uv itself
# lives in its own small virtualenv, installed by pip from hash-checked pins.
$(UV):
	@set -e; $(FIND_PYTHON); \
	$$found -m venv $(UV_ENV); \
	$(UV_ENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/uv.txt

$(PY): | $(UV)
	@set -e; $(FIND_PYTHON); \
	echo "Creating $(VENV) with $$($$found --version)"; \
	$(UV) venv --quiet --python "$$(command -v $$found)" $(VENV)

# --locked: install from uv.lock and fail if it no longer matches pyproject.toml
# (then run `make lock`). The default group (dev) comes too: one venv for run and test.
# --compile-bytecode, as pip does: imports stay fast even where PYTHONDONTWRITEBYTECODE is set.
# XStatic-Bootstrap is built from its sdist under a build constraint (pyproject.toml).
$(STAMP): pyproject.toml uv.lock Makefile | $(PY)
	@$(UV) sync --locked --quiet --compile-bytecode --python $(PY) || { \
	  echo "Installing from uv.lock failed. If uv says the lock file needs to be updated,"; \
	  echo "pyproject.toml changed: run 'make lock' and commit uv.lock."; exit 1; }
	@$(PY) -c 'import django, sys; v = django.VERSION; sys.exit(0 if v[:2] == (6, 1) else "Django 6.1 expected, found %s" % django.get_version())'
	@touch $(STAMP)

# After editing the dependencies in pyproject.toml: resolve again and write uv.lock.
# `make lock UV_LOCK_ARGS=--upgrade` moves everything to the newest allowed versions.
lock: | $(UV)
	$(UV) lock $(UV_LOCK_ARGS)

# Links in the demo's emails point at this server.
run: export SPA_SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	@# Byte-compile the project's own modules once, so each process below need not
	@# (PYTHONDONTWRITEBYTECODE may be set); a no-op when nothing changed.
	@$(PY) -m compileall -q spa house points bookings pagecache >/dev/null
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
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

# The suite runs with DEBUG off, as production does; it needs some secret key. It runs
# on every core (pytest-xdist; each worker has its own test database, live server and
# browser); a worker that finishes early takes tests from the other (worksteal).
# TEST_WORKERS=0 runs it in this one process (e.g. for pdb).
TEST_WORKERS ?= auto
test: $(STAMP)
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-test-only-not-secret-$$RANDOM$$RANDOM} $(PY) -m pytest \
	  $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal) $(PYTEST_ARGS)

# The performance benchmark (bench/README.md): not part of `make test`. It builds its own
# data set under bench/.data/, runs gunicorn as `serve` does on BENCH_PORT (8100) and
# wrk against every page, and writes its table to bench/out/. E.g.
# make bench BENCH_ARGS="--rounds 5 --seconds 10" or BENCH_ARGS="--scale 5".
bench: $(STAMP)
	$(PY) -m bench.run $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs (settings in pyproject.toml); the plugin imports the settings.
typecheck: $(STAMP)
	DJANGO_DEBUG=1 $(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations

clean:
	rm -rf $(VENV) $(UV_ENV) data staticfiles bench/.data
