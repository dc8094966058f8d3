# SPDX-License-Identifier: GPL-3.0-or-later
# pg-cluster.sh, sourced by the tests that need a PostgreSQL + PostGIS server: a throwaway
# cluster in a temporary folder, on a free port of 127.0.0.1, started by the test and stopped at
# its end. No server of the machine is used. PostgreSQL refuses to run as root (CI runs as
# root): then the cluster runs as the user nobody.
#
#   pg_cluster_start DIR   initdb in DIR/pg, start; sets PG_PORT, PG_SOCKET
#   pg_admin SQL…          psql as the cluster's superuser (database $PG_ADMIN_DB, default postgres)
#   pg_cluster_stop        stop it (also at exit when started)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

pg_cluster_start() {
  local dir=$1
  [ -x "$PG_BIN/initdb" ] || { echo "not ok - no PostgreSQL 15 in $PG_BIN: run make test-deps"; exit 1; }
  chmod 755 "$dir"
  mkdir -p "$dir/pg" "$dir/pgsock"
  [ "$(id -u)" = 0 ] && chown nobody "$dir/pg" "$dir/pgsock"
  PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  PG_SOCKET=$dir/pgsock
  PG_DATA=$dir/pg/data
  PG_LOG=$dir/pg/log
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 --no-instructions >"$dir/pg/initdb.log" 2>&1 \
    || { cat "$dir/pg/initdb.log"; echo "not ok - initdb failed"; exit 1; }
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
    -o "-p $PG_PORT -k $PG_SOCKET -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
    start >/dev/null || { cat "$PG_LOG"; echo "not ok - the test server did not start"; exit 1; }
  PG_STARTED=1
}

pg_admin() {
  pg_as_owner "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$PG_SOCKET" -p "$PG_PORT" -U postgres \
    -d "${PG_ADMIN_DB:-postgres}" "$@"
}

# Waits until the server answers again (after a crash it restarts by itself).
pg_wait() {
  for _ in $(seq 1 100); do
    pg_as_owner "$PG_BIN/pg_isready" -q -h "$PG_SOCKET" -p "$PG_PORT" && return 0
    sleep 0.2
  done
  echo "not ok - the test server did not come back"; exit 1
}

pg_cluster_stop() {
  if [ -n "${PG_STARTED:-}" ]; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    PG_STARTED=
  fi
}
