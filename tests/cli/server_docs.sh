#!/usr/bin/env bash
# server_docs.sh MMPATH: runs the examples of docs/http-api.md against a
# server on 127.0.0.1: every ```sh block whose first line is "# expect: N"
# is run in order with BASE, HUB, SPOKE, ANALYST set and record.json,
# registry.jsonl, bundle.json (FHIR) and other-spoke.token in its directory; curl inside it is
# given -w '%{http_code}' and the block must print N. The documentation's
# examples therefore cannot go stale.
set -euo pipefail
. "$(dirname "$0")/lib/listening.sh"
MMPATH=${1:?usage: server_docs.sh MMPATH}
src=${MMPATH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
doc=$src/docs/http-api.md
command -v curl >/dev/null || { echo "server_docs: curl is required" >&2; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
db=$tmp/mmpath.db
export HUB SPOKE ANALYST BASE
HUB=$("$MMPATH" token new --center BO-SER --add-center --role hub --db "$db" 2>/dev/null)
SPOKE=$("$MMPATH" token new --center FE-ONC --add-center --role spoke --db "$db" 2>/dev/null)
ANALYST=$("$MMPATH" token new --center BO-SER --role analyst --db "$db" 2>/dev/null)
mkdir "$tmp/work"
"$MMPATH" token new --center PR-ONC --add-center --role spoke --db "$db" >"$tmp/work/other-spoke.token" 2>/dev/null
cat >"$tmp/work/record.json" <<'JSON'
{"schema":"mmpath/patient@1","id":"BO-0017","as_of":"2026-11-25","birth_date":"1958-04-12","sex":"male","ecog":1,
 "frailty":{"charlson":1,"adl":6,"iadl":8},
 "diagnosis":{"date":"2019-06-01","iss":2,"ldh_above_uln":false,"fish":{"del17p":false,"t4_14":true,"t14_16":false,"gain1q":true,"amp1q":false}},
 "labs":[{"date":"2026-11-20","test":"igg","value":350,"unit":"mg/dL"},{"date":"2026-11-20","test":"serum_m_protein","value":1.4,"unit":"g/dL"}],
 "lines":[{"regimen":"VRd","start":"2019-07-01","end":"2019-11-15","asct":"2019-12-10",
           "maintenance":{"drugs":["lenalidomide"],"start":"2020-02-01","end":"2022-03-01"},"best_response":"VGPR","progression":"2022-03-01"},
          {"drugs":["daratumumab","pomalidomide","dexamethasone"],"start":"2022-03-15","end":"2024-01-10","best_response":"PR","progression":"2024-01-10"}]}
JSON
{ tr -d '\n' <"$tmp/work/record.json"; echo; echo '{"id":"BAD-1","sex":"x"}'; } >"$tmp/work/registry.jsonl"
cp "$src/tests/data/fhir/rrmm.json" "$tmp/work/bundle.json"

"$MMPATH" serve --port 0 --db "$db" --no-demo >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
port=$(mm_listening_port "$tmp/out" "$!") || true
[ -n "$port" ] || { cat "$tmp/err" >&2; exit 1; }
BASE=http://127.0.0.1:$port

# split the doc into example files
awk -v dir="$tmp" '
  /^```sh$/ { inblock = 1; n = 0; next }
  /^```/ && inblock { if (file) close(file); inblock = 0; file = ""; next }
  inblock {
    if (n == 0 && $0 ~ /^# expect: [0-9]+$/) { k++; file = sprintf("%s/ex%03d.sh", dir, k) }
    n++
    if (file) print > file
  }' "$doc"

pass=0 fail=0
for ex in "$tmp"/ex*.sh; do
  want=$(sed -n '1s/^# expect: //p' "$ex")
  got=$(cd "$tmp/work" && bash -c '
    set -o pipefail
    curl() { command curl -sS -o /dev/null -w "%{http_code}" "$@"; }
    export -f curl
    source "$1"' _ "$ex" 2>"$tmp/stderr") || true
  first=$(sed -n '2p' "$ex")
  if [ "$got" = "$want" ]; then
    pass=$((pass + 1)); echo "ok   $want  $first"
  else
    fail=$((fail + 1)); echo "FAIL got '$got', expected $want: $first" >&2; cat "$tmp/stderr" >&2
  fi
done
# the server ends cleanly (under the sanitizers: without a report)
kill -TERM "$pid"
if ! wait "$pid" || grep -Eq 'AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error' "$tmp/err"; then
  fail=$((fail + 1)); echo "FAIL serve did not stop cleanly:" >&2; head -c 2000 "$tmp/err" >&2
fi
pid=
[ $((pass + fail)) -ge 15 ] || { echo "server_docs: only $((pass + fail)) examples found in $doc" >&2; exit 1; }
echo "server_docs: $pass passed, $fail failed"
[ "$fail" = 0 ]
