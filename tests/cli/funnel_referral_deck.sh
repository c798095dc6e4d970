#!/usr/bin/env bash
# funnel_referral_deck.sh: `mmpath funnel` rebuilds the deck's two funnel slides from
# tests/data/referral/ (seed deck, "Esperienza dell'Ematologia Seràgnoli":
# trials 2018-2021 and ide-cel's first 6 months) in every format and both
# languages, and docs/funnel-example.svg is what the documented command makes
# (docs/referral.md, "The example chart").
set -uo pipefail
M=${1:?usage: funnel_referral_deck.sh PATH-TO-MMPATH}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA="$HERE/../data/referral"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/deck.db"
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
has() { if grep -qF -- "$2" "$1"; then ok "$(basename "$1"): $2"; else bad "$(basename "$1") lacks: $2"; fi; }

"$M" referral import "$DATA/deck_trials_2018_2021.json" --db "$DB" >/dev/null || bad "import trials"
"$M" referral import "$DATA/deck_idecel_6months.json" --db "$DB" >/dev/null || bad "import ide-cel"
S1=(--db "$DB" --to-center BO-SER --since 2018-07-01 --until 2021-10-31)
S2=(--db "$DB" --to-center BO-SER --since 2023-03-01 --until 2023-08-31)

# Slide 1: 120 requests, 47 taken into care (12 own 26%, 35 other 74%), 73
# excluded, 39 screened (11 own, 28 other), 8 pending.
"$M" funnel "${S1[@]}" --format json >"$T/s1.json" || bad "funnel json 1"
has "$T/s1.json" '"total": 120'
has "$T/s1.json" '"taken_into_care": {"n": 47, "pct": 39}'
has "$T/s1.json" '"excluded": {"n": 73, "pct": 61}'
has "$T/s1.json" '"screened": {"n": 39, "pct": 33}'
has "$T/s1.json" '"pending": {"n": 8, "pct": 7}'
has "$T/s1.json" '"own_vs_other_of_taken_into_care": {"base": 47, "own": {"n": 12, "pct": 26}, "other": {"n": 35, "pct": 74}}'
has "$T/s1.json" '"own_vs_other_of_screened": {"base": 39, "own": {"n": 11, "pct": 28}, "other": {"n": 28, "pct": 72}}'
has "$T/s1.json" '"lost_to_follow_up": {"n": 8, "pct": 11}'
has "$T/s1.json" '"patient_refusal": {"n": 5, "pct": 7}'
has "$T/s1.json" '"exclusion_criteria": {"n": 35, "pct": 48}'
"$M" funnel "${S1[@]}" --lang it >"$T/s1.txt" || bad "funnel text 1"
has "$T/s1.txt" "Inseriti in lista d'attesa e presi in carico"
has "$T/s1.txt" "12 del nostro Centro (26%) · 35 da altri centri (74%)"

# Slide 2: 23 evaluated; negative 10 (43%): 7, 2, 1; positive 13 (57%):
# 5 ongoing, 1 not infused, 3 waiting infusion, 1 manufacturing failure, 3
# waiting apheresis. The spec's example: own 8 / other 15, medians 19 and 45.
"$M" funnel "${S2[@]}" --format json >"$T/s2.json" || bad "funnel json 2"
has "$T/s2.json" '"total": 23'
has "$T/s2.json" '"groups": {"evaluated_negative": {"n": 10, "pct": 43}, "evaluated_positive": {"n": 13, "pct": 57}'
has "$T/s2.json" '"aggressive_disease": {"n": 7, "pct": 30}'
has "$T/s2.json" '"comorbidities": {"n": 2, "pct": 9}'
has "$T/s2.json" '"anti_bcma_refractory": {"n": 1, "pct": 4}'
has "$T/s2.json" '"follow_up": {"n": 5, "pct": 22}'
has "$T/s2.json" '"not_infused": {"n": 1, "pct": 4}'
has "$T/s2.json" '"awaiting_infusion": {"n": 3, "pct": 13}'
has "$T/s2.json" '"manufacturing_failed": {"n": 1, "pct": 4}'
has "$T/s2.json" '"awaiting_apheresis": {"n": 3, "pct": 13}'
has "$T/s2.json" '"by_origin": {"own": {"n": 8, "pct": 35}, "other": {"n": 15, "pct": 65}}'
has "$T/s2.json" '"median_days": {"referral_to_apheresis": 19, "apheresis_to_infusion": 45}'

for lang in it en; do
  "$M" funnel "${S2[@]}" --format svg --lang $lang --out "$T/s2-$lang.svg" || bad "svg $lang"
  "$M" funnel "${S2[@]}" --format html --lang $lang --out "$T/s2-$lang.html" || bad "html $lang"
  if command -v xmllint >/dev/null; then
    xmllint --noout "$T/s2-$lang.svg" && ok "s2-$lang.svg is well-formed XML" || bad "svg not XML"
  fi
done
has "$T/s2-it.svg" "Valutazione negativa"
has "$T/s2-it.svg" "10 (43%)"
has "$T/s2-en.svg" "Waiting for admission / infusion"
has "$T/s2-en.html" "<svg"
has "$T/s2-en.html" "<table>"

# From one referring centre only; a window with nothing in it.
"$M" funnel "${S2[@]}" --from-center BO-SER --format json >"$T/own.json"
has "$T/own.json" '"total": 8'
"$M" funnel --db "$DB" --since 2030-01-01 --format json >"$T/none.json"
has "$T/none.json" '"total": 0'

# Errors: bad flags, a registry that does not exist is not created.
"$M" funnel --db "$DB" --format pdf >/dev/null 2>&1; [ $? = 2 ] && ok "--format pdf: usage" || bad "format"
"$M" funnel --db "$DB" --lang fr >/dev/null 2>&1; [ $? = 2 ] && ok "--lang fr: usage" || bad "lang"
"$M" funnel --db "$DB" --since 2023-13-01 >/dev/null 2>&1; [ $? = 2 ] && ok "bad date: usage" || bad "date"
"$M" funnel --db "$T/nope.db" >/dev/null 2>&1; [ $? = 3 ] && ok "missing registry: exit 3" || bad "nope"
[ ! -e "$T/nope.db" ] && ok "and it was not created" || bad "nope.db created"

# docs/funnel-example.svg is the documented command's output.
SRC=${MMPATH_SOURCE_DIR:-$HERE/../..}
if [ -f "$SRC/docs/funnel-example.svg" ]; then
  "$M" referral import "$DATA/deck_idecel_6months.json" --db "$T/example.db" >/dev/null
  "$M" funnel --db "$T/example.db" --to-center BO-SER --since 2023-03-01 --until 2023-08-31 \
    --format svg --lang en --out "$T/example.svg"
  if cmp -s "$T/example.svg" "$SRC/docs/funnel-example.svg"; then
    ok "docs/funnel-example.svg is current"
  else
    bad "docs/funnel-example.svg differs from the command's output (regenerate: docs/referral.md)"
  fi
fi
echo "$fails failure(s)"
[ "$fails" = 0 ]
