#!/usr/bin/env bash
# http_load.sh [MMPATH] [SECONDS] [CONNECTIONS] [THREADS]: load test of
# POST /api/v1/evaluate with wrk (apt-get install wrk) on 127.0.0.1.
# Starts `mmpath serve --port 0` on a new database, evaluates the spec's
# example record (shared spec patient-record.md) over and over, and prints
# requests per second and latency percentiles (p50, p90, p99): once with
# --open-evaluate (no token) and once with a bearer token (one SQLite token
# lookup per request). Defaults: build/mmpath, 10 s, 16 connections, 2
# threads. Figures are measured here, never in the timed tests.
#
# Measured 2026-11-25 (RelWithDebInfo, 2 vCPUs shared by mmpath, wrk and
# other builds; answer 144 KB, the full evaluation with its explanations):
#   wrk -t2 -c16 -d15s:  open 2,565-2,816 req/s, p99 21-27 ms;
#                        token 2,390-2,761 req/s, p99 16-27 ms
# Under heavier load from other processes (load average 5-11): 1,600-2,400
# req/s, p99 26-54 ms. A token check alone costs about 15 us (GET
# /api/v1/me: 62k req/s without a token, 33k with one).
set -euo pipefail
cd "$(dirname "$0")/.."
MMPATH=${1:-build/mmpath}
SECS=${2:-10}
CONNS=${3:-16}
THREADS=${4:-2}
command -v wrk >/dev/null || { echo "http_load: wrk is required (apt-get install wrk)" >&2; exit 1; }
[ -x "$MMPATH" ] || { echo "http_load: no $MMPATH (build first)" >&2; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/record.json" <<'JSON'
{"schema":"mmpath/patient@1","id":"BO-0017","as_of":"2026-11-25","birth_date":"1958-04-12","sex":"male","ecog":1,"frailty":{"charlson":1,"adl":6,"iadl":8},"diagnosis":{"date":"2019-06-01","iss":2,"ldh_above_uln":false,"fish":{"del17p":false,"t4_14":true,"t14_16":false,"gain1q":true,"amp1q":false}},"labs":[{"date":"2026-11-20","test":"igg","value":350,"unit":"mg/dL"},{"date":"2026-11-20","test":"serum_m_protein","value":1.4,"unit":"g/dL"}],"lines":[{"regimen":"VRd","start":"2019-07-01","end":"2019-11-15","asct":"2019-12-10","maintenance":{"drugs":["lenalidomide"],"start":"2020-02-01","end":"2022-03-01"},"best_response":"VGPR","progression":"2022-03-01"},{"drugs":["daratumumab","pomalidomide","dexamethasone"],"start":"2022-03-15","end":"2024-01-10","best_response":"PR","progression":"2024-01-10"}]}
JSON
token=$("$MMPATH" token new --center BO-SER --add-center --role analyst --db "$tmp/mmpath.db" 2>/dev/null)
# wrk's script: the body, and a token when TOKEN is set
python3 - "$tmp/record.json" "$tmp/post.lua" <<'PY'
import json, sys
body = open(sys.argv[1]).read().strip()
open(sys.argv[2], "w").write(
    'wrk.method = "POST"\n'
    'wrk.headers["Content-Type"] = "application/json"\n'
    'local t = os.getenv("TOKEN")\n'
    'if t and t ~= "" then wrk.headers["Authorization"] = "Bearer " .. t end\n'
    'wrk.body = ' + json.dumps(body) + '\n')
PY

"$MMPATH" serve --port 0 --db "$tmp/mmpath.db" --no-demo --open-evaluate \
  --max-connections $((CONNS + 16)) --max-per-client $((CONNS + 8)) >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$tmp/out" 2>/dev/null || true)
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { cat "$tmp/err" >&2; exit 1; }
url="http://127.0.0.1:$port/api/v1/evaluate?lang=en&jurisdiction=eu"
# one request first: the answer must be an evaluation, not an error
code=$(curl -sS -o "$tmp/answer" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary @"$tmp/record.json" "$url")
[ "$code" = 200 ] || { echo "http_load: evaluate answered $code" >&2; head -c 300 "$tmp/answer" >&2; exit 1; }
echo "mmpath $("$MMPATH" --version | awk '{print $2}'), $(nproc) CPUs, response $(wc -c <"$tmp/answer") bytes;" \
  "wrk -t$THREADS -c$CONNS -d${SECS}s"

run() { # LABEL TOKEN
  TOKEN=$2 wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -s "$tmp/post.lua" "$url" >"$tmp/wrk.txt"
  local rps p50 p90 p99 errs
  rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk.txt")
  p90=$(awk '$1 == "90%" {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")
  errs=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk.txt")
  printf '%-22s %10s req/s   p50 %8s   p90 %8s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p50" "$p90" "$p99" "${errs:-0}"
}
# alternate the two, so a change of load on the machine shows as spread
for round in 1 2; do
  run "evaluate (open) #$round" ""
  run "evaluate (token) #$round" "$token"
done
