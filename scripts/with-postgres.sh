#!/usr/bin/env bash
# Run a command with TOCSIN_TEST_POSTGRES_URL pointing at a throwaway PostgreSQL cluster.
# If the variable is already set, or no PostgreSQL server binaries are installed, run it as is
# (the PostgreSQL half of the tests then skips, unless TOCSIN_REQUIRE_POSTGRES=1).
set -euo pipefail

if [[ -n "${TOCSIN_TEST_POSTGRES_URL:-}" ]]; then exec "$@"; fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "with-postgres: no PostgreSQL server found; PostgreSQL tests will be skipped" >&2
  exec "$@"
fi

dir=$(mktemp -d /tmp/tocsin-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
as_pg() {
  # initdb refuses to run as root; use the postgres system account then.
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$dir"; fi
as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
cleanup() {
  as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
export TOCSIN_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: throwaway PostgreSQL on port $port" >&2
"$@"
