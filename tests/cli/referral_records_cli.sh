#!/usr/bin/env bash
# referral_records_cli.sh: the pathway after the spec's moves from the
# command line (docs/referral.md, docs/cli.md): `referral new` without --id
# issues one, `record`, `correct`, `next`, `letter`, `registry`; refusals
# name the field, exit 1 and store nothing; an export with records imports
# into a new registry identically; a file with a bad record imports nothing.
set -uo pipefail
M=${1:?usage: referral_records_cli.sh PATH-TO-MMPATH}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/r.db"
export MMPATH_TIME_ZONE=Europe/Rome
PY=$(command -v /usr/bin/python3 || command -v python3)
day() { TZ=Europe/Rome "$PY" -c "import datetime; print(datetime.date.today() + datetime.timedelta(days=$1))"; }
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>&1; local got=$?
  if [ "$got" = "$want" ]; then ok "$what (exit $got)"; else bad "$what: exit $got, wanted $want"; cat "$T/out"; fi
}
has() { if grep -qF -- "$1" "$T/out"; then ok "says: $1"; else bad "missing: $1"; cat "$T/out"; fi; }
events() { "$M" referral show "$1" --db "$DB" --format json | "$PY" -c "import json,sys; print(len(json.load(sys.stdin)['events']))"; }

Y=$(TZ=Europe/Rome date +%Y)
expect 0 "new without --id" -- "$M" referral new --db "$DB" --patient FE-0101 --from FE-ONC --to BO-SER \
  --target cilta-cel --date "$(day -150)"
has "FE-ONC-$Y-0001: referred"
ID=FE-ONC-$Y-0001
expect 1 "a date after today is refused" -- "$M" referral move "$ID" waitlisted --db "$DB" --date "$(day 1)"
has "$ID.events[1].date: date $(day 1) is after today"
for s in "waitlisted -148" "screening -140" "eligible -135" "apheresis -130" "manufacturing -129" \
  "awaiting_infusion -112" "infused -110" "follow_up -100"; do
  set -- $s
  "$M" referral move "$ID" "$1" --db "$DB" --date "$(day "$2")" >/dev/null || bad "move $1"
done
expect 0 "next: from follow_up" -- "$M" referral next "$ID" --db "$DB"
has "records: note correction bridging lymphodepletion product visit crs icans"
n=$(events "$ID")
expect 1 "an unknown product" -- "$M" referral record "$ID" product --db "$DB" --date "$(day -110)" \
  --data '{"product":"carvykti","lot":"B1"}'
has "$ID.events[$n].data.product: unknown product 'carvykti'"
expect 1 "a visit before the infusion" -- "$M" referral record "$ID" visit --db "$DB" --date "$(day -111)" \
  --data '{"visit":"d7","status":"alive"}'
has "$ID.events[$n].date:"
expect 1 "an ICANS grade outside ASTCT" -- "$M" referral record "$ID" icans --db "$DB" --date "$(day -105)" \
  --data "{\"signs\":[{\"date\":\"$(day -105)\",\"ice_score\":4}],\"grade\":0}"
has "$ID.events[$n].data.grade: grade 0 is not an ASTCT ICANS grade"
[ "$(events "$ID")" = "$n" ] && ok "nothing stored by the refusals" || bad "a refused record was stored"
echo "{\"product\":\"cilta-cel\",\"lot\":\"CB-2026-9\"}" >"$T/product.json"
expect 0 "product from a file" -- "$M" referral record "$ID" product --db "$DB" --date "$(day -110)" --data "@$T/product.json"
expect 0 "CRS episode" -- "$M" referral record "$ID" crs --db "$DB" --date "$(day -107)" \
  --data "{\"resolution\":\"$(day -103)\",\"signs\":[{\"date\":\"$(day -107)\",\"fever\":true,\"hypotension\":\"no_pressor\",\"hypoxia\":\"none\"}]}"
expect 0 "day-100 visit" -- "$M" referral record "$ID" visit --db "$DB" --date "$(day -10)" \
  --data '{"visit":"d100","status":"alive","toxicity_reviewed":true,"igg_mg_dl":310}'
expect 0 "a correction of the apheresis date" -- "$M" referral correct "$ID" 4 --db "$DB" \
  --date "$(day -131)" --why "collected the day before"
expect 2 "a correction without why is a usage error" -- "$M" referral correct "$ID" 4 --db "$DB" --date "$(day -131)"
"$M" referral show "$ID" --db "$DB" --format json >"$T/show.json"
"$PY" - "$T/show.json" <<'PY' && ok "the correction names the event, why and who; the CRS grade is ASTCT 2" || bad "show: $(head -c 400 "$T/show.json")"
import json, sys
d = json.load(open(sys.argv[1]))
c = d['events'][-1]
crs = [e for e in d['events'] if e.get('kind') == 'crs'][0]
# who corrects: the operating-system user (issue 18: not a free-text --actor)
import pwd, os
assert c['kind'] == 'correction' and c['data']['corrects'] == 4 and c['data']['who'] == 'cli:' + pwd.getpwuid(os.geteuid()).pw_name, c
assert crs['data']['astct_max_grade'] == 2, crs
PY
expect 0 "the letter (Italian)" -- "$M" referral letter "$ID" --db "$DB" --out "$T/letter.html"
grep -q "Giorno 100" "$T/letter.html" && grep -q "CB-2026-9" "$T/letter.html" && ok "the letter has the schedule and the lot" || bad "letter"
expect 0 "the registry (CSV)" -- "$M" referral registry --db "$DB" --format csv
grep -q "^$ID,FE-0101,BO-SER,FE-ONC,.*CB-2026-9" "$T/out" && ok "one registry row with the lot" || bad "registry row"
expect 0 "check" -- "$M" referral check --db "$DB"
has "every record valid"
# export, import into a new registry: identical
"$M" referral export --db "$DB" --out "$T/e.json" 2>/dev/null
expect 0 "import of the export" -- "$M" referral import "$T/e.json" --db "$T/b.db"
"$M" referral export --db "$T/b.db" | cmp -s - "$T/e.json" && ok "export, import, export: identical" || bad "round trip differs"
# a file with one bad record imports nothing
"$PY" - "$T/e.json" >"$T/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d[0]['events'].append({'date': d[0]['events'][-1]['date'], 'state': 'follow_up', 'kind': 'crs',
                       'data': {'signs': [{'date': d[0]['events'][-1]['date'], 'fever': True, 'hypoxia': 'ecmo'}]}})
d.append({'schema': 'mmpath/referral@1', 'id': 'NEW-1', 'patient': 'PX-9', 'from_center': 'FE-ONC',
          'to_center': 'BO-SER', 'target': 'ide-cel', 'events': [{'date': '2026-01-05', 'state': 'referred'}]})
json.dump(d, sys.stdout)
PY
expect 1 "a file with a bad record" -- "$M" referral import "$T/bad.json" --db "$T/b.db"
has "[0].events["
has "data.signs[0].hypoxia"
expect 1 "NEW-1 was not imported either" -- "$M" referral show NEW-1 --db "$T/b.db"
echo "$fails failure(s)"
[ "$fails" = 0 ]
