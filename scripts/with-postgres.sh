#!/usr/bin/env bash
# Runs CMD against a throwaway PostgreSQL 15 server on 127.0.0.1:
#   scripts/with-postgres.sh CMD [ARG...]
# A new data folder every run (owned by postgres), trust auth, no fsync; a role and a
# database named `resolve` (the role may CREATEDB, so test runners can make their own).
# CMD runs in the caller's directory with DATABASE_URL exported; the server is stopped
# and the folder removed on exit whatever happens; exits with CMD's exit code.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 CMD [ARG...]" >&2
    exit 2
fi

caller_dir="$(pwd)"

find_bindir() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return
        fi
    fi
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return
        fi
    done
    echo "with-postgres: no PostgreSQL server binaries found (run scripts/system-deps.sh)" >&2
    exit 1
}
PGBIN="$(find_bindir)"

if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: no 'postgres' user (is the postgresql package installed?)" >&2
    exit 1
fi

# run a PostgreSQL command as postgres (initdb and pg_ctl refuse root) from / (no cwd warning)
as_postgres() {
    if [[ "$(id -un)" == "postgres" ]]; then
        (cd / && "$@")
    else
        (cd / && runuser -u postgres -- "$@")
    fi
}

port_is_free() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

PGDIR=""
started=0
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ $started -eq 1 ]]; then
        as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w -t 20 stop >/dev/null 2>&1 || true
    fi
    if [[ -n "$PGDIR" && -d "$PGDIR" ]]; then
        rm -rf -- "$PGDIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PGDIR="$(mktemp -d /tmp/with-postgres.XXXXXX)"
chown postgres:postgres "$PGDIR"
chmod 700 "$PGDIR"

as_postgres "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$PGDIR/initdb.log" 2>&1 || {
    echo "with-postgres: initdb failed:" >&2
    cat "$PGDIR/initdb.log" >&2
    exit 1
}

# pick a free port from 54329 upwards; retry if someone grabs it between the check and start
port=54329
last_port=$((port + 100))
while :; do
    while ! port_is_free "$port"; do
        port=$((port + 1))
        if [[ $port -gt $last_port ]]; then
            echo "with-postgres: no free port in 54329-$last_port" >&2
            exit 1
        fi
    done
    started=1
    if as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 30 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PGDIR -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off" >/dev/null 2>"$PGDIR/pg_ctl.err"; then
        break
    fi
    # in case a slow start left a server behind before the retry
    as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    started=0
    if port_is_free "$port"; then
        echo "with-postgres: server failed to start:" >&2
        cat "$PGDIR/pg_ctl.err" "$PGDIR/server.log" >&2
        exit 1
    fi
    port=$((port + 1))
done
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($PGDIR)" >&2

psql_admin() {
    as_postgres "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$port" -U postgres -d postgres "$@"
}
psql_admin -c "CREATE ROLE resolve LOGIN CREATEDB" >/dev/null
psql_admin -c "CREATE DATABASE resolve OWNER resolve" >/dev/null

export DATABASE_URL="postgres://resolve@127.0.0.1:$port/resolve"
# for benches/chaos.py, which restarts the server: pg_ctl -D "$WITH_POSTGRES_DATA" restart
export WITH_POSTGRES_BIN="$PGBIN" WITH_POSTGRES_DATA="$PGDIR/data"

cd "$caller_dir"
set +e
"$@"
rc=$?
set -e
exit "$rc"
