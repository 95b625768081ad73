#!/usr/bin/env bash
# Starts a throw-away native PostgreSQL cluster on 127.0.0.1 for the test
# suite (UTF-8 locale, or pg_trgm ignores Chinese) and prints its URL.
# Usage: scripts/pg-test-cluster.sh [port]   — needs Debian's postgresql package.
set -euo pipefail
port="${1:-55432}"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL server not installed (apt-get install -y postgresql)" >&2; exit 1; }
dir=/tmp/qifu-pg-$port
runas=()
if [ "$(id -u)" = 0 ]; then runas=(runuser -u postgres --); fi
if [ ! -s "$dir/PG_VERSION" ]; then
  rm -rf "$dir"; mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  "${runas[@]}" "$bindir/initdb" -D "$dir" -U postgres --auth=trust --locale=C.UTF-8 --encoding=UTF8 >/dev/null
fi
if ! "${runas[@]}" "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  "${runas[@]}" "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
