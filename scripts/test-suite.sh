#!/usr/bin/env bash
# The whole test run, independent of make. Meant to run under scripts/with-postgres.sh,
# which sets DATABASE_URL:   scripts/with-postgres.sh scripts/test-suite.sh
#   (a) quick checks: missing migrations, Django's deployment checks, the import layers
#   (b) the whole pytest suite on PostgreSQL (PYTEST_WORKERS workers, default 2)
#   (c) the lifecycle, timer and calendar tests (tests/workflows) again on SQLite
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DJANGO_SETTINGS_MODULE=config.settings.test
PY=.venv/bin/python

if [[ -z "${DATABASE_URL:-}" ]]; then
    echo "test-suite: DATABASE_URL is not set; run it as: scripts/with-postgres.sh $0" >&2
    exit 2
fi

step() { printf '\n==> %s\n' "$*"; }

# pytest, with exit code 5 (nothing collected) reported clearly and counted as a failure
run_pytest() {
    local rc=0
    .venv/bin/pytest "$@" || rc=$?
    if [[ $rc -eq 5 ]]; then
        echo "test-suite: FAILED: pytest collected no tests for: pytest $*" >&2
    fi
    return "$rc"
}

step "makemigrations --check --dry-run"
"$PY" manage.py makemigrations --check --dry-run

step "check --deploy (config.settings.production)"
DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    DJANGO_ALLOWED_HOSTS=resolve.example.org \
    "$PY" manage.py check --deploy --fail-level WARNING

step "lint-imports (the import contracts in pyproject.toml)"
.venv/bin/lint-imports --no-cache

step "pytest on PostgreSQL (${DATABASE_URL%%@*}@..., ${PYTEST_WORKERS:-2} workers)"
run_pytest -n "${PYTEST_WORKERS:-2}" -p no:cacheprovider

step "pytest tests/workflows on SQLite (not postgres, not browser)"
(
    unset DATABASE_URL
    run_pytest -m "not postgres and not browser" tests/workflows -p no:cacheprovider
)

step "test-suite: all steps passed"
