#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and benchmarks: initdb in a temporary folder (as the
# postgres user when run as root: initdb refuses root), a free loopback port, no fsync.
#   scripts/pg-cluster.sh start   -> prints "<url> <data-dir>" on stdout; the server keeps running
#   scripts/pg-cluster.sh stop <data-dir>
set -euo pipefail
bin="${MARQUEE_PG_BIN:-}"
if [ -z "$bin" ]; then
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bin="$d"; done
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "error: PostgreSQL server binaries not found: apt-get install postgresql-15 (or set MARQUEE_PG_BIN, or MARQUEE_TEST_PG=postgres://... to use a running server)" >&2
  exit 3
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    dir="$(mktemp -d /tmp/marquee-pg.XXXXXX)"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres $dir"
    ;;
  stop)
    dir="${2:?usage: pg-cluster.sh stop <data-dir>}"
    pid="$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
    if [ -n "$pid" ]; then kill -INT "$pid" 2>/dev/null || true; for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: pg-cluster.sh start | stop <data-dir>" >&2; exit 2 ;;
esac
