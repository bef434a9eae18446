#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the BoneScript end-to-end tests and
# exports DATABASE_URL / SMALLCODE_TEST_PG_URL pointing at a fresh database on it.
#
#   source .ci/setup-postgres.sh      # from .ci/run: the variables stay in the caller's shell
#   bash .ci/setup-postgres.sh        # by hand: prints the URL
#
# Idempotent: a server already running on the port is reused. Uses the postgres binaries that
# exist (PATH, /usr/lib/postgresql/*/bin) and installs Debian's package only when none do.
# Knobs: SMALLCODE_PG_PORT (54329), SMALLCODE_PG_DIR (/tmp/smallcode-pg), SMALLCODE_PG_DB (smallcode_test).
# Written to be sourced: no `set -e`, no `exit`, failures return non-zero from the function.

smallcode_pg_setup() {
  local port="${SMALLCODE_PG_PORT:-54329}"
  local dir="${SMALLCODE_PG_DIR:-/tmp/smallcode-pg}"
  local db="${SMALLCODE_PG_DB:-smallcode_test}"
  local bindir=""

  smallcode_pg_find_bindir() {
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
      bindir="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
      return 0
    fi
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
      if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then bindir="$d"; return 0; fi
    done
    return 1
  }

  if ! smallcode_pg_find_bindir; then
    echo "setup-postgres: no PostgreSQL binaries found, installing Debian's postgresql" >&2
    if [ "$(id -u)" = "0" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    else
      sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    smallcode_pg_find_bindir || { echo "setup-postgres: PostgreSQL could not be installed" >&2; return 1; }
  fi

  # PostgreSQL refuses to run as root: run the server as the `postgres` user the package creates.
  local run=()
  if [ "$(id -u)" = "0" ]; then
    if ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres >&2 || return 1
    fi
    run=(runuser -u postgres --)
  fi

  if ! "${run[@]}" "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    if [ ! -s "$dir/PG_VERSION" ]; then
      mkdir -p "$dir" && { [ "$(id -u)" != "0" ] || chown postgres "$dir"; }
      "${run[@]}" "$bindir/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --no-instructions >/dev/null || {
        echo "setup-postgres: initdb failed in $dir" >&2; return 1; }
    fi
    "${run[@]}" "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null || {
      echo "setup-postgres: server failed to start; log:" >&2; tail -n 20 "$dir/server.log" >&2; return 1; }
  fi

  local psql="$bindir/psql"
  [ -x "$psql" ] || psql="$(command -v psql)"
  if ! "$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    "$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE \"$db\"" >/dev/null || return 1
  fi

  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/$db"
  export SMALLCODE_TEST_PG_URL="$DATABASE_URL"
  echo "DATABASE_URL=$DATABASE_URL"
}

# Sourced by .ci/run under `set -e`: a machine without PostgreSQL must not stop the other tests;
# the PostgreSQL tests then skip and say why.
smallcode_pg_setup || echo "setup-postgres: PostgreSQL is not available; its tests will be skipped" >&2
