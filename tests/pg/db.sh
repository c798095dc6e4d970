# db.sh: sourced by the tests that run on both storage backends. With
# MMPATH_TEST_DB=pg they use a new database on the private PostgreSQL cluster
# that tests/pg/cluster.sh started (its state directory in MMPATH_PG_STATE);
# otherwise an SQLite file. A test without the cluster exits 77 (skipped)
# saying why.
#
#   test_db NAME DIR   prints the --db value of a new empty database
#   sql DB QUERY       runs one query, prints the rows (| between columns)
#   db_kind            "pg" or "sqlite"
_DB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
db_kind() { [ "${MMPATH_TEST_DB:-sqlite}" = pg ] && echo pg || echo sqlite; }

if [ "$(db_kind)" = pg ]; then
  if [ -z "${MMPATH_PG_STATE:-}" ] || [ ! -f "$MMPATH_PG_STATE/state" ]; then
    echo "SKIP: MMPATH_TEST_DB=pg but no PostgreSQL cluster (tests/pg/cluster.sh start)" >&2
    exit 77
  fi
  if grep -q '^unavailable=' "$MMPATH_PG_STATE/state"; then
    echo "SKIP: PostgreSQL tests: $(sed -n 's/^unavailable=//p' "$MMPATH_PG_STATE/state")" >&2
    exit 77
  fi
  _PG_BIN=$(sed -n 's/^bin=//p' "$MMPATH_PG_STATE/state")
fi

test_db() { # NAME DIR
  if [ "$(db_kind)" = pg ]; then
    bash "$_DB_HERE/cluster.sh" newdb "$MMPATH_PG_STATE" "$1_$$"
  else
    echo "$2/$1.db"
  fi
}

sql() { # DB QUERY
  if [ "$(db_kind)" = pg ]; then
    PGOPTIONS="-c client_min_messages=warning" "$_PG_BIN/psql" -X -A -t -q -d "$1" -c "$2"
  else
    sqlite3 -cmd ".timeout 10000" "$1" "$2"
  fi
}
