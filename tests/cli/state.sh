#!/bin/bash
# state.sh: the disease state from the command line (issue #12 item 2,
# docs/facts.md `disease_state`, docs/kb-options.md). Run as
# `bash state.sh PATH-TO-MMPATH`. Checks:
# - `echo '{"id":"X-1"}' | mmpath evaluate -`: a record with neither a
#   diagnosis nor a line of therapy says nothing of myeloma (IMWG diagnostic
#   criteria, Rajkumar et al. Lancet Oncol 2014, doi:10.1016/S1470-2045(14)70442-5):
#   every rendering says so once, in the language asked, and lists nothing
#   as indicated or eligible, supportive care included; the JSON keeps the
#   spec's keys and adds "disease_state" and "notes";
# - a breast-cancer FHIR bundle (dexamethasone as an antiemetic) imports
#   with neither a diagnosis nor lines, and is evaluated the same way;
# - a patient in complete remission after cilta-cel: disease state
#   response_after_car_t, the relapse regimens not eligible with the
#   disease state as the failing criterion (IMWG relapse: Rajkumar et al.
#   Blood 2011, doi:10.1182/blood-2010-10-299487), and Kyprolis (EU SmPC 4.1,
#   "at least one prior therapy") eligible with the note "not relapsed".
set -u
MMPATH=${1:?usage: state.sh PATH-TO-MMPATH}
SRC=${MMPATH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=${MMPATH_TESTDATA:-$SRC/tests/data}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL $1"; [ -f "$TMP/out" ] && head -c 3000 "$TMP/out"; [ -f "$TMP/err" ] && head -c 2000 "$TMP/err"; exit 1; }
ok() { echo "ok   $1"; }

# count PATTERN FILE: lines matching (fixed string)
count() { grep -cF -- "$1" "$2" || true; }

X1='{"id":"X-1","as_of":"2026-12-01","labs":[{"date":"2026-11-20","test":"igg","value":300,"unit":"mg/dL"}]}'
IT="Nessuna diagnosi di mieloma multiplo nella scheda"
EN="No multiple myeloma diagnosis in the record"

echo "$X1" | "$MMPATH" evaluate - --lang it >"$TMP/out" 2>"$TMP/err" || fail "X-1 text: exit $?"
[ "$(count "$IT" "$TMP/out")" = 1 ] || fail "X-1 text (it): the note once"
grep -qE '\[x\]|\[\?\]|ELEGGIBILE|Terapia di supporto' "$TMP/out" && fail "X-1 text lists something"
ok "X-1, text (it): says once that there is no myeloma diagnosis, lists nothing"

echo "$X1" | "$MMPATH" evaluate - >"$TMP/out" 2>"$TMP/err" || fail "X-1 text en: exit $?"
[ "$(count "$EN" "$TMP/out")" = 1 ] || fail "X-1 text (en): the note once"
ok "X-1, text (en)"

echo "$X1" | "$MMPATH" evaluate - --format html --lang it >"$TMP/out" 2>"$TMP/err" || fail "X-1 html: exit $?"
[ "$(count "$IT" "$TMP/out")" = 1 ] || fail "X-1 html: the note once"
grep -q 'class="option"' "$TMP/out" && fail "X-1 html lists an option"
ok "X-1, HTML: the note once, no option"

echo "$X1" | "$MMPATH" evaluate - --format json --lang it >"$TMP/out" 2>"$TMP/err" || fail "X-1 json: exit $?"
python3 - "$TMP/out" <<'EOF' || fail "X-1 json"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("schema", "patient", "as_of", "knowledge_base", "facts", "options", "trials", "supportive_care", "warnings"):
    assert k in d, k
assert d["options"] == [] and d["trials"] == [] and d["supportive_care"] == [], d
assert d["disease_state"] == "no_myeloma_diagnosis"
assert d["facts"]["disease_state"]["value"] == "no_myeloma_diagnosis"
assert [n["id"] for n in d["notes"]] == ["no_myeloma_diagnosis"]
assert d["notes"][0]["text"].startswith("Nessuna diagnosi di mieloma multiplo nella scheda")
EOF
ok "X-1, JSON: the spec's keys, nothing listed, disease_state and the note added"

# A FHIR breast-cancer patient: no myeloma Condition, so neither a diagnosis
# nor lines (the dexamethasone is not a line of myeloma therapy).
"$MMPATH" fhir import "$DATA/fhir/breast-cancer.json" --as-of 2026-12-01 >"$TMP/rec.json" 2>"$TMP/err" ||
  fail "fhir import breast cancer: exit $?"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert 'lines' not in d and 'diagnosis' not in d, d" \
  "$TMP/rec.json" || fail "breast cancer record has lines or a diagnosis"
grep -q "not read as lines of myeloma therapy" "$TMP/err" || fail "the import does not say why the medication was left out"
"$MMPATH" evaluate "$TMP/rec.json" --format json >"$TMP/out" 2>"$TMP/err" || fail "breast cancer evaluate: exit $?"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['disease_state']=='no_myeloma_diagnosis' and not d['supportive_care'], d['supportive_care']" \
  "$TMP/out" || fail "breast cancer: supportive care listed"
ok "FHIR breast-cancer patient: no diagnosis, no lines, nothing evaluated"

cat >"$TMP/cart.json" <<'EOF'
{"id":"ST-CART","as_of":"2026-12-01","birth_date":"1962-05-10","comorbidities":[],"diagnosis":{"date":"2019-03-01"},
 "labs":[{"date":"2026-11-20","test":"igg","value":280,"unit":"mg/dL"}],
 "lines":[
  {"regimen":"VRd","start":"2019-04-01","end":"2019-08-15","asct":"2019-09-20","maintenance":{"drugs":["lenalidomide"],"start":"2019-12-01","end":"2022-05-01"},"best_response":"VGPR","progression":"2022-05-01"},
  {"regimen":"Dara-Kd","start":"2022-05-20","end":"2024-02-01","best_response":"VGPR","progression":"2024-02-01"},
  {"regimen":"Isa-Pd","start":"2024-02-20","end":"2026-05-10","best_response":"PR","progression":"2026-05-10"},
  {"drugs":["ciltacabtagene autoleucel"],"start":"2026-07-01","end":"2026-07-01","best_response":"CR","stop_reason":"completed"}]}
EOF
"$MMPATH" evaluate "$TMP/cart.json" --format json >"$TMP/out" 2>"$TMP/err" || fail "CAR-T CR: exit $?"
python3 - "$TMP/out" <<'EOF' || fail "CAR-T CR json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["disease_state"] == "response_after_car_t"
assert d["facts"]["months_since_car_t"]["value"] == 5
relapse = [o for o in d["options"] if o["kind"] == "guideline_regimen" and "relapse" in o["setting"]]
assert len(relapse) >= 18
for o in relapse:
    assert o["status"] == "not_eligible", o["id"]
    c = [c for c in o["criteria"] if c["id"] == "relapsed_or_refractory_disease"][0]
    assert c["result"] is False and c["facts"] == {"disease_state": "response_after_car_t"}, c
kd = [o for o in d["options"] if o["id"] == "carfilzomib-dex"][0]
assert kd["status"] == "eligible" and "has not relapsed" in kd["note"], kd
EOF
ok "CAR-T in CR: relapse regimens not eligible (disease state), Kyprolis eligible with the note"
"$MMPATH" evaluate "$TMP/cart.json" --lang it >"$TMP/out" 2>"$TMP/err" || fail "CAR-T CR text: exit $?"
grep -q "^Stato di malattia: in risposta dopo CAR-T" "$TMP/out" || fail "CAR-T CR text: the disease state line"
grep -q "il paziente non è in recidiva (stato di malattia: in risposta dopo CAR-T)" "$TMP/out" ||
  fail "CAR-T CR text: the note in Italian"
ok "CAR-T in CR, text (it): the disease state and the note"
