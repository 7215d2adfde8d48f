#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (and for a developer by hand):
#   Scripts/test-postgres.sh start    prints a libpq connection string on stdout, e.g.
#                                     host=/tmp/lr-pg.Ab12 port=54321 dbname=postgres user=lr_test
#   Scripts/test-postgres.sh stop DIR stops the server started in DIR (the host= of that string) and removes it
#   Scripts/test-postgres.sh pause DIR  stops that server (fast shutdown) and keeps it, as a database outage would
#   Scripts/test-postgres.sh resume DIR starts a paused server again on the same socket and port
# It runs initdb into a temporary directory with trust authentication, listens on a Unix socket in that
# directory and on 127.0.0.1 at a free port, and runs as the postgres user when started by root. The string
# it prints connects as lr_test, a role with CREATEDB and no SUPERUSER (the bootstrap superuser is postgres).
# It runs with fsync=off (tests need no durability); LR_TEST_POSTGRES_FSYNC=on keeps fsync, for benchmarks.
set -euo pipefail
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "test-postgres.sh: PostgreSQL is not installed; apt-get install -y postgresql" >&2
    exit 1
fi
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi

case "${1:-}" in
start)
    # The server lives on after this script: it must inherit no descriptor of the caller's but 0-2 (a
    # test process spawning this while it runs other commands through pipes would otherwise never see
    # those pipes close).
    for fd in /proc/$$/fd/*; do
        fd="${fd##*/}"
        if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    dir="$(mktemp -d /tmp/lr-pg.XXXXXX)"
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    echo "$port" >"$dir/port"
    # The server inherits pg_ctl's descriptors: none of them may be the caller's pipes, or a caller
    # reading this script's output to its end would wait for the server to exit.
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=${LR_TEST_POSTGRES_FSYNC:-off} -c max_connections=200" start \
        </dev/null >"$dir/pg_ctl.log" 2>&1 || {
        cat "$dir/pg_ctl.log" "$dir/server.log" >&2
        exit 1
    }
    # The tests connect as a role without SUPERUSER, as the README promises a deployment can: it may create
    # databases (and owns those it creates), nothing more. The bootstrap superuser only makes it.
    "${as[@]}" "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE lr_test LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS" \
        </dev/null >"$dir/role.log" 2>&1 || {
        cat "$dir/role.log" >&2
        exit 1
    }
    echo "host=$dir port=$port dbname=postgres user=lr_test"
    ;;
pause | resume)
    dir="${2:?usage: test-postgres.sh pause|resume DIR}"
    case "$dir" in /tmp/lr-pg.*) ;; *) echo "test-postgres.sh: not a test server directory: $dir" >&2; exit 1 ;; esac
    for fd in /proc/$$/fd/*; do
        fd="${fd##*/}"
        if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    if [ "$1" = pause ]; then
        "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop </dev/null >"$dir/pg_ctl.log" 2>&1
    else
        port="$(cat "$dir/port")"
        "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=${LR_TEST_POSTGRES_FSYNC:-off} -c max_connections=200" start \
            </dev/null >"$dir/pg_ctl.log" 2>&1 || {
            cat "$dir/pg_ctl.log" "$dir/server.log" >&2
            exit 1
        }
    fi
    ;;
stop)
    dir="${2:?usage: test-postgres.sh stop DIR}"
    case "$dir" in /tmp/lr-pg.*) ;; *) echo "test-postgres.sh: not a test server directory: $dir" >&2; exit 1 ;; esac
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: test-postgres.sh start | stop DIR" >&2
    exit 2
    ;;
esac
