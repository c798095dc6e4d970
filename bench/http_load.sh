#!/usr/bin/env bash
# http_load.sh [MMPATH] [SECONDS]: load test of POST /api/v1/evaluate with
# wrk (Debian's package; scripts/setup.sh installs it) on 127.0.0.1, this
# build against a previous one in the same run (issue 17 item 2).
#
# Builds OLD_REV (default a7463ba, the server before its warm per-worker
# contexts; OLD_REV=none: this build only) with build_rev.sh, starts both
# servers on their own new databases (same limits: --max-connections 128
# --max-per-client 100, so neither sheds load by configuration), then
# alternates wrk runs old/new at 1, 16 and 64 connections, ROUNDS times
# (default 2), each SECONDS long (default 10), with a bearer token. The
# record is the spec's example; the answer is the full explained evaluation
# (183 KB; FORMAT=compact: mmpath/verdicts@1, 7 KB). Then GET /api/v1/referrals (the 13 demo referrals, a hub token)
# at 16 connections. Prints per run req/s, p50/p99, errors (socket errors +
# non-2xx), the CPU time a request took in the server (utime+stime of the
# process over the run / requests) and in wrk (its own user+sys / requests),
# and `floor`: the mean latency the CPUs alone impose when client and server
# share them, (server + wrk CPU a request) x connections / CPUs (Little's
# law with every CPU busy): no p99 can be below it; and `runq`: the time
# the server's threads waited for a CPU per unit of time they ran (from
# /proc/PID/task/*/schedstat; 1: each millisecond of work waited another).
# At 1 connection only one thread of wrk or the server is busy at a time,
# so it is the other processes' share of the machine (near 0 when idle); at
# 16 and 64 it also counts the server and wrk waiting for each other (four
# busy threads on two CPUs). Then the ratios new/old
# (min-max over the rounds) and each server's RSS (VmRSS now, VmHWM peak).
# Goals (issue 17): p99 < 5 ms at 16 connections, < 20 ms at 64, no error,
# RSS < 64 MiB. Figures are measured here, never in the timed tests.
set -euo pipefail
cd "$(dirname "$0")/.."
MMPATH=${1:-build/mmpath}
SECS=${2:-10}
ROUNDS=${ROUNDS:-2}
OLD_REV=${OLD_REV:-a7463ba}
FORMAT=${FORMAT:-json} # compact: the 7 KB answer (this build only: OLD_REV=none)
command -v wrk >/dev/null || { echo "http_load: wrk is required (apt-get install wrk)" >&2; exit 1; }
[ -x "$MMPATH" ] || { echo "http_load: no $MMPATH (build first)" >&2; exit 1; }
MMPATH=$(cd "$(dirname "$MMPATH")" && pwd)/$(basename "$MMPATH")
OLD=
[ "$OLD_REV" != none ] && OLD=$(bench/build_rev.sh "$OLD_REV")
tmp=$(mktemp -d)
spids=()
cleanup() {
  for p in "${spids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/record.json" <<'JSON'
{"schema":"mmpath/patient@1","id":"BO-0017","as_of":"2026-11-25","birth_date":"1958-04-12","sex":"male","ecog":1,"frailty":{"charlson":1,"adl":6,"iadl":8},"diagnosis":{"date":"2019-06-01","iss":2,"ldh_above_uln":false,"fish":{"del17p":false,"t4_14":true,"t14_16":false,"gain1q":true,"amp1q":false}},"labs":[{"date":"2026-11-20","test":"igg","value":350,"unit":"mg/dL"},{"date":"2026-11-20","test":"serum_m_protein","value":1.4,"unit":"g/dL"}],"lines":[{"regimen":"VRd","start":"2019-07-01","end":"2019-11-15","asct":"2019-12-10","maintenance":{"drugs":["lenalidomide"],"start":"2020-02-01","end":"2022-03-01"},"best_response":"VGPR","progression":"2022-03-01"},{"drugs":["daratumumab","pomalidomide","dexamethasone"],"start":"2022-03-15","end":"2024-01-10","best_response":"PR","progression":"2024-01-10"}]}
JSON
python3 - "$tmp/record.json" "$tmp/post.lua" <<'PY'
import json, sys
body = open(sys.argv[1]).read().strip()
open(sys.argv[2], "w").write(
    'wrk.method = "POST"\n'
    'wrk.headers["Content-Type"] = "application/json"\n'
    'wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")\n'
    'wrk.body = ' + json.dumps(body) + '\n')
PY

declare -A port pid token hub
start() { # NAME BINARY
  local name=$1 bin=$2 db=$tmp/$1.db
  # a new database with --demo: the 13 demo referrals and a hub token
  # (printed once); the new build logs every request, as in service
  "$bin" serve --port 0 --db "$db" --demo --max-connections 128 --max-per-client 100 \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid[$name]=$!
  spids+=($!)
  for _ in $(seq 1 200); do
    port[$name]=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$tmp/$name.out" 2>/dev/null || true)
    [ -n "${port[$name]}" ] && break
    sleep 0.05
  done
  [ -n "${port[$name]}" ] || { cat "$tmp/$name.err" >&2; exit 1; }
  hub[$name]=$(awk '$1 == "hub" {print $3}' "$tmp/$name.out")
  token[$name]=$("$bin" token new --center BO-SER --role analyst --db "$db" 2>/dev/null)
  local code
  code=$(curl -sS -o "$tmp/answer" -w '%{http_code}' -H 'Content-Type: application/json' \
    -H "Authorization: Bearer ${token[$name]}" --data-binary @"$tmp/record.json" \
    "http://127.0.0.1:${port[$name]}/api/v1/evaluate?lang=en&jurisdiction=eu&format=$FORMAT")
  [ "$code" = 200 ] || { echo "http_load: $name evaluate answered $code" >&2; exit 1; }
}
names=(new)
start new "$MMPATH"
if [ -n "$OLD" ]; then start old "$OLD"; names=(old new); fi
echo "mmpath $("$MMPATH" --version | awk '{print $2}') vs ${OLD:+$OLD_REV}${OLD:+ }(${OLD:-no old build}); $(nproc) CPUs," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); response $(wc -c <"$tmp/answer") bytes; wrk -t2, ${SECS}s a run"

ms() { # wrk latency (12.3us, 4.5ms, 1.2s) in ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
    else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
results=$tmp/results
: >"$results"
cpus=$(nproc)
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime
# ns the server's threads ran and waited on a run queue (ready, no CPU free)
sched_ns() { cat "/proc/$1"/task/*/schedstat 2>/dev/null | awk '{ r += $1; w += $2 } END { printf "%.0f %.0f\n", r, w }'; }
for conns in 1 16 64; do
  for round in $(seq 1 "$ROUNDS"); do
    for name in "${names[@]}"; do
      threads=2
      [ "$conns" -lt 2 ] && threads=1
      c0=$(cpu_ticks "${pid[$name]}")
      read -r r0 w0 < <(sched_ns "${pid[$name]}")
      TIMEFORMAT='%U %S'
      { time TOKEN=${token[$name]} wrk -t"$threads" -c"$conns" -d"${SECS}s" --latency -s "$tmp/post.lua" \
        "http://127.0.0.1:${port[$name]}/api/v1/evaluate?lang=en&jurisdiction=eu&format=$FORMAT" >"$tmp/wrk.txt" 2>&1 || true; } 2>"$tmp/wrk.time"
      c1=$(cpu_ticks "${pid[$name]}")
      read -r r1 w1 < <(sched_ns "${pid[$name]}")
      # the machine's share: how long the server waited for a CPU per ms it ran
      runq=$(awk -v r=$((r1 - r0)) -v w=$((w1 - w0)) 'BEGIN { printf "%.2f", (r > 0 ? w / r : 0) }')
      rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.txt")
      n=$(awk '/requests in/ {print $1}' "$tmp/wrk.txt")
      p50=$(ms "$(awk '$1 == "50%" {print $2}' "$tmp/wrk.txt")")
      p99=$(ms "$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")")
      sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$tmp/wrk.txt")
      non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk.txt")
      errs=$(( ${sock:-0} + ${non2xx:-0} ))
      # CPU a request, ms: the server's, wrk's; the CPU-bound mean latency
      read -r srv cli floor < <(awk -v d=$((c1 - c0)) -v t="$ticks" -v n="${n:-0}" -v c="$conns" \
        -v p="$cpus" -v w="$(cat "$tmp/wrk.time")" 'BEGIN { split(w, u, " ")
          s = n ? d / t * 1000 / n : 0; k = n ? (u[1] + u[2]) * 1000 / n : 0
          printf "%.3f %.3f %.2f\n", s, k, (s + k) * c / p }')
      printf '%-4s c=%-3s #%s %8s req/s  p50 %6s ms  p99 %7s ms  errors %s  CPU/req server %s ms, wrk %s ms, floor %s ms, runq %s\n' \
        "$name" "$conns" "$round" "$rps" "$p50" "$p99" "$errs" "$srv" "$cli" "$floor" "$runq"
      echo "$name $conns $round $rps $p99 $errs $srv" >>"$results"
    done
  done
done
cat >"$tmp/get.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
LUA
for round in $(seq 1 "$ROUNDS"); do
  for name in "${names[@]}"; do
    TOKEN=${hub[$name]} wrk -t2 -c16 -d"${SECS}s" --latency -s "$tmp/get.lua" \
      "http://127.0.0.1:${port[$name]}/api/v1/referrals" >"$tmp/wrk.txt" 2>&1 || true
    rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.txt")
    p99=$(ms "$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk.txt")
    printf '%-4s referrals c=16 #%s %9s req/s   p99 %8s ms   non-2xx %s\n' "$name" "$round" "$rps" "$p99" "${non2xx:-0}"
    echo "$name list $round $rps $p99 ${non2xx:-0}" >>"$results"
  done
done
echo
for name in "${names[@]}"; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/${pid[$name]}/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/${pid[$name]}/status")
  awk -v n="$name" -v r="$rss" -v h="$hwm" 'BEGIN { printf "%-4s server RSS %5.1f MiB now, %5.1f MiB peak\n", n, r / 1024, h / 1024 }'
done
if [ -n "$OLD" ]; then
  # ratios new/old of each round's pair (< 1: the new build is faster for p99)
  awk '{ v[$1, $2, $3, "rps"] = $4; v[$1, $2, $3, "p99"] = $5; c[$2]; r[$3] }
    END { for (k in c) { pmin = rmin = 1e9; pmax = rmax = 0
        for (j in r) { p = v["new", k, j, "p99"] / v["old", k, j, "p99"]; q = v["new", k, j, "rps"] / v["old", k, j, "rps"]
          if (p < pmin) pmin = p; if (p > pmax) pmax = p; if (q < rmin) rmin = q; if (q > rmax) rmax = q }
        printf "c=%-4s new/old: p99 x%.2f-%.2f   req/s x%.2f-%.2f\n", k, pmin, pmax, rmin, rmax } }' "$results" | sort -n -t= -k2
  # server CPU a request (evaluate runs only), new/old
  awk '$2 != "list" { v[$1, $2, $3] = $7; k[$2 " " $3] }
    END { mn = 1e9; mx = 0; for (x in k) { split(x, a, " "); if (v["old", a[1], a[2]] > 0) {
        q = v["new", a[1], a[2]] / v["old", a[1], a[2]]; if (q < mn) mn = q; if (q > mx) mx = q } }
      if (mx > 0) printf "server CPU a request new/old: x%.2f-%.2f\n", mn, mx }' "$results"
fi
