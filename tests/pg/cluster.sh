#!/usr/bin/env bash
# cluster.sh start|stop|newdb STATE_DIR [NAME]: a private PostgreSQL cluster
# for the tests, from Debian's postgresql package: initdb in a temporary
# directory, as the postgres user when run as root (PostgreSQL refuses to run
# as root), listening only on a unix socket in that directory (no TCP, so no
# port is taken from anyone; the port number only names the socket, chosen
# free anyway), stopped and removed by `stop`. CTest runs start and stop as
# the fixture of the tests that use it (tests/CMakeLists.txt).
#
# STATE_DIR/state says where the cluster is (lines KEY=VALUE), or
# "unavailable=REASON" when PostgreSQL is not installed (non-root without the
# packages): the tests that need it then skip with that reason. On the CI
# (root, fresh Debian 12) scripts/setup.sh installs postgresql, so they run.
#
# newdb prints the URL of a new empty database NAME (mmpath's --db).
set -euo pipefail
cmd=${1:?usage: cluster.sh start|stop|newdb STATE_DIR [NAME]}
state_dir=${2:?usage: cluster.sh start|stop|newdb STATE_DIR [NAME]}
state=$state_dir/state

pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

as_owner() { # runs a command as the cluster's owner
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
  mkdir -p "$state_dir"
  if ! bin=$(pg_bin); then
    echo "unavailable=PostgreSQL server binaries not found (Debian package postgresql; scripts/setup.sh installs it as root)" >"$state"
    echo "cluster.sh: $(cut -d= -f2- "$state")"
    exit 0
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "unavailable=running as root but there is no postgres user to run the server" >"$state"
    echo "cluster.sh: $(cut -d= -f2- "$state")"
    exit 0
  fi
  [ -f "$state" ] && "$0" stop "$state_dir" >/dev/null 2>&1 || true
  dir=$(mktemp -d /tmp/mmpath-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  chmod 700 "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_owner "$bin/initdb" -D "$dir/data" -U mmpath -A trust -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
  # fsync off: the tests kill mmpath, never PostgreSQL; max_connections: two
  # servers with a connection per HTTP client each, plus the command lines
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -c listen_addresses= -p $port -c fsync=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=32MB" \
    start >/dev/null || { cat "$dir/server.log"; exit 1; }
  chmod 755 "$dir" # the socket, for the tests (which may run as another user)
  { echo "dir=$dir"; echo "port=$port"; echo "bin=$bin"; } >"$state"
  echo "cluster.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on socket $dir port $port"
  ;;
stop)
  [ -f "$state" ] || exit 0
  dir=$(sed -n 's/^dir=//p' "$state")
  bin=$(sed -n 's/^bin=//p' "$state")
  if [ -n "$dir" ] && [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
  rm -f "$state"
  ;;
newdb)
  name=${3:?newdb needs a database name}
  [ -f "$state" ] || { echo "cluster.sh: no cluster (run start)" >&2; exit 1; }
  if grep -q '^unavailable=' "$state"; then
    cut -d= -f2- "$state" >&2
    exit 77
  fi
  dir=$(sed -n 's/^dir=//p' "$state")
  port=$(sed -n 's/^port=//p' "$state")
  bin=$(sed -n 's/^bin=//p' "$state")
  PGOPTIONS="-c client_min_messages=warning" "$bin/psql" -X -q -h "$dir" -p "$port" -U mmpath -d postgres \
    -c "DROP DATABASE IF EXISTS \"$name\"" -c "CREATE DATABASE \"$name\"" >/dev/null
  echo "postgresql:///$name?host=$dir&port=$port&user=mmpath"
  ;;
*)
  echo "usage: cluster.sh start|stop|newdb STATE_DIR [NAME]" >&2
  exit 2
  ;;
esac
