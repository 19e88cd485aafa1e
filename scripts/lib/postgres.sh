# shellcheck shell=bash
# A throwaway PostgreSQL cluster on loopback for tests and benchmarks.
#
# Source this file, then:
#   pg_ensure_installed   install Debian's postgresql when initdb/pg_ctl are missing
#   pg_start              initdb + start a cluster in a temp dir on a free 127.0.0.1 port;
#                         sets PG_URL (postgres://rampart@127.0.0.1:PORT/postgres)
#   pg_create_database N  create database N; prints its URL
#   pg_stop               stop the cluster and delete its directory (safe to call twice)
#
# PostgreSQL refuses to run as root, so when run by root the cluster belongs to the
# `postgres` system user (created if missing). Every failure is fatal: a caller that
# needs PostgreSQL never silently goes on without it.

PG_BIN=""
PG_DIR=""
PG_URL=""
PG_OWNER=""

pg_fail() {
    echo "postgres.sh: $*" >&2
    return 1
}

# The directory holding initdb and pg_ctl: PATH first, then Debian's versioned layout.
pg_find_bin() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        # Resolve links (e.g. /usr/local/bin/pg_ctl) to the directory that also holds psql.
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return 0
    fi
    local dir
    dir="$(find /usr/lib/postgresql -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)"
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        echo "$dir"
        return 0
    fi
    return 1
}

pg_ensure_installed() {
    if PG_BIN="$(pg_find_bin)"; then
        return 0
    fi
    [[ "$(id -u)" == 0 ]] || pg_fail "initdb/pg_ctl not found and not root: install Debian's postgresql package" || return 1
    echo "postgres.sh: installing Debian's postgresql" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || pg_fail "apt-get update failed" || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2 ||
        pg_fail "apt-get install postgresql failed" || return 1
    PG_BIN="$(pg_find_bin)" || pg_fail "postgresql installed but initdb/pg_ctl still not found" || return 1
}

# Run a command as the cluster owner (root hands it to the unprivileged owner).
pg_as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        (cd / && runuser -u "$PG_OWNER" -- "$@")
    else
        (cd / && "$@")
    fi
}

pg_port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_start() {
    [[ -n "$PG_BIN" ]] || pg_ensure_installed || return 1
    if [[ "$(id -u)" == 0 ]]; then
        PG_OWNER=postgres
        if ! id -u "$PG_OWNER" >/dev/null 2>&1; then
            useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OWNER" ||
                pg_fail "cannot create the unprivileged user $PG_OWNER" || return 1
        fi
    else
        PG_OWNER="$(id -un)"
    fi
    PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/rampart-pg.XXXXXX")" || pg_fail "mktemp failed" || return 1
    chmod 700 "$PG_DIR"
    [[ "$(id -u)" != 0 ]] || chown "$PG_OWNER" "$PG_DIR"
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U rampart --auth=trust -E UTF8 --no-locale \
        >"$PG_DIR/initdb.log" 2>&1 || {
        cat "$PG_DIR/initdb.log" >&2
        pg_fail "initdb failed"
        return 1
    }
    local attempt port
    for attempt in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        pg_port_free "$port" || continue
        if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=200" \
            start >/dev/null; then
            PG_URL="postgres://rampart@127.0.0.1:$port/postgres"
            echo "postgres.sh: PostgreSQL running on 127.0.0.1:$port ($PG_DIR)" >&2
            return 0
        fi
        echo "postgres.sh: start on port $port failed (attempt $attempt)" >&2
    done
    tail -n 20 "$PG_DIR/server.log" >&2 || true
    pg_fail "PostgreSQL could not start"
}

pg_create_database() {
    "$PG_BIN/psql" "$PG_URL" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $1" >&2 ||
        pg_fail "cannot create database $1" || return 1
    echo "${PG_URL%/postgres}/$1"
}

pg_stop() {
    if [[ -n "$PG_DIR" && -d "$PG_DIR" ]]; then
        if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
            pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$PG_DIR"
    fi
    PG_DIR=""
    PG_URL=""
}
