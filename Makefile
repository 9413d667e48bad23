# Two commands: `make run` (the product with demo data) and `make test` (everything CI runs).
# Only Python 3.11+ is needed; the rest comes from requirements*.txt into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

.PHONY: run test lint bench venv clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

run: venv
	$(PY) -m config.devstack run

# DEMO_DATA_DIR is cleared: the suite proves a bare clone needs nothing outside the repository.
test: venv
	DEMO_DATA_DIR= $(PY) -m config.devstack exec -- $(PY) -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory lint

# Settings that load without a database or Redis: mypy's Django plugin and the migrations check read
# the models only (the migrations check's warning that it cannot reach the database is silenced).
LINT_ENV := DJANGO_DEBUG=1 DATABASE_URL=postgres://lint@localhost/lint REDIS_URL=redis://localhost:6379/0

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(LINT_ENV) $(VENV)/bin/mypy
	$(LINT_ENV) $(PY) -W ignore::RuntimeWarning manage.py makemigrations --check --dry-run

bench: venv
	$(PY) -m config.devstack exec -- $(PY) -m bench.runner

clean:
	rm -rf var/redis-* var/screenshots .pytest_cache .mypy_cache .ruff_cache
