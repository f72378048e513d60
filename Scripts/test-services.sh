# Sourced by `.ci/run` and `Scripts/sanitize.sh` (not run on its own): what the test suite
# needs from the machine. Tests start their own servers on 127.0.0.1; this starts a throwaway
# PostgreSQL for the relay's tests (DC_TEST_POSTGRES_URL).

# SQLite headers for GRDB, and a PostgreSQL server, from Debian's packages when missing.
install_test_packages() {
    local missing=()
    [ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
    compgen -G "/usr/lib/postgresql/*/bin/postgres" > /dev/null || missing+=(postgresql)
    if [ ${#missing[@]} -gt 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
    fi
}

# A throwaway PostgreSQL: initdb into a temporary folder as the postgres system user (the
# server refuses to run as root), trust authentication on 127.0.0.1 only, a free port.
# Exports DC_TEST_POSTGRES_URL, DC_TEST_POSTGRES_BIN and DC_TEST_POSTGRES_DATA, and stops the
# server and removes its folder when the calling script exits (an EXIT trap).
start_throwaway_postgres() {
    pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)")
    pg_data=$(mktemp -d)
    chown postgres "$pg_data"
    pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_postgres "'$pg_bin/initdb' -D '$pg_data/db' -U postgres --auth=trust -E UTF8 > '$pg_data/initdb.log'"
    as_postgres "'$pg_bin/pg_ctl' -D '$pg_data/db' -l '$pg_data/server.log' -w -o \"-c listen_addresses=127.0.0.1 -p $pg_port -k '$pg_data'\" start" > /dev/null
    trap stop_postgres EXIT
    export DC_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
    export DC_TEST_POSTGRES_BIN="$pg_bin"
    export DC_TEST_POSTGRES_DATA="$pg_data/db"
}

as_postgres() { su postgres -s /bin/sh -c "$*"; }

stop_postgres() {
    as_postgres "'$pg_bin/pg_ctl' -D '$pg_data/db' -m immediate -w stop" > /dev/null 2>&1 || true
    rm -rf "$pg_data"
}
