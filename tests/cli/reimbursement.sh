#!/bin/bash
# reimbursement.sh: `--jurisdiction it`, the EU labels plus the Italian (AIFA)
# reimbursement of each therapy (kb/reimbursement/it.yaml, docs/kb-format.md
# "Reimbursement"). Run as `bash reimbursement.sh PATH-TO-MMPATH`; prints each
# check and exits 1 at the first failure.
#
# The expectations cite the acts of the Gazzetta Ufficiale (GU) Serie
# Generale the kb encodes (searched 2026-12-07):
# - Carvykti (cilta-cel, a CAR-T): AIFA Determina 31 ottobre 2024 n. 650/2024,
#   class C(nn), GU SG n. 264 dell'11-11-2024 (codice redazionale 24A05909).
# - Talvey (talquetamab, a bispecific): AIFA Determina 15 novembre 2023
#   n. 126/2023, class C(nn), GU SG n. 286 del 7-12-2023 (23A06577).
# - Elrexfio (elranatamab, a bispecific): C(nn) by Det. 75/2024, GU SG n. 131
#   del 6-6-2024 (24A02748); reimbursement in GU SG n. 114 del 19-5-2025 per
#   secondary reports only, so shown as a secondary source.
# - Blenrep (belantamab BVd): no act found for the 2025 combination
#   indications: "not found" with the date searched.
set -u
. "$(dirname "$0")/lib/listening.sh"
MMPATH=${1:?usage: reimbursement.sh PATH-TO-MMPATH}
SRC=${MMPATH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
KB=${MMPATH_KB:-$SRC/kb}
REC=$SRC/demo/patients/01-second-relapse.json
TMP=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT

fail() { echo "FAIL $1"; [ -f "$TMP/out" ] && head -c 3000 "$TMP/out"; [ -f "$TMP/err" ] && head -c 2000 "$TMP/err"; exit 1; }

# check NAME EXPECTED-EXIT FIXED-STRING -- COMMAND...: exit code, and stdout+stderr
# contain the string (grep -F).
check() {
  local name=$1 want=$2 str=$3
  shift 4
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "$name: exit $rc, want $want"
  cat "$TMP/out" "$TMP/err" | grep -Fq -- "$str" || fail "$name: output does not contain: $str"
  echo "ok   $name"
}

# pycheck NAME EXPR...: each EXPR true with d = the JSON of the file $TMP/out.
pycheck() {
  python3 -c "import json,sys
d=json.load(open(sys.argv[1]))
OPT=lambda i: [o for o in d['options'] if o['id'] == i][0]
a = sys.argv[2:]
for name, expr in zip(a[0::2], a[1::2]):
    if not eval(expr):
        print('FAIL ' + name + ': ' + expr); sys.exit(1)
    print('ok   ' + name)" "$TMP/out" "$@" || exit 1
}

# --- text: a CAR-T and a bispecific with their class, determination and GU
check "it, Italian text: cilta-cel C(nn), Det. 650/2024, GU n.264 del 11/11/2024" 0 \
  "Rimborsabilità AIFA: classe C(nn) (non ancora valutato ai fini della rimborsabilità), Det. 650/2024, GU n.264 del 11/11/2024" \
  -- "$MMPATH" evaluate "$REC" --jurisdiction it --lang it --kb "$KB"
check "it, Italian text: talquetamab C(nn), Det. 126/2023, GU n.286 del 07/12/2023" 0 \
  "Rimborsabilità AIFA: classe C(nn) (non ancora valutato ai fini della rimborsabilità), Det. 126/2023, GU n.286 del 07/12/2023" \
  -- "$MMPATH" evaluate "$REC" --jurisdiction it --lang it --kb "$KB"
check "it, Italian text: the header says UE + AIFA" 0 "indicazioni UE + AIFA)" \
  -- "$MMPATH" evaluate "$REC" --jurisdiction it --lang it --kb "$KB"
check "it, English text: cilta-cel with its GU" 0 \
  "AIFA reimbursement: class C(nn) (not yet assessed for reimbursement), Det. 650/2024, GU no. 264 of 2024-11-11" \
  -- "$MMPATH" evaluate "$REC" --jurisdiction it --lang en --kb "$KB"
check "it, English text: the GU address of the act" 0 \
  "AIFA source: https://www.gazzettaufficiale.it/atto/serie_generale/caricaArticoloDefault/originario?atto.dataPubblicazioneGazzetta=2024-11-11&atto.codiceRedazionale=24A05909" \
  -- "$MMPATH" evaluate "$REC" --jurisdiction it --lang en --kb "$KB"
check "it, English text: elranatamab reimbursed, secondary source" 0 \
  "AIFA reimbursement: reimbursed, GU no. 114 of 2025-05-19 [secondary source]" \
  -- "$MMPATH" evaluate "$REC" --jurisdiction it --lang en --kb "$KB"
# --- not found: said as such, with the date searched
check "it, Italian text: belantamab not found, with the date searched" 0 \
  "Rimborsabilità AIFA: non trovata (ricerca del 2026-12-07)" \
  -- "$MMPATH" evaluate "$REC" --jurisdiction it --lang it --kb "$KB"
check "it, English text: not found (searched 2026-12-07)" 0 \
  "AIFA reimbursement: not found (searched 2026-12-07)" \
  -- "$MMPATH" evaluate "$REC" --jurisdiction it --lang en --kb "$KB"
check "it, HTML: the finding beside the option" 0 \
  '<div class="meta reimbursement">Rimborsabilità AIFA: classe C(nn)' \
  -- "$MMPATH" evaluate "$REC" --jurisdiction it --lang it --format html --kb "$KB"

# --- JSON: keys added, verdicts those of the EU labels
"$MMPATH" evaluate "$REC" --jurisdiction it --format json --kb "$KB" >"$TMP/out" 2>"$TMP/err" || fail "it json"
cp "$TMP/out" "$TMP/it.json"
pycheck \
  "json: jurisdiction it" 'd["jurisdiction"] == "it"' \
  "json: cilta-cel c_nn, class C(nn)" 'OPT("cilta-cel")["reimbursement"]["status"] == "c_nn" and OPT("cilta-cel")["reimbursement"]["class"] == "C(nn)"' \
  "json: cilta-cel Det. 650/2024 of 2024-10-31" 'OPT("cilta-cel")["reimbursement"]["determination"] == {"number": "650/2024", "date": "2024-10-31"}' \
  "json: cilta-cel GU SG n. 264 of 2024-11-11 (24A05909)" 'OPT("cilta-cel")["reimbursement"]["gazzetta"] == {"number": 264, "date": "2024-11-11", "code": "24A05909"}' \
  "json: cilta-cel verified, the GU address first" 'OPT("cilta-cel")["reimbursement"]["verification"] == "verified" and OPT("cilta-cel")["reimbursement"]["sources"][0].startswith("https://www.gazzettaufficiale.it/")' \
  "json: talquetamab c_nn, GU 286" 'OPT("talquetamab")["reimbursement"]["gazzetta"]["number"] == 286' \
  "json: belantamab not_found, searched 2026-12-07, no act" 'OPT("belantamab")["reimbursement"]["status"] == "not_found" and OPT("belantamab")["reimbursement"]["searched"] == "2026-12-07" and "gazzetta" not in OPT("belantamab")["reimbursement"]' \
  "json: the line in words for the page" 'OPT("belantamab")["reimbursement"]["text"] == "AIFA reimbursement: not found (searched 2026-12-07)"' \
  "json: the indication stays the EU one" 'OPT("cilta-cel")["indication"]["jurisdiction"] == "eu"' \
  "json: no reimbursement on guideline regimens" 'all("reimbursement" not in o for o in d["options"] if o["kind"] != "approved_therapy")'
"$MMPATH" evaluate "$REC" --jurisdiction eu --format json --kb "$KB" >"$TMP/eu.json" 2>"$TMP/err" || fail "eu json"
python3 - "$TMP/it.json" "$TMP/eu.json" <<'EOF' || fail "it = eu + reimbursement"
import json, sys
it, eu = (json.load(open(p)) for p in sys.argv[1:3])
assert all("reimbursement" not in o for o in eu["options"] + eu["trials"]), "eu has a reimbursement key"
for o in it["options"] + it["trials"]:
    o.pop("reimbursement", None)
it["jurisdiction"] = "eu"
assert it == eu, "it, without its reimbursement keys, differs from eu"
print("ok   json: it without its reimbursement keys is exactly the eu evaluation")
EOF
check "eu text: labels EU" 0 "labels EU)" -- "$MMPATH" evaluate "$REC" --jurisdiction eu --lang en --kb "$KB"
grep -q "AIFA reimbursement" "$TMP/out" && fail "eu text has an AIFA line"
echo "ok   eu text: no AIFA reimbursement line"
check "us text: labels US" 0 "labels US)" -- "$MMPATH" evaluate "$REC" --jurisdiction us --lang en --kb "$KB"
grep -q "AIFA reimbursement" "$TMP/out" && fail "us text has an AIFA line"
echo "ok   us text: no AIFA reimbursement line"
check "--jurisdiction xx is a usage error" 2 "--jurisdiction eu|us|it" \
  -- "$MMPATH" evaluate "$REC" --jurisdiction xx --kb "$KB"

# --- an act published after the evaluation date did not decide anything then
python3 - "$REC" "$TMP/early.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1])); r["as_of"] = "2024-06-01"
r["labs"] = [l for l in r.get("labs", []) if l["date"] <= "2024-06-01"]
json.dump(r, open(sys.argv[2], "w"))
EOF
check "as_of 2024-06-01: Det. 650/2024 (GU 2024-11-11) published after it" 0 \
  "GU no. 264 of 2024-11-11 (published after the evaluation date)" \
  -- "$MMPATH" evaluate "$TMP/early.json" --jurisdiction it --lang en --kb "$KB"

# --- demo and screen take it too
check "demo --jurisdiction it" 0 "Rimborsabilità AIFA:" -- "$MMPATH" demo --jurisdiction it --kb "$KB"
tr -d '\n' <"$REC" >"$TMP/reg.jsonl"; echo >>"$TMP/reg.jsonl"
check "screen --jurisdiction it: each eligible therapy's finding" 0 '"reimbursement_it":{' \
  -- "$MMPATH" screen "$TMP/reg.jsonl" --jurisdiction it --threads 1 --kb "$KB"
head -1 "$TMP/out" >"$TMP/line.json"; mv "$TMP/line.json" "$TMP/out"
pycheck "screen it: cilta-cel eligible, c_nn" 'd["reimbursement_it"]["cilta-cel"] == "c_nn" and "cilta-cel" in d["eligible"]'
check "screen --jurisdiction eu: no reimbursement key" 0 '"eligible"' \
  -- "$MMPATH" screen "$TMP/reg.jsonl" --jurisdiction eu --threads 1 --kb "$KB"
grep -q reimbursement "$TMP/out" && fail "screen eu has a reimbursement key"
echo "ok   screen eu: unchanged shape"

# --- the kb file: every key names an existing therapy and EU indication
fresh() { rm -rf "$TMP/$1"; cp -r "$KB" "$TMP/$1"; echo "$TMP/$1"; }
K=$(fresh badind)
F=$K/reimbursement/it.yaml
sed -i '0,/indication: eu_two_prior$/s//indication: eu_two_priors/' "$F"
LINE=$(grep -n 'indication: eu_two_priors$' "$F" | cut -d: -f1)
[ -n "$LINE" ] || fail "could not break $F"
check "unknown indication: kb check fails at $F:$LINE:17, did you mean" 1 \
  "$F:$LINE:17: error: unknown indication 'eu_two_priors' of therapy 'ide-cel' (its EU indications: eu_two_prior, eu_three_prior_2021); did you mean 'eu_two_prior'?" \
  -- "$MMPATH" kb check --kb "$K"
check "unknown indication: evaluate refuses the kb (exit 3)" 3 "unknown indication 'eu_two_priors'" \
  -- "$MMPATH" evaluate "$REC" --kb "$K"
K=$(fresh badther)
F=$K/reimbursement/it.yaml
sed -i '0,/therapy: talquetamab$/s//therapy: talquetamb/' "$F"
LINE=$(grep -n 'therapy: talquetamb$' "$F" | cut -d: -f1)
check "unknown therapy: kb check fails at $F:$LINE:14" 1 \
  "$F:$LINE:14: error: unknown therapy 'talquetamb' (no kb/therapies entry has this id); did you mean 'talquetamab'?" \
  -- "$MMPATH" kb check --kb "$K"
K=$(fresh usind)
F=$K/reimbursement/it.yaml
sed -i '0,/indication: eu_one_prior_len_refractory$/s//indication: us_one_prior_len_refractory/' "$F"
check "a US indication is refused" 1 \
  "indication 'us_one_prior_len_refractory' of therapy 'cilta-cel' is not an EU indication" \
  -- "$MMPATH" kb check --kb "$K"
K=$(fresh notfoundclass)
F=$K/reimbursement/it.yaml
python3 - "$F" <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("    indication: eu_monotherapy\n    status: not_found\n", "    indication: eu_monotherapy\n    status: not_found\n    class: H\n", 1)
open(p, "w").write(s)
EOF
check "status not_found with a class is refused" 1 "status not_found: leave out 'class' (nothing was found)" \
  -- "$MMPATH" kb check --kb "$K"
K=$(fresh cnn)
F=$K/reimbursement/it.yaml
sed -i '0,/    class: C(nn)$/s//    class: H/' "$F"
check "status c_nn with class H is refused" 1 "status c_nn goes with class C(nn), not H" \
  -- "$MMPATH" kb check --kb "$K"
K=$(fresh noact)
F=$K/reimbursement/it.yaml
python3 - "$F" <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
old = "    status: reimbursed\n    class: H\n    verification: secondary\n"
assert old in s
s = s.replace(old, "    status: reimbursed\n    class: H\n", 1)
open(p, "w").write(s)
EOF
check "a finding without its act cannot be verified" 1 "cannot be verified" -- "$MMPATH" kb check --kb "$K"
K=$(fresh missing)
F=$K/reimbursement/it.yaml
python3 - "$F" <<'EOF'
import re, sys
p = sys.argv[1]; s = open(p).read()
s2 = re.sub(r"  - therapy: linvoseltamab\n(    .*\n|      .*\n)+", "", s, count=1)
assert s2 != s
open(p, "w").write(s2)
EOF
check "an EU indication without a finding: a warning, the kb stays valid" 0 \
  "warning: no reimbursement finding for linvoseltamab:eu_monotherapy" -- "$MMPATH" kb check --kb "$K"
check "... and the evaluation says it is not recorded" 0 \
  "AIFA reimbursement: not recorded in the knowledge base" \
  -- "$MMPATH" evaluate "$REC" --jurisdiction it --lang en --kb "$K"
K=$(fresh nofile)
rm "$K/reimbursement/it.yaml"
check "the file is required" 1 "reimbursement/it.yaml: error: missing knowledge-base file" -- "$MMPATH" kb check --kb "$K"

# --- HTTP: jurisdiction=it on evaluate, screen and CDS; anything else is 400
if "$MMPATH" serve --help 2>/dev/null | grep -q -- --port && command -v curl >/dev/null; then
  "$MMPATH" serve --port 0 --db "$TMP/db.sqlite" --no-demo --open-evaluate --kb "$KB" >"$TMP/serve.out" 2>"$TMP/serve.err" &
  PID=$!
  port=
  port=$(mm_listening_port "$TMP/serve.out" "$!") || true
  [ -n "$port" ] || fail "server did not start: $(cat "$TMP/serve.err")"
  base=http://127.0.0.1:$port
  curl -s -o "$TMP/out" -H 'Content-Type: application/json' --data-binary @"$REC" \
    "$base/api/v1/evaluate?jurisdiction=it&lang=it" || fail "POST evaluate?jurisdiction=it"
  pycheck "http evaluate?jurisdiction=it: the GU of Det. 650/2024" \
    'd["jurisdiction"] == "it" and OPT("cilta-cel")["reimbursement"]["text"].startswith("Rimborsabilità AIFA: classe C(nn)")'
  code=$(curl -s -o "$TMP/out" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$REC" "$base/api/v1/evaluate?jurisdiction=jp")
  [ "$code" = 400 ] && grep -Fq "use eu, us or it" "$TMP/out" || fail "evaluate?jurisdiction=jp: $code"
  echo "ok   http evaluate?jurisdiction=jp is 400, naming eu, us or it"
  curl -s -o "$TMP/out" -H 'Content-Type: application/x-ndjson' --data-binary @"$TMP/reg.jsonl" \
    "$base/api/v1/screen?jurisdiction=it" || fail "POST screen?jurisdiction=it"
  head -1 "$TMP/out" >"$TMP/line.json"; mv "$TMP/line.json" "$TMP/out"
  pycheck "http screen?jurisdiction=it" 'd["reimbursement_it"]["cilta-cel"] == "c_nn"'
  printf '{"hook":"patient-view","hookInstance":"aifa-1","fhirServer":"http://127.0.0.1:1/fhir","context":{"userId":"Practitioner/1","patientId":"BO-0017"},"prefetch":{"mmpathPatient":%s}}' \
    "$(tr -d '\n' <"$REC")" >"$TMP/cds.json"
  curl -s -o "$TMP/out" -H 'Content-Type: application/json' --data-binary @"$TMP/cds.json" \
    "$base/cds-services/mmpath-options?jurisdiction=it&lang=en" || fail "POST cds jurisdiction=it"
  python3 -c "import json,sys
d = json.load(open(sys.argv[1]))
c = [c for c in d['cards'] if c['source']['topic']['code'] == 'eligible'][0]
assert '(EU + AIFA)' in c['source']['label'], c['source']['label']
# cards are short (issue 13: at most 6 lines, the rest behind the link):
# the approved therapies shown carry their AIFA finding beside them
assert 'AIFA reimbursement: ' in c['detail'], c['detail']
print('ok   cds jurisdiction=it: the eligible card carries the AIFA finding')" "$TMP/out" || fail "cds it"
  curl -s -o "$TMP/out" "$base/api/v1" || fail "GET /api/v1"
  grep -Fq "jurisdiction=eu|us|it" "$TMP/out" || fail "the route table does not offer jurisdiction it"
  echo "ok   GET /api/v1 lists jurisdiction=eu|us|it"
fi
echo "all reimbursement checks passed"
