#!/usr/bin/env bash
# referral_bulk_import.sh: a large import on SQLite (over 20,000 referrals:
# the store tells the backend, which drops the list's four indexes and
# builds them again at the end of the same transaction, docs/referral.md
# "Backends") is still all or nothing: refused at its last referral, or
# killed with -9 at any point, it leaves the registry as it was, with its
# indexes, sound by `referral check` (which also compares the funnel's kept
# counts with every history); taken in full, the indexes are there and
# serve the list, and the funnel from the kept counts is the walk's.
set -uo pipefail
M=${1:?usage: referral_bulk_import.sh PATH-TO-MMPATH}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
N=25000
count() { sqlite3 -cmd ".timeout 10000" "$1" "SELECT count(*) FROM referrals"; }
indexes() {
  sqlite3 -cmd ".timeout 10000" "$1" "SELECT group_concat(name, ' ') FROM (SELECT name FROM
    sqlite_master WHERE type = 'index' AND name LIKE 'referrals\_%' ESCAPE '\' ORDER BY name)"
}
WANT="referrals_from referrals_on referrals_state referrals_to"
sound() { # DB WHAT
  local out
  out=$("$M" referral check --db "$1" 2>&1) && ok "$2: check: $out" || bad "$2: check: $out"
  [ "$(indexes "$1")" = "$WANT" ] && ok "$2: the list's four indexes are there" ||
    bad "$2: indexes: $(indexes "$1")"
}

DB="$T/r.db"
"$M" referral new --db "$DB" --id PRE-1 --patient PP-1 --from FE-ONC --to BO-SER \
  --target ide-cel --date 2024-01-01 >/dev/null || bad "setup"

# 1. refused at its last referral (a stored id with another patient): the
# writes of the 25,000 before it, the dropped indexes, all rolled back
bash "$HERE/../data/referral/gen_bulk.sh" "$N" C | sed '$d' | sed '$ s/}$/},/' >"$T/bad.json"
echo '{"schema":"mmpath/referral@1","id":"PRE-1","patient":"PP-2","from_center":"FE-ONC","to_center":"BO-SER","target":"ide-cel","events":[{"date":"2024-01-01","state":"referred"}]}]' >>"$T/bad.json"
"$M" referral import "$T/bad.json" --db "$DB" >"$T/out" 2>&1
st=$?
[ "$st" = 1 ] && grep -q "\[$N\].patient: referral 'PRE-1' is stored with patient 'PP-1'" "$T/out" &&
  ok "refused at [$N].patient (exit 1)" || { bad "refusal: exit $st"; cat "$T/out"; }
[ "$(count "$DB")" = 1 ] && ok "nothing of it stored" || bad "stored: $(count "$DB")"
sound "$DB" "after the refusal"

# 2. killed with -9 at several points of the same import (the WAL at 1 to
# 21 MiB; it ends near 23 MiB and drops the indexes at 4/5 of its referrals)
bash "$HERE/../data/referral/gen_bulk.sh" "$N" K >"$T/bulk.json"
for mib in 1 8 16 19 21; do
  K="$T/k$mib.db"
  cp "$DB" "$K"
  "$M" referral import "$T/bulk.json" --db "$K" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 5000); do
    size=$(stat -c %s "$K-wal" 2>/dev/null || echo 0)
    [ "$size" -gt $((mib << 20)) ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.002
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  n=$(count "$K")
  if [ "$n" = 1 ] || [ "$n" = $((N + 1)) ]; then ok "killed at WAL > $mib MiB: $n referrals (none or all)"
  else bad "killed at WAL > $mib MiB: $n referrals"; fi
  sound "$K" "killed at $mib MiB"
done

# 3. taken in full: the indexes serve the list; the funnel is the walk's
"$M" referral import "$T/bulk.json" --db "$DB" >"$T/out" 2>&1 &&
  grep -q "$N created" "$T/out" && ok "imported: $(cat "$T/out")" || { bad "import"; cat "$T/out"; }
sound "$DB" "after the import"
plan=$(sqlite3 "$DB" "EXPLAIN QUERY PLAN SELECT id FROM referrals r WHERE r.state = 'screening' ORDER BY id LIMIT 10")
echo "$plan" | grep -q "USING .*INDEX referrals_state" && ok "the state filter uses its index" ||
  bad "plan: $plan"
for w in "" "--until 2022-06-30" "--since 2022-03-01 --until 2022-12-31"; do
  "$M" funnel --db "$DB" --format json $w >"$T/kept.json"
  "$M" funnel --db "$DB" --format json --recount $w >"$T/walk.json"
  cmp -s "$T/kept.json" "$T/walk.json" && ok "funnel $w: kept counts = walk" || bad "funnel $w differs"
done
echo "$fails failure(s)"
[ "$fails" = 0 ]
