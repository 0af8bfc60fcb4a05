#!/usr/bin/env bash
# A throwaway local PostgreSQL for trying STORAGE=postgres (not for production).
#   eval "$(scripts/local-postgres.sh start)"   # starts it, prints the settings for this shell
#   scripts/local-postgres.sh stop             # stops it and removes its data
# Uses Debian's server programs (/usr/lib/postgresql/*/bin); as root, runs them as the postgres user.
set -euo pipefail

dir="${LOCAL_PG_DIR:-${TMPDIR:-/tmp}/member-help-local-pg}"
port="${LOCAL_PG_PORT:-54329}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  echo "PostgreSQL server programs not found under /usr/lib/postgresql/*/bin: apt-get install postgresql" >&2
  exit 1
fi
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    if [[ ! -d "$dir/data" ]]; then
      mkdir -p "$dir"
      [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$dir"
      chmod 700 "$dir"
      as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
    as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'memberhelp'" | grep -q 1 ||
      as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres memberhelp
    echo "export STORAGE=postgres"
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/memberhelp"
    ;;
  stop)
    [[ -d "$dir/data" ]] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
