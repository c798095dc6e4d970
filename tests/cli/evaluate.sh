#!/bin/bash
# evaluate.sh: `mmpath evaluate` and `mmpath facts` from the command line
# (shared/spec/evaluation.md, docs/kb-format.md). Run as
# `bash evaluate.sh PATH-TO-MMPATH`; prints each check and exits 1 at the
# first failure. Checks: a malformed record exits 1 and names the field path
# (text and JSON); a valid one exits 0 with the evaluation@1 schema; HTML and
# Italian renderings (evaluate and facts: no English word of the engine, the
# score explanations and the warnings in Italian, English unchanged); a
# threshold edited in a COPY of the kb changes the answer without
# recompiling; `facts --json` is JSON with the spec's names.
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

# --- --lang it says nothing in English: on every demo patient, `evaluate`
# (EU and US; text, HTML, JSON) and `facts` (text, JSON) in Italian hold none
# of the English words the engine writes whose Italian differs: those of the
# translation tables (src/evaluate/messages.h; the fact engine's warnings,
# src/facts/facts.h; the scores' values and units, src/score/score_why.c)
# and the phrases of the score explanations (the English of every
# sk_say(w, "english", "italian", ...) in src/score/). What the kb has only
# in English (sources, labels, evidence), explanations that are the same in
# both languages (rule expressions) and record field paths (lines[1].end,
# the fields a value misses) are left out first: they are not the engine's words. Text and HTML (tags
# stripped): whole words anywhere; JSON: the values meant for people (its
# keys and codes are the same in every language).
for p in "$SRC"/demo/patients/*.json; do
  b=$(basename "$p" .json)
  for j in eu us; do
    for f in text html json; do
      "$MMPATH" evaluate "$p" --format $f --lang it --jurisdiction $j --kb "$KB" \
        >"$TMP/it.$b.$j.$f" 2>&1 || fail "evaluate --lang it $p $j $f"
    done
    "$MMPATH" evaluate "$p" --format json --lang en --jurisdiction $j --kb "$KB" \
      >"$TMP/en.$b.$j.json" 2>&1 || fail "evaluate --lang en $p $j json"
  done
  for f in text json; do
    "$MMPATH" facts "$p" --format $f --lang it --kb "$KB" >"$TMP/it.$b.facts.$f" 2>&1 \
      || fail "facts --lang it $p $f"
  done
  "$MMPATH" facts "$p" --format json --lang en --kb "$KB" >"$TMP/en.$b.facts.json" 2>&1 \
    || fail "facts --lang en $p json"
done
python3 - "$SRC/src" "$TMP" <<'PY' || exit 1
import glob, html, json, re, sys

SRC = sys.argv[1]

def clean(path):
    src = re.sub(r'\\\n', ' ', open(path, encoding='utf-8').read())
    return re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)

STR = r'"(?:[^"\\]|\\.)*"'

def literal(src, i):
    """The C string (adjacent literals joined) or NULL at src[i:]; (text, end)."""
    while src[i].isspace(): i += 1
    if src.startswith('NULL', i): return None, i + 4
    parts = []
    while True:
        while src[i].isspace(): i += 1
        m = re.compile(STR).match(src, i)
        if not m: break
        parts.append(m.group(0)[1:-1])
        i = m.end()
    if not parts: return False, i
    return ''.join(parts).encode().decode('unicode_escape').encode('latin-1').decode('utf-8'), i

def table(path):
    """(en, it) of every X(CODE-or-"code", [...,] "en", "it") in a file."""
    src, rows = clean(path), []
    for m in re.finditer(r'\bX\(', src):
        i, strs, joined = m.end(), [], False
        while src[i] != ')':
            if src[i] == '"':
                j = re.compile(STR).match(src, i).end()
                if joined: strs[-1] += src[i + 1:j - 1]  # "adjacent" "literals"
                else: strs.append(src[i + 1:j - 1])
                i, joined = j, True
            elif src[i].isspace():
                i += 1
            elif src[i] == ',' or (not strs and (src[i].isalnum() or src[i] == '_')):
                i, joined = i + 1, False
            else:
                sys.exit('FAIL %s: cannot read %s' % (path, src[m.start():m.start() + 60]))
        if len(strs) >= 2: rows.append((strs[-2], strs[-1]))
    return rows

def phrases(path):
    """(en, it) of every sk_say(w, "en", "it", ...) in a file."""
    src, rows = clean(path), []
    for m in re.finditer(r'\bsk_say\(', src):
        i = src.index(',', m.end()) + 1
        if 'sk_why' in src[m.end():i]: continue  # its declaration, not a call
        en, i = literal(src, i)
        i = src.index(',', i) + 1
        it, i = literal(src, i)
        if en is False or it is False: sys.exit('FAIL %s: cannot read %s' % (path, src[m.start():m.start() + 80]))
        rows.append((en or '', it or ''))
    return rows

SPEC = re.compile(r'%[-+ #0]*\d*(?:\.\d+)?[a-z%]')
def words(en, it):
    """The English fragments (around the printf arguments) the Italian does not have."""
    it_parts = {f.strip(' ;:,()=>/.') for f in SPEC.split(it)}
    for f in SPEC.split(en):
        f = f.strip(' ;:,()=>/.')
        if len(f) >= 4 and re.search('[a-z]{3}', f) and f not in it_parts: yield f

rows = table(SRC + '/evaluate/messages.h')
if len(rows) < 40: sys.exit('FAIL messages.h: only %d entries read' % len(rows))
warn_rows = table(SRC + '/facts/facts.h')
score_rows = [r for r in table(SRC + '/score/score_why.c') if r[0] in
              re.findall(r'X\("(\w+)"', clean(SRC + '/score/score_why.c').split('SK_VALUE_WORDS(X)')[1]) + ['years']]
say_rows = [r for f in sorted(glob.glob(SRC + '/score/*.c')) for r in phrases(f)]
if len(warn_rows) < 2 or len(score_rows) < 3 or len(say_rows) < 40:
    sys.exit('FAIL tables: read %d warnings, %d score words, %d score phrases'
             % (len(warn_rows), len(score_rows), len(say_rows)))
english = set()
for en, it in rows + score_rows:
    for juris in ('EU', 'US'):
        if en.replace('{j}', juris) != it.replace('{j}', juris): english.add(en.replace('{j}', juris))
for en, it in warn_rows + say_rows:
    english.update(words(re.sub(r'\{\d\}', '%s', en), re.sub(r'\{\d\}', '%s', it)))
words_re = [(e, re.compile(r'(?<!\w)' + re.escape(e) + r'(?!\w)')) for e in sorted(english)]
# record field paths: lines[1], lines[0].progression, diagnosis.fish.amp1q
# and the lists of missing fields: "mancano: lines frailty.adl"
MISSING = re.compile(r'mancano:[^\n\[\]]*')
PATH = re.compile(r'\b[a-z_][a-z0-9_]*(?:\[\d+\])+(?:\.[a-z0-9_]+)*|\b[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)+')

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
        try:
            raw = open(base + '.' + fmt, encoding='utf-8').read()
        except FileNotFoundError:
            continue  # facts: text and JSON only
        if fmt == 'json':
            body = '\n'.join(s for p, k, s in it if k in PEOPLE or k == 'warnings')
        elif fmt == 'html':
            body = html.unescape(re.sub(r'<[^>]*>', '\n', re.sub(r'<style>.*?</style>', '', raw, flags=re.S)))
        else:
            body = raw
        for s in foreign: body = body.replace(s, '\0')
        body = PATH.sub('\0', MISSING.sub('\0', body))
        n += 1
        for e, r in words_re:
            m = r.search(body)
            if m:
                line = body[body.rfind('\n', 0, m.start()) + 1:body.find('\n', m.end())]
                sys.exit('FAIL %s.%s: English "%s" in the Italian output:\n  %s'
                         % (base.rsplit('/', 1)[-1], fmt, e, line[:300]))
print('ok   --lang it: none of the %d English words and phrases of the engine in %d renderings '
      'of the demo patients (evaluate EU/US, facts)' % (len(words_re), n))
PY

# --- the score explanations and the warnings in both languages. Patient 02:
# beta2m 4.1 mg/L is ISS II (Greipp 2005: not III as < 5.5 mg/L, not I as
# >= 3.5 mg/L); the English is the text the scores always gave.
grep -qF 'iss                            II  [ISS II: non III (β2-microglobulina 4.1 mg/L < 5.5 mg/L), non I (β2-microglobulina 4.1 mg/L >= 3.5 mg/L)]' \
  "$TMP/it.02-newly-diagnosed.facts.text" || fail "facts --lang it: the ISS explanation is not in Italian"
grep -qF 'r2_iss                         non noto  [ISS II: non III' "$TMP/it.02-newly-diagnosed.facts.text" \
  || fail "facts --lang it: the R2-ISS explanation is not in Italian"
grep -qF 'setting                        nuova diagnosi, eleggibile al trapianto' "$TMP/it.02-newly-diagnosed.facts.text" \
  || fail "facts --lang it: the setting is shown as its code"
check "facts --lang en: the ISS explanation as it always was" 0 \
  'iss +II  \[ISS II: not III \(beta2m_mg_l 4\.1 mg/L < 5\.5 mg/L\), not I \(beta2m_mg_l 4\.1 mg/L >= 3\.5 mg/L\)\]' \
  -- "$MMPATH" facts "$SRC/demo/patients/02-newly-diagnosed.json" --lang en --kb "$KB"
grep -qE '^  setting +newly_diagnosed_transplant_eligible  ' "$TMP/out" || fail "facts --lang en: setting not shown as its code"
echo "ok   facts: score explanations and the setting in Italian with --lang it, unchanged in English"
# A transplant line followed by a line without progression (maybe its
# maintenance) and two transplants: the fact engine's two warnings.
printf '%s\n' '{"id":"W","as_of":"2026-11-25","birth_date":"1960-01-01","lines":[
 {"regimen":"VRd","start":"2019-01-01","end":"2019-05-01","asct":"2019-06-01","best_response":"CR"},
 {"drugs":["lenalidomide"],"start":"2019-09-01","end":"2021-01-01","progression":"2021-01-01"},
 {"regimen":"KRd","start":"2021-02-01","end":"2021-06-01","asct":"2021-07-01","progression":"2023-01-01"}]}' \
  >"$TMP/warn.json"
check "evaluate --lang it: the warnings in Italian" 0 '^  - lines\[1\] segue una linea con trapianto' \
  -- "$MMPATH" evaluate "$TMP/warn.json" --lang it --kb "$KB"
grep -q '^  - 2 trapianti autologhi: il tempo alla progressione' "$TMP/out" || fail "evaluate --lang it: several transplants not in Italian"
grep -q '^Avvertenze$' "$TMP/out" || fail "evaluate --lang it: no 'Avvertenze' heading"
check "evaluate --lang it --format json: the warnings in Italian" 0 '"warnings":\["lines\[1\] segue una linea' \
  -- "$MMPATH" evaluate "$TMP/warn.json" --lang it --format json --kb "$KB"
check "evaluate --lang en: the warnings as they always were" 0 \
  '^  - lines\[1\] follows a transplant line that ended without progression or stop_reason' \
  -- "$MMPATH" evaluate "$TMP/warn.json" --lang en --kb "$KB"
grep -q '^  - 2 transplants: time to progression is counted from the latest (lines\[2\]\.asct)' "$TMP/out" \
  || fail "evaluate --lang en: the several-transplants warning changed"

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
