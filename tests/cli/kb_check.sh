#!/bin/bash
# kb_check.sh: `mmpath kb check` and `mmpath kb list` (docs/kb-format.md,
# docs/rule-language.md "Error messages"). Run as
# `bash kb_check.sh PATH-TO-MMPATH`; prints each check and exits 1 at the
# first failure. The real kb passes; broken COPIES of it (never the kb
# itself) fail with exit 1 and `file:LINE:COL: reason`, the line and column
# computed here from the broken file, so each check knows where the error is.
set -u
MMPATH=${1:?usage: kb_check.sh PATH-TO-MMPATH}
SRC=${MMPATH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
KB=${MMPATH_KB:-$SRC/kb}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL $1"; [ -f "$TMP/out" ] && head -c 2000 "$TMP/out"; [ -f "$TMP/err" ] && head -c 2000 "$TMP/err"; exit 1; }

# check NAME EXPECTED-EXIT FIXED-STRING -- COMMAND...: runs the command, checks
# its exit code and that stdout+stderr contain the string (grep -F).
check() {
  local name=$1 want=$2 str=$3
  shift 4
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "$name: exit $rc, want $want"
  cat "$TMP/out" "$TMP/err" | grep -Fq -- "$str" || fail "$name: output does not contain: $str"
  echo "ok   $name"
}

# fresh NAME: a fresh copy of the kb at $TMP/NAME; prints its path.
fresh() { rm -rf "$TMP/$1"; cp -r "$KB" "$TMP/$1"; echo "$TMP/$1"; }

# at FILE PATTERN TOKEN: "LINE:COL" of the first occurrence of TOKEN on the
# first line of FILE matching the fixed string PATTERN (1-based).
at() {
  awk -v p="$2" -v t="$3" 'index($0, p) && !done { print NR ":" index($0, t); done = 1 }' "$1"
}

# --- the real knowledge base
check "kb check: the real kb is valid (exit 0)" 0 "is valid" -- "$MMPATH" kb check --kb "$KB"
check "kb check without --kb reads MMPATH_KB" 0 "$KB: knowledge base" -- env MMPATH_KB="$KB" "$MMPATH" kb check

# --- a misspelled fact name in a criterion (docs/rule-language.md: one-line scalar:
# the scalar's line and its column plus the offset). MajesTEC-3 inclusion, plain scalar.
K=$(fresh misspelled)
F=$K/trials/NCT05083169.yaml
sed -i 's/when: prior_lines >= 1 and prior_lines <= 3/when: prior_lines >= 1 and prior_line <= 3/' "$F"
grep -q 'and prior_line <= 3' "$F" || fail "could not break $F"
POS=$(at "$F" "and prior_line <= 3" "prior_line <= 3")
check "misspelled fact: exit 1, $F:$POS, did you mean" 1 \
  "$F:$POS: unknown name 'prior_line'; did you mean 'prior_lines'?" -- "$MMPATH" kb check --kb "$K"
check "misspelled fact: one error counted" 1 "mmpath kb: 1 error in $K" -- "$MMPATH" kb check --kb "$K"
check "misspelled fact: evaluate refuses the kb (exit 3)" 3 "unknown name 'prior_line'" \
  -- "$MMPATH" evaluate "$SRC/tests/data/evaluate/two_lines_tce.json" --kb "$K"

# The same in a double-quoted scalar (how kb/therapies writes criteria).
K=$(fresh quoted)
F=$K/therapies/teclistamab.yaml
sed -i '0,/when: "prior_lines >= 3"/s//when: "prior_line >= 3"/' "$F"
POS=$(at "$F" 'when: "prior_line >= 3"' "prior_line")
LINE=${POS%%:*}
check "misspelled fact in a quoted scalar: exit 1, line $LINE, did you mean" 1 \
  "unknown name 'prior_line'; did you mean 'prior_lines'?" -- "$MMPATH" kb check --kb "$K"
grep -Fq "$F:$LINE:" "$TMP/err" || fail "quoted scalar: the error is not on line $LINE"
check "misspelled fact in a quoted scalar: column of the token, not of the quote ($POS)" 1 "$F:$POS: unknown name" \
  -- "$MMPATH" kb check --kb "$K"
# With an offset inside the quoted text.
K=$(fresh quoted2)
F=$K/therapies/teclistamab.yaml
sed -i '0,/when: "prior_lines >= 3"/s//when: "age >= 18 and prior_line >= 3"/' "$F"
POS=$(at "$F" 'when: "age >= 18 and prior_line >= 3"' "prior_line")
check "misspelled fact after an offset in a quoted scalar: $POS" 1 "$F:$POS: unknown name 'prior_line'" \
  -- "$MMPATH" kb check --kb "$K"

# A block scalar (docs/rule-language.md: the line of the text, its indentation plus the offset).
K=$(fresh block)
F=$K/therapies/teclistamab.yaml
python3 - "$F" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('        when: "prior_lines >= 3"\n',
              '        when: |\n          age >= 18 and\n          prior_line >= 3\n', 1)
open(p, 'w').write(s)
EOF
POS=$(at "$F" "          prior_line >= 3" "prior_line")
LINE=${POS%%:*}
check "misspelled fact in a block scalar: exit 1, line $LINE" 1 "$F:$LINE:" -- "$MMPATH" kb check --kb "$K"
check "misspelled fact in a block scalar: column of the token ($POS)" 1 "$F:$POS: unknown name 'prior_line'" \
  -- "$MMPATH" kb check --kb "$K"

# A call argument that is not a drug or class.
K=$(fresh badarg)
F=$K/trials/NCT05083169.yaml
sed -i 's/when: refractory(anti-CD38)/when: refractory(anti-CD83)/' "$F"
POS=$(at "$F" "refractory(anti-CD83)" "anti-CD83")
check "bad call argument: $F:$POS" 1 "$F:$POS: no drug or class named 'anti-CD83'" -- "$MMPATH" kb check --kb "$K"

# --- an unknown key (docs/kb-format.md: a typo must not pass silently)
K=$(fresh unknownkey)
F=$K/therapies/teclistamab.yaml
sed -i 's/^group: bispecific$/groupp: bispecific/' "$F"
POS=$(at "$F" "groupp:" "groupp")
check "unknown key: $F:$POS" 1 "$F:$POS: unknown key 'groupp'" -- "$MMPATH" kb check --kb "$K"

# --- a bad date (2022-02-30 does not exist)
K=$(fresh baddate)
F=$K/therapies/teclistamab.yaml
sed -i '0,/    approved: 2022-08-24/s//    approved: 2022-02-30/' "$F"
POS=$(at "$F" "approved: 2022-02-30" "2022-02-30")
check "bad date: $F:$POS" 1 "$F:$POS: 'approved' must be a date YYYY-MM-DD, got '2022-02-30'" \
  -- "$MMPATH" kb check --kb "$K"

# --- a duplicate option id (docs/kb-format.md: unique in its kind)
K=$(fresh dupid)
sed 's/^id: teclistamab$/id: elranatamab/' "$KB/therapies/teclistamab.yaml" > "$K/therapies/zz-copy.yaml"
rm "$K/therapies/teclistamab.yaml"
F=$K/therapies/zz-copy.yaml
POS=$(at "$F" "id: elranatamab" "id:")
check "duplicate option id: $F:$POS" 1 "$F:$POS: duplicate option id 'elranatamab'" -- "$MMPATH" kb check --kb "$K"
grep -Fq "also in $K/therapies/elranatamab.yaml" "$TMP/err" || fail "duplicate option id: the other file is not named"
echo "ok   duplicate option id: names the other file"

# A duplicate criterion id inside one indication (docs/kb-options.md: unique within its list).
K=$(fresh dupcrit)
F=$K/therapies/teclistamab.yaml
sed -i '0,/      - id: imid_exposed/s//      - id: adult/' "$F"
LINE=$(awk '/      - id: adult/ { n++; if (n == 2) { print NR; exit } }' "$F")
check "duplicate criterion id: line $LINE" 1 "$F:$LINE:9: duplicate criterion id 'adult'" -- "$MMPATH" kb check --kb "$K"

# --- a missing source (docs/kb-format.md: sources, at least one)
K=$(fresh nosource)
F=$K/trials/NCT05083169.yaml
python3 - "$F" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index('\nsources:\n') + 1
j = s.index('\nupdated:', i) + 1
open(p, 'w').write(s[:i] + s[j:])
EOF
LINE=$(awk '!/^#/ && NF { print NR; exit }' "$F")
check "missing sources: $F:$LINE:1" 1 "$F:$LINE:1: missing key 'sources'" -- "$MMPATH" kb check --kb "$K"

K=$(fresh emptysource)
F=$K/therapies/teclistamab.yaml
python3 - "$F" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index('\nsources:\n') + 1
j = s.index('\nupdated:', i) + 1
open(p, 'w').write(s[:i] + 'sources: []\n' + s[j:])
EOF
POS=$(at "$F" "sources: []" "[]")
check "empty sources: $F:$POS" 1 "$F:$POS: 'sources' must name at least one source" -- "$MMPATH" kb check --kb "$K"

# --- every problem is reported, not just the first (docs/conventions.md)
K=$(fresh two)
sed -i 's/^group: bispecific$/groupp: bispecific/' "$K/therapies/teclistamab.yaml"
sed -i 's/when: refractory(anti-CD38)/when: refractory(anti-CD83)/' "$K/trials/NCT05083169.yaml"
check "two broken files: both reported" 1 "unknown key 'groupp'" -- "$MMPATH" kb check --kb "$K"
grep -Fq "no drug or class named 'anti-CD83'" "$TMP/err" || fail "two broken files: the second error is missing"
echo "ok   two broken files: the second error is reported too"

check "no kb there: exit non-zero, names the missing manifest" 1 "manifest.yaml" \
  -- "$MMPATH" kb check --kb "$TMP/no-such-kb"

# --- kb list
check "kb list: drugs" 0 "drugs:" -- "$MMPATH" kb list --kb "$KB"
for s in "regimens:" "options:" "trials:" "teclistamab" "Dara-VTd" "NCT05083169  MajesTEC-3" "lenalidomide"; do
  grep -Fq -- "$s" "$TMP/out" || fail "kb list: '$s' is missing"
done
echo "ok   kb list: drugs, regimens, options and trials"
check "kb list drugs: teclistamab anti_bcma,bispecific (Tecvayli)" 0 "anti_bcma,bispecific  (Tecvayli)" \
  -- "$MMPATH" kb list drugs --kb "$KB"
check "kb list regimens: VRd = bortezomib lenalidomide dexamethasone" 0 "= bortezomib lenalidomide dexamethasone" \
  -- "$MMPATH" kb list regimens --kb "$KB"
check "kb list options: cilta-cel is an approved car_t therapy" 0 "approved_therapy" \
  -- "$MMPATH" kb list options --kb "$KB"
grep -Eq '^  cilta-cel +approved_therapy +car_t' "$TMP/out" || fail "kb list options: no cilta-cel car_t row"
echo "ok   kb list options: cilta-cel row"
check "kb list trials: MajesTEC-3 (NCT05083169)" 0 "NCT05083169  MajesTEC-3" -- "$MMPATH" kb list trials --kb "$KB"

echo "all kb check checks passed"
