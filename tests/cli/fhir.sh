#!/bin/bash
# fhir.sh: `mmpath fhir import` from the command line (docs/fhir.md). Run as
# `bash fhir.sh PATH-TO-MMPATH`; prints each check, exits non-zero on failure.
# The bundles are tests/data/fhir/ (hand-written myeloma patients); the public
# non-myeloma fixtures of shared/fixtures/fhir are used when present.
set -u
MMPATH=${1:?usage: fhir.sh PATH-TO-MMPATH}
SRC=${MMPATH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=${MMPATH_TESTDATA:-$SRC/tests/data}/fhir
KB=${MMPATH_KB:-$SRC/kb}
SHARED=$SRC/../shared/fixtures/fhir
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0

# check NAME EXPECTED-EXIT GREP-PATTERN -- COMMAND...: runs the command, checks
# its exit code and that stdout+stderr match the pattern (grep -E).
check() {
  local name=$1 want=$2 pat=$3
  shift 4
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, want $want"; cat "$TMP/out" "$TMP/err"; fails=$((fails+1)); return
  fi
  if ! cat "$TMP/out" "$TMP/err" | grep -Eq -- "$pat"; then
    echo "FAIL $name: output does not match /$pat/"; cat "$TMP/out" "$TMP/err"; fails=$((fails+1)); return
  fi
  echo "ok   $name"
}
# refute NAME PATTERN FILE: the file must not match.
refute() {
  if grep -Eq -- "$2" "$3"; then echo "FAIL $1: /$2/ found"; fails=$((fails+1)); else echo "ok   $1"; fi
}

IMPORT=("$MMPATH" fhir import --kb "$KB" --as-of 2026-11-25)

# newly diagnosed: the record, then evaluate reads it from a pipe
check "ndmm: record written" 0 '"id": "ndmm-001"' -- "${IMPORT[@]}" "$DATA/ndmm.json"
check "ndmm: t(4;14) from ISCN" 0 '"fish": \{"t4_14": true\}' -- "${IMPORT[@]}" "$DATA/ndmm.json"
check "ndmm: lines left unknown, said on stderr" 0 'warning: lines: no myeloma medication' -- "${IMPORT[@]}" "$DATA/ndmm.json"
"${IMPORT[@]}" "$DATA/ndmm.json" >"$TMP/ndmm.rec" 2>/dev/null
refute "ndmm: no name, MRN or address copied" 'Bianchi|Maria|MRN-998877|Bologna|Via Example' "$TMP/ndmm.rec"
check "ndmm: evaluate - accepts the record" 0 'Patient ndmm-001' -- bash -c "\"$MMPATH\" evaluate --kb \"$KB\" - < \"$TMP/ndmm.rec\""

# relapsed: three lines, progression, units, comorbidity
check "rrmm: line 1 VRd with progression" 0 '\{"drugs": \["bortezomib", "lenalidomide", "dexamethasone"\], "start": "2019-07-01", "end": "2019-11-15", "progression": "2022-03-01", "stop_reason": "completed"\}' -- "${IMPORT[@]}" "$DATA/rrmm.json"
check "rrmm: line 3 ongoing carfilzomib" 0 '\{"drugs": \["carfilzomib", "dexamethasone"\], "start": "2024-02-01"\}' -- "${IMPORT[@]}" "$DATA/rrmm.json"
check "rrmm: IgG in g/L kept with its unit" 0 '"test": "igg", "value": 3.5, "unit": "g/L"' -- "${IMPORT[@]}" "$DATA/rrmm.json"
check "rrmm: heart failure" 0 '"comorbidities": \["heart_failure"\]' -- "${IMPORT[@]}" "$DATA/rrmm.json"
check "rrmm: unknown LOINC reported with its path" 0 'rrmm.json:[0-9]+:[0-9]+: warning: Observation/creat\.code\.coding\[0\]: LOINC 2160-0 .*not in kb/fhir.yaml' -- "${IMPORT[@]}" "$DATA/rrmm.json"
check "rrmm: IMWG grouping note on stderr" 0 'warning: lines: 3 line\(s\) of therapy grouped .* by the IMWG definition' -- "${IMPORT[@]}" "$DATA/rrmm.json"
"${IMPORT[@]}" "$DATA/rrmm.json" >"$TMP/rrmm.rec" 2>/dev/null
refute "rrmm: no name or MRN copied" 'Rossi|Giovanni|MRN-123456|Modena' "$TMP/rrmm.rec"
check "rrmm: evaluate - sees 3 prior lines, triple-class exposed" 0 'prior_lines 3; .*triple_class_exposed yes' -- bash -c "\"$MMPATH\" evaluate --kb \"$KB\" - < \"$TMP/rrmm.rec\""
check "rrmm: from stdin" 0 '"id": "rrmm-002"' -- bash -c "\"$MMPATH\" fhir import --kb \"$KB\" --as-of 2026-11-25 - < \"$DATA/rrmm.json\""

# --lang it|en (as mmpath evaluate; default en): the same warnings, each at
# the same line and path, in Italian with it; the record the same bytes
check "rrmm --lang it: unknown LOINC in Italian, same path" 0 'rrmm.json:[0-9]+:[0-9]+: avviso: Observation/creat\.code\.coding\[0\]: LOINC 2160-0 .*non presente in kb/fhir.yaml' -- "${IMPORT[@]}" --lang it "$DATA/rrmm.json"
check "rrmm --lang it: the IMWG grouping note in Italian" 0 'avviso: lines: linee di terapia ricostruite dai dati dei farmaci secondo la definizione IMWG: 3 ' -- "${IMPORT[@]}" --lang it "$DATA/rrmm.json"
"${IMPORT[@]}" "$DATA/rrmm.json" >"$TMP/def.rec" 2>"$TMP/def.err"
"${IMPORT[@]}" --lang en "$DATA/rrmm.json" >"$TMP/en.rec" 2>"$TMP/en.err"
"${IMPORT[@]}" --lang it "$DATA/rrmm.json" >"$TMP/it.rec" 2>"$TMP/it.err"
if cmp -s "$TMP/def.err" "$TMP/en.err" && cmp -s "$TMP/def.rec" "$TMP/it.rec" &&
   [ "$(sed -E 's/ (warning|avviso): ([^ ]*): .*/ \2/' "$TMP/en.err")" = "$(sed -E 's/ (warning|avviso): ([^ ]*): .*/ \2/' "$TMP/it.err")" ] &&
   [ "$(grep -c ' avviso: ' "$TMP/it.err")" -ge 4 ] && ! grep -q ' warning: ' "$TMP/it.err"; then
  echo "ok   --lang: English by default, the same record and the same places in Italian"
else echo "FAIL --lang: default, record or places differ"; diff "$TMP/en.err" "$TMP/it.err"; fails=$((fails+1)); fi
check "malformed --lang it: errors in Italian with their path" 1 'errore: Bundle\.entry\[1\]\.resource\.resourceType: una risorsa deve avere resourceType' -- "${IMPORT[@]}" --lang it "$DATA/malformed.json"
check "--lang de: usage" 2 'lang is it or en' -- "${IMPORT[@]}" --lang de "$DATA/rrmm.json"

# invalid input: exit 1 with the path, nothing on stdout
check "malformed: exit 1 with the entry path" 1 'malformed.json:6:[0-9]+: error: Bundle\.entry\[1\]\.resource\.resourceType' -- "${IMPORT[@]}" "$DATA/malformed.json"
check "malformed: wrong type with its path" 1 'error: Observation/obs-1\.code\.coding: expected array' -- "${IMPORT[@]}" "$DATA/malformed.json"
"${IMPORT[@]}" "$DATA/malformed.json" >"$TMP/bad.out" 2>/dev/null
if [ -s "$TMP/bad.out" ]; then echo "FAIL malformed: something written on stdout"; fails=$((fails+1)); else echo "ok   malformed: nothing on stdout"; fi
check "not JSON: line and column" 1 'not-json.json:3:1: error: not valid JSON' -- "${IMPORT[@]}" "$DATA/not-json.json"

# usage and setup
check "usage: no subcommand" 2 'usage: mmpath fhir import' -- "$MMPATH" fhir
check "usage: bad --as-of" 2 'as-of must be a date' -- "$MMPATH" fhir import "$DATA/rrmm.json" --as-of 2026-13-01
check "usage: unreadable file" 2 'cannot read' -- "$MMPATH" fhir import "$TMP/none.json"
check "help" 0 'usage: mmpath fhir import' -- "$MMPATH" fhir --help
mkdir -p "$TMP/kb"
cp -r "$KB"/. "$TMP/kb/"
rm "$TMP/kb/fhir.yaml"
check "setup: no fhir.yaml is exit 3" 3 'fhir.yaml' -- "$MMPATH" fhir import --kb "$TMP/kb" "$DATA/rrmm.json"
sed 's/{drug: bortezomib}/{drug: bortezomb}/' "$KB/fhir.yaml" >"$TMP/kb/fhir.yaml"
check "setup: bad target is exit 3 with file:line:col" 3 'fhir.yaml:[0-9]+:[0-9]+: .*bortezomb.* is not a drug id' -- "$MMPATH" fhir import --kb "$TMP/kb" "$DATA/rrmm.json"

# the public fixtures (not myeloma): no crash, no diagnosis, a report
if [ -d "$SHARED" ]; then
  for f in "$SHARED"/*.json; do
    n=$(basename "$f")
    "${IMPORT[@]}" "$f" >"$TMP/fx.out" 2>"$TMP/fx.err"
    rc=$?
    if [ "$rc" -gt 1 ] || [ ! -s "$TMP/fx.err" ]; then
      echo "FAIL fixture $n: exit $rc or nothing reported"; cat "$TMP/fx.err"; fails=$((fails+1)); continue
    fi
    if [ "$rc" -eq 0 ] && { grep -q '"diagnosis": {"date"' "$TMP/fx.out" || ! grep -q 'no multiple myeloma Condition' "$TMP/fx.err"; }; then
      echo "FAIL fixture $n: a diagnosis was invented or not reported missing"; fails=$((fails+1)); continue
    fi
    if [ "$rc" -eq 0 ] && ! "$MMPATH" evaluate --kb "$KB" - <"$TMP/fx.out" >/dev/null 2>&1; then
      echo "FAIL fixture $n: evaluate refused the record"; fails=$((fails+1)); continue
    fi
    echo "ok   fixture $n (exit $rc, $(wc -l <"$TMP/fx.err") line(s) reported)"
  done
  check "fixture: Karnofsky not converted" 0 'Karnofsky performance status is not converted' -- "${IMPORT[@]}" "$SHARED/Observation-mCODEKarnofskyPerformanceStatusExample01.json"
  check "fixture: NSCLC reported with its path" 0 'Condition/mCODEPrimaryCancerConditionExample01\.code\.coding\[0\]: SNOMED CT 254637007' -- "${IMPORT[@]}" "$SHARED/Condition-mCODEPrimaryCancerConditionExample01.json"
else
  echo "skip shared fixtures ($SHARED absent)"
fi

# issue #13. mCODE STU4 GenomicVariant: the result is value[x] (LOINC LL1971-2
# LA9633-4 Present / LA9634-2 Absent / LA11884-6 Indeterminate) and the
# interpretation (HL7 v3 POS/NEG/IND), https://hl7.org/fhir/us/mcode/STU4/
# StructureDefinition-mcode-genomic-variant.html. Tested Absent is false, never
# a present; Indeterminate is unknown and said. Diagnosis in ICD-9-CM 203.00
# only (CMS ICD-9-CM v32).
check "genomic: absent is false, present true" 0 '"fish": \{"del17p": false, "t4_14": false, "gain1q": true\}' -- "${IMPORT[@]}" "$DATA/mcode-genomic.json"
check "genomic: indeterminate said" 0 't\(14;16\).*left unknown' -- "${IMPORT[@]}" "$DATA/mcode-genomic.json"
check "genomic: ICD-9-CM 203.00 diagnosis" 0 '"diagnosis": \{"date": "2025-03-05"' -- "${IMPORT[@]}" "$DATA/mcode-genomic.json"

# UCUM case variants (https://ucum.org/ucum): g/l is read as the map's g/L, and said.
check "units: g/l read as g/L" 0 '"test": "albumin", "value": 34.1, "unit": "g/L"' -- "${IMPORT[@]}" "$DATA/it-lis-units.json"
check "units: the variant is reported" 0 "unit 'g/l' read as UCUM 'g/L'" -- "${IMPORT[@]}" "$DATA/it-lis-units.json"

# A transaction bundle: entries without id, references by urn:uuid (FHIR R4
# bundle.html#references); the record id is a hash of the Patient's fullUrl, said.
check "transaction: imported" 0 '"id": "fhir-a2ca436c21bb624c"' -- "${IMPORT[@]}" "$DATA/transaction.json"
check "transaction: derived id reported" 0 'no logical id: the record id .* is derived from its fullUrl' -- "${IMPORT[@]}" "$DATA/transaction.json"

# ASCT from a Procedure (CPT 38241, ICD-10-PCS 30243Y0) goes to the line
# running at its date: induction, high-dose melphalan and ASCT are one line
# (IMWG, Rajkumar 2015); the second completed ASCT is reported; a paged
# searchset is said (FHIR R4 http.html#paging). Never "asct": false.
check "asct: one line, the first ASCT" 0 '^    \{"drugs": .*"melphalan".*"asct": "2024-05-15"\}$' -- "${IMPORT[@]}" "$DATA/epic-searchset-asct.json"
check "asct: the second is reported" 0 'Procedure/eProc1: a second ASCT \(2024-06-12\)' -- "${IMPORT[@]}" "$DATA/epic-searchset-asct.json"
check "paging: next page reported" 0 'Bundle.link\[1\]: one page of a paged search' -- "${IMPORT[@]}" "$DATA/epic-searchset-asct.json"
"${IMPORT[@]}" "$DATA/epic-searchset-asct.json" >"$TMP/asct.json" 2>/dev/null
refute "asct: never written false" '"asct": false' "$TMP/asct.json"

# Italian product names (AIFA denomination NAME*PACK): VELCADE*1FL 3,5MG is bortezomib.
check "aic: VTd from pharmacy names" 0 '"drugs": \["bortezomib", "thalidomide"\]' -- "${IMPORT[@]}" "$DATA/it-pharmacy-aic.json"

# Issue #13 item 5: bundles shaped as real exports, each with its expected
# IMWG reading in NAME.expected.json (lines, ASCT, maintenance, progression,
# provisional; facts and options of `mmpath evaluate` on the import; what the
# report must say; identifiers never copied). Lines by Rajkumar SV et al.,
# Blood 2015;126(7):921-922 (doi:10.1182/blood-2015-05-647636); labels as
# kb/therapies cites them (teclistamab, elranatamab, talquetamab: >= 3 prior
# therapies; ide-cel EU: >= 2; cilta-cel EU: >= 1, lenalidomide-refractory).
# The first-relapse patient (D-VRd + ASCT + R maintenance = 1 line) is not
# eligible for the bispecifics nor ide-cel; the 4-line triple-class-refractory
# patient is. tests/data/fhir/make_imwg_bundles.py writes both files.
IMWG=(it-hub-collection epic-searchset mcode-stu4 it-fse-document transaction-first-relapse
      history-bundle tcr-4-lines car-t-bridging provisional-addition)
python3 - "$MMPATH" "$KB" "$DATA" "${IMWG[@]}" >"$TMP/imwg.out" 2>&1 <<'PY'
import json, re, subprocess, sys
mmpath, kb, data = sys.argv[1:4]
fails = 0
def bad(name, msg):
    global fails
    fails += 1
    print(f"FAIL imwg {name}: {msg}")
def names(ds):
    return sorted(x if isinstance(x, str) else x["name"] for x in ds)
for name in sys.argv[4:]:
    exp = json.load(open(f"{data}/{name}.expected.json"))
    imp = subprocess.run([mmpath, "fhir", "import", "--kb", kb, "--as-of", "2026-11-25",
                          f"{data}/{name}.json"], capture_output=True, text=True)
    if imp.returncode != 0:
        bad(name, f"import exit {imp.returncode}: {imp.stderr[-500:]}")
        continue
    rec = json.loads(imp.stdout)
    n0 = fails
    lines = rec.get("lines", [])
    if len(lines) != len(exp["lines"]):
        bad(name, f"{len(lines)} lines, expected {len(exp['lines'])}: {json.dumps(lines)[:600]}")
    for k, (got, want) in enumerate(zip(lines, exp["lines"])):
        if names(got["drugs"]) != want["drugs"]:
            bad(name, f"lines[{k}].drugs {names(got['drugs'])}, expected {want['drugs']}")
        for key in ("asct", "progression"):
            if got.get(key) != want.get(key):
                bad(name, f"lines[{k}].{key} {got.get(key)}, expected {want.get(key)}")
        gm = names(got["maintenance"]["drugs"]) if "maintenance" in got else None
        if gm != want.get("maintenance"):
            bad(name, f"lines[{k}].maintenance {gm}, expected {want.get('maintenance')}")
        if ("provisional" in got) != bool(want.get("provisional")):
            bad(name, f"lines[{k}].provisional {'provisional' in got}, expected {bool(want.get('provisional'))}")
        if got.get("asct") is False:
            bad(name, f"lines[{k}].asct written false (a guessed 'no')")
    for pat in exp.get("report", []):
        if not re.search(pat, imp.stderr):
            bad(name, f"the import report does not say /{pat}/")
    for pii in exp.get("absent_from_record", []):
        if pii in imp.stdout:
            bad(name, f"'{pii}' copied into the record")
    ev = subprocess.run([mmpath, "evaluate", "--kb", kb, "--format", "json", "--lang", "en", "-"],
                        input=imp.stdout, capture_output=True, text=True)
    if ev.returncode != 0:
        bad(name, f"evaluate exit {ev.returncode}: {ev.stdout[-300:]}")
        continue
    out = json.loads(ev.stdout)
    for fact, want in exp.get("facts", {}).items():
        got = out["facts"].get(fact, {}).get("value", "ABSENT")
        if got != want:
            bad(name, f"fact {fact} = {got!r}, expected {want!r} ({out['facts'].get(fact)})")
    opts = {o["id"]: o["status"] for o in out["options"]}
    for opt, want in exp.get("options", {}).items():
        if opts.get(opt) != want:
            bad(name, f"option {opt} is {opts.get(opt)}, expected {want}")
    if fails == n0:
        print(f"ok   imwg {name}: {len(lines)} line(s), {len(exp.get('facts', {}))} fact(s), "
              f"{len(exp.get('options', {}))} option(s) as expected")
sys.exit(1 if fails else 0)
PY
rc=$?
cat "$TMP/imwg.out"
if [ "$rc" -ne 0 ]; then fails=$((fails+1)); fi
if [ "$(grep -c '^ok   imwg' "$TMP/imwg.out")" -ne "${#IMWG[@]}" ]; then
  echo "FAIL imwg: not every bundle was checked"; fails=$((fails+1))
fi

[ "$fails" -eq 0 ] && echo "all fhir checks passed" || echo "$fails check(s) failed"
exit $((fails > 0))
