#!/usr/bin/env bash
# referral_pathway.sh MMPATH: one referral from `referred` to the day-100
# follow-up through the HTTP API (issue 14, docs/referral.md "After
# infusion"), with the refusals a hub coordinator and a spoke would meet:
# a future date, a correction, a spoke doing the hub's work, bad records
# (grade outside ASTCT, a visit before infusion, an unknown product, a lot
# for a bispecific) refused with the field path and nothing stored; then the
# letter and the registry row. Dates are relative to today (the centre's
# date): the history ends 10 days ago. Talks only to 127.0.0.1.
set -euo pipefail
. "$(dirname "$0")/lib/listening.sh"
MMPATH=${1:?usage: referral_pathway.sh MMPATH}
PY=$(command -v /usr/bin/python3 || command -v python3)
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
fails=0
ok() { echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1" >&2; }
export MMPATH_TIME_ZONE=Europe/Rome
day() { TZ=Europe/Rome "$PY" -c "import datetime; print(datetime.date.today() + datetime.timedelta(days=$1))"; }
db=$tmp/mmpath.db
HUB=$("$MMPATH" token new --center BO-SER --add-center --role hub --db "$db" 2>/dev/null)
SPOKE=$("$MMPATH" token new --center FE-ONC --add-center --role spoke --db "$db" 2>/dev/null)
SPOKE2=$("$MMPATH" token new --center PR-ONC --add-center --role spoke --db "$db" 2>/dev/null)
"$MMPATH" serve --port 0 --db "$db" --no-demo >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
port=$(mm_listening_port "$tmp/out" "$!") || true
[ -n "$port" ] || { cat "$tmp/err" >&2; exit 1; }
base=http://127.0.0.1:$port
req() { # METHOD PATH TOKEN [BODY]
  local args=(-sS -o "$tmp/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3")
  [ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' -d "$4")
  status=$(curl "${args[@]}" "$base$2") || true
}
py() { "$PY" -c "import json,sys; d=json.load(open('$tmp/body')); print($1)"; }
# expect NAME STATUS [PYTHON-EXPR True]
expect() {
  if [ "$status" != "$2" ]; then bad "$1: status $status, expected $2: $(head -c 400 "$tmp/body")"; return; fi
  if [ -n "${3:-}" ] && [ "$(py "$3" 2>&1)" != True ]; then bad "$1: $3 fails: $(head -c 400 "$tmp/body")"; return; fi
  ok "$1"
}
# problem NAME STATUS FIELD: a problem+json whose errors name FIELD
problem() {
  expect "$1" "$2" "'$3' in [e.get('path', e.get('field')) for e in d.get('errors', [])] or d.get('field') == '$3' or '$3' in json.dumps(d)"
}
nevents() { req GET /api/v1/referrals/$ID "$HUB"; py "len(d['events'])"; }

D0=$(day -200)
# ---- a spoke opens a referral: the server issues the id ----
req POST /api/v1/referrals "$SPOKE" "{\"schema\":\"mmpath/referral@1\",\"patient\":\"FE-0042\",\"from_center\":\"FE-ONC\",\"to_center\":\"BO-SER\",\"target\":\"ide-cel\",\"events\":[{\"date\":\"$D0\",\"state\":\"referred\"}]}"
Y=$(TZ=Europe/Rome date +%Y)
expect "a spoke opens a referral; the server issues FE-ONC-$Y-0001" 201 "d['id'] == 'FE-ONC-$Y-0001'"
ID=FE-ONC-$Y-0001
req POST /api/v1/referrals "$SPOKE2" "{\"schema\":\"mmpath/referral@1\",\"patient\":\"PR-0001\",\"from_center\":\"PR-ONC\",\"to_center\":\"BO-SER\",\"target\":\"ide-cel\",\"events\":[{\"date\":\"$D0\",\"state\":\"referred\"}]}"
expect "ids are per referring centre" 201 "d['id'] == 'PR-ONC-$Y-0001'"
# a spoke choosing an id: the same answer for an existing one and a new one
req POST /api/v1/referrals "$SPOKE2" "{\"schema\":\"mmpath/referral@1\",\"id\":\"$ID\",\"patient\":\"PR-0002\",\"from_center\":\"PR-ONC\",\"to_center\":\"BO-SER\",\"target\":\"ide-cel\",\"events\":[{\"date\":\"$D0\",\"state\":\"referred\"}]}"
cp "$tmp/body" "$tmp/taken"; s1=$status
req POST /api/v1/referrals "$SPOKE2" "{\"schema\":\"mmpath/referral@1\",\"id\":\"R-NEW-77\",\"patient\":\"PR-0002\",\"from_center\":\"PR-ONC\",\"to_center\":\"BO-SER\",\"target\":\"ide-cel\",\"events\":[{\"date\":\"$D0\",\"state\":\"referred\"}]}"
if [ "$s1" = 422 ] && [ "$status" = 422 ] && cmp -s "$tmp/taken" "$tmp/body"; then
  ok "a spoke trying another centre's id gets the same answer as any chosen id (nothing leaks)"
else bad "id answers differ: $s1 $(cat "$tmp/taken") / $status $(cat "$tmp/body")"; fi
req POST /api/v1/referrals "$SPOKE" "{\"schema\":\"mmpath/referral@1\",\"patient\":\"FE-0043\",\"from_center\":\"FE-ONC\",\"to_center\":\"BO-SER\",\"target\":\"ide-cel\",\"events\":[{\"date\":\"$D0\",\"state\":\"referred\"},{\"date\":\"$D0\",\"state\":\"waitlisted\"}]}"
problem "a spoke cannot create a referral beyond 'referred'" 403 body.events

# ---- the spoke may add information, not move ----
req POST /api/v1/referrals/$ID/events "$SPOKE" "{\"date\":\"$(day -199)\",\"state\":\"waitlisted\"}"
problem "a spoke cannot move a referral" 403 body.state
req POST /api/v1/referrals/$ID/events "$SPOKE" "{\"date\":\"$(day -199)\",\"kind\":\"note\",\"data\":{\"text\":\"PET-CT attached to the request\"}}"
expect "a spoke adds a note" 201 "d['events'][-1]['kind'] == 'note' and d['state'] == 'referred'"
req POST /api/v1/referrals/$ID/events "$SPOKE2" "{\"date\":\"$(day -199)\",\"kind\":\"note\",\"data\":{\"text\":\"x\"}}"
expect "another spoke writing to it gets 404" 404

# ---- the hub moves it; a future date is refused and stores nothing ----
req GET /api/v1/referrals/$ID/next "$HUB"
expect "next: from referred the hub may go to waitlisted, dates up to today" 200 \
  "'waitlisted' in [n['state'] for n in d['next']] and d['dates']['max'] == '$(day 0)' and 'crs' not in d['records']"
req GET /api/v1/referrals/$ID/next "$SPOKE"
expect "next: a spoke is offered no moves, only notes" 200 "d['next'] == [] and d['records'] == ['note']"
n0=$(nevents)
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day 30)\",\"state\":\"waitlisted\"}"
problem "a move dated in the future is refused" 422 body.date
[ "$(nevents)" = "$n0" ] && ok "nothing stored after the refused future date" || bad "future event stored"
mv() { req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day "$1")\",\"state\":\"$2\"}"; expect "hub: $2" 201; }
mv -190 waitlisted
mv -180 screening
mv -170 eligible
# ---- a correction: the screening date was wrong ----
SEQ=$(req GET /api/v1/referrals/$ID "$HUB"; py "[i for i,e in enumerate(d['events']) if e['state']=='screening' and not e.get('kind')][0]")
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -169)\",\"kind\":\"correction\",\"data\":{\"corrects\":$SEQ,\"date\":\"$(day -175)\",\"why\":\"typed the wrong day\"}}"
expect "a correction names the event, why and who" 201 \
  "d['events'][-1]['data']['corrects'] == $SEQ and d['events'][-1]['data']['who'].startswith('BO-SER hub token') and d['events'][$SEQ]['date'] == '$(day -180)'"
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -169)\",\"kind\":\"correction\",\"data\":{\"corrects\":$SEQ,\"date\":\"$(day -165)\",\"why\":\"x\"}}"
problem "a correction that breaks the pathway's order is refused" 422 body.data.date
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -168)\",\"kind\":\"bridging\",\"data\":{\"drugs\":[\"carfilzomib\",\"dexamethasone\"],\"end\":\"$(day -125)\"}}"
expect "bridging therapy recorded" 201
mv -160 awaiting_apheresis
mv -150 apheresis
mv -149 manufacturing
mv -120 awaiting_infusion
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -115)\",\"kind\":\"lymphodepletion\",\"data\":{\"drugs\":[\"fludarabine\",\"cyclophosphamide\"],\"end\":\"$(day -113)\"}}"
expect "lymphodepletion recorded" 201
# a visit before the infusion
n0=$(nevents)
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -112)\",\"kind\":\"visit\",\"data\":{\"visit\":\"d7\",\"status\":\"alive\"}}"
problem "a visit before infusion is refused" 422 body.kind
mv -110 infused
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -111)\",\"kind\":\"visit\",\"data\":{\"visit\":\"d7\",\"status\":\"alive\"}}"
problem "a visit dated before the infusion is refused" 422 body.date
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -110)\",\"kind\":\"product\",\"data\":{\"product\":\"abecma-x\",\"lot\":\"L1\"}}"
problem "an unknown product is refused" 422 body.data.product
[ "$(nevents)" = "$((n0 + 1))" ] && ok "only the infusion was stored among these" || bad "a refused record was stored"
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -110)\",\"kind\":\"product\",\"data\":{\"product\":\"ide-cel\",\"lot\":\"LOT-2026-118\",\"product_id\":\"JOIN-7781\"}}"
expect "product and lot recorded on the infusion day" 201
# CRS: ASTCT grade computed from the signs (Lee 2019: fever + hypotension without pressors = 2)
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -108)\",\"kind\":\"crs\",\"data\":{\"resolution\":\"$(day -104)\",\"signs\":[{\"date\":\"$(day -108)\",\"fever\":true,\"hypotension\":\"none\",\"hypoxia\":\"none\"},{\"date\":\"$(day -107)\",\"fever\":true,\"hypotension\":\"no_pressor\",\"hypoxia\":\"none\"}],\"grade\":5}}"
problem "a CRS grade outside ASTCT is refused" 422 body.data.grade
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -108)\",\"kind\":\"crs\",\"data\":{\"signs\":[{\"date\":\"$(day -108)\",\"fever\":true,\"hypotension\":\"two_pressors\",\"hypoxia\":\"none\"}]}}"
problem "a sign value outside the ASTCT table is refused" 422 body.data.signs[0].hypotension
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -108)\",\"kind\":\"crs\",\"data\":{\"resolution\":\"$(day -104)\",\"signs\":[{\"date\":\"$(day -108)\",\"fever\":true,\"hypotension\":\"none\",\"hypoxia\":\"none\"},{\"date\":\"$(day -107)\",\"fever\":true,\"hypotension\":\"no_pressor\",\"hypoxia\":\"none\"}],\"tocilizumab_doses\":1,\"corticosteroids\":false}}"
expect "CRS episode: highest ASTCT grade 2 computed from the signs (Lee 2019 Table 4)" 201 "d['events'][-1]['data']['astct_max_grade'] == 2"
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -106)\",\"kind\":\"icans\",\"data\":{\"resolution\":\"$(day -105)\",\"signs\":[{\"date\":\"$(day -106)\",\"ice_score\":8,\"consciousness\":\"alert\",\"seizure\":\"none\",\"motor\":\"none\",\"cerebral_edema\":\"none\"}],\"corticosteroids\":true}}"
expect "ICANS episode: ICE 8 alert is ASTCT grade 1 (Lee 2019 Table 6)" 201 "d['events'][-1]['data']['astct_max_grade'] == 1"
mv -103 follow_up
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -103)\",\"kind\":\"visit\",\"data\":{\"visit\":\"d7\",\"status\":\"alive\",\"anc\":0.4,\"platelets\":45,\"labs\":[{\"date\":\"$(day -116)\",\"test\":\"serum_m_protein\",\"value\":3.0}]}}"
expect "day-7 visit" 201
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -82)\",\"kind\":\"visit\",\"data\":{\"visit\":\"d28\",\"status\":\"alive\",\"toxicity_reviewed\":true,\"infections\":[],\"igg_mg_dl\":350,\"labs\":[{\"date\":\"$(day -82)\",\"test\":\"serum_m_protein\",\"value\":1.2}]}}"
expect "day-28 visit" 201
req POST /api/v1/referrals/$ID/events "$HUB" "{\"date\":\"$(day -10)\",\"kind\":\"visit\",\"data\":{\"visit\":\"d100\",\"status\":\"alive\",\"igg_mg_dl\":380,\"labs\":[{\"date\":\"$(day -10)\",\"test\":\"serum_m_protein\",\"value\":1.0}]}}"
expect "day-100 visit: IMWG response computed from the labs (3.0 to 1.0 g/dL: PR, Kumar 2016)" 201 "d['events'][-1]['data']['imwg_response'] == 'PR'"

# ---- the letter and the registry row ----
curl -sS -o "$tmp/letter" -w '%{http_code}' -H "Authorization: Bearer $SPOKE" "$base/api/v1/referrals/$ID/letter?lang=it" >"$tmp/st"
if [ "$(cat "$tmp/st")" = 200 ] && grep -q "Giorno 100" "$tmp/letter" && grep -q "LOT-2026-118" "$tmp/letter" &&
  grep -q "$(day -10)" "$tmp/letter" && grep -q "section 4.7" "$tmp/letter" && grep -q "Fino al" "$tmp/letter"; then
  ok "the spoke reads the Italian letter: schedule, lot, the day-100 date, the SmPC 4.7 condition"
else bad "letter: $(cat "$tmp/st") $(head -c 300 "$tmp/letter")"; fi
curl -sS -o "$tmp/letter" -H "Authorization: Bearer $HUB" "$base/api/v1/referrals/$ID/letter?lang=en"
grep -q "highest ASTCT grade 2" "$tmp/letter" && grep -q "Day 100" "$tmp/letter" &&
  ok "the English letter gives the CRS grade and the schedule" || bad "English letter"
req GET "/api/v1/registry-export" "$SPOKE"
expect "registry row for the spoke's infused patient, CRS/ICANS and response filled, the rest listed missing" 200 \
  "d['count'] == 1 and d['rows'][0]['values']['crs_max_grade'] == '2' and d['rows'][0]['values']['icans_max_grade'] == '1' and d['rows'][0]['values']['product_lot'] == 'LOT-2026-118' and d['rows'][0]['values']['best_response'] == 'PR' and 'date_of_birth' in [m['id'] for m in d['rows'][0]['missing']]"
req GET "/api/v1/registry-export" "$SPOKE2"
expect "another spoke's export has none of it" 200 "d['count'] == 0"
curl -sS -o "$tmp/csv" -H "Authorization: Bearer $HUB" "$base/api/v1/registry-export?format=csv"
head -1 "$tmp/csv" | grep -q '^referral,patient_id,' && grep -q "^$ID,FE-0042," "$tmp/csv" &&
  ok "CSV export: header and the row" || bad "csv: $(head -c 300 "$tmp/csv")"
req GET "/api/v1/referrals/$ID" "$HUB"
expect "every record is in the audit" 200 "sum(1 for a in d['audit'] if a['action'] == 'referral.record') >= 10"

# ---- a bispecific has no lot ----
req POST /api/v1/referrals "$HUB" "{\"schema\":\"mmpath/referral@1\",\"patient\":\"BO-0077\",\"from_center\":\"BO-SER\",\"to_center\":\"BO-SER\",\"target\":\"teclistamab\",\"events\":[{\"date\":\"$(day -30)\",\"state\":\"referred\"},{\"date\":\"$(day -25)\",\"state\":\"screening\"},{\"date\":\"$(day -20)\",\"state\":\"eligible\"},{\"date\":\"$(day -15)\",\"state\":\"infused\"}]}"
expect "the hub opens a bispecific referral up to its first step-up dose" 201
BID=$(py "d['id']")
req POST /api/v1/referrals/$BID/events "$HUB" "{\"date\":\"$(day -15)\",\"kind\":\"product\",\"data\":{\"product\":\"teclistamab\",\"lot\":\"X1\"}}"
problem "a lot for a bispecific is refused" 422 body.data.lot
req GET /api/v1/referrals/$BID "$HUB"
expect "nothing stored for the refused lot" 200 "len(d['events']) == 4"

req GET "/api/v1/funnel?to_center=BO-SER&format=json" "$HUB"
expect "funnel: after-infusion stages (CRS >= 3, ICANS, day-100 response)" 200 \
  "d['after_infusion']['infused']['n'] == 2 and d['after_infusion']['crs_grade3plus']['n'] == 0 and d['after_infusion']['icans']['n'] == 1 and d['after_infusion']['day100_response']['n'] == 1"

[ "$fails" = 0 ] && echo "all pathway checks passed" || { echo "$fails failed" >&2; exit 1; }
