#!/bin/bash
# supportive.sh: supportive care by phase (kb/supportive_care.yaml, issue #12)
# from the command line. Runs every vignette of
# tests/vignettes-incoming/supportive/ (record + expected answers, each with
# its source) through `mmpath evaluate --format json` and checks each
# expectation: verdict indicated | conditional | unknown | not_indicated, a
# fact's value, the decisions a conditional item rests on, its missing
# inputs; "*" never_indicated = no item is indicated. Then the renderings:
# text marks ([x], [if], [?]) with the window, HTML classes, Italian words.
# Run as `bash supportive.sh PATH-TO-MMPATH`.
set -u
MMPATH=${1:?usage: supportive.sh PATH-TO-MMPATH}
SRC=${MMPATH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
VIG=$SRC/tests/vignettes-incoming/supportive
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL $1"; [ -f "$TMP/out" ] && head -c 3000 "$TMP/out"; exit 1; }

n=0
for v in "$VIG"/*.json; do
  python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['record']))" "$v" >"$TMP/record.json" ||
    fail "$v: not a vignette"
  "$MMPATH" evaluate "$TMP/record.json" --format json >"$TMP/out" 2>"$TMP/err" || fail "$v: evaluate failed"
  python3 - "$v" "$TMP/out" <<'EOF' || fail "$(basename "$v")"
import json, sys
v = json.load(open(sys.argv[1]))
d = json.load(open(sys.argv[2]))
items = {s["id"]: s for s in d["supportive_care"]}
def verdict(s):
    if s is None: return "not_indicated"
    if s.get("conditional"): return "conditional"
    return s["status"]
bad = []
for e in v["expect"]:
    if "fact" in e:
        got = d["facts"][e["fact"]].get("value")
        if got != e["value"]: bad.append(f"fact {e['fact']} = {got}, want {e['value']}")
        continue
    sid = e["supportive"]
    if sid == "*":
        ind = [s["id"] for s in d["supportive_care"] if s["status"] == "indicated"]
        if ind: bad.append(f"indicated although nothing may be: {ind}")
        continue
    s = items.get(sid)
    if verdict(s) != e["verdict"]:
        bad.append(f"{sid}: {verdict(s)}, want {e['verdict']}")
        continue
    if s and s.get("conditional") and s["status"] != "unknown":
        bad.append(f"{sid}: conditional with status {s['status']}")
    if "conditional_on" in e and [c["fact"] for c in s["conditional"]] != e["conditional_on"]:
        bad.append(f"{sid}: conditional on {[c['fact'] for c in s['conditional']]}")
    for m in e.get("missing", []):
        if m not in s.get("missing", []): bad.append(f"{sid}: {m} not among missing {s.get('missing')}")
    if s and not (s.get("window") or {}).get("text"): bad.append(f"{sid}: no window")
for b in bad: print("  " + b)
sys.exit(1 if bad else 0)
EOF
  echo "ok   $(basename "$v"): $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['title'])" "$v")"
  n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "only $n vignettes in $VIG"

rec() { python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['record']))" "$VIG/$1" >"$TMP/r.json"; }

# text: the phases, [x] with its window, [if] with its decision first
rec 01-cr-5-months-after-cilta-cel.json
"$MMPATH" evaluate "$TMP/r.json" --format text >"$TMP/out" 2>&1 || fail "text"
grep -q "^ after a CAR-T infusion:" "$TMP/out" || fail "text: no phase heading"
grep -q "^  \[x\] antiviral_after_car_t: " "$TMP/out" || fail "text: antiviral_after_car_t not [x]"
grep -q "^      when: from lymphodepletion to 12 months after the infusion" "$TMP/out" || fail "text: no window"
echo "ok   text: phase, [x] and window"
rec 03-unknown-candidacy.json
"$MMPATH" evaluate "$TMP/r.json" --format text >"$TMP/out" 2>&1 || fail "text"
grep -q "^  \[if\] antiviral_prophylaxis: if CAR-T goes ahead or if a bispecific antibody goes ahead: " \
  "$TMP/out" || fail "text: antiviral_prophylaxis not [if] with its decisions"
grep -q "^  \[x\]" "$TMP/out" && fail "text: an item is indicated on an unknown candidacy"
echo "ok   text: [if] with its decisions, nothing [x]"
# Italian: the decision and the window in Italian; HTML: class cond
"$MMPATH" evaluate "$TMP/r.json" --format text --lang it >"$TMP/out" 2>&1 || fail "text it"
grep -q "\[if\] antiviral_prophylaxis: se si procede con le CAR-T o se si procede con un anticorpo bispecifico: " \
  "$TMP/out" || fail "text it: the decisions are not in Italian"
grep -q "^ prima e durante CAR-T o bispecifico:" "$TMP/out" || fail "text it: phase not in Italian"
grep -q "      quando: " "$TMP/out" || fail "text it: window word not in Italian"
echo "ok   text --lang it: decisions, phase and window in Italian"
"$MMPATH" evaluate "$TMP/r.json" --format html --lang it >"$TMP/out" 2>&1 || fail "html"
grep -q '<li class="cond" data-supportive="antiviral_prophylaxis"><strong>antiviral_prophylaxis</strong>: <em>se si procede' \
  "$TMP/out" || fail "html: conditional item"
grep -q '<li class="true" data-supportive=' "$TMP/out" && fail "html: an item is indicated on an unknown candidacy"
echo "ok   html --lang it: conditional items, none indicated"
