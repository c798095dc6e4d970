#!/bin/bash
# score.sh: `mmpath score` from the command line (docs/scores.md). Run as
# `bash score.sh PATH-TO-MMPATH`; prints each check, exits non-zero on failure.
set -u
MMPATH=${1:?usage: score.sh PATH-TO-MMPATH}
SRC=${MMPATH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=${MMPATH_TESTDATA:-$SRC/tests/data}/scores
KB=${MMPATH_KB:-$SRC/kb}
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

check "list names every score" 0 'icans' -- "$MMPATH" score --list
for s in iss r_iss r2_iss frailty response crs ice icans; do
  check "list has $s" 0 "^$s " -- "$MMPATH" score --list
done
check "ISS III from a file (Greipp 2005: beta2m >= 5.5)" 0 '"value":"III".*"because":"ISS III: beta2m_mg_l 6.1 mg/L >= 5.5 mg/L"' -- "$MMPATH" score iss "$DATA/iss_iii.json"
check "ISS JSON says review false and names the source" 0 '"source":"Greipp.*"review":false' -- "$MMPATH" score iss "$DATA/iss_iii.json"
check "ISS from stdin (-)" 0 '"value":"III"' -- bash -c "\"$MMPATH\" score iss - < \"$DATA/iss_iii.json\""
check "ISS from stdin (no file)" 0 '"value":"III"' -- bash -c "\"$MMPATH\" score iss < \"$DATA/iss_iii.json\""
check "ISS text format" 0 '^International Staging System \(ISS\): III' -- "$MMPATH" score iss "$DATA/iss_iii.json" --format text
check "ISS unknown names the missing albumin" 0 '"value":null.*"missing":\["albumin_g_dl"\]' -- "$MMPATH" score iss "$DATA/iss_missing_albumin.json"
check "R-ISS III (Palumbo 2015: ISS III + del17p)" 0 '"value":"III"' -- "$MMPATH" score r_iss "$DATA/r_iss_iii.json"
check "R2-ISS III with 2.5 points (D'Agostino 2022)" 0 '"value":"III","points":2.5' -- "$MMPATH" score r2_iss "$DATA/r2_iss_iii.json"
check "frailty frail, flagged for review (unverified cut-offs)" 0 '"value":"frail","points":2.*"review":true' -- "$MMPATH" score frailty "$DATA/frailty_frail.json"
check "CRS grade 3 (Lee 2019 example)" 0 '"value":"3"' -- "$MMPATH" score crs "$DATA/crs_3.json"
check "ICE 8" 0 '"value":8,' -- "$MMPATH" score ice "$DATA/ice_8.json"
check "ICANS 3 (ICE 3 with a seizure)" 0 '"value":"3"' -- "$MMPATH" score icans "$DATA/icans_3.json"
check "response VGPR confirmed (Kumar 2016)" 0 '"value":"VGPR","confirmed":true' -- "$MMPATH" score response "$DATA/response_vgpr.json"
sed 's/"value": 0.3, "unit": "g\/dL"/"value": 3, "unit": "g\/L"/' "$DATA/response_vgpr.json" > "$TMP/resp_gl.json"
check "response lab in another unit names labs[2].unit, exit 1" 1 'labs\[2\]\.unit: serum_m_protein must be given in g/dL' -- "$MMPATH" score response "$TMP/resp_gl.json"
check "wrong type names the field, exit 1" 1 'beta2m_mg_l: must be a number' -- "$MMPATH" score iss "$DATA/bad_type.json"
check "unknown key names the field, exit 1" 1 'beta2m: not an input of iss' -- "$MMPATH" score iss "$DATA/bad_key.json"
check "invalid JSON, exit 1 with line:col" 1 'bad_json.json:1:[0-9]+:' -- "$MMPATH" score iss "$DATA/bad_json.json"
check "unknown score, exit 2 listing the names" 2 'scores: iss r_iss r2_iss frailty response crs ice icans' -- "$MMPATH" score nosuch "$DATA/iss_iii.json"
check "bad --format, exit 2" 2 'format' -- "$MMPATH" score iss "$DATA/iss_iii.json" --format xml

# the kb decides: a copy (the score tables are a part of the whole kb) with
# the ISS III cut-off moved to 6.0 mg/L
cp -r "$KB" "$TMP/kb"
check "beta2m 5.7 is ISS III with the shipped kb" 0 '"value":"III"' -- "$MMPATH" score iss "$DATA/iss_5_7.json" --kb "$KB"
sed -i 's/op: ">=", value: 5.5, unit: mg\/L}/op: ">=", value: 6.0, unit: mg\/L}/' "$TMP/kb/scores/iss.yaml"
check "beta2m 5.7 is ISS II with the cut-off at 6.0 (--kb)" 0 '"value":"II"' -- "$MMPATH" score iss "$DATA/iss_5_7.json" --kb "$TMP/kb"
echo "  unexpected: 1" >> "$TMP/kb/scores/crs.yaml"
check "a broken kb file: exit 3 with file:line:col" 3 'crs.yaml:[0-9]+:[0-9]+:' -- "$MMPATH" score iss "$DATA/iss_iii.json" --kb "$TMP/kb"
check "a broken kb file: the knowledge base cannot be loaded" 3 "^mmpath score: cannot load the knowledge base $TMP/kb\$" -- "$MMPATH" score iss "$DATA/iss_iii.json" --kb "$TMP/kb"
check "no kb: the missing file, without a line" 3 "^$TMP/none/manifest.yaml: error: missing knowledge-base file\$" -- "$MMPATH" score --list --kb "$TMP/none"

if [ "$fails" -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "all checks passed"
