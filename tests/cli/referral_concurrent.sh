#!/usr/bin/env bash
# referral_concurrent.sh: several processes writing one registry at once lose
# no event and corrupt nothing (docs/referral.md, "Durability"). Four writers
# each create 6 referrals and move each three times while a fifth imports
# 2,000 referrals; all of them also race to move one shared referral from
# 'screening' to 'eligible': exactly one may win, the others must be refused
# by the pathway (the check runs inside the write transaction). With
# MMPATH_TEST_DB=pg the same on PostgreSQL (tests/pg/db.sh).
set -uo pipefail
M=${1:?usage: referral_concurrent.sh PATH-TO-MMPATH}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$HERE/../pg/db.sh"
echo "database: $(db_kind)"
DB=$(test_db c "$T") || exit $?
FRESH=$(test_db fresh "$T") || exit $?
W=4
PER=6
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }

# Six processes create the same new registry at once (schema migration races).
for w in 1 2 3 4 5 6; do
  "$M" referral new --db "$FRESH" --id F-$w --patient PF-$w --from FE-ONC --to BO-SER \
    --target ide-cel --date 2024-01-01 >"$T/fresh$w.out" 2>&1 &
done
wait
n=$("$M" referral list --db "$FRESH" --format count)
[ "$n" = 6 ] && ok "six processes creating one new registry: 6 referrals" ||
  { bad "fresh registry: $n"; cat "$T"/fresh*.out; }

bash "$HERE/../data/referral/gen_bulk.sh" 2000 C >"$T/bulk.json"
bulk_events=$(grep -o '"state"' "$T/bulk.json" | wc -l)
"$M" referral new --db "$DB" --id RACE-1 --patient PR-1 --from FE-ONC --to BO-SER \
  --target ide-cel --date 2024-01-01 >/dev/null || bad "setup"
"$M" referral move RACE-1 screening --db "$DB" --date 2024-01-02 >/dev/null || bad "setup"

writer() {
  local w=$1 rc=0
  "$M" referral move RACE-1 eligible --db "$DB" --date 2024-01-03 >"$T/race$w.out" 2>&1
  echo $? >"$T/race$w.rc"
  for i in $(seq 1 $PER); do
    local id="W$w-$i"
    "$M" referral new --db "$DB" --id "$id" --patient "PW-$w$i" --from FE-ONC --to BO-SER \
      --target cilta-cel --date 2024-02-01 >/dev/null || rc=1
    "$M" referral move "$id" waitlisted --db "$DB" --date 2024-02-02 >/dev/null || rc=1
    "$M" referral move "$id" screening --db "$DB" --date 2024-02-03 >/dev/null || rc=1
    "$M" referral move "$id" eligible --db "$DB" --date 2024-02-04 >/dev/null || rc=1
  done
  return $rc
}

pids=()
"$M" referral import "$T/bulk.json" --db "$DB" >"$T/import.out" 2>&1 &
pids+=($!)
for w in $(seq 1 $W); do writer "$w" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || bad "a writer failed (pid $p)"; done
cat "$T/import.out"

winners=$(cat "$T"/race*.rc | grep -c '^0$')
[ "$winners" = 1 ] && ok "exactly one of $W racing moves to 'eligible' won" || bad "$winners winners"
losers=$(cat "$T"/race*.out | grep -c "move from 'eligible' to 'eligible' not allowed")
[ "$losers" = $((W - 1)) ] && ok "the $losers others were refused by the pathway" ||
  bad "refusals: $losers"

n=$("$M" referral list --db "$DB" --format count)
want=$((1 + W * PER + 2000))
[ "$n" = "$want" ] && ok "$n referrals, none lost" || bad "$n referrals, want $want"
"$M" referral export --db "$DB" >"$T/all.json"
events=$(grep -o '"state"' "$T/all.json" | wc -l)
want=$((3 + W * PER * 4 + bulk_events))
[ "$events" = "$want" ] && ok "$events events, none lost" || bad "$events events, want $want"
out=$("$M" referral check --db "$DB" 2>&1) && ok "check: $out" || bad "check: $out"

# Server-issued ids (issue 14): writers creating at once never get the same
# id; the ids are 1..N with no gap (the number is found inside the write
# transaction).
ipids=()
for w in $(seq 1 $W); do
  ( for k in 1 2 3; do
      "$M" referral new --db "$DB" --patient "IS-$w$k" --from IS-ONC --to BO-SER --target ide-cel \
        --date 2024-03-01 >>"$T/issued$w.out" 2>&1 || exit 1
    done ) &
  ipids+=($!)
done
for p in "${ipids[@]}"; do wait "$p" || bad "an issuing writer failed (pid $p)"; done
Y=$(TZ=${MMPATH_TIME_ZONE:-Europe/Rome} date +%Y)
got=$(cat "$T"/issued*.out | sed -n 's/^\(IS-ONC-[0-9]*-[0-9]*\): referred$/\1/p' | sort | tr '\n' ' ')
want=$(for i in $(seq 1 $((W * 3))); do printf 'IS-ONC-%s-%04d ' "$Y" "$i"; done)
[ "$got" = "$want" ] && ok "$((W * 3)) ids issued by $W concurrent writers: distinct, 1..$((W * 3))" ||
  bad "issued ids: $got"
echo "$fails failure(s)"
[ "$fails" = 0 ]
