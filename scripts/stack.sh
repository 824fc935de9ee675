#!/usr/bin/env bash
# The production stack on this machine, as the systemd units in deploy/systemd run it:
# gunicorn with several workers, a Celery worker and Celery beat, Redis as the broker, all on
# 127.0.0.1 with config.settings.production. Meant to run under scripts/with-postgres.sh
# (which provides DATABASE_URL and removes the database afterwards):
#
#   scripts/with-postgres.sh scripts/stack.sh            # until Ctrl-C, then stops cleanly
#   STACK_EXIT_WHEN_READY=1 scripts/with-postgres.sh scripts/stack.sh CMD...
#       runs CMD once /health/ready/ answers 200, then stops everything (benches use this)
#
# Settings: STACK_PORT (8001), STACK_WEB_WORKERS (3), STACK_DEMO (1: seed the demo data),
# STACK_DEMO_COUNT (300). Logs go to $STACK_DIR (a new folder under /tmp), one file a process.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${DATABASE_URL:-}" ]]; then
    echo "stack: DATABASE_URL is not set; run it as: scripts/with-postgres.sh $0" >&2
    exit 2
fi

VENV=.venv/bin
PORT="${STACK_PORT:-8001}"
STACK_DIR="$(mktemp -d /tmp/resolve-stack.XXXXXX)"
export STACK_DIR

free_port() {
    python3 - "$1" <<'PY'
import socket, sys
port = int(sys.argv[1])
while True:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        print(port)
        break
    except OSError:
        port += 1
    finally:
        s.close()
PY
}
REDIS_PORT="$(free_port 6390)"

export DJANGO_SETTINGS_MODULE=config.settings.production
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export DJANGO_SECURE_SSL_REDIRECT=0  # plain HTTP on loopback; behind TLS in a real hosting
export RESOLVE_SITE_URL="http://127.0.0.1:$PORT"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export EMAIL_HOST="${EMAIL_HOST:-127.0.0.1}" EMAIL_PORT="${EMAIL_PORT:-2525}"
export STACK_URL="http://127.0.0.1:$PORT"

pids=()
stop_all() {
    local rc=$?
    trap - EXIT INT TERM
    echo "stack: stopping" >&2
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    echo "stack: stopped; logs in $STACK_DIR" >&2
    exit "$rc"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$STACK_DIR" >"$STACK_DIR/redis.log" 2>&1 &
pids+=($!)

"$VENV/python" manage.py migrate --noinput >"$STACK_DIR/migrate.log"
"$VENV/python" manage.py collectstatic --noinput >"$STACK_DIR/collectstatic.log"
if [[ "${STACK_DEMO:-1}" == "1" ]]; then
    echo "stack: seeding the demo data" >&2
    "$VENV/python" manage.py seed_demo --count "${STACK_DEMO_COUNT:-300}" >"$STACK_DIR/seed.log"
fi

GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY="${STACK_WEB_WORKERS:-3}" \
    "$VENV/gunicorn" --config config/gunicorn.conf.py config.wsgi >"$STACK_DIR/web.log" 2>&1 &
pids+=($!)
echo $! >"$STACK_DIR/web.pid"
"$VENV/celery" -A config worker --concurrency 1 --loglevel INFO \
    >"$STACK_DIR/worker.log" 2>&1 &
pids+=($!)
echo $! >"$STACK_DIR/worker.pid"
"$VENV/celery" -A config beat --loglevel INFO --schedule "$STACK_DIR/beat-schedule" \
    >"$STACK_DIR/beat.log" 2>&1 &
pids+=($!)
echo $! >"$STACK_DIR/beat.pid"

echo "stack: waiting for $STACK_URL/health/ready/ (the first sweep runs within a minute)" >&2
for _ in $(seq 1 180); do
    if curl -fsS "$STACK_URL/health/ready/" >/dev/null 2>&1; then
        echo "stack: ready at $STACK_URL (Redis on $REDIS_PORT, logs in $STACK_DIR)" >&2
        curl -fsS "$STACK_URL/health/ready/" >&2
        echo >&2
        if [[ "${STACK_EXIT_WHEN_READY:-0}" == "1" ]]; then
            if [[ $# -gt 0 ]]; then
                "$@"
            fi
            exit $?
        fi
        wait -n "${pids[@]}"
        echo "stack: a process stopped; see $STACK_DIR" >&2
        exit 1
    fi
    sleep 1
done
echo "stack: not ready after 3 minutes:" >&2
curl -sS "$STACK_URL/health/ready/" >&2 || true
tail -n 20 "$STACK_DIR"/*.log >&2
exit 1
