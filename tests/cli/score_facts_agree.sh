#!/usr/bin/env bash
# score_facts_agree.sh: `mmpath score` and the facts of `mmpath evaluate`
# agree on the same inputs (issue: scores and trial matching). For several
# patients the ISS, R-ISS, R2-ISS and IMWG frailty computed from the record
# must equal the score command's answer on the same inputs.
set -u
mmpath=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

check() { # name record-json score input-json
  local name=$1 record=$2
  printf '%s' "$record" > "$tmp/rec.json"
  "$mmpath" evaluate "$tmp/rec.json" --format json > "$tmp/ev.json" || { echo "FAIL $name: evaluate"; fail=1; return; }
  shift 2
  while [ $# -gt 0 ]; do
    local score=$1 inputs=$2
    shift 2
    printf '%s' "$inputs" | "$mmpath" score "$score" - --format json > "$tmp/sc.json" ||
      { echo "FAIL $name: score $score"; fail=1; continue; }
    python3 - "$tmp/ev.json" "$tmp/sc.json" "$score" "$name" <<'PY' || fail=1
import json, sys
ev = json.load(open(sys.argv[1])); sc = json.load(open(sys.argv[2])); score, name = sys.argv[3], sys.argv[4]
fact = ev["facts"][score]["value"]
if fact != sc["value"]:
    print(f"FAIL {name}: {score} facts={fact!r} score={sc['value']!r}"); sys.exit(1)
print(f"ok   {name}: {score} = {fact!r} in both")
PY
  done
}

check "stage III by beta2m" \
  '{"id":"A","age":66,"frailty":{"charlson":1,"adl":6,"iadl":8},"diagnosis":{"beta2m_mg_l":6.1,"albumin_g_dl":3.2,"ldh_above_uln":true,"fish":{"del17p":true,"t4_14":false,"t14_16":false,"gain1q":true,"amp1q":false}}}' \
  iss '{"beta2m_mg_l":6.1,"albumin_g_dl":3.2}' \
  r_iss '{"beta2m_mg_l":6.1,"albumin_g_dl":3.2,"del17p":true,"t4_14":false,"t14_16":false,"ldh_above_uln":true}' \
  r2_iss '{"beta2m_mg_l":6.1,"albumin_g_dl":3.2,"del17p":true,"t4_14":false,"ldh_above_uln":true,"gain1q":true,"amp1q":false}' \
  frailty '{"age":66,"charlson":1,"adl":6,"iadl":8}'

check "stage I, standard risk" \
  '{"id":"B","age":81,"frailty":{"charlson":2,"adl":4,"iadl":5},"diagnosis":{"beta2m_mg_l":2.1,"albumin_g_dl":4.0,"ldh_above_uln":false,"fish":{"del17p":false,"t4_14":false,"t14_16":false,"gain1q":false,"amp1q":false}}}' \
  iss '{"beta2m_mg_l":2.1,"albumin_g_dl":4.0}' \
  r_iss '{"beta2m_mg_l":2.1,"albumin_g_dl":4.0,"del17p":false,"t4_14":false,"t14_16":false,"ldh_above_uln":false}' \
  r2_iss '{"beta2m_mg_l":2.1,"albumin_g_dl":4.0,"del17p":false,"t4_14":false,"ldh_above_uln":false,"gain1q":false,"amp1q":false}' \
  frailty '{"age":81,"charlson":2,"adl":4,"iadl":5}'

check "missing inputs" \
  '{"id":"C","diagnosis":{"beta2m_mg_l":4.0}}' \
  iss '{"beta2m_mg_l":4.0}' \
  frailty '{}'

[ $fail = 0 ] && echo "score and facts agree" || echo "score and facts DISAGREE"
exit $fail
