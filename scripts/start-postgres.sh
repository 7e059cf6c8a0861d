#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the window registry's tests (tests/window).
#
#   export SSCARD_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)"   # start (idempotent), print the URL
#   bash scripts/start-postgres.sh stop                                   # stop it
#
# Installs Debian's `postgresql` package only when no server binaries are found, creates a cluster in
# $SSCARD_PG_DIR (default /tmp/sscard-postgres, trust authentication, fsync off: test data only), listens on
# 127.0.0.1:$SSCARD_PG_PORT (default 55432, so a system cluster on 5432 is left alone), creates the
# database sscard_test, and prints its SQLAlchemy URL on stdout (everything else goes to stderr).
# Run as root, the server runs as the `postgres` user.
set -euo pipefail

DIR="${SSCARD_PG_DIR:-/tmp/sscard-postgres}"
PORT="${SSCARD_PG_PORT:-55432}"
DB="${SSCARD_PG_DB:-sscard_test}"
URL="postgresql+psycopg://postgres@127.0.0.1:${PORT}/${DB}"

log() { echo "start-postgres: $*" >&2; }

find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return 0; fi
    done
    return 1
}

BIN="$(find_bindir || true)"
if [[ -z "$BIN" ]]; then
    if [[ "$(id -u)" -ne 0 ]]; then
        log "PostgreSQL is not installed and this is not root: install Debian's postgresql package"; exit 1
    fi
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    BIN="$(find_bindir)"
fi

as_owner() {
    if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [[ "${1:-start}" == "stop" ]]; then
    if [[ -f "$DIR/data/postmaster.pid" ]]; then
        as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
    fi
    exit 0
fi

if [[ ! -f "$DIR/data/PG_VERSION" ]]; then
    log "creating a cluster in $DIR"
    mkdir -p "$DIR"
    if [[ "$(id -u)" -eq 0 ]]; then chown postgres: "$DIR"; fi
    as_owner "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
fi

if ! as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    log "starting PostgreSQL ($("$BIN/pg_ctl" --version)) on 127.0.0.1:$PORT"
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" >&2
fi

PSQL=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
if [[ "$("${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]]; then
    "${PSQL[@]}" -c "CREATE DATABASE $DB" >&2
fi
echo "$URL"
