#!/usr/bin/env bash
# kill9_bench.sh MMPATH [KILLS]: the server kill -9 loop of
# tests/cli/referral_kill9.sh with more kills (default 200), on SQLite and,
# when tests/pg/cluster.sh can start a private cluster, on PostgreSQL: every
# acknowledged referral stored, every stored one with its audit row. Prints
# the counts; takes a few minutes.
set -uo pipefail
M=${1:?usage: kill9_bench.sh MMPATH [KILLS]}
HERE=$(cd "$(dirname "$0")" && pwd)
export MMPATH_KILLS=${2:-200}
export MMPATH_KB=${MMPATH_KB:-$HERE/../kb}
state=$(mktemp -d)
trap 'bash "$HERE/../tests/pg/cluster.sh" stop "$state"; rm -rf "$state"' EXIT
echo "== SQLite"
bash "$HERE/../tests/cli/referral_kill9.sh" "$M" | grep -E "server killed|ok: every|FAIL"
bash "$HERE/../tests/pg/cluster.sh" start "$state"
echo "== PostgreSQL"
MMPATH_TEST_DB=pg MMPATH_PG_STATE=$state bash "$HERE/../tests/cli/referral_kill9.sh" "$M" |
  grep -E "server killed|ok: every|FAIL|SKIP"
