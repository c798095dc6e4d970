#!/usr/bin/env bash
# server_api.sh MMPATH: the HTTP API end to end. Starts `mmpath serve --port 0`
# on 127.0.0.1 with a fresh database and four tokens (hub BO-SER, spokes
# FE-ONC and PR-ONC, analyst BO-SER), then checks every endpoint, its errors
# (problem+json with the field path), access by role (a spoke never sees
# another centre's referral), the audit log, and the limits: body (413),
# header (431), connections per client (429), in all (503) and idle time.
# Talks only to 127.0.0.1; every wait is bounded.
set -euo pipefail
. "$(dirname "$0")/lib/listening.sh"
MMPATH=${1:?usage: server_api.sh MMPATH}
MMPATH_TESTDATA=${MMPATH_TESTDATA:-$(cd "$(dirname "$0")/../data" && pwd)}
command -v curl >/dev/null || { echo "server_api: curl is required (apt-get install curl)" >&2; exit 1; }
# Debian's python3 first: a version manager's shim costs 0.1 s a call
PY=$(command -v /usr/bin/python3 || command -v python3)
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
checks=0
ok() { checks=$((checks + 1)); echo "ok   $1"; }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $1" >&2; }

# MMPATH_TEST_DB=pg: the same checks on PostgreSQL (tests/pg/db.sh)
source "$(dirname "$0")/../pg/db.sh"
db=$(test_db mmpath "$tmp")
echo "database: $(db_kind)"
# a token is only for one of the network's centres: the first of each adds it
"$MMPATH" token new --center BO-SER --role hub --db "$db" >/dev/null 2>"$tmp/nocenter" &&
  bad "token new for a centre the network does not know" ||
  { grep -q "'BO-SER' is not one of the network's centres" "$tmp/nocenter" &&
    ok "token new refuses a centre the network does not know"; }
HUB=$("$MMPATH" token new --center BO-SER --add-center --role hub --db "$db" 2>/dev/null)
SPOKE=$("$MMPATH" token new --center FE-ONC --add-center --role spoke --db "$db" 2>/dev/null)
SPOKE2=$("$MMPATH" token new --center PR-ONC --add-center --role spoke --db "$db" 2>/dev/null)
ANALYST=$("$MMPATH" token new --center BO-SER --role analyst --db "$db" 2>/dev/null)
EXPIRED=$("$MMPATH" token new --center BO-SER --role hub --expires 1s --db "$db" 2>/dev/null)
[[ $HUB == mmp_* && ${#HUB} == 68 ]] && ok "token new prints a token once" || bad "token new: '$HUB'"
"$MMPATH" token new --center BO-SER --role boss --db "$db" >/dev/null 2>&1 && bad "token new accepts role boss" ||
  ok "token new refuses an unknown role"
if sql "$db" "SELECT count(*) FROM api_tokens WHERE hash = '$HUB'" | grep -qx 0 &&
  sql "$db" "SELECT count(*) FROM api_tokens" | grep -qx 5; then
  ok "tokens are stored hashed"
else bad "tokens stored in clear or missing"; fi

# start: port 0 picks a free port, printed as "listening on http://127.0.0.1:PORT/"
declare -A spids
start_server() { # LOGNAME ARGS...
  local name=$1 log=$tmp/$1.out
  shift
  "$MMPATH" serve --port 0 --db "$db" --no-demo "$@" >"$log" 2>"$log.err" &
  pids+=($!)
  spids[$name]=$!
  port=$(mm_listening_port "$log" "$!") && return 0
  echo "server did not start:" >&2
  cat "$log.err" >&2
  return 1
}
start_server main --max-body 65536 --max-per-client 3 --max-connections 6 --idle-timeout 3
base=http://127.0.0.1:$port
ok "serve --port 0 listens on 127.0.0.1:$port"

# req METHOD PATH TOKEN [curl args]: sets $status, $ctype; body in $tmp/body
req() {
  local m=$1 p=$2 tk=$3
  shift 3
  local auth=()
  [ -n "$tk" ] && auth=(-H "Authorization: Bearer $tk")
  local out
  out=$(curl -sS -o "$tmp/body" -w '%{http_code} %{content_type}' -X "$m" "${auth[@]}" "$@" "$base$p") || true
  status=${out%% *}
  ctype=${out#* }
}
json() { "$PY" -c "import json,sys; d=json.load(open('$tmp/body')); print($1)"; }
# expect NAME STATUS [PYTHON-EXPR that must print True]
expect() {
  local name=$1 want=$2 cond=${3:-}
  if [ "$status" != "$want" ]; then
    bad "$name: status $status, expected $want: $(head -c 300 "$tmp/body")"
    return
  fi
  if [ -n "$cond" ] && [ "$(json "$cond" 2>&1)" != True ]; then
    bad "$name: $cond is not true in $(head -c 400 "$tmp/body")"
    return
  fi
  ok "$name"
}
# problem NAME STATUS FIELD-PATH: an RFC 9457 answer naming the field
problem() {
  if [[ $ctype != application/problem+json* ]]; then
    bad "$1: content type '$ctype' is not application/problem+json"
    return
  fi
  expect "$1" "$2" "d['status'] == $2 and d['type'].startswith('urn:mmpath:problem:') and d['title'] != '' and d['errors'][0]['path'] == '$3' and d['errors'][0]['message'] != ''"
}
JSON=(-H 'Content-Type: application/json')

# ---- the page and the index ----
req GET / ""
[[ $status == 200 && $ctype == text/html* ]] && grep -q 'app.js' "$tmp/body" && ok "GET / serves the page" ||
  bad "GET /: $status $ctype"
req GET /app.js ""
[[ $status == 200 && $ctype == text/javascript* ]] && ok "GET /app.js" || bad "GET /app.js: $status $ctype"
grep -Eq '(src|href)="https?:' "$tmp/body" && bad "the page loads something from another host" ||
  ok "the page has no external URL"
req GET /nothing.html ""
problem "GET /nothing.html is 404" 404 path
req GET "/../../etc/passwd" "" --path-as-is
[ "$status" = 404 ] && ! grep -q 'root:' "$tmp/body" && ok "no file outside the embedded page is served" ||
  bad "path traversal: $status"
req GET "/%2e%2e/%2e%2e/etc/passwd" "" --path-as-is
[ "$status" = 404 ] && ok "nor with an encoded path" || bad "encoded path traversal: $status"
req GET /api/v1 ""
expect "GET /api/v1 lists the endpoints" 200 "any(e['path'].startswith('/api/v1/evaluate') for e in d['endpoints'])"
req GET /api/v1/health ""
expect "GET /api/v1/health" 200 "d['status'] == 'ok' and d['kb'] is not None"
req GET /api/v1/nothing "$HUB"
problem "unknown endpoint is 404" 404 path
req DELETE /api/v1/referrals "$HUB"
problem "DELETE /api/v1/referrals is 405" 405 method
curl -sS -o /dev/null -D "$tmp/h" -X DELETE "$base/api/v1/referrals"
grep -qi '^Allow: GET, POST' "$tmp/h" && ok "405 says Allow: GET, POST" || bad "405 without Allow"

# ---- access ----
req POST /api/v1/evaluate "" "${JSON[@]}" -d '{"id":"X-1"}'
problem "evaluate without a token (not --open-evaluate) is 401" 401 header.Authorization
req POST /api/v1/evaluate "mmp_$(printf '0%.0s' $(seq 64))" "${JSON[@]}" -d '{"id":"X-1"}'
problem "evaluate with an unknown token is 401" 401 header.Authorization
req GET /api/v1/examples "$SPOKE"
expect "GET /api/v1/examples: the demo patients, each a record" 200 \
  "len(d['examples']) >= 1 and all(e['record']['id'] for e in d['examples'])"
req GET /api/v1/me "$SPOKE"
expect "GET /api/v1/me names the token's centre and role" 200 "d['center'] == 'FE-ONC' and d['role'] == 'spoke'"

# ---- evaluate and facts (record as in shared spec patient-record.md) ----
cat >"$tmp/record.json" <<'EOF'
{"schema":"mmpath/patient@1","id":"BO-0017","as_of":"2026-11-25","birth_date":"1958-04-12","sex":"male","ecog":1,
 "frailty":{"charlson":1,"adl":6,"iadl":8},
 "diagnosis":{"date":"2019-06-01","iss":2,"ldh_above_uln":false,"fish":{"del17p":false,"t4_14":true,"t14_16":false,"gain1q":true,"amp1q":false}},
 "labs":[{"date":"2026-11-20","test":"igg","value":350,"unit":"mg/dL"}],
 "lines":[{"regimen":"VRd","start":"2019-07-01","end":"2019-11-15","asct":"2019-12-10",
           "maintenance":{"drugs":["lenalidomide"],"start":"2020-02-01","end":"2022-03-01"},"best_response":"VGPR","progression":"2022-03-01"},
          {"drugs":["daratumumab","pomalidomide","dexamethasone"],"start":"2022-03-15","end":"2024-01-10","best_response":"PR","progression":"2024-01-10"}]}
EOF
req POST "/api/v1/evaluate?lang=en&jurisdiction=eu" "$SPOKE" "${JSON[@]}" --data-binary @"$tmp/record.json"
expect "evaluate: an mmpath/evaluation@1 answer" 200 "d['schema'] == 'mmpath/evaluation@1' and d['patient'] == 'BO-0017'"
# Tecvayli SmPC 4.1: at least three prior therapies; this patient has two.
expect "evaluate: teclistamab not eligible after 2 prior lines (EU label: >= 3)" 200 \
  "[(o['status'], [c['result'] for c in o['criteria'] if c['id'] == 'prior_lines_ge_3']) for o in d['options'] if o['id'] == 'teclistamab'] == [('not_eligible', [False])]"
# Raje 2023 (Blood Cancer J 13:116, Table 4): IVIG while IgG < 400 mg/dL; this
# patient is only eligible for a CAR-T, not given one: conditional (issue #12)
expect "evaluate: IVIG conditional (if CAR-T goes ahead) with IgG 350 mg/dL" 200 \
  "[(s['status'], s['conditional'][0]['fact']) for s in d['supportive_care'] if s['id'] == 'ivig'] == [('unknown', 'candidate_car_t')]"
req POST "/api/v1/evaluate?lang=it&format=html" "$SPOKE" "${JSON[@]}" --data-binary @"$tmp/record.json"
[[ $status == 200 && $ctype == text/html* ]] && grep -qi '<html' "$tmp/body" && ok "evaluate format=html is a page" ||
  bad "evaluate html: $status $ctype"
req POST "/api/v1/evaluate?lang=fr" "$SPOKE" "${JSON[@]}" --data-binary @"$tmp/record.json"
problem "evaluate lang=fr is 400" 400 query.lang
req POST "/api/v1/evaluate?jurisdiction=jp" "$SPOKE" "${JSON[@]}" --data-binary @"$tmp/record.json"
problem "evaluate jurisdiction=jp is 400" 400 query.jurisdiction
req POST "/api/v1/evaluate?format=pdf" "$SPOKE" "${JSON[@]}" --data-binary @"$tmp/record.json"
problem "evaluate format=pdf is 400" 400 query.format
req POST /api/v1/evaluate "$SPOKE" "${JSON[@]}" -d '{"id":"X-2","sex":"maybe","lines":[{"start":"2020-13-01"}]}'
problem "evaluate: invalid record is 422 naming the field" 422 body.sex
expect "evaluate: every problem is reported" 422 "[e['path'] for e in d['errors']] == ['body.sex', 'body.lines[0].start']"
req POST /api/v1/evaluate "$SPOKE" "${JSON[@]}" -d '{"id":'
problem "evaluate: broken JSON is 422" 422 body
req POST /api/v1/evaluate "$SPOKE" "${JSON[@]}"
problem "evaluate: no body is 400" 400 body
req POST /api/v1/evaluate "$SPOKE" -H 'Content-Type: application/xml' -d '<x/>'
problem "evaluate: XML is 415" 415 header.Content-Type
req POST "/api/v1/facts?lang=en" "$SPOKE" "${JSON[@]}" --data-binary @"$tmp/record.json"
expect "facts: 2 prior lines, age 68" 200 "d['prior_lines']['value'] == 2 and d['age']['value'] == 68"

# ---- FHIR import (docs/fhir.md): a Bundle becomes a record, what is left out is listed ----
req POST "/api/v1/fhir/import?as_of=2026-11-25" "$SPOKE" -H 'Content-Type: application/fhir+json' \
  --data-binary @"$MMPATH_TESTDATA/fhir/rrmm.json"
expect "fhir import: the record and the warnings" 200 \
  "d['record']['id'] == 'rrmm-002' and d['record']['schema'] == 'mmpath/patient@1' and any('Karnofsky' in w['message'] for w in d['warnings'])"
cp "$tmp/body" "$tmp/fhir_default.json"
# lang (docs/http-api.md, as /api/v1/evaluate): the warnings in the page's
# language; the record, the paths and the codes are the same either way, and
# English is the default. rrmm.json triggers an unknown LOINC, Karnofsky, no
# Procedure and the IMWG grouping note (docs/fhir.md "What is left out").
for l in it en; do
  req POST "/api/v1/fhir/import?as_of=2026-11-25&lang=$l" "$SPOKE" -H 'Content-Type: application/fhir+json' \
    --data-binary @"$MMPATH_TESTDATA/fhir/rrmm.json"
  cp "$tmp/body" "$tmp/fhir_$l.json"
done
"$PY" - "$tmp" <<'PY' && ok "fhir import lang=it|en: same record, paths and codes; Italian messages with it, English by default" || bad "fhir import lang"
import json, sys
d = {l: json.load(open(f"{sys.argv[1]}/fhir_{l}.json")) for l in ("it", "en", "default")}
key = lambda w: (w["path"], w["code"])
assert d["it"]["record"] == d["en"]["record"] == d["default"]["record"]
assert [key(w) for w in d["it"]["warnings"]] == [key(w) for w in d["en"]["warnings"]], "paths/codes differ"
assert d["default"]["warnings"] == d["en"]["warnings"], "the default is not English"
assert len(d["it"]["warnings"]) >= 4, d["it"]["warnings"]
it = {w["path"]: w["message"] for w in d["it"]["warnings"]}
en = {w["path"]: w["message"] for w in d["en"]["warnings"]}
assert "Karnofsky" in it["Observation/kps.code.coding[0]"] and "non è convertito in ECOG" in it["Observation/kps.code.coding[0]"]
assert "is not converted to ECOG" in en["Observation/kps.code.coding[0]"]
assert it["Observation/creat.code.coding[0]"].startswith("LOINC 2160-0") and "non presente in kb/fhir.yaml" in it["Observation/creat.code.coding[0]"]
assert all(it[p] != en[p] for p in it), "a warning left in English"
assert {w["code"] for w in d["it"]["warnings"]} >= {"unknown-name", "invalid", "missing"}
PY
req POST "/api/v1/fhir/import?lang=de" "$SPOKE" -H 'Content-Type: application/fhir+json' \
  --data-binary @"$MMPATH_TESTDATA/fhir/rrmm.json"
problem "fhir import: lang=de is 400" 400 query.lang
req POST /api/v1/fhir/import "$SPOKE" "${JSON[@]}" --data-binary @"$MMPATH_TESTDATA/fhir/malformed.json"
problem "fhir import: a resource without resourceType is 422" 422 "body.Bundle.entry[1].resource.resourceType"
expect "fhir import: each refusal has its code, English by default" 422 \
  "d['errors'][0]['code'] == 'missing' and d['errors'][0]['message'].startswith('a resource needs a resourceType string (line ')"
req POST "/api/v1/fhir/import?lang=it" "$SPOKE" "${JSON[@]}" --data-binary @"$MMPATH_TESTDATA/fhir/malformed.json"
expect "fhir import lang=it: the refusals in Italian, same paths and codes" 422 \
  "d['errors'][0]['path'] == 'body.Bundle.entry[1].resource.resourceType' and d['errors'][0]['code'] == 'missing' and d['errors'][0]['message'].startswith('una risorsa deve avere resourceType (stringa) (riga ')"
req POST "/api/v1/fhir/import?as_of=yesterday" "$SPOKE" "${JSON[@]}" --data-binary @"$MMPATH_TESTDATA/fhir/rrmm.json"
problem "fhir import: as_of=yesterday is 400" 400 query.as_of

# ---- screen: JSON Lines in, one line per record out (streamed), then a summary ----
{
  for i in $(seq 1 90); do tr -d '\n' <"$tmp/record.json" | sed "s/BO-0017/BO-$i/"; echo; done
  echo '{"id":"BAD-1","sex":"maybe"}'
  echo 'not json'
} >"$tmp/registry.jsonl"
[ "$(wc -c <"$tmp/registry.jsonl")" -gt 65536 ] || bad "the registry should be over --max-body"
req POST "/api/v1/screen?only=teclistamab,ide-cel" "$ANALYST" -H 'Content-Type: application/x-ndjson' \
  --data-binary @"$tmp/registry.jsonl"
if [[ $status == 200 && $ctype == application/x-ndjson* ]] && [ "$(wc -l <"$tmp/body")" = 93 ] &&
  "$PY" - "$tmp/body" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows[0]["not_eligible"] == {"teclistamab": ["prior_lines_ge_3"]}, rows[0]
assert rows[0]["eligible"] == ["ide-cel"], rows[0]
assert rows[90]["line"] == 91 and rows[90]["error"][0]["path"] == "sex", rows[90]
assert rows[91]["line"] == 92 and "error" in rows[91], rows[91]
s = rows[92]["summary"]
assert s["records"] == 92 and s["malformed"] == 2 and s["screened"] == 90, s
EOF
then ok "screen: a registry over --max-body streams one line per record, bad ones reported"
else bad "screen: $status $ctype $(head -c 300 "$tmp/body")"; fi
req POST "/api/v1/screen?format=csv&only=teclistamab" "$ANALYST" -H 'Content-Type: application/x-ndjson' \
  --data-binary @"$tmp/registry.jsonl"
[[ $status == 200 && $ctype == text/csv* ]] && head -1 "$tmp/body" | grep -q '^id,setting,teclistamab' &&
  ok "screen format=csv" || bad "screen csv: $status $ctype"
req POST "/api/v1/screen?only=aspirin" "$ANALYST" -H 'Content-Type: application/x-ndjson' --data-binary @"$tmp/registry.jsonl"
problem "screen only=aspirin is 400" 400 query.only
req POST /api/v1/screen "$ANALYST" -H 'Content-Type: text/csv' -d 'a,b'
problem "screen of CSV is 415" 415 header.Content-Type

# ---- scores (Greipp 2005: beta2-microglobulin >= 5.5 mg/L is ISS III) ----
req GET /api/v1/scores "$ANALYST"
expect "GET /api/v1/scores lists iss with its inputs" 200 "[s for s in d['scores'] if s['name'] == 'iss'][0]['inputs'][0]['name'] != ''"
req POST /api/v1/scores/iss "$ANALYST" "${JSON[@]}" -d '{"beta2m_mg_l": 6.1}'
expect "score iss: beta2m 6.1 mg/L is III without albumin" 200 "d['value'] == 'III'"
req POST /api/v1/scores/iss "$ANALYST" "${JSON[@]}" -d '{"beta2m_mg_l": 2.0}'
expect "score iss: unknown when albumin would decide" 200 "d['value'] is None and 'albumin_g_dl' in d['missing']"
req POST /api/v1/scores/iss "$ANALYST" "${JSON[@]}" -d '{"beta2m_mg_l": "high"}'
problem "score iss: a string beta2m is 422" 422 body.beta2m_mg_l
req POST /api/v1/scores/iss "$ANALYST" "${JSON[@]}" -d '{"ldh": 1}'
problem "score iss: an unknown input is 422" 422 body.ldh
# IMWG 2016 response: >= 90% fall of serum M-protein and urine < 100 mg/24h is VGPR
req POST /api/v1/scores/response "$ANALYST" "${JSON[@]}" --data-binary @"$MMPATH_TESTDATA/scores/response_vgpr.json"
expect "score response: VGPR, confirmed on two assessments" 200 "d['value'] == 'VGPR' and d['confirmed'] is True"
req POST /api/v1/scores/response "$ANALYST" "${JSON[@]}" \
  -d '{"baseline":"2026-01-10","labs":[{"date":"2026-01-05","test":"serum_m_protein","value":40,"unit":"g/L"}]}'
problem "score response: a lab in another unit is 422" 422 "body.labs[0].unit"
req POST /api/v1/scores/gleason "$ANALYST" "${JSON[@]}" -d '{}'
problem "score gleason is 404" 404 path

# ---- knowledge base ----
req GET /api/v1/kb "$ANALYST"
expect "GET /api/v1/kb" 200 "d['version'] != '' and d['counts']['drugs'] > 0"
for s in drugs regimens guidelines therapies trials; do
  req GET "/api/v1/kb/$s?lang=it" "$ANALYST"
  expect "GET /api/v1/kb/$s" 200 "len(d['$s']) > 0 and all('sources' in x for x in d['$s'])"
done
req GET /api/v1/kb/drugs "$ANALYST"
expect "kb drugs: lenalidomide is an IMiD" 200 "[x['classes'] for x in d['drugs'] if x['id'] == 'lenalidomide'] == [['imid']]"
req GET /api/v1/kb/dogs "$ANALYST"
problem "GET /api/v1/kb/dogs is 404" 404 path
req GET /api/v1/referral-vocabulary?lang=it "$SPOKE"
expect "referral vocabulary: screening may follow referred" 200 \
  "'screening' in [s for s in d['states'] if s['id'] == 'referred'][0]['next']"

# ---- referrals (shared spec referral.md) ----
ref() { # ID FROM TO PATIENT
  printf '{"schema":"mmpath/referral@1","id":"%s","patient":"%s","from_center":"%s","to_center":"%s","target":"cilta-cel","events":[{"date":"2026-11-02","state":"referred"}]}' \
    "$1" "$4" "$2" "$3"
}
refn() { # FROM TO PATIENT: without an id, as a spoke sends it
  printf '{"schema":"mmpath/referral@1","patient":"%s","from_center":"%s","to_center":"%s","target":"cilta-cel","events":[{"date":"2026-11-02","state":"referred"}]}' \
    "$3" "$1" "$2"
}
# ids are issued by the server (docs/referral.md): FE-ONC-<year>-0001
RFE="FE-ONC-$(TZ=Europe/Rome date +%Y)-0001"
req POST /api/v1/referrals "$SPOKE" "${JSON[@]}" -d "$(refn FE-ONC BO-SER PX-0001)"
expect "spoke FE-ONC creates its referral" 201 "d['id'] == '$RFE' and d['state'] == 'referred'"
req POST /api/v1/referrals "$SPOKE" "${JSON[@]}" -d "$(refn PR-ONC BO-SER PX-0002)"
problem "spoke FE-ONC cannot refer from PR-ONC" 403 body.from_center
req POST /api/v1/referrals "$HUB" "${JSON[@]}" -d "$(ref R-PR-1 PR-ONC BO-SER PX-0003)"
expect "hub creates a referral from PR-ONC" 201 "d['from_center'] == 'PR-ONC'"
req POST /api/v1/referrals "$HUB" "${JSON[@]}" -d "$(ref R-PR-1 PR-ONC BO-SER PX-0003)"
problem "the same id again is refused like any unusable id" 422 body.id
req POST /api/v1/referrals "$HUB" "${JSON[@]}" -d '{"schema":"mmpath/referral@1","id":"R-X","from_center":"PR-ONC","to_center":"BO-SER","target":"cilta-cel","events":[{"date":"2026-11-02","state":"referred"}]}'
problem "a referral without patient is 422" 422 body.patient
req POST /api/v1/referrals "$ANALYST" "${JSON[@]}" -d "$(ref R-AN-1 BO-SER BO-SER PX-0004)"
problem "an analyst cannot create referrals" 403 header.Authorization

req GET /api/v1/referrals "$SPOKE"
expect "spoke FE-ONC lists only its own referrals" 200 "[r['id'] for r in d['referrals']] == ['$RFE'] and d['count'] == 1"
req GET /api/v1/referrals "$HUB"
expect "hub lists every referral" 200 "sorted(r['id'] for r in d['referrals']) == ['$RFE', 'R-PR-1']"
# a page (docs/http-api.md, "Referrals"): in id order, `count` for the page,
# `total` for the filter, `next` the cursor to pass as `after`
req GET "/api/v1/referrals?limit=1" "$HUB"
expect "a page of one: the first id, total 2, next is its id" 200 \
  "[r['id'] for r in d['referrals']] == ['$RFE'] and d['count'] == 1 and d['total'] == 2 and d['next'] == '$RFE'"
req GET "/api/v1/referrals?limit=1&after=$RFE" "$HUB"
expect "the page after it: the other one, no next" 200 \
  "[r['id'] for r in d['referrals']] == ['R-PR-1'] and d['total'] == 2 and d['next'] is None"
req GET "/api/v1/referrals?state=screening" "$HUB"
expect "state filter through the stored current state: none screening" 200 \
  "d['count'] == 0 and d['total'] == 0 and d['referrals'] == []"
req GET "/api/v1/referrals?state=referred&to_center=BO-SER" "$HUB"
expect "state filter: both referred" 200 "d['count'] == 2 and d['total'] == 2"
req GET "/api/v1/referrals?limit=0" "$HUB"
problem "limit 0 is 400" 400 query.limit
req GET "/api/v1/referrals?limit=1001" "$HUB"
problem "limit over 1000 is 400" 400 query.limit
req GET "/api/v1/referrals?from_center=PR-ONC" "$SPOKE"
problem "spoke FE-ONC cannot list PR-ONC's referrals" 403 query.from_center
req GET "/api/v1/referrals?state=limbo" "$HUB"
problem "unknown state filter is 400" 400 query.state
req GET /api/v1/referrals/$RFE "$SPOKE2"
problem "spoke PR-ONC reading FE-ONC's referral gets 404" 404 path
grep -q 'PX-0001' "$tmp/body" && bad "the refusal leaks the patient id" || ok "the refusal leaks nothing of the referral"
cp "$tmp/body" "$tmp/refused"
req GET /api/v1/referrals/R-NONE "$SPOKE2"
if [ "$(json "d['title']")" = "$("$PY" -c "import json; print(json.load(open('$tmp/refused'))['title'])")" ]; then
  ok "another centre's referral looks exactly like a missing one"
else bad "refused and missing referrals answer differently"; fi
req GET /api/v1/referrals/$RFE "$SPOKE"
expect "spoke FE-ONC reads its referral" 200 "d['patient'] == 'PX-0001' and len(d['events']) == 1"
req GET /api/v1/referrals "$ANALYST"
problem "an analyst cannot list referrals" 403 header.Authorization

# moves (hub only; the state machine decides)
req POST /api/v1/referrals/$RFE/events "$HUB" "${JSON[@]}" -d '{"date":"2026-11-05","state":"waitlisted"}'
expect "hub moves $RFE to waitlisted" 201 "d['state'] == 'waitlisted' and len(d['events']) == 2"
req POST /api/v1/referrals/$RFE/events "$HUB" "${JSON[@]}" -d '{"date":"2026-11-06","state":"apheresis"}'
problem "waitlisted -> apheresis is refused" 422 body.state
req POST /api/v1/referrals/$RFE/events "$HUB" "${JSON[@]}" -d '{"date":"2026-11-01","state":"screening"}'
problem "an event dated before the previous one is refused" 422 body.date
req POST /api/v1/referrals/$RFE/events "$HUB" "${JSON[@]}" -d '{"date":"2026-11-06","state":"excluded"}'
problem "excluded without a reason is refused" 422 body.reason
req POST /api/v1/referrals/$RFE/events "$HUB" "${JSON[@]}" -d '{"date":"2026-11-06","state":"screening","by":"me"}'
problem "an unknown key in an event is 422" 422 body.by
req POST /api/v1/referrals/$RFE/events "$HUB" "${JSON[@]}" -d '{"date":"2026-11-06"}'
problem "an event without state is 422" 422 body.state
req POST /api/v1/referrals/$RFE/events "$SPOKE" "${JSON[@]}" -d '{"date":"2026-11-06","state":"screening"}'
problem "a spoke cannot move referrals" 403 body.state
req POST /api/v1/referrals/R-NONE/events "$HUB" "${JSON[@]}" -d '{"date":"2026-11-06","state":"screening"}'
problem "moving a missing referral is 404" 404 path
req POST /api/v1/referrals/$RFE/events "$HUB" "${JSON[@]}" -d '{"date":"2026-11-09","state":"screening","note":"PET booked"}'
expect "hub moves $RFE to screening with a note" 201 "d['state'] == 'screening' and d['events'][-1]['note'] == 'PET booked'"
req GET /api/v1/referrals/$RFE "$SPOKE"
expect "nothing of the refused moves was stored" 200 "[e['state'] for e in d['events']] == ['referred', 'waitlisted', 'screening']"
expect "a referral shows who changed it" 200 \
  "[(a['action'], a['center'], a['role']) for a in d['audit']] == [('referral.create', 'FE-ONC', 'spoke'), ('referral.move', 'BO-SER', 'hub'), ('referral.move', 'BO-SER', 'hub')] and d['audit'][2]['event']['state'] == 'screening'"
hub_id=$(sql "$db" "SELECT min(id) FROM api_tokens")
if [ "$(sql "$db" "SELECT count(*) FROM api_audit WHERE action='referral.move' AND object='$RFE' AND token_id=$hub_id AND center='BO-SER' AND role='hub'")" = 2 ] &&
  [ "$(sql "$db" "SELECT count(*) FROM api_audit WHERE action='referral.create'")" = 2 ]; then
  ok "every change is in the audit log with its actor"
else bad "audit log: $(sql "$db" 'SELECT * FROM api_audit')"; fi
# ... and each event carries its actor in the same transaction as the event.
if [ "$(sql "$db" "SELECT count(*) FROM events WHERE referral='$RFE' AND actor='BO-SER hub token $hub_id'")" = 2 ] &&
  [ "$(sql "$db" "SELECT count(*) FROM events WHERE referral='$RFE' AND actor LIKE 'FE-ONC spoke token %'")" = 1 ]; then
  ok "each stored event names who recorded it"
else bad "event actors: $(sql "$db" "SELECT seq, state, actor FROM events WHERE referral='$RFE'")"; fi
# issue 18 item 3: reads of a referral, 401s and 403s are audited too, with
# the token; `mmpath audit` reads the log; nothing of a note gets into it
spoke_id=$(sql "$db" "SELECT id FROM api_tokens WHERE center='FE-ONC'")
"$MMPATH" audit --db "$db" --action referral.read --object "$RFE" --format json >"$tmp/audit" &&
  "$PY" -c "
import json, sys
rows = [json.loads(l) for l in open('$tmp/audit')]
assert any(r['token'] == $spoke_id and r['center'] == 'FE-ONC' and r['role'] == 'spoke' and r['status'] == 200 for r in rows), rows
# the other spoke's try at it: answered 404, recorded as such
assert any(r['center'] == 'PR-ONC' and r['status'] == 404 for r in rows), rows
" && ok "mmpath audit: every read of $RFE with its token" || bad "read audit: $(cat "$tmp/audit")"
"$MMPATH" audit --db "$db" --action auth. --format json >"$tmp/audit" &&
  grep -q '"action":"auth.unauthorized".*"status":401' "$tmp/audit" &&
  grep -q '"action":"auth.forbidden".*"status":403' "$tmp/audit" &&
  ok "401s and 403s are in the audit log" || bad "refusals audit: $(cat "$tmp/audit")"
! "$MMPATH" audit --db "$db" | grep -q "PET booked" && ok "no note in the audit log" ||
  bad "a note was copied into the audit log"
req GET /api/v1/me "$EXPIRED"
problem "an expired token is 401" 401 header.Authorization
grep -q "expired token" "$tmp/body" && ok "401 says the token expired" || bad "expired: $(cat "$tmp/body")"
req GET /api/v1/health ""
expect "health: the database takes writes" 200 "d['database'] == 'writable'"

# ---- funnel ----
req GET "/api/v1/funnel?to_center=BO-SER" "$ANALYST"
expect "analyst reads the funnel (JSON)" 200 "d['schema'] == 'mmpath/funnel@1' and d['total'] == 2"
req GET "/api/v1/funnel?format=svg&lang=it" "$HUB"
[[ $status == 200 && $ctype == image/svg+xml* ]] && grep -q '<svg' "$tmp/body" && ok "funnel format=svg" ||
  bad "funnel svg: $status $ctype"
req GET "/api/v1/funnel?from_center=FE-ONC&since=2026-11-01&until=2026-11-30" "$HUB"
expect "funnel filters by referring centre and window" 200 "d['total'] == 1"
req GET "/api/v1/funnel?since=2026-02-30" "$HUB"
problem "funnel since=2026-02-30 is 400" 400 query.since
req GET "/api/v1/funnel?format=pdf" "$HUB"
problem "funnel format=pdf is 400" 400 query.format
req GET /api/v1/funnel "$SPOKE"
expect "a spoke's funnel counts only its own centre's referrals" 200 "d['total'] == 1 and d['from_center'] == 'FE-ONC'"
req GET "/api/v1/funnel?from_center=PR-ONC" "$SPOKE"
problem "a spoke cannot count another centre's referrals" 403 query.from_center

# ---- CDS Hooks (landscape.md 4.2): discovery, patient-view cards, 412, feedback ----
req GET /cds-services ""
expect "CDS Hooks discovery lists the patient-view service" 200 \
  "d['services'][0]['id'] == 'mmpath-options' and d['services'][0]['hook'] == 'patient-view'"
cds() { # HOOK-INSTANCE: a patient-view request with the record in prefetch
  printf '{"hook":"patient-view","hookInstance":"%s","fhirServer":"http://127.0.0.1:1/fhir","context":{"userId":"Practitioner/1","patientId":"BO-0017"},"prefetch":{"mmpathPatient":%s}}' \
    "$1" "$(cat "$tmp/record.json")"
}
cds d1577c69-dfbe-44ad-ba6d-3e05e953b2ea >"$tmp/cds.json"
req POST "/cds-services/mmpath-options?lang=en" "$HUB" "${JSON[@]}" --data-binary @"$tmp/cds.json"
expect "CDS service: cards with uuid, summary < 140, indicator, source" 200 \
  "len(d['cards']) >= 2 and all(len(c['summary']) < 140 and c['indicator'] in ('info','warning','critical') and c['source']['label'] and len(c['uuid']) == 36 for c in d['cards'])"
expect "CDS service: the supportive-care card names IVIG (IgG 350 mg/dL)" 200 \
  "any('ivig' in c['detail'] for c in d['cards'])"
# issue #12: IVIG rests on the CAR-T candidacy: a card of its own, not among the indicated
expect "CDS service: IVIG in the conditional supportive-care card, not the indicated one" 200 \
  "any(c['source']['topic']['code'] == 'supportive_conditional' and 'ivig' in c['detail'] and 'if CAR-T goes ahead' in c['detail'] for c in d['cards']) and not any(c['source']['topic']['code'] == 'supportive' and 'ivig' in c['detail'] for c in d['cards'])"
# a matching trial whose registry status says it may not enrol says so beside
# the match (kb/trials: each trial's overall status, ClinicalTrials.gov)
expect "CDS service: a trial's registry status stands beside its match" 200 \
  "any(c['source']['topic']['code'] == 'trials' and ('not enrolling' in c['detail'] or 'enrolling is not known' in c['detail']) for c in d['cards'])"
cp "$tmp/body" "$tmp/cards1"
req POST "/cds-services/mmpath-options?lang=en" "$HUB" "${JSON[@]}" --data-binary @"$tmp/cds.json"
cmp -s "$tmp/body" "$tmp/cards1" && ok "CDS service: the same call gives the same cards" || bad "CDS cards differ between calls"
req POST /cds-services/mmpath-options "$HUB" "${JSON[@]}" \
  -d '{"hook":"patient-view","hookInstance":"x-1","context":{"patientId":"BO-0017"}}'
expect "CDS service without the record: 412 OperationOutcome" 412 \
  "d['resourceType'] == 'OperationOutcome' and d['issue'][0]['code'] == 'required'"
req POST /cds-services/mmpath-options "$HUB" "${JSON[@]}" \
  -d '{"hook":"encounter-start","hookInstance":"x-2","context":{"patientId":"BO-0017"}}'
problem "CDS service: a hook it does not answer is 400" 400 body.hook
# order-sign (CDS Hooks library, order-sign: context.draftOrders is required)
req POST /cds-services/mmpath-options "$HUB" "${JSON[@]}" \
  -d '{"hook":"order-sign","hookInstance":"x-2","context":{"patientId":"BO-0017"}}'
problem "CDS order-sign without draftOrders is 400" 400 body.context.draftOrders
req POST /cds-services/mmpath-options "$HUB" "${JSON[@]}" \
  -d '{"hook":"patient-view","hookInstance":"x-3","context":{"patientId":"P-1","mmpathPatient":{"id":"P-1","ecog":7}}}'
problem "CDS service: an invalid record names the field inside the request" 422 body.context.mmpathPatient.ecog
# FHIR R4 prefetch (mCODE): imported by src/fhir; what it leaves out becomes a card
fhir_cds() { # BUNDLE-FILE [PATIENT-ID]: context.patientId is the bundle's Patient.id unless given
  local pid=${2:-$("$PY" -c "import json,sys; print(next((e['resource'].get('id','') for e in json.load(open(sys.argv[1])).get('entry',[]) if isinstance(e.get('resource'),dict) and e['resource'].get('resourceType')=='Patient'),''))" "$1" 2>/dev/null)}
  printf '{"hook":"patient-view","hookInstance":"f-1","context":{"patientId":"%s"},"prefetch":{"bundle":%s}}' \
    "$pid" "$(cat "$1")"
}
fhir_cds "$MMPATH_TESTDATA/fhir/rrmm.json" >"$tmp/cdsf.json"
req POST "/cds-services/mmpath-options?lang=en" "$HUB" "${JSON[@]}" --data-binary @"$tmp/cdsf.json"
# docs/fhir.md: Karnofsky is not converted to ECOG, and says so
expect "CDS service with FHIR prefetch: cards, and a card for what was not read" 200 \
  "any(c['source']['topic']['code'] == 'fhir-import' and 'Karnofsky' in c['detail'] for c in d['cards']) and any(c['source']['topic']['code'] == 'eligible' for c in d['cards'])"
# issue #12: a breast-cancer patient (no myeloma Condition) gets one card that
# says there is no myeloma diagnosis, never "5 misure indicate"
fhir_cds "$MMPATH_TESTDATA/fhir/breast-cancer.json" >"$tmp/cdsf.json"
req POST "/cds-services/mmpath-options?lang=it" "$HUB" "${JSON[@]}" --data-binary @"$tmp/cdsf.json"
expect "CDS service, FHIR breast-cancer patient: the no-diagnosis card, no supportive care" 200 \
  "[c['source']['topic']['code'] for c in d['cards'] if c['source']['topic']['code'] != 'fhir-import'] == ['no-diagnosis'] and d['cards'][0]['summary'].startswith('Nessuna diagnosi di mieloma multiplo')"
req GET /cds-services ""
expect "CDS discovery asks for the FHIR prefetch it reads" 200 \
  "d['services'][0]['prefetch']['patient'] == 'Patient/{{context.patientId}}'"
fhir_cds "$MMPATH_TESTDATA/fhir/malformed.json" >"$tmp/cdsf.json"
req POST /cds-services/mmpath-options "$HUB" "${JSON[@]}" --data-binary @"$tmp/cdsf.json"
expect "CDS service with invalid FHIR: 422 with the FHIR path" 422 \
  "any('resourceType' in e['path'] or 'resourceType' in e['message'] for e in d['errors'])"
# CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/, "context": patientId is the
# FHIR id of the patient in context; "Prefetch": Patient/{{context.patientId}}):
# another patient's prefetch gets no cards, and its id is not echoed back
fhir_cds "$MMPATH_TESTDATA/fhir/rrmm.json" SOMEONE-ELSE >"$tmp/cdsf.json"
req POST "/cds-services/mmpath-options?lang=en" "$HUB" "${JSON[@]}" --data-binary @"$tmp/cdsf.json"
problem "CDS service, FHIR Patient.id is not context.patientId: 400 patient-mismatch" 400 body.context.patientId
expect "CDS patient mismatch: no cards, slug patient-mismatch, the other id not named" 400 \
  "'cards' not in d and d['type'] == 'urn:mmpath:problem:patient-mismatch' and 'rrmm-002' not in open('$tmp/body').read()"
sed 's/"patientId":"BO-0017"/"patientId":"SOMEONE-ELSE"/' "$tmp/cds.json" >"$tmp/cdsx.json"
req POST /cds-services/mmpath-options "$HUB" "${JSON[@]}" --data-binary @"$tmp/cdsx.json"
problem "CDS service, mmpathPatient.id is not context.patientId: 400 patient-mismatch" 400 body.context.patientId
expect "CDS record mismatch: no cards, the record's id not named" 400 \
  "'cards' not in d and 'BO-0017' not in open('$tmp/body').read()"
"$PY" -c "import json,sys
d = json.load(open(sys.argv[1]))
for e in d['entry']:
    if e['resource']['resourceType'] == 'Patient': del e['resource']['id']
json.dump(d, open(sys.argv[2], 'w'))" "$MMPATH_TESTDATA/fhir/rrmm.json" "$tmp/noid.json"
fhir_cds "$tmp/noid.json" rrmm-002 >"$tmp/cdsf.json"
req POST /cds-services/mmpath-options "$HUB" "${JSON[@]}" --data-binary @"$tmp/cdsf.json"
problem "CDS service, a FHIR Patient without id cannot be checked: 422, not guessed" 422 body.prefetch
expect "CDS unverifiable patient: no cards" 422 "'cards' not in d and d['type'] == 'urn:mmpath:problem:patient-id-missing'"
# CORS (CDS Hooks 2.0, "Cross-Origin Resource Sharing"): any origin, preflight answered
hdrs() { curl -sS -o /dev/null -D - -w '%{http_code}' "$@" | tr -d '\r'; }
h=$(hdrs -X OPTIONS -H 'Origin: https://ehr.example.org' -H 'Access-Control-Request-Method: POST' \
  -H 'Access-Control-Request-Headers: content-type, authorization' "$base/cds-services/mmpath-options")
if [[ ${h: -3} =~ ^20[04]$ ]] && grep -qix 'access-control-allow-origin: \*' <<<"$h" &&
  grep -qix 'access-control-allow-methods: GET, POST, OPTIONS' <<<"$h" &&
  grep -qix 'access-control-allow-headers: Content-Type, Authorization' <<<"$h" &&
  grep -qi '^access-control-max-age: [0-9]' <<<"$h"; then
  ok "CDS CORS: OPTIONS preflight is answered with the allowed origin, methods, headers, max-age"
else bad "CDS CORS preflight: $h"; fi
h=$(hdrs -H 'Origin: https://ehr.example.org' "$base/cds-services")
[[ ${h: -3} == 200 ]] && grep -qix 'access-control-allow-origin: \*' <<<"$h" &&
  ok "CDS CORS: discovery carries Access-Control-Allow-Origin: *" || bad "CDS CORS discovery: $h"
h=$(hdrs -H 'Origin: https://ehr.example.org' -H 'Content-Type: application/json' -d '{}' "$base/cds-services/mmpath-options")
grep -qix 'access-control-allow-origin: \*' <<<"$h" &&
  ok "CDS CORS: an error on the service carries it too" || bad "CDS CORS on errors: $h"
h=$(hdrs -X OPTIONS -H 'Origin: https://ehr.example.org' "$base/api/v1/evaluate")
[[ ${h: -3} == 405 ]] && ! grep -qi '^access-control-' <<<"$h" &&
  ok "CORS only on /cds-services: /api/v1 stays same-origin (OPTIONS 405)" || bad "CORS on /api/v1: $h"
uuid=$("$PY" -c "import json; print(json.load(open('$tmp/cards1'))['cards'][0]['uuid'])")
req POST /cds-services/mmpath-options/feedback "$HUB" "${JSON[@]}" \
  -d "{\"feedback\":[{\"card\":\"$uuid\",\"outcome\":\"overridden\",\"overrideReason\":{\"userComment\":\"patient choice\"},\"outcomeTimestamp\":\"2026-11-25T10:00:00Z\"}]}"
expect "CDS feedback is accepted" 200
[ "$(sql "$db" "SELECT count(*) FROM api_audit WHERE action='cds.feedback' AND object='$uuid'")" = 1 ] &&
  ok "CDS feedback is recorded with its actor" || bad "CDS feedback not in the audit log: $(sql "$db" "SELECT id, action, object, status FROM api_audit WHERE action LIKE 'cds%'")"
req POST /cds-services/mmpath-options/feedback "$HUB" "${JSON[@]}" -d '{"feedback":[{"card":"x","outcome":"maybe","outcomeTimestamp":"2026-11-25T10:00:00Z"}]}'
problem "CDS feedback with an unknown outcome is 400" 400 "body.feedback[0].outcome"

# ---- limits ----
head -c 70000 /dev/zero | tr '\0' ' ' >"$tmp/big"
req POST /api/v1/evaluate "$SPOKE" "${JSON[@]}" --data-binary @"$tmp/big"
problem "a body over --max-body (Content-Length) is 413" 413 body
req POST /api/v1/evaluate "$SPOKE" "${JSON[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/big"
[ "$status" = 413 ] && ok "a chunked body over --max-body is 413" || bad "chunked over the cap: $status"
big=$(head -c 20000 /dev/zero | tr '\0' 'a')
req GET /api/v1/health "" -H "X-Big: $big"
[ "$status" = 431 ] && ok "a 20 KB header is 431" || bad "big header: $status"
req GET /api/v1/health ""
expect "the server still answers after the refusals" 200

# connections: hold N idle connections from an address, then ask once more
hold() { # N SRC-ADDR SECONDS: open N connections and keep them for SECONDS
  "$PY" - "$port" "$1" "$2" "$3" <<'EOF' &
import socket, sys, time
port, n, src, secs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
socks = []
for _ in range(n):
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    socks.append(s)
time.sleep(secs)
EOF
  pids+=($!)
  sleep 0.3
}
hold 3 127.0.0.1 8
req GET /api/v1/health ""
problem "a 4th connection from one client is 429" 429 connection
grep -qi 'Retry-After' <(curl -sS -D - -o /dev/null "$base/api/v1/health") && ok "429 says Retry-After" ||
  bad "429 without Retry-After"
hold 3 127.0.0.2 8
curl -sS -o "$tmp/body" -w '%{http_code}' --interface 127.0.0.3 "$base/api/v1" >"$tmp/st" || true
[ "$(cat "$tmp/st")" = 503 ] && ok "over --max-connections in all is 503" || bad "7th connection: $(cat "$tmp/st")"
# the health check keeps a reserved path over the cap: a monitor still sees the server alive
curl -sS -o /dev/null -w '%{http_code}' --interface 127.0.0.3 "$base/api/v1/health" >"$tmp/st" || true
[ "$(cat "$tmp/st")" = 200 ] && ok "over --max-connections, GET /api/v1/health is still answered" ||
  bad "health over the cap: $(cat "$tmp/st")"
# --idle-timeout 3: the held connections are closed, the server serves again
for _ in $(seq 1 70); do
  s=$(curl -sS -o /dev/null -w '%{http_code}' "$base/api/v1/health" || true)
  [ "$s" = 200 ] && break
  sleep 0.1
done
[ "$s" = 200 ] && ok "idle connections are closed after --idle-timeout" || bad "still refused after the idle timeout: $s"

# --open-evaluate: evaluation without a token, referrals still closed
start_server open --open-evaluate
base=http://127.0.0.1:$port
req POST /api/v1/evaluate "" "${JSON[@]}" --data-binary @"$tmp/record.json"
expect "--open-evaluate: evaluate without a token" 200 "d['patient'] == 'BO-0017'"
req GET /api/v1/referrals ""
problem "--open-evaluate: referrals still need a token" 401 header.Authorization

# stop: SIGTERM ends each server cleanly (under ASan: no leak, no error)
for log in main open; do
  spid=${spids[$log]}
  kill -TERM "$spid"
  if wait "$spid"; then ok "serve ($log) stops cleanly on SIGTERM"; else bad "serve ($log) exit status $?"; fi
  if grep -Eq 'AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error' "$tmp/$log.out.err"; then
    bad "serve ($log) sanitizer report: $(head -c 600 "$tmp/$log.out.err")"
  fi
done

echo "server_api: $((checks - fails)) passed, $fails failed"
[ "$fails" = 0 ]
