#!/bin/bash
# evaluate.sh: `mmpath evaluate` and `mmpath facts` from the command line
# (shared/spec/evaluation.md, docs/kb-format.md). Run as
# `bash evaluate.sh PATH-TO-MMPATH`; prints each check and exits 1 at the
# first failure. Checks: a malformed record exits 1 and names the field path
# (text and JSON); a valid one exits 0 with the evaluation@1 schema; HTML and
# Italian renderings; a threshold edited in a COPY of the kb changes the
# answer without recompiling; `facts --json` is JSON with the spec's names.
set -u
MMPATH=${1:?usage: evaluate.sh PATH-TO-MMPATH}
SRC=${MMPATH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=${MMPATH_TESTDATA:-$SRC/tests/data}/evaluate
KB=${MMPATH_KB:-$SRC/kb}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL $1"; [ -f "$TMP/out" ] && head -c 2000 "$TMP/out"; [ -f "$TMP/err" ] && head -c 2000 "$TMP/err"; exit 1; }

# check NAME EXPECTED-EXIT GREP-PATTERN -- COMMAND...: runs the command, checks
# its exit code and that stdout+stderr match the pattern (grep -E).
check() {
  local name=$1 want=$2 pat=$3
  shift 4
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "$name: exit $rc, want $want"
  cat "$TMP/out" "$TMP/err" | grep -Eq -- "$pat" || fail "$name: output does not match /$pat/"
  echo "ok   $name"
}

# pycheck NAME PYTHON-EXPR [NAME PYTHON-EXPR ...]: evaluates each expression
# with `d` = the JSON of the last command's stdout (one python3 for all, to
# stay fast); prints each check and fails at the first that is not true.
pycheck() {
  python3 -c "import json,sys
d=json.load(open(sys.argv[1]))
OPT=lambda i: [o for o in d['options'] if o['id'] == i][0]
FAILING=lambda o: [c['id'] for c in o['criteria'] if c['result'] is False]
CRIT=lambda o, i: [c for c in o['criteria'] if c['id'] == i][0]
TIERS=['recommended', 'allowed', 'caution', 'unknown', 'not_eligible']
a = sys.argv[2:]
for name, expr in zip(a[0::2], a[1::2]):
    try:
        ok = eval(expr)
    except Exception as e:
        ok = False
        print(type(e).__name__, e)
    if not ok:
        print('FAIL ' + name + ': (' + expr + ') is not true')
        sys.exit(1)
    print('ok   ' + name)" "$TMP/out" "$@" || { head -c 1500 "$TMP/out"; exit 1; }
}


# --- malformed records: exit 1, the field path in both formats (patient-record.md "Errors")
check "malformed record: exit 1, text names lines[1].drugs[1]" 1 \
  "^lines\[1\]\.drugs\[1\]: unknown drug 'dexamethsone'; did you mean 'dexamethasone'\?" \
  -- "$MMPATH" evaluate "$DATA/malformed.json" --kb "$KB"
check "malformed record: exit 1, --format json" 1 '"errors":\[\{"path":"lines\[1\]\.drugs\[1\]"' \
  -- "$MMPATH" evaluate "$DATA/malformed.json" --format json --kb "$KB"
pycheck "malformed record JSON parses: errors[0] has path, line 7, column 32" \
  'd["errors"][0]["path"] == "lines[1].drugs[1]" and d["errors"][0]["line"] == 7 and d["errors"][0]["column"] == 32'
check "not JSON: exit 1 with line and column" 1 '"line":3,"column":12' \
  -- "$MMPATH" evaluate "$DATA/not_json.json" --format json --kb "$KB"
check "malformed record on stdin: exit 1" 1 'lines\[1\]\.drugs\[1\]' \
  -- bash -c "\"$MMPATH\" evaluate - --kb \"$KB\" < \"$DATA/malformed.json\""
check "missing file: usage exit 2" 2 'cannot read' \
  -- "$MMPATH" evaluate "$TMP/no-such-record.json" --kb "$KB"
check "bad --format: usage exit 2" 2 'usage' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --format xml --kb "$KB"

# --- a valid record: exit 0, evaluation@1
check "valid record: exit 0 with schema mmpath/evaluation@1" 0 '"schema":"mmpath/evaluation@1"' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --format json --kb "$KB"
# Tecvayli EU SmPC 4.1: >= 3 prior therapies (kb/therapies/teclistamab.yaml);
# Abecma EU SmPC 4.1: >= 2 prior therapies, triple-class exposed, PD on the last.
pycheck \
  "JSON: patient id, as_of, EU by default" \
  'd["patient"] == "EV-2L-TCE" and d["as_of"] == "2026-11-25" and d["jurisdiction"] == "eu"' \
  "JSON: setting second_relapse_or_later, prior_lines 2 (facts carry value)" \
  'd["facts"]["setting"]["value"] == "second_relapse_or_later" and d["facts"]["prior_lines"]["value"] == 2' \
  "JSON: options in the order a clinician reads them (docs/kb-options.md): tiers in order, rank = position" \
  '[TIERS.index(o["tier"]) for o in d["options"]] == sorted(TIERS.index(o["tier"]) for o in d["options"]) and [o["rank"] for o in d["options"]] == list(range(1, len(d["options"]) + 1))' \
  "JSON: recommended first, in the algorithm's order (R5 after Dara-Kd: Elo-Pd, SVd, Sd, BVd, BPd)" \
  '[o["id"] for o in d["options"] if o["tier"] == "recommended"] == ["Elo-Pd", "SVd", "Sd", "BVd", "BPd"] and d["options"][0]["kind"] == "guideline_regimen"' \
  "JSON: Dara-Kd not eligible, refractory to daratumumab (anti-CD38) and carfilzomib" \
  'OPT("Dara-Kd")["status"] == "not_eligible" and FAILING(OPT("Dara-Kd")) == ["not_refractory_to_regimen"] and CRIT(OPT("Dara-Kd"), "not_refractory_to_regimen")["text"] == "refractory to daratumumab (anti-CD38) and carfilzomib"' \
  "JSON: Rd on its label, with the refractoriness caution beside it" \
  'OPT("lenalidomide-dex")["status"] == "eligible" and OPT("lenalidomide-dex")["tier"] == "caution" and OPT("lenalidomide-dex")["refractoriness"] == {"status": "refractory", "drugs": [{"drug": "lenalidomide"}], "text": "refractory to lenalidomide"}' \
  "teclistamab EU with 2 prior lines: not_eligible on prior_lines_ge_3 (value 2)" \
  'OPT("teclistamab")["status"] == "not_eligible" and FAILING(OPT("teclistamab")) == ["prior_lines_ge_3"] and CRIT(OPT("teclistamab"), "prior_lines_ge_3")["value"] == 2' \
  "teclistamab carries its source and evidence (MajesTEC-1)" \
  '"Tecvayli" in OPT("teclistamab")["source"] and OPT("teclistamab")["evidence"][0]["trial"] == "MajesTEC-1"' \
  "ide-cel EU with 2 prior lines: eligible" \
  'OPT("ide-cel")["status"] == "eligible"'
# US Tecvayli: monotherapy >= 4 prior lines; with Darzalex Faspro >= 1 prior
# line incl. a PI and an IMiD (FDA 2026-03-06).
check "--jurisdiction us: exit 0" 0 '"jurisdiction":"us"' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --format json --jurisdiction us --kb "$KB"
pycheck "teclistamab US: eligible through the Tec-Dara indication" \
  'OPT("teclistamab")["status"] == "eligible" and OPT("teclistamab")["indication"]["id"] == "us_with_daratumumab"'

# --- renderings
check "text: exit 0, the treatment options" 0 '^Treatment options: Patient EV-2L-TCE' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --kb "$KB"
check "html: a page" 0 '^<!DOCTYPE html><html lang="en">' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --format html --kb "$KB"
grep -q '</html>' "$TMP/out" || fail "html: no closing </html>"
grep -q 'data-id="teclistamab" data-status="not_eligible"' "$TMP/out" || fail "html: teclistamab option not shown as not_eligible"
echo "ok   html: complete page, teclistamab shown not_eligible"
check "html --lang it: an Italian page" 0 '<html lang="it">.*<title>Opzioni di trattamento' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --format html --lang it --kb "$KB"
check "text --lang it: Italian labels" 0 '^Opzioni di trattamento: Paziente EV-2L-TCE' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --lang it --kb "$KB"
grep -q 'almeno 3 terapie precedenti' "$TMP/out" || fail "text --lang it: the kb's Italian criterion text is missing"
grep -q 'NON ELEGGIBILE' "$TMP/out" || fail "text --lang it: no 'NON ELEGGIBILE' heading"
echo "ok   text --lang it: kb criteria in Italian"
check "json --lang it: Italian texts" 0 '"lang":"it"' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --format json --lang it --kb "$KB"
pycheck "json --lang it: teclistamab criterion text in Italian" \
  'CRIT(OPT("teclistamab"), "prior_lines_ge_3")["text"].startswith("almeno 3 terapie")'

# --- --lang it says nothing in English: on every demo patient, EU and US, the
# text, HTML and JSON renderings hold none of the English words of the
# translation table (src/evaluate/messages.h) whose Italian differs. What the
# kb has only in English (sources, labels, evidence) and explanations that
# are the same in both languages are left out first: they are not the
# table's words. Text and HTML (tags stripped): whole words anywhere; JSON:
# the values meant for people (its keys and codes are the same in every
# language).
for p in "$SRC"/demo/patients/*.json; do
  for j in eu us; do
    for f in text html json; do
      "$MMPATH" evaluate "$p" --format $f --lang it --jurisdiction $j --kb "$KB" \
        >"$TMP/it.$(basename "$p" .json).$j.$f" 2>&1 || fail "evaluate --lang it $p $j $f"
    done
    "$MMPATH" evaluate "$p" --format json --lang en --jurisdiction $j --kb "$KB" \
      >"$TMP/en.$(basename "$p" .json).$j.json" 2>&1 || fail "evaluate --lang en $p $j json"
  done
done
python3 - "$SRC/src/evaluate/messages.h" "$TMP" <<'PY' || exit 1
import glob, html, json, re, sys

def table(path):
    """(en, it) of every X(CODE, ["id",] "en", "it") in the header."""
    src = re.sub(r'\\\n', ' ', open(path, encoding='utf-8').read())
    src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
    rows = []
    for m in re.finditer(r'\bX\(\s*\w+\s*,', src):
        i, strs = m.end(), []
        while src[i] != ')':
            if src[i] == '"':
                j = src.index('"', i + 1)
                strs.append(src[i + 1:j])
                i = j
            elif not (src[i].isspace() or src[i] == ','):
                sys.exit('FAIL messages.h: cannot read ' + src[m.start():m.start() + 60])
            i += 1
        rows.append((strs[-2], strs[-1]))
    return rows

rows = table(sys.argv[1])
if len(rows) < 40: sys.exit('FAIL messages.h: only %d entries read' % len(rows))
english = set()
for en, it in rows:
    for juris in ('EU', 'US'):
        if en.replace('{j}', juris) != it.replace('{j}', juris): english.add(en.replace('{j}', juris))
words = [(e, re.compile(r'(?<!\w)' + re.escape(e) + r'(?!\w)')) for e in sorted(english)]

PEOPLE = {'text', 'note', 'because', 'review', 'name', 'title', 'deck_says', 'now'}
KB_ENGLISH = {'source', 'sources', 'label', 'trial', 'ref', 'n', 'orr', 'mpfs', 'mdor'}
def strings(x, path=(), key=None):
    if isinstance(x, dict):
        for k, v in x.items(): yield from strings(v, path + (k,), k)
    elif isinstance(x, list):
        for i, v in enumerate(x): yield from strings(v, path + (i,), key)
    elif isinstance(x, str):
        yield path, key, x

n = 0
for it_json in sorted(glob.glob(sys.argv[2] + '/it.*.json')):
    base = it_json[:-len('.json')]
    en = {p: s for p, k, s in strings(json.load(open(base.replace('/it.', '/en.') + '.json')))}
    it = list(strings(json.load(open(it_json))))
    foreign = {s for p, k, s in it if k in KB_ENGLISH or (k in PEOPLE and en.get(p) == s)}
    foreign = sorted((s for s in foreign if len(s) > 1), key=len, reverse=True)
    for fmt in ('text', 'html', 'json'):
        raw = open(base + '.' + fmt, encoding='utf-8').read()
        if fmt == 'json':
            body = '\n'.join(s for p, k, s in it if k in PEOPLE or k == 'warnings')
        elif fmt == 'html':
            body = html.unescape(re.sub(r'<[^>]*>', '\n', re.sub(r'<style>.*?</style>', '', raw, flags=re.S)))
        else:
            body = raw
        for s in foreign: body = body.replace(s, '\0')
        n += 1
        for e, r in words:
            m = r.search(body)
            if m:
                line = body[body.rfind('\n', 0, m.start()) + 1:body.find('\n', m.end())]
                sys.exit('FAIL %s.%s: English "%s" in the Italian output:\n  %s'
                         % (base.rsplit('/', 1)[-1], fmt, e, line[:300]))
print('ok   --lang it: none of the %d English words of the translation table in %d renderings of the demo patients'
      % (len(words), n))
PY

# --- editing a threshold in a COPY of the kb changes the answer, no recompiling (docs/kb-format.md)
cp -r "$KB" "$TMP/kb"
sed -i 's/when: "prior_lines >= 3"/when: "prior_lines >= 2"/' "$TMP/kb/therapies/teclistamab.yaml"
grep -q 'when: "prior_lines >= 2"' "$TMP/kb/therapies/teclistamab.yaml" || fail "could not edit the teclistamab threshold in the kb copy"
check "kb copy with teclistamab prior_lines >= 2: kb check passes" 0 'is valid' \
  -- "$MMPATH" kb check --kb "$TMP/kb"
check "kb copy: evaluate exits 0" 0 '"schema":"mmpath/evaluation@1"' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --format json --kb "$TMP/kb"
pycheck "kb copy: teclistamab now eligible for the 2-line patient" 'OPT("teclistamab")["status"] == "eligible"'
check "MMPATH_KB names the kb too" 0 '"schema"' \
  -- env MMPATH_KB="$TMP/kb" "$MMPATH" evaluate "$DATA/two_lines_tce.json" --format json
pycheck "MMPATH_KB copy: teclistamab eligible" 'OPT("teclistamab")["status"] == "eligible"'
check "real kb again: teclistamab not_eligible" 0 '"schema"' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --format json --kb "$KB"
pycheck "real kb: teclistamab not_eligible" 'OPT("teclistamab")["status"] == "not_eligible"'
# A knowledge base that does not load: exit 3 (once a use-after-free in
# mmpath_kb_open, found by this check under ASan).
check "a broken kb: evaluate exits 3" 3 'cannot be loaded' \
  -- "$MMPATH" evaluate "$DATA/two_lines_tce.json" --kb "$TMP/no-such-kb"

# --- facts --json: JSON, with the fact names of shared/spec/evaluation.md
check "facts --json: exit 0" 0 '"prior_lines"' \
  -- "$MMPATH" facts "$DATA/two_lines_tce.json" --json --kb "$KB"
python3 -m json.tool "$TMP/out" >/dev/null || fail "facts --json does not parse with python3 -m json.tool"
echo "ok   facts --json parses with python3 -m json.tool"
pycheck \
  "facts --json: the spec's fact names" \
  'all(k in d.get("facts", d) for k in ["age", "prior_lines", "setting", "transplant_eligible", "frailty", "iss", "r_iss", "r2_iss", "asct_to_progression_months", "progression_on_last", "triple_class_exposed", "triple_class_refractory", "penta_exposed", "penta_refractory", "lenalidomide_refractory", "anti_bcma_exposed", "pi_exposed", "anti_cd38_refractory"])' \
  "facts --json: values (IMWG: VRd+ASCT+len maintenance is 1 line, so 2 lines; len-refractory; ASCT to progression 20 months)" \
  '(lambda f: f["prior_lines"]["value"] == 2 and f["lenalidomide_refractory"]["value"] is True and f["asct_to_progression_months"]["value"] == 20 and f["triple_class_exposed"]["value"] is True)(d.get("facts", d))'
check "facts on a malformed record: exit 1 with the path" 1 'lines\[1\]\.drugs\[1\]' \
  -- "$MMPATH" facts "$DATA/malformed.json" --json --kb "$KB"

echo "all evaluate checks passed"
