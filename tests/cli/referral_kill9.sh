#!/usr/bin/env bash
# referral_kill9.sh: `kill -9` in the middle of a large import leaves the
# registry with all of it or none of it, and sound (docs/referral.md,
# "Durability"). The kill is aimed inside the write transaction: we wait until
# the import has spilled uncommitted pages into the WAL (more than 512 KiB),
# then kill it. Afterwards the registry must hold none of the file, pass
# `referral check`, and take the same import in full. The same for an import
# of histories with records after infusion, and for single record writes.
#
# Then a server killed during writes (issue 18): `mmpath serve` takes
# referrals from 4 parallel clients and is killed with -9 after a random
# moment, MMPATH_KILLS times (default 20; bench/kill9_bench.sh runs 200):
# every referral it acknowledged (201) is stored, every stored referral has
# its audit row (written in the same transaction), and the registry passes
# `referral check`. With MMPATH_TEST_DB=pg the server part runs on
# PostgreSQL (the import part is SQLite's: it watches the WAL file).
set -uo pipefail
M=${1:?usage: referral_kill9.sh PATH-TO-MMPATH}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
spid=
trap '[ -n "$spid" ] && kill -9 $spid 2>/dev/null; rm -rf "$T"' EXIT
N=6000
KILLS=${MMPATH_KILLS:-20}
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
count() { "$M" referral list --db "$1" --format count 2>&1; }
source "$HERE/../pg/db.sh"
echo "database: $(db_kind)"

# ---- a server killed during writes ----
SDB=$(test_db served "$T") || exit $?
# a hub token: it may still choose an unused id (a spoke's ids are issued)
TOKEN=$("$M" token new --center BO-SER --add-center --role hub --db "$SDB" 2>/dev/null)
client() { # ROUND CLIENT PORT: posts referrals until the server is gone
  local i=0 code
  while :; do
    i=$((i + 1))
    local id="K$1-$2-$i"
    code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      "http://127.0.0.1:$3/api/v1/referrals" \
      -d "{\"schema\":\"mmpath/referral@1\",\"id\":\"$id\",\"patient\":\"P$id\",\"from_center\":\"FE-ONC\",\"to_center\":\"BO-SER\",\"target\":\"ide-cel\",\"events\":[{\"date\":\"2026-11-02\",\"state\":\"referred\"}]}" \
      2>/dev/null) || break
    [ "$code" = 201 ] && echo "$id" >>"$T/acked" || { [ "$code" = 000 ] && break; }
  done
}
: >"$T/acked"
for round in $(seq 1 "$KILLS"); do
  "$M" serve --port 0 --db "$SDB" >"$T/serve.out" 2>"$T/serve.err" &
  spid=$!
  port=
  for _ in $(seq 1 200); do
    port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$T/serve.out")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { bad "round $round: the server did not start: $(cat "$T/serve.err")"; break; }
  cpids=()
  for c in 1 2 3 4; do client "$round" "$c" "$port" & cpids+=($!); done
  sleep "0.$((RANDOM % 5 + 2))"
  kill -9 "$spid"
  wait "$spid" 2>/dev/null
  spid=
  for p in "${cpids[@]}"; do wait "$p"; done
done
acked=$(sort -u "$T/acked" | wc -l)
"$M" referral list --db "$SDB" --format json >"$T/stored.json" 2>"$T/list.err"
"$M" audit --db "$SDB" --action referral.create --format json >"$T/audit.json" 2>>"$T/list.err"
/usr/bin/python3 - "$T/acked" "$T/stored.json" "$T/audit.json" >"$T/verdict" <<'PY'
import json, sys
acked = set(open(sys.argv[1]).read().split())
stored = {r["id"] for r in json.load(open(sys.argv[2]))}
audited = [json.loads(l)["object"] for l in open(sys.argv[3])]
lost = acked - stored
unaudited = stored - set(audited)
print(len(acked), len(stored), len(lost), len(unaudited), len(audited) - len(set(audited)))
PY
read -r n_acked n_stored n_lost n_unaudited n_dup <"$T/verdict"
echo "server killed $KILLS times: $n_acked referrals acknowledged, $n_stored stored"
[ "$n_acked" -gt 0 ] && [ "$n_lost" = 0 ] && ok "every acknowledged referral is stored ($n_acked)" ||
  bad "$n_lost of $n_acked acknowledged referrals lost $(cat "$T/list.err")"
[ "$n_unaudited" = 0 ] && [ "$n_dup" = 0 ] && ok "every stored referral has exactly one audit row ($n_stored)" ||
  bad "$n_unaudited stored referrals without their audit row, $n_dup audited twice"
out=$("$M" referral check --db "$SDB" 2>&1) && ok "after the kills: $out" || bad "check: $out"
if [ "$(db_kind)" = pg ]; then
  echo "$fails failure(s)"
  [ "$fails" = 0 ]
  exit
fi

# ---- an import killed inside its transaction (SQLite's WAL) ----

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
