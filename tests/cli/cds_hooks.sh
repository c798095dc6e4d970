#!/usr/bin/env bash
# cds_hooks.sh MMPATH: CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/) as an
# EHR's CDS client calls mmpath: client JWTs ("Trusting CDS Clients": ES384
# and RS384 keys made here with openssl, signed here), order-sign and
# order-select on a Dara-Kd order for a daratumumab-refractory patient,
# short cards with links to the stored evaluation, the breast-cancer patient,
# feedback's required fields, the CDS body cap, and every answer validated
# against the specification's tables (tests/data/cds/*.schema.json, with the
# specification's own examples as the schemas' check: tests/data/cds/SOURCE.md).
# Talks only to 127.0.0.1; every wait is bounded.
set -euo pipefail
. "$(dirname "$0")/lib/listening.sh"
MMPATH=${1:?usage: cds_hooks.sh MMPATH}
MMPATH_TESTDATA=${MMPATH_TESTDATA:-$(cd "$(dirname "$0")/../data" && pwd)}
here=$(cd "$(dirname "$0")" && pwd)
command -v curl >/dev/null || { echo "cds_hooks: curl is required" >&2; exit 1; }
command -v openssl >/dev/null || { echo "cds_hooks: openssl is required" >&2; exit 1; }
PY=$(command -v /usr/bin/python3 || command -v python3)
VALIDATE=("$PY" "$here/cds_validate.py")
CDS=$MMPATH_TESTDATA/cds
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
ok() { echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1" >&2; }

# ---- the schemas first: the specification's examples pass, its one
# non-conformant example (no indicator) and our own broken cards do not ----
if "${VALIDATE[@]}" "$CDS/discovery.schema.json" "$CDS/spec-discovery.json" "$CDS/spec-discovery-extension.json" &&
  "${VALIDATE[@]}" "$CDS/request.schema.json" "$CDS/spec-request-patient-view.json" &&
  "${VALIDATE[@]}" "$CDS/response.schema.json" "$CDS/spec-response.json" &&
  "${VALIDATE[@]}" "$CDS/feedback.schema.json" "$CDS/spec-feedback-accepted.json" \
    "$CDS/spec-feedback-overridden.json" "$CDS/spec-feedback-override-reason.json"; then
  ok "schemas: the specification's examples validate"
else bad "schemas refuse an example of the specification"; fi
out=$("${VALIDATE[@]}" "$CDS/response.schema.json" "$CDS/spec-response-autolaunchable.json" || true)
[[ $out == *'cards[0].indicator: required'* ]] &&
  ok "schemas: the autolaunchable example without indicator (REQUIRED) is refused" ||
  bad "schema does not catch a card without indicator: $out"
"$PY" -c "import json; json.dump({'cards':[{'summary':'x'*140,'indicator':'info','source':{'label':'s'},'suggestions':[{'label':'a'}]}]}, open('$tmp/bad.json','w'))"
out=$("${VALIDATE[@]}" "$CDS/response.schema.json" "$tmp/bad.json" || true)
[[ $out == *'over 139'* && $out == *'selectionBehavior: required'* ]] &&
  ok "schemas: a 140-character summary and suggestions without selectionBehavior are refused" ||
  bad "schema misses a long summary or selectionBehavior: $out"

# ---- keys of two CDS clients, their JWK Sets, and a signer ----
openssl ecparam -name secp384r1 -genkey -noout -out "$tmp/ec.pem" 2>/dev/null
openssl ecparam -name secp384r1 -genkey -noout -out "$tmp/ec-other.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa.pem" 2>/dev/null
cat >"$tmp/jwt.py" <<'PY'
import base64, hashlib, hmac, json, subprocess, sys
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def run(*a, data=None): return subprocess.run(a, input=data, capture_output=True, check=True).stdout
def raw_ecdsa(der):  # DER ECDSA-Sig-Value -> JWS r||s (RFC 7518 3.4)
    i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7f)
    out = b""
    for _ in range(2):
        n = der[i + 1]; v = der[i + 2:i + 2 + n]; i += 2 + n
        out += v.lstrip(b"\0").rjust(48, b"\0")
    return out
cmd = sys.argv[1]
if cmd == "jwks-ec":  # PEM KID
    spki = run("openssl", "ec", "-in", sys.argv[2], "-pubout", "-outform", "DER")
    pt = spki[-97:]
    print(json.dumps({"keys": [{"kty": "EC", "crv": "P-384", "use": "sig", "alg": "ES384",
                               "kid": sys.argv[3], "x": b64(pt[1:49]), "y": b64(pt[49:])}]}))
elif cmd == "jwks-rsa":
    mod = run("openssl", "rsa", "-in", sys.argv[2], "-noout", "-modulus").decode().strip().split("=")[1]
    print(json.dumps({"keys": [{"kty": "RSA", "use": "sig", "kid": sys.argv[3],
                               "n": b64(bytes.fromhex(mod)), "e": "AQAB"}]}))
else:  # sign ALG PEM KID CLAIMS-JSON
    alg, pem, kid, claims = sys.argv[2:6]
    head = b64(json.dumps({"alg": alg, "typ": "JWT", "kid": kid}).encode())
    body = b64(claims.encode())
    msg = (head + "." + body).encode()
    if alg == "none": sig = b""
    elif alg == "HS256": sig = hmac.new(b"secret", msg, hashlib.sha256).digest()
    else:
        sig = run("openssl", "dgst", "-sha384", "-sign", pem, data=msg)
        if alg == "ES384": sig = raw_ecdsa(sig)
    print(head + "." + body + "." + b64(sig))
PY
"$PY" "$tmp/jwt.py" jwks-ec "$tmp/ec.pem" ehr-key-1 >"$tmp/ehr.jwks"
"$PY" "$tmp/jwt.py" jwks-rsa "$tmp/rsa.pem" rsa-key-1 >"$tmp/ehr2.jwks"
PUB=https://mmpath.example.org
AUD=$PUB/cds-services/mmpath-options
now=$(date +%s)
n=0
jwt() { # ALG PEM KID [ISS [AUD [EXP [JTI]]]]: a fresh jti unless given
  n=$((n + 1))
  local claims
  claims=$(printf '{"iss":"%s","sub":"ehr-client","aud":"%s","exp":%s,"iat":%s,"jti":"%s"}' \
    "${4:-https://ehr.example.org/}" "${5:-$AUD}" "${6:-$((now + 240))}" "$now" "${7:-jti-$n-$RANDOM}")
  "$PY" "$tmp/jwt.py" sign "$1" "$2" "$3" "$claims"
}

# ---- the server: no open evaluation; two trusted clients; CDS body cap ----
db=$tmp/mmpath.db
HUB=$("$MMPATH" token new --center BO-SER --add-center --role hub --db "$db" 2>/dev/null)
cat >"$tmp/mmpath.conf" <<EOF
public-url = $PUB
cds-jwt-issuer = https://ehr.example.org/ $tmp/ehr.jwks
cds-jwt-issuer = https://ehr2.example.org $tmp/ehr2.jwks
cds-smart-url = https://smart.example.org/launch
max-body = 65536
cds-max-body = 2000000
EOF
"$MMPATH" serve --port 0 --db "$db" --config "$tmp/mmpath.conf" >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
port=$(mm_listening_port "$tmp/out" "$!") || true
[ -n "$port" ] || { cat "$tmp/err" >&2; echo "server did not start" >&2; exit 1; }
base=http://127.0.0.1:$port
"$MMPATH" serve --port 0 --db "$db" --cds-jwt-issuer "https://x.example $tmp/ehr.jwks" >/dev/null 2>"$tmp/err2" &&
  bad "a JWT issuer without public-url starts" || { grep -q 'public-url' "$tmp/err2" &&
  ok "serve refuses cds-jwt-issuer without public-url (aud cannot be checked)" || bad "no reason: $(cat "$tmp/err2")"; }

# req METHOD PATH AUTH-VALUE [curl args]: $status; body in $tmp/body
req() {
  local m=$1 p=$2 a=$3
  shift 3
  local auth=()
  [ -n "$a" ] && auth=(-H "Authorization: Bearer $a")
  status=$(curl -sS -o "$tmp/body" -w '%{http_code}' -X "$m" "${auth[@]}" "$@" "$base$p") || true
}
py() { "$PY" -c "import json,sys; d=json.load(open('$tmp/body')); print($1)"; }
expect() { # NAME STATUS [PYTHON-EXPR]
  if [ "$status" != "$2" ]; then bad "$1: status $status, expected $2: $(head -c 400 "$tmp/body")"; return; fi
  if [ -n "${3:-}" ] && [ "$(py "$3" 2>&1)" != True ]; then bad "$1: $3 is not true in $(head -c 600 "$tmp/body")"; return; fi
  ok "$1"
}
JSON=(-H 'Content-Type: application/json')

# The patient: two prior lines, the second daratumumab-pomalidomide-dexamethasone
# with progression on its last dose (IMWG refractory: progression on or within
# 60 days of the last dose; kb/definitions.yaml), as in tests/cli/server_api.sh.
cat >"$tmp/record.json" <<'EOF'
{"schema":"mmpath/patient@1","id":"BO-0017","as_of":"2026-11-25","birth_date":"1958-04-12","sex":"male","ecog":1,
 "frailty":{"charlson":1,"adl":6,"iadl":8},
 "diagnosis":{"date":"2019-06-01","iss":2,"ldh_above_uln":false,"fish":{"del17p":false,"t4_14":true,"t14_16":false,"gain1q":true,"amp1q":false}},
 "labs":[{"date":"2026-11-20","test":"igg","value":350,"unit":"mg/dL"}],
 "lines":[{"regimen":"VRd","start":"2019-07-01","end":"2019-11-15","asct":"2019-12-10",
           "maintenance":{"drugs":["lenalidomide"],"start":"2020-02-01","end":"2022-03-01"},"best_response":"VGPR","progression":"2022-03-01"},
          {"drugs":["daratumumab","pomalidomide","dexamethasone"],"start":"2022-03-15","end":"2024-01-10","best_response":"PR","progression":"2024-01-10"}]}
EOF
# request HOOK [ORDERS]: ORDERS dara-kd (RxNorm daratumumab and carfilzomib,
# ATC dexamethasone: kb/fhir.yaml, kb/vocabulary/drugs.yaml) or other
request() {
  "$PY" - "$1" "${2:-dara-kd}" "$tmp/record.json" <<'PY'
import json, sys
hook, orders, rec = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
rx = "http://www.nlm.nih.gov/research/umls/rxnorm"
def mr(i, cc):
    return {"fullUrl": "urn:uuid:mr-%d" % i, "resource": {"resourceType": "MedicationRequest", "id": "mr-%d" % i,
            "status": "draft", "intent": "order", "subject": {"reference": "Patient/BO-0017"}, "medicationCodeableConcept": cc}}
if orders == "dara-kd":
    entries = [mr(1, {"coding": [{"system": rx, "code": "1721947", "display": "daratumumab"}]}),
               mr(2, {"coding": [{"system": rx, "code": "1302966"}]}),
               mr(3, {"coding": [{"system": "http://www.whocc.no/atc", "code": "H02AB02"}], "text": "Dexamethasone 40 mg"}),
               mr(4, {"text": "Paracetamol 1 g"})]  # in the session, not a myeloma drug
else:
    entries = [mr(1, {"text": "Paracetamol 1 g"})]
ctx = {"userId": "Practitioner/1", "patientId": "BO-0017",
       "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": entries}}
if hook == "order-select": ctx["selections"] = ["MedicationRequest/mr-1"]
if hook == "order-select-other": hook, ctx["selections"] = "order-select", ["MedicationRequest/mr-4"]
body = {"hook": hook, "hookInstance": "0f4c1a2e-1111-4a4a-9b9b-%012d" % len(hook), "context": ctx,
        "prefetch": {"mmpathPatient": rec}}
if hook == "patient-view": del ctx["draftOrders"]
print(json.dumps(body))
PY
}
request patient-view >"$tmp/pv.json"
request order-sign >"$tmp/sign.json"
request order-select >"$tmp/select.json"
request order-sign other >"$tmp/other.json"
request order-select-other >"$tmp/select-other.json"
"${VALIDATE[@]}" "$CDS/request.schema.json" "$tmp/pv.json" "$tmp/sign.json" "$tmp/select.json" &&
  ok "the test's hook requests are valid CDS Hooks requests (request schema)" || bad "test requests invalid"

# ---- client authentication (CDS Hooks 2.0, "Trusting CDS Clients") ----
T=$(jwt ES384 "$tmp/ec.pem" ehr-key-1)
req POST "/cds-services/mmpath-options?lang=en" "$T" "${JSON[@]}" -H 'Origin: https://ehr.example.org' --data-binary @"$tmp/pv.json"
expect "JWT ES384 of a trusted issuer: 200 with cards" 200 "len(d['cards']) >= 2"
req POST "/cds-services/mmpath-options?lang=en" "$T" "${JSON[@]}" --data-binary @"$tmp/pv.json"
expect "the same JWT again (same jti): 401 jwt-replay" 401 "d['errors'][0]['code'] == 'jwt-replay'"
req POST "/cds-services/mmpath-options?lang=en" "$(jwt RS384 "$tmp/rsa.pem" rsa-key-1 https://ehr2.example.org)" "${JSON[@]}" --data-binary @"$tmp/pv.json"
expect "JWT RS384 of the second issuer: 200" 200 "len(d['cards']) >= 2"
req POST "/cds-services/mmpath-options?lang=en" "$HUB" "${JSON[@]}" --data-binary @"$tmp/pv.json"
expect "mmpath's own token still works beside JWTs" 200 "len(d['cards']) >= 2"
refused() { # NAME CODE TOKEN
  req POST /cds-services/mmpath-options "$3" "${JSON[@]}" --data-binary @"$tmp/pv.json"
  expect "$1: 401 $2" 401 "d['errors'][0]['code'] == '$2' and d['errors'][0]['path'] == 'header.Authorization' and 'cards' not in d"
}
refused "an issuer not on the allow-list" jwt-issuer "$(jwt ES384 "$tmp/ec.pem" ehr-key-1 https://evil.example.org/)"
refused "aud of discovery, not of the service called" jwt-audience "$(jwt ES384 "$tmp/ec.pem" ehr-key-1 "" "$PUB/cds-services")"
refused "aud of another server" jwt-audience "$(jwt ES384 "$tmp/ec.pem" ehr-key-1 "" "https://other.example.org/cds-services/mmpath-options")"
refused "expired 10 minutes ago" jwt-expired "$(jwt ES384 "$tmp/ec.pem" ehr-key-1 "" "" $((now - 600)))"
refused "signed by another key under the trusted kid" jwt-signature "$(jwt ES384 "$tmp/ec-other.pem" ehr-key-1)"
refused "a kid the issuer's JWK Set does not have" jwt-kid "$(jwt ES384 "$tmp/ec.pem" no-such-kid)"
refused "alg none" jwt-alg "$(jwt none "$tmp/ec.pem" ehr-key-1)"
refused "alg HS256 (symmetric)" jwt-alg "$(jwt HS256 "$tmp/ec.pem" ehr-key-1)"
refused "RS384 signed with the EC kid (alg/key mismatch)" jwt-alg "$(jwt RS384 "$tmp/rsa.pem" ehr-key-1)"
req POST /cds-services/mmpath-options "" "${JSON[@]}" --data-binary @"$tmp/pv.json"
expect "no token (no --open-evaluate): 401" 401
h=$(curl -sS -o /dev/null -D - -X POST -H "Authorization: Bearer $(jwt ES384 "$tmp/ec.pem" ehr-key-1)" \
  -H 'Origin: https://ehr.example.org' "${JSON[@]}" --data-binary @"$tmp/pv.json" "$base/cds-services/mmpath-options" | tr -d '\r')
grep -q '^HTTP/1.1 200' <<<"$h" && grep -qix 'access-control-allow-origin: \*' <<<"$h" &&
  ok "a browser CDS client with a JWT: 200 with Access-Control-Allow-Origin" || bad "browser call: $h"
T=$(jwt ES384 "$tmp/ec.pem" ehr-key-1)

# ---- order-sign: Dara-Kd for a daratumumab-refractory patient (issue 13) ----
req POST "/cds-services/mmpath-options?lang=en" "$(jwt ES384 "$tmp/ec.pem" ehr-key-1)" "${JSON[@]}" --data-binary @"$tmp/sign.json"
cp "$tmp/body" "$tmp/sign-cards.json"
expect "order-sign Dara-Kd, daratumumab-refractory: a critical card that says so" 200 \
  "any(c['indicator'] == 'critical' and 'refractory to daratumumab' in c['summary'] and 'Dara-Kd' in c['summary'] and 'progression 2024-01-10' in c['detail'] for c in d['cards'])"
expect "order-sign: the refractoriness card suggests the recommended options and removing the 3 Dara-Kd orders (not the paracetamol)" 200 \
  "[c for c in d['cards'] if c['indicator'] == 'critical'][0]['selectionBehavior'] == 'at-most-one' and sorted(a['resourceId'] for s in [c for c in d['cards'] if c['indicator'] == 'critical'][0]['suggestions'] for a in s.get('actions', [])) == ['MedicationRequest/mr-1', 'MedicationRequest/mr-2', 'MedicationRequest/mr-3'] and any(s.get('isRecommended') for s in [c for c in d['cards'] if c['indicator'] == 'critical'][0]['suggestions'])"
expect "order-sign: the regimen card gives the label/algorithm verdict of Dara-Kd" 200 \
  "any(c['source']['topic']['code'] == 'order-regimen' and c['indicator'] != 'info' and 'Dara-Kd' in c['detail'] for c in d['cards'])"
"${VALIDATE[@]}" "$CDS/response.schema.json" "$tmp/sign-cards.json" && ok "order-sign answer validates (response schema)" || bad "order-sign answer invalid"
req POST "/cds-services/mmpath-options?lang=it" "$(jwt ES384 "$tmp/ec.pem" ehr-key-1)" "${JSON[@]}" --data-binary @"$tmp/select.json"
expect "order-select (daratumumab selected; the session's orders are Dara-Kd): the critical card, in Italian" 200 \
  "any(c['indicator'] == 'critical' and 'refrattaria a daratumumab' in c['summary'] and 'Dara-Kd' in c['summary'] for c in d['cards'])"
req POST "/cds-services/mmpath-options?lang=en" "$(jwt ES384 "$tmp/ec.pem" ehr-key-1)" "${JSON[@]}" --data-binary @"$tmp/select-other.json"
expect "order-select of the paracetamol in a Dara-Kd session: no cards (nothing mmpath knows selected)" 200 "d['cards'] == []"
# the same from a FHIR prefetch (tests/data/fhir/rrmm.json: daratumumab line
# with progression on it), the order also in a paged MedicationRequest
# searchset as "active": it is not history, and the paging is said
"$PY" - "$MMPATH_TESTDATA/fhir/rrmm.json" >"$tmp/fhir-order.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
pid = next(e["resource"]["id"] for e in b["entry"] if e["resource"]["resourceType"] == "Patient")
mr = {"resourceType": "MedicationRequest", "id": "draft-1", "status": "active", "intent": "order",
      "subject": {"reference": "Patient/" + pid},
      "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1721947"}]},
      "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod": {"start": "2026-11-01"}}}}]}
print(json.dumps({"hook": "order-sign", "hookInstance": "f-2",
                  "context": {"patientId": pid, "userId": "Practitioner/1",
                              "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": mr}]}},
                  "prefetch": {"bundle": b, "medicationRequests": {"resourceType": "Bundle", "type": "searchset",
                               "entry": [{"resource": mr}], "link": [{"relation": "next", "url": "https://ehr.example.org/fhir?page=2"}]}}}))
PY
req POST "/cds-services/mmpath-options?lang=en" "$(jwt ES384 "$tmp/ec.pem" ehr-key-1)" "${JSON[@]}" --data-binary @"$tmp/fhir-order.json"
expect "order-sign from a FHIR prefetch: refractory to daratumumab, and the paged searchset said" 200 \
  "any(c['indicator'] == 'critical' and 'refractory to daratumumab' in c['summary'] for c in d['cards']) and any(c['source']['topic']['code'] == 'fhir-import' and 'paged searchset' in c['detail'] for c in d['cards'])"
# in Italian, the importer's notes too (a clinician reads the card in one
# language): the searchset note and the FHIR importer's own warnings
req POST "/cds-services/mmpath-options?lang=it" "$(jwt ES384 "$tmp/ec.pem" ehr-key-1)" "${JSON[@]}" --data-binary @"$tmp/fhir-order.json"
expect "order-sign from a FHIR prefetch in Italian: the import card's notes in Italian" 200 \
  "any(c['source']['topic']['code'] == 'fhir-import' and 'searchset paginata' in c['detail'] and 'only its first page' not in c['detail'] and 'left out' not in c['detail'] for c in d['cards'])"
req POST "/cds-services/mmpath-options?lang=en" "$(jwt ES384 "$tmp/ec.pem" ehr-key-1)" "${JSON[@]}" --data-binary @"$tmp/other.json"
expect "an order of a drug mmpath does not know (paracetamol): no cards" 200 "d['cards'] == []"

# ---- cards: short, sourced, linked to the stored evaluation ----
req POST "/cds-services/mmpath-options?lang=en" "$(jwt ES384 "$tmp/ec.pem" ehr-key-1)" "${JSON[@]}" --data-binary @"$tmp/pv.json"
cp "$tmp/body" "$tmp/pv-cards.json"
"${VALIDATE[@]}" "$CDS/response.schema.json" "$tmp/pv-cards.json" && ok "patient-view answer validates (response schema)" || bad "patient-view answer invalid"
expect "cards are short: summary < 140, detail at most 7 lines, under 2 KB each" 200 \
  "all(len(c['summary']) < 140 and c.get('detail','').count('\n') <= 7 and len(json.dumps(c)) < 2048 for c in d['cards'])"
expect "cards link to the evaluation (absolute, public URL, no patient id) and SMART" 200 \
  "all(c['links'][0]['type'] == 'absolute' and c['links'][0]['url'].startswith('$PUB/cds-services/evaluations/') and 'BO-0017' not in c['links'][0]['url'] and c['links'][1]['type'] == 'smart' and c['links'][1]['appContext'].startswith('evaluation=') for c in d['cards'])"
expect "the eligible card's source has a url (its first option's primary source)" 200 \
  "any(c['source']['topic']['code'] == 'eligible' and c['source']['url'].startswith('http') for c in d['cards'])"
path=$("$PY" -c "import json; print(json.load(open('$tmp/pv-cards.json'))['cards'][0]['links'][0]['url'][len('$PUB'):])")
req GET "$path" ""
[ "$status" = 200 ] && grep -q 'BO-0017' "$tmp/body" && ok "the linked evaluation opens, ready to view, without a token" ||
  bad "evaluation link: $status $(head -c 200 "$tmp/body")"
req GET "/cds-services/evaluations/0123456789abcdef0123456789abcdef" ""
expect "an unknown or expired evaluation id: 404" 404

# ---- no myeloma diagnosis: one info card, nothing else ----
"$PY" - "$MMPATH_TESTDATA/fhir/breast-cancer.json" >"$tmp/breast.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
pid = next(e["resource"]["id"] for e in b["entry"] if e["resource"]["resourceType"] == "Patient")
print(json.dumps({"hook": "patient-view", "hookInstance": "b-1", "context": {"patientId": pid}, "prefetch": {"bundle": b}}))
PY
req POST "/cds-services/mmpath-options?lang=it" "$(jwt ES384 "$tmp/ec.pem" ehr-key-1)" "${JSON[@]}" --data-binary @"$tmp/breast.json"
expect "breast-cancer patient: exactly one info card (mmpath does not apply), no measures" 200 \
  "len(d['cards']) == 1 and d['cards'][0]['indicator'] == 'info' and d['cards'][0]['source']['topic']['code'] == 'no-diagnosis' and 'misure' not in d['cards'][0]['summary']"

# ---- discovery: three hooks, bounded templates ----
req GET /cds-services ""
cp "$tmp/body" "$tmp/discovery.json"
"${VALIDATE[@]}" "$CDS/discovery.schema.json" "$tmp/discovery.json" && ok "discovery validates (discovery schema)" || bad "discovery invalid"
expect "discovery: patient-view, order-select, order-sign, each with a MedicationRequest template" 200 \
  "[s['hook'] for s in d['services']] == ['patient-view', 'order-select', 'order-sign'] and all(s['prefetch']['medicationRequests'].startswith('MedicationRequest?patient={{context.patientId}}') for s in d['services'])"
# Prefetch query restrictions: _count bounds every search; tokens only {{context.patientId}}
expect "discovery: every search template is bounded by _count and uses only context tokens" 200 \
  "all(('?' not in t or '_count=' in t) and set(__import__('re').findall(r'{{([^}]*)}}', t)) == {'context.patientId'} for s in d['services'] for t in s['prefetch'].values())"

# ---- feedback (CDS Hooks 2.0 "Feedback"): the spec's examples, required fields ----
for f in spec-feedback-accepted spec-feedback-overridden spec-feedback-override-reason; do
  req POST /cds-services/mmpath-options/feedback "$(jwt ES384 "$tmp/ec.pem" ehr-key-1 "" "$AUD/feedback")" "${JSON[@]}" --data-binary @"$CDS/$f.json"
  expect "feedback: the specification's example $f is accepted" 200
done
req POST /cds-services/mmpath-options/feedback "$(jwt ES384 "$tmp/ec.pem" ehr-key-1 "" "$AUD/feedback")" "${JSON[@]}" -d '{"feedback":[{"card":"c1","outcome":"accepted"}]}'
expect "feedback accepted without outcomeTimestamp nor acceptedSuggestions: 400, both paths" 400 \
  "sorted(e['path'] for e in d['errors']) == ['body.feedback[0].acceptedSuggestions', 'body.feedback[0].outcomeTimestamp']"
req POST /cds-services/mmpath-options/feedback "$(jwt ES384 "$tmp/ec.pem" ehr-key-1 "" "$AUD/feedback")" "${JSON[@]}" -d '{"feedback":[{"outcome":"overridden","outcomeTimestamp":"2026-11-25 10:00"}]}'
expect "feedback without card, with a timestamp not RFC 3339: 400, both paths" 400 \
  "sorted(e['path'] for e in d['errors']) == ['body.feedback[0].card', 'body.feedback[0].outcomeTimestamp']"
[ "$(sqlite3 "$db" "SELECT count(*) FROM api_audit WHERE action='cds.feedback' AND object='f6b95768-b1c8-40dc-8385-bf3504b82ffb'")" = 1 ] &&
  ok "feedback is recorded in the audit log" || bad "feedback not in the audit log"

# ---- the CDS body cap (cds-max-body) is its own: a prefetch over the
# API's max-body is read; over the CDS cap it is 413 naming the limit ----
"$PY" - "$tmp/pv.json" 300000 >"$tmp/pv-big.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["prefetch"]["padding"] = {"note": "x" * int(sys.argv[2])}  # not a FHIR resource: ignored
print(json.dumps(b))
PY
req POST "/cds-services/mmpath-options?lang=en" "$(jwt ES384 "$tmp/ec.pem" ehr-key-1)" "${JSON[@]}" --data-binary @"$tmp/pv-big.json"
expect "a 300 KB hook request (over max-body 65536, under cds-max-body): 200" 200 "len(d['cards']) >= 2"
"$PY" - "$tmp/pv.json" 2100000 >"$tmp/pv-huge.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["prefetch"]["padding"] = {"note": "x" * int(sys.argv[2])}
print(json.dumps(b))
PY
req POST /cds-services/mmpath-options "$(jwt ES384 "$tmp/ec.pem" ehr-key-1)" "${JSON[@]}" --data-binary @"$tmp/pv-huge.json"
expect "a 2.1 MB hook request: 413 naming the limit (2000000 bytes)" 413 "'2000000' in d['detail']"
req POST /api/v1/evaluate "$HUB" "${JSON[@]}" --data-binary @"$tmp/pv-big.json"
expect "the API keeps its own cap: 300 KB to /api/v1/evaluate is 413" 413

[ "$fails" = 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
echo "all CDS Hooks checks passed"
