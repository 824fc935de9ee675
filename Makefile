# Developer and CI entry points. `make` alone lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# extra Debian packages for scripts/system-deps.sh (e.g. `chromium` for browser tests)
SYSTEM_PACKAGES_EXTRA ?=

.PHONY: help install system-deps run stack bench-load bench-chaos test lint lint-imports format typecheck migrations-check check-deploy bench clean

help: ## list the targets
	@echo "Usage: make TARGET"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

install: system-deps $(STAMP) ## install Debian packages (if missing) and the virtualenv from uv.lock

system-deps:
	@scripts/system-deps.sh $(SYSTEM_PACKAGES_EXTRA)

$(STAMP): uv.lock pyproject.toml scripts/bootstrap.sh | system-deps
	scripts/bootstrap.sh
	@touch $(STAMP)

run: install ## migrate, seed demo data, run the timer loop and the dev server on 127.0.0.1:8000
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py seed_demo
	@$(PYTHON) manage.py run_timers --loop & timers=$$!; \
	trap 'kill $$timers 2>/dev/null || true; wait $$timers 2>/dev/null || true' EXIT INT TERM; \
	$(PYTHON) manage.py runserver 127.0.0.1:8000

stack: install ## the production stack here: PostgreSQL, Redis, gunicorn, Celery worker and beat (Ctrl-C stops it)
	scripts/with-postgres.sh scripts/stack.sh

test: install ## the whole suite: checks, pytest on a throwaway PostgreSQL, then SQLite
	scripts/with-postgres.sh scripts/test-suite.sh

lint: install ## ruff check, ruff format --check, djlint --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@if [ -n "$$(find templates -name '*.html' -print -quit 2>/dev/null)" ]; then \
		echo "$(VENV)/bin/djlint --check --profile=django templates"; \
		$(VENV)/bin/djlint --check --profile=django templates; \
	fi

lint-imports: install ## import-linter: the layers and forbidden imports in pyproject.toml
	$(VENV)/bin/lint-imports --no-cache

format: install ## apply ruff fixes and formatting, djlint reformat
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	@if [ -n "$$(find templates -name '*.html' -print -quit 2>/dev/null)" ]; then \
		echo "$(VENV)/bin/djlint --reformat --profile=django templates"; \
		$(VENV)/bin/djlint --reformat --profile=django templates; \
	fi

typecheck: install ## mypy
	$(VENV)/bin/mypy .

migrations-check: install ## fail if a model change has no migration
	DJANGO_SETTINGS_MODULE=config.settings.test $(PYTHON) manage.py makemigrations --check --dry-run

check-deploy: install ## Django's deployment checks with the production settings
	DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" \
	DJANGO_ALLOWED_HOSTS=resolve.example.org \
	$(PYTHON) manage.py check --deploy --fail-level WARNING

bench: install ## timer, report, page and transition benchmarks on a throwaway PostgreSQL
	scripts/with-postgres.sh $(PYTHON) benches/timers.py
	scripts/with-postgres.sh $(PYTHON) benches/report.py
	scripts/with-postgres.sh $(PYTHON) benches/pages.py
	scripts/with-postgres.sh $(PYTHON) benches/transitions.py

bench-load: install ## 50 people for 2 minutes against `make stack` (Locust): errors and 95th percentiles
	STACK_EXIT_WHEN_READY=1 scripts/with-postgres.sh scripts/stack.sh $(PYTHON) benches/load.py

bench-chaos: install ## 1,000 transitions and timer sweeps while processes are killed and PostgreSQL restarts; then the checks
	scripts/with-postgres.sh $(PYTHON) benches/chaos.py

clean: ## remove caches, collected static files and the install stamp (keeps .venv and db.sqlite3)
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -print0 | xargs -0 rm -rf
	rm -rf .pytest_cache .mypy_cache .ruff_cache staticfiles out $(STAMP)
