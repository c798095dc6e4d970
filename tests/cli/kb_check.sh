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
  "$F:$POS: error: unknown name 'prior_line'; did you mean 'prior_lines'?" -- "$MMPATH" kb check --kb "$K"
check "misspelled fact: one error counted" 1 "mmpath kb: 1 error in $K" -- "$MMPATH" kb check --kb "$K"
check "misspelled fact: evaluate refuses the kb (exit 3)" 3 "unknown name 'prior_line'" \
  -- "$MMPATH" evaluate "$SRC/tests/data/evaluate/two_lines_tce.json" --kb "$K"

# A non-response category that IMWG does not have (Kumar et al., Lancet Oncol
# 2016, doi:10.1016/S1470-2045(16)30206-6: sCR, CR, VGPR, PR, MR, SD, PD)
# would never match a line's best response: refused at load.
K=$(fresh nonresponse)
sed -i 's/nonresponse: \[SD, PD\]/nonresponse: [SD, Pd]/' "$K/definitions.yaml"
grep -q 'nonresponse: \[SD, Pd\]' "$K/definitions.yaml" || fail "could not break definitions.yaml"
check "misspelt non-response category: exit 1 with its name" 1 \
  "'Pd' is not an IMWG response category" -- "$MMPATH" kb check --kb "$K"

# The same in a double-quoted scalar (how kb/therapies writes criteria).
K=$(fresh quoted)
F=$K/therapies/teclistamab.yaml
sed -i '0,/when: "prior_lines >= 3"/s//when: "prior_line >= 3"/' "$F"
POS=$(at "$F" 'when: "prior_line >= 3"' "prior_line")
LINE=${POS%%:*}
check "misspelled fact in a quoted scalar: exit 1, line $LINE, did you mean" 1 \
  "unknown name 'prior_line'; did you mean 'prior_lines'?" -- "$MMPATH" kb check --kb "$K"
grep -Fq "$F:$LINE:" "$TMP/err" || fail "quoted scalar: the error is not on line $LINE"
check "misspelled fact in a quoted scalar: column of the token, not of the quote ($POS)" 1 "$F:$POS: error: unknown name" \
  -- "$MMPATH" kb check --kb "$K"
# With an offset inside the quoted text.
K=$(fresh quoted2)
F=$K/therapies/teclistamab.yaml
sed -i '0,/when: "prior_lines >= 3"/s//when: "age >= 18 and prior_line >= 3"/' "$F"
POS=$(at "$F" 'when: "age >= 18 and prior_line >= 3"' "prior_line")
check "misspelled fact after an offset in a quoted scalar: $POS" 1 "$F:$POS: error: unknown name 'prior_line'" \
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
check "misspelled fact in a block scalar: column of the token ($POS)" 1 "$F:$POS: error: unknown name 'prior_line'" \
  -- "$MMPATH" kb check --kb "$K"

# A call argument that is not a drug or class.
K=$(fresh badarg)
F=$K/trials/NCT05083169.yaml
sed -i 's/when: refractory(anti-CD38)/when: refractory(anti-CD83)/' "$F"
POS=$(at "$F" "refractory(anti-CD83)" "anti-CD83")
check "bad call argument: $F:$POS" 1 "$F:$POS: error: no drug or class named 'anti-CD83'" -- "$MMPATH" kb check --kb "$K"

# --- an unknown key (docs/kb-format.md: a typo must not pass silently)
K=$(fresh unknownkey)
F=$K/therapies/teclistamab.yaml
sed -i 's/^group: bispecific$/groupp: bispecific/' "$F"
POS=$(at "$F" "groupp:" "groupp")
check "unknown key: $F:$POS" 1 "$F:$POS: error: unknown key 'groupp'" -- "$MMPATH" kb check --kb "$K"

# --- a bad date (2022-02-30 does not exist)
K=$(fresh baddate)
F=$K/therapies/teclistamab.yaml
sed -i '0,/    approved: 2022-08-24/s//    approved: 2022-02-30/' "$F"
POS=$(at "$F" "approved: 2022-02-30" "2022-02-30")
check "bad date: $F:$POS" 1 "$F:$POS: error: 'approved' must be a date YYYY-MM-DD, got '2022-02-30'" \
  -- "$MMPATH" kb check --kb "$K"

# --- a duplicate option id (docs/kb-format.md: unique in its kind)
K=$(fresh dupid)
sed 's/^id: teclistamab$/id: elranatamab/' "$KB/therapies/teclistamab.yaml" > "$K/therapies/zz-copy.yaml"
rm "$K/therapies/teclistamab.yaml"
F=$K/therapies/zz-copy.yaml
POS=$(at "$F" "id: elranatamab" "id:")
check "duplicate option id: $F:$POS" 1 "$F:$POS: error: duplicate option id 'elranatamab'" -- "$MMPATH" kb check --kb "$K"
grep -Fq "also in $K/therapies/elranatamab.yaml" "$TMP/err" || fail "duplicate option id: the other file is not named"
echo "ok   duplicate option id: names the other file"

# A duplicate criterion id inside one indication (docs/kb-options.md: unique within its list).
K=$(fresh dupcrit)
F=$K/therapies/teclistamab.yaml
sed -i '0,/      - id: imid_exposed/s//      - id: adult/' "$F"
LINE=$(awk '/      - id: adult/ { n++; if (n == 2) { print NR; exit } }' "$F")
check "duplicate criterion id: line $LINE" 1 "$F:$LINE:9: error: duplicate criterion id 'adult'" -- "$MMPATH" kb check --kb "$K"

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
check "missing sources: $F:$LINE:1" 1 "$F:$LINE:1: error: missing key 'sources'" -- "$MMPATH" kb check --kb "$K"

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
check "empty sources: $F:$POS" 1 "$F:$POS: error: 'sources' must name at least one source" -- "$MMPATH" kb check --kb "$K"

# --- every problem is reported, not just the first (docs/conventions.md)
K=$(fresh two)
sed -i 's/^group: bispecific$/groupp: bispecific/' "$K/therapies/teclistamab.yaml"
sed -i 's/when: refractory(anti-CD38)/when: refractory(anti-CD83)/' "$K/trials/NCT05083169.yaml"
check "two broken files: both reported" 1 "unknown key 'groupp'" -- "$MMPATH" kb check --kb "$K"
grep -Fq "no drug or class named 'anti-CD83'" "$TMP/err" || fail "two broken files: the second error is missing"
echo "ok   two broken files: the second error is reported too"

check "no kb there: exit non-zero, names the missing manifest" 1 "manifest.yaml" \
  -- "$MMPATH" kb check --kb "$TMP/no-such-kb"

# --- sources: primary and addressable (docs/kb-format.md "Sources"; issue #12)
# The real kb cites no file outside the product: no 'shared/' anywhere in kb/,
# and kb check reports no source problem.
grep -rn "shared/" "$KB" >"$TMP/shared" && fail "kb/ names a file outside the product: $(head -3 "$TMP/shared")"
echo "ok   kb/ names no file under shared/"
check "real kb: no source outside the product" 0 "is valid" -- "$MMPATH" kb check --kb "$KB"
grep -Fq "outside the product" "$TMP/err" && fail "real kb: a source names a file outside the product"
grep -Fq "not a primary, addressable reference" "$TMP/err" && fail "real kb: a source is not addressable"
echo "ok   real kb: 0 entries cite a file outside the product or an unaddressable source"

# source_at NAME FILE TEXT: a fresh kb copy $TMP/NAME whose FILE has TEXT as
# its first top-level source; prints the line TEXT is now on.
source_at() {
  local k
  k=$(fresh "$1")
  python3 -c '
import json, sys
p, text = sys.argv[1], sys.argv[2]
lines = open(p).read().split("\n")
i = lines.index("sources:") + 1
lines[i] = "  - " + json.dumps(text, ensure_ascii=False)
open(p, "w").write("\n".join(lines))
print(i + 1)' "$k/$2" "$3"
}
F=therapies/teclistamab.yaml
LINE=$(source_at shared "$F" "shared/clinical/therapy.md section 4.2") || fail "could not write the shared copy"
K=$TMP/shared
check "a shared/clinical source fails with its file:line" 1 "$K/$F:$LINE:5: error: source names a file outside the product" \
  -- "$MMPATH" kb check --kb "$K"
check "a shared/clinical source: one error counted" 1 "mmpath kb: 1 error in $K" -- "$MMPATH" kb check --kb "$K"
check "a shared/clinical source does not stop evaluate (a check, not a load error)" 0 '"id"' \
  -- "$MMPATH" evaluate "$SRC/tests/data/evaluate/two_lines_tce.json" --kb "$K" --format json

# Not addressable: no identifier in the text, or a file outside the product.
for bad in "GSK UK HCP site (gskpro.com, Blenrep DREAMM-7 page) quoting the SmPC indication" \
           "Myeloma Patients Europe 2025-07-25; Targeted Oncology 2025-07-24 (EC decision)" \
           "Kumar S et al. Lancet Oncol 2016;17:e328" "GU Serie Generale 2022-12-03" \
           "see ../notes/labels.md, https://example.org" "file:///tmp/label.pdf" \
           "label copy at /work/labels/blenrep.pdf"; do
  LINE=$(source_at bad "$F" "$bad") || fail "could not write the bad copy"
  check "rejected source: $bad" 1 "$TMP/bad/$F:$LINE:5: error: source " -- "$MMPATH" kb check --kb "$TMP/bad"
done
# Addressable: each kind of identifier the rule accepts.
for good in "EMA EPAR Tecvayli, https://www.ema.europa.eu/en/medicines/human/EPAR/tecvayli" \
            "Kumar S et al. Lancet Oncol 2016;17:e328, doi:10.1016/S1470-2045(16)30206-6" \
            "Gandhi UH et al. Leukemia 2019, PMID 30858549" "MajesTEC-3, NCT05083169" \
            "EU CTR 2020-004742-11 (DK)" "CTIS 2023-503691-38-00" "ISRCTN12220131" \
            "Determina AIFA n. 75/2024, GU Serie Generale n. 131 del 6 giugno 2024" \
            "GU n. 181 del 3-8-2024" "Carvykti, EU/1/22/1648" "Drugs@FDA BLA 761440" \
            "Revlimid NDA 021880" "mmpath referral model, docs/referral.md"; do
  source_at good "$F" "$good" >/dev/null || fail "could not write the good copy"
  check "accepted source: $good" 0 "is valid" -- "$MMPATH" kb check --kb "$TMP/good"
done

# An entry that is not verified says when its primary source was last searched.
K=$(fresh nosearched)
F=$K/trials/NCT05083169.yaml
sed -i '/^searched: /d' "$F"
POS=$(at "$F" "verification: secondary" "secondary")
check "secondary without searched: $F:$POS" 1 \
  "$F:$POS: error: NCT05083169: 'verification: secondary' needs 'searched: YYYY-MM-DD'" -- "$MMPATH" kb check --kb "$K"
K=$(fresh badsearched)
F=$K/trials/NCT05083169.yaml
sed -i 's/^searched: 2026-12-07$/searched: 2026-13-07/' "$F"
check "searched must be a date" 1 "'searched' must be a date YYYY-MM-DD, got '2026-13-07'" \
  -- "$MMPATH" kb check --kb "$K"

# kb check lists what is not verified, one line each, with the date last searched.
check "kb check lists the entries not verified" 0 "not verified against a primary source" \
  -- "$MMPATH" kb check --kb "$KB"
grep -Eq '^  unverified +2026-12-07 +trials/NCT05519085\.yaml:[0-9]+ +NCT05519085$' "$TMP/out" \
  || fail "kb check: no line for the unverified SUCCESSOR-1 NCT with its searched date"
grep -Eq '^  secondary +2026-12-07 +therapies/belantamab\.yaml:[0-9]+ +eu_bvd$' "$TMP/out" \
  || fail "kb check: no line for belantamab eu_bvd (EC day secondary)"
grep -Eq '^  [a-z]+ +- ' "$TMP/out" && fail "kb check: an entry not verified has no searched date"
echo "ok   kb check: the unverified and secondary entries, each with its searched date"

# --- the watch list (kb/watchlist.yaml): dated, reported once its date passes
check "watch list before any date: nothing to re-check" 0 "0 to re-check as of 2026-08-01" \
  -- "$MMPATH" kb check --kb "$KB" --as-of 2026-08-01
grep -Fq "watch list '" "$TMP/err" && fail "watch list: an item reported before its date"
echo "ok   watch list: nothing reported as of 2026-08-01"
IBER="watch list 'iberdomide-fda' (iberdomide with daratumumab and dexamethasone (IberDd), fda): decision date 2026-08-17 passed: re-check"
check "watch list: iberdomide PDUFA 2026-08-17 passed on 2026-08-31" 0 "$IBER" \
  -- "$MMPATH" kb check --kb "$KB" --as-of 2026-08-31
grep -Fq "tec-dara-ec" "$TMP/err" && fail "watch list: tec-dara-ec (expected 2026-08-31) reported on its own date"
echo "ok   watch list: tec-dara-ec not reported on its expected date"
check "watch list: the EC Tec-Dara decision (CHMP + 67 days) passed on 2026-09-01" 0 \
  "watch list 'tec-dara-ec' (teclistamab (Tecvayli) with daratumumab SC (Darzalex), ec): decision date 2026-08-31 passed: re-check" \
  -- "$MMPATH" kb check --kb "$KB" --as-of 2026-09-01
LINE=$(awk '/- id: iberdomide-fda$/ { print NR; exit }' "$KB/watchlist.yaml")
grep -Fq "$KB/watchlist.yaml:$LINE:5: warning: $IBER" "$TMP/err" || fail "watch list: the warning is not at the item's line $LINE"
echo "ok   watch list: warnings point at the item"
check "watch list: undated items come due at their re-check date" 0 \
  "watch list 'anito-cel-fda' (anitocabtagene autoleucel (anito-cel), fda): re-check date 2027-03-07 passed: search again" \
  -- "$MMPATH" kb check --kb "$KB" --as-of 2027-04-01
grep -Fq "teclistamab-mono-ema" "$TMP/err" || fail "watch list: MajesTEC-9 (EMA) not reported as of 2027-04-01"
grep -Fq "talquetamab-monumental3" "$TMP/err" || fail "watch list: MonumenTAL-3 not reported as of 2027-04-01"
echo "ok   watch list: MajesTEC-9 and MonumenTAL-3 due as of 2027-04-01"
check "kb check --as-of must be a date" 2 "--as-of must be a date YYYY-MM-DD, got '2026-02-30'" \
  -- "$MMPATH" kb check --kb "$KB" --as-of 2026-02-30
K=$(fresh nodate)
F=$K/watchlist.yaml
sed -i '/^    recheck: /d' "$F"
check "a watch-list item without expected or recheck is an error" 1 \
  "watch-list item needs 'expected' or 'recheck'" -- "$MMPATH" kb check --kb "$K"
K=$(fresh nowatch)
rm "$K/watchlist.yaml"
check "the watch list is a required kb file" 1 "watchlist.yaml: error: missing knowledge-base file" \
  -- "$MMPATH" kb check --kb "$K"

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
