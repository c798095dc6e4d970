#!/bin/bash
# kb_rule.sh: `mmpath kb rule ID [--dump]` (docs/cli.md): a rule of the kb
# by its ID, with the file:line of its expression (computed here from the kb
# file itself), its expression, and with --dump the compiled code as the
# disassembler prints it (tests/unit/test_rule_eval.c). Unknown and
# ambiguous IDs exit 2. Run as `bash kb_rule.sh PATH-TO-MMPATH`.
set -u
MMPATH=${1:?usage: kb_rule.sh PATH-TO-MMPATH}
SRC=${MMPATH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
KB=${MMPATH_KB:-$SRC/kb}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL $1"; [ -f "$TMP/out" ] && head -c 2000 "$TMP/out"; [ -f "$TMP/err" ] && head -c 2000 "$TMP/err"; exit 1; }

# check NAME EXPECTED-EXIT FIXED-STRING -- COMMAND...: exit code, and the
# string in stdout+stderr (grep -F).
check() {
  local name=$1 want=$2 str=$3
  shift 4
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "$name: exit $rc, want $want"
  cat "$TMP/out" "$TMP/err" | grep -Fq -- "$str" || fail "$name: output does not contain: $str"
  echo "ok   $name"
}

# line FILE AFTER PATTERN: the line number of the first line matching the
# fixed string PATTERN after the first line matching AFTER.
line() {
  awk -v a="$2" -v p="$3" 'index($0, a) { on = 1 } on && index($0, p) { print NR; exit }' "$1"
}

check "kb --help names kb rule" 0 "mmpath kb rule ID [--dump]" -- "$MMPATH" kb --help
check "kb rule without an ID: usage (exit 2)" 2 "usage: mmpath kb rule ID" -- "$MMPATH" kb rule --kb "$KB"
check "--dump without kb rule: exit 2" 2 "--dump goes with kb rule" -- "$MMPATH" kb list --dump --kb "$KB"

# --- an approved therapy's label criterion, by its full ID
F=$KB/therapies/teclistamab.yaml
L=$(line "$F" "- id: prior_lines_ge_3" 'when: "prior_lines >= 3"')
[ -n "$L" ] || fail "no prior_lines_ge_3 criterion in $F"
ID=teclistamab:eu_monotherapy:prior_lines_ge_3
check "$ID: where it is written ($F:$L)" 0 "where   $F:$L" -- "$MMPATH" kb rule "$ID" --kb "$KB"
grep -Fxq "when    prior_lines >= 3" "$TMP/out" || fail "$ID: the expression is not printed"
grep -Fxq "rule    $ID" "$TMP/out" || fail "$ID: the ID is not printed"
grep -q "^code" "$TMP/out" && fail "$ID: code printed without --dump"
echo "ok   $ID: its ID and expression, no code without --dump"
check "$ID --dump: the disassembly" 0 "     0  GEN    r0 prior_lines, 3" -- "$MMPATH" kb rule "$ID" --dump --kb "$KB"
grep -Fxq "code" "$TMP/out" || fail "$ID --dump: no code heading"
echo "ok   $ID --dump: code heading"

# --- a definition, a supportive-care rule, a guideline criterion, a trial exclusion
F=$KB/definitions.yaml
L=$(line "$F" "- id: triple_class_refractory" "when:")
check "definitions:triple_class_refractory at $F:$L" 0 "where   $F:$L" \
  -- "$MMPATH" kb rule definitions:triple_class_refractory --kb "$KB"
check "a unique end of an ID names its rule" 0 "rule    supportive_care:ivig" \
  -- "$MMPATH" kb rule ivig --kb "$KB"
check "an end shared by several IDs lists them (exit 2)" 2 "  definitions:triple_class_refractory  ($F:$L)" \
  -- "$MMPATH" kb rule triple_class_refractory --kb "$KB"
F=$KB/supportive_care.yaml
L=$(line "$F" "- id: ivig" "trigger:")
check "supportive_care:ivig at $F:$L, --dump" 0 "where   $F:$L" \
  -- "$MMPATH" kb rule supportive_care:ivig --dump --kb "$KB"
grep -Fq "LTN    r0 igg, 400" "$TMP/out" || fail "supportive_care:ivig --dump: no 'igg < 400' instruction"
echo "ok   supportive_care:ivig --dump: igg < 400 compiled"
F=$KB/algorithm.yaml
L=$(line "$F" "- regimen: PVd" "when:")
check "algorithm:first_relapse:PVd:lenalidomide_refractory at $F:$L" 0 "where   $F:$L" \
  -- "$MMPATH" kb rule algorithm:first_relapse:PVd:lenalidomide_refractory --kb "$KB"
check "the implicit setting criterion" 0 "when    setting = 'first_relapse'" \
  -- "$MMPATH" kb rule algorithm:first_relapse:PVd:setting --kb "$KB"
check "a trial's exclusion criterion" 0 "what    an exclusion criterion of trial NCT04586426" \
  -- "$MMPATH" kb rule NCT04586426:exclusion:prior_anti_bcma_or_anti_gprc5d --kb "$KB"

# --- several rules: listed with file:line, exit 2
check "OPTION:CRITERION of three indications: ambiguous (exit 2)" 2 "'teclistamab:adult' names 3 rules" \
  -- "$MMPATH" kb rule teclistamab:adult --kb "$KB"
grep -Fq "  teclistamab:us_monotherapy:adult  ($KB/therapies/teclistamab.yaml:" "$TMP/err" \
  || fail "ambiguous: the candidates are not listed with their file"
echo "ok   ambiguous: candidates listed with file:line"

# --- unknown: exit 2, did you mean
check "unknown ID: exit 2, did you mean" 2 "no rule 'definitions:triple_class_refractry' in $KB; did you mean 'definitions:triple_class_refractory'?" \
  -- "$MMPATH" kb rule definitions:triple_class_refractry --kb "$KB"
check "unknown ID far from any: exit 2" 2 "no rule 'zzzz'" -- "$MMPATH" kb rule zzzz --kb "$KB"

# --- a rule written as a YAML block: the line of its first character
K=$TMP/block
cp -r "$KB" "$K"
F=$K/therapies/teclistamab.yaml
python3 - "$F" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('        when: "prior_lines >= 3"\n',
              '        when: |\n          age >= 18 and\n          prior_lines >= 3\n', 1)
open(p, 'w').write(s)
PY
L=$(line "$F" "- id: prior_lines_ge_3" "          age >= 18 and")
check "a block scalar: where is its text's first line ($L)" 0 "where   $F:$L" \
  -- "$MMPATH" kb rule teclistamab:eu_monotherapy:prior_lines_ge_3 --kb "$K"
grep -Fq "when    age >= 18 and" "$TMP/out" || fail "block scalar: first line of the expression"
grep -Fxq "        prior_lines >= 3" "$TMP/out" || fail "block scalar: the next line, indented"
echo "ok   a block scalar: every line of the expression"

echo "all kb rule checks passed"
