#!/usr/bin/env bash
# referral_kill9.sh: `kill -9` in the middle of a large import leaves the
# registry with all of it or none of it, and sound (docs/referral.md,
# "Durability"). The kill is aimed inside the write transaction: we wait until
# the import has spilled uncommitted pages into the WAL (more than 512 KiB),
# then kill it. Afterwards the registry must hold none of the file, pass
# `referral check`, and take the same import in full. The same for an import
# of histories with records after infusion, and for single record writes.
set -uo pipefail
M=${1:?usage: referral_kill9.sh PATH-TO-MMPATH}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N=6000
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
count() { "$M" referral list --db "$1" --format count 2>&1; }

bash "$HERE/../data/referral/gen_bulk.sh" "$N" K >"$T/bulk.json"
killed_mid=0
attempts=0
# Up to 6 tries: a kill may also land after the commit (then all of it is
# stored, which is allowed); at least one must land inside the transaction.
for attempt in 1 2 3 4 5 6; do
  [ "$attempts" -ge 2 ] && [ "$killed_mid" -ge 1 ] && break
  attempts=$attempt
  DB="$T/k$attempt.db"
  # An existing registry with one referral: it must survive untouched.
  "$M" referral new --db "$DB" --id PRE-1 --patient PP-1 --from FE-ONC --to BO-SER \
    --target ide-cel --date 2024-01-01 >/dev/null || bad "setup"
  "$M" referral import "$T/bulk.json" --db "$DB" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 2000); do
    size=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
    [ "$size" -gt 524288 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.002
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  status=$?
  n=$(count "$DB")
  if [ "$status" = 137 ]; then
    if [ "$n" = 1 ]; then
      killed_mid=$((killed_mid + 1))
      ok "attempt $attempt: killed mid-import (wal ${size} bytes): none of it stored"
    elif [ "$n" = $((N + 1)) ]; then ok "attempt $attempt: killed after the commit: all of it stored"
    else bad "attempt $attempt: killed, registry holds $n referrals (want 1 or $((N + 1)))"; fi
  else
    if [ "$n" = $((N + 1)) ]; then ok "attempt $attempt: import finished first: all of it stored"
    else bad "attempt $attempt: finished (status $status) with $n referrals"; fi
  fi
  out=$("$M" referral check --db "$DB" 2>&1) && ok "attempt $attempt: check: $out" || bad "check: $out"
done
"$M" referral import "$T/bulk.json" --db "$DB" >/dev/null 2>&1 || bad "re-import after the kill"
n=$(count "$DB")
[ "$n" = $((N + 1)) ] && ok "the same import afterwards stores all $N" || bad "after re-import: $n"
[ "$killed_mid" -ge 1 ] && ok "$killed_mid of $attempts kills landed inside the write transaction" ||
  bad "no kill landed inside the import: the test proved nothing"

# ---- records after infusion (issue 14): the same, for an import of full
# histories with product, CRS and visit records, and for single record
# writes killed one after another: whatever a write reported done is there.
NR=2500
PY=$(command -v /usr/bin/python3 || command -v python3)
"$PY" "$HERE/../data/referral/gen_records.py" "$NR" KR >"$T/records.json"
rec_mid=0
for attempt in 1 2 3 4 5 6; do
  [ "$rec_mid" -ge 1 ] && [ "$attempt" -gt 2 ] && break
  DB="$T/r$attempt.db"
  "$M" referral new --db "$DB" --id PRE-1 --patient PP-1 --from FE-ONC --to BO-SER \
    --target ide-cel --date 2024-01-01 >/dev/null || bad "setup"
  "$M" referral import "$T/records.json" --db "$DB" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 3000); do
    size=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
    [ "$size" -gt 524288 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.002
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  status=$?
  n=$(count "$DB")
  if [ "$status" = 137 ] && [ "$n" = 1 ]; then
    rec_mid=$((rec_mid + 1)); ok "records attempt $attempt: killed mid-import: none of it stored"
  elif [ "$n" = $((NR + 1)) ]; then ok "records attempt $attempt: all of it stored (finished or committed)"
  else bad "records attempt $attempt: registry holds $n referrals (want 1 or $((NR + 1)))"; fi
  out=$("$M" referral check --db "$DB" 2>&1) && ok "records attempt $attempt: check: $out" || bad "check: $out"
done
[ "$rec_mid" -ge 1 ] && ok "a kill landed inside the import of records" ||
  bad "no kill landed inside the import of records: the test proved nothing"
"$M" referral import "$T/records.json" --db "$DB" >/dev/null 2>&1 || bad "re-import of records"
[ "$(count "$DB")" = $((NR + 1)) ] && ok "the records import afterwards stores all" || bad "records re-import"
# single writes: a loop of `referral record` visits, killed with -9 while
# writing; every write that said "recorded" is stored, at most one more.
"$PY" "$HERE/../data/referral/gen_records.py" 1 KS >"$T/one.json"
DB="$T/single.db"
"$M" referral import "$T/one.json" --db "$DB" >/dev/null || bad "single: setup"
D=$("$PY" -c "import json; print(json.load(open('$T/one.json'))[0]['events'][-1]['date'])")
( for i in $(seq 1 400); do
    "$M" referral record KS-00000 visit --db "$DB" --date "$D" \
      --data '{"visit":"unscheduled","status":"alive","anc":1.5}' >>"$T/single.log" 2>&1 || exit
  done ) &
loop=$!
sleep 1.5
# the loop's running mmpath, by its parent's id (started by this script)
child=$(ps -o pid= --ppid "$loop" | head -1 | tr -d ' ')
[ -n "$child" ] && kill -9 "$child" 2>/dev/null
kill -9 "$loop" 2>/dev/null
wait "$loop" 2>/dev/null
said=$(grep -c "recorded" "$T/single.log" || true)
stored=$("$M" referral show KS-00000 --db "$DB" --format json | "$PY" -c "import json,sys; print(sum(1 for e in json.load(sys.stdin)['events'] if e.get('kind') == 'visit') - 1)")
if [ "$said" -ge 1 ] && [ "$stored" -ge "$said" ] && [ "$stored" -le $((said + 1)) ]; then
  ok "single record writes killed: $said reported, $stored stored (nothing committed lost)"
else bad "single record writes: $said reported, $stored stored"; fi
out=$("$M" referral check --db "$DB" 2>&1) && ok "single writes: check: $out" || bad "check: $out"
echo "$fails failure(s)"
[ "$fails" = 0 ]
