#!/usr/bin/env bash
# referrals_scale.sh [SIZES] : the referral registry at 10k, 100k and 1M
# referrals (issue 17, "Referrals at a million"), on SQLite, for the build
# before the change (OLD_REV, default a7463ba: the funnel walks every
# referral; via build_rev.sh) and this one, alternating in one run. For each
# size and build: `referral import` of a new registry (wall time and peak RSS
# from /usr/bin/time -v), then a server on it and the p50/p99 of GET
# /api/v1/referrals (the first page; filtered by state), GET /api/v1/funnel
# (the hub's whole funnel) and the funnel of a window (since/until: the
# states as they stood at `until`), each timed by curl's time_total (the
# request only, not curl's start). Requests per case: up to REPS (default
# 50) or BUDGET seconds (default 20). Then, on a copy of the old build's
# registry, this build's first `mmpath funnel`: the schema-6 migration that
# builds the kept counts from every history (wall, peak RSS). The old
# build's import is run only up to OLD_MAX referrals (default: all).
# Prints a Markdown table.
#   SIZES="10000 100000 1000000" NEW=build/mmpath OLD=<path> bench/referrals_scale.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SIZES=${1:-${SIZES:-10000 100000 1000000}}
NEW=${NEW:-$HERE/../build/mmpath}
OLD_REV=${OLD_REV:-a7463ba}
OLD=${OLD:-$(bash "$HERE/build_rev.sh" "$OLD_REV")}
OLD_MAX=${OLD_MAX:-100000000}
WINDOW=${WINDOW:-since=2022-06-01&until=2022-12-31}
REPS=${REPS:-50}
BUDGET=${BUDGET:-20}
NEW_KB=${NEW_KB:-$HERE/../kb}
OLD_KB=${OLD_KB:-$(dirname "$OLD")/../src/kb} # each build with its own kb
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT

# p50 and p99 in ms of curl's time_total over up to REPS requests
lat() { # URL TOKEN
  local end=$((SECONDS + BUDGET)) i=0
  : >"$T/lat"
  while [ $i -lt "$REPS" ] && [ $SECONDS -lt $end ]; do
    curl -sS -o /dev/null -w '%{time_total} %{http_code}\n' -H "Authorization: Bearer $2" "$1" >>"$T/lat"
    i=$((i + 1))
  done
  awk '$2 != 200 { bad++ } { print $1 * 1000 }
       END { if (bad) print "non-200: " bad > "/dev/stderr" }' "$T/lat" | sort -n |
    awk '{ a[NR] = $1 } END { p = int(NR * 0.99 + 0.999); if (p > NR) p = NR
         printf "%.1f / %.1f (n=%d)", a[int(NR * 0.5 + 0.999)], a[p], NR }'
}

echo "| referrals | build | import wall | import CPU (user+sys) | import peak RSS | list first page p50/p99 ms | list state=screening p50/p99 ms | funnel p50/p99 ms | funnel $WINDOW p50/p99 ms |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
  bash "$HERE/../tests/data/referral/gen_bulk.sh" "$n" >"$T/bulk.json"
  for which in old new; do
    M=$NEW
    export MMPATH_KB=$NEW_KB
    [ $which = old ] && M=$OLD && export MMPATH_KB=$OLD_KB
    if [ $which = old ] && [ "$n" -gt "$OLD_MAX" ]; then
      echo "| $n | old | not run | | | | | | |"
      continue
    fi
    rm -f "$T/r.db" "$T/r.db-wal" "$T/r.db-shm"
    /usr/bin/time -v "$M" referral import "$T/bulk.json" --db "$T/r.db" >/dev/null 2>"$T/time"
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/time")
    rss=$(awk '/Maximum resident set size/ { printf "%.0f MiB", $6 / 1024 }' "$T/time")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f s", s }' "$T/time")
    tok=$("$M" token new --center BO-SER --role hub --db "$T/r.db" 2>/dev/null)
    "$M" serve --port 0 --db "$T/r.db" >"$T/out" 2>"$T/err" &
    pid=$!
    port=
    for _ in $(seq 1 400); do
      port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$T/out")
      [ -n "$port" ] && break
      sleep 0.05
    done
    b="http://127.0.0.1:$port/api/v1"
    l1=$(lat "$b/referrals" "$tok")
    l2=$(lat "$b/referrals?state=screening&to_center=BO-SER" "$tok")
    f=$(lat "$b/funnel?format=json" "$tok")
    w=$(lat "$b/funnel?format=json&$WINDOW" "$tok")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
    echo "| $n | $which | $wall | $cpu | $rss | $l1 | $l2 | $f | $w |"
    if [ $which = old ]; then
      # this build's first open of the old registry: schema 6, kept counts built
      for x in "" -wal; do [ -f "$T/r.db$x" ] && cp "$T/r.db$x" "$T/m.db$x"; done
      MMPATH_KB=$NEW_KB /usr/bin/time -v "$NEW" funnel --db "$T/m.db" --format json >/dev/null 2>"$T/time"
      mwall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/time")
      mrss=$(awk '/Maximum resident set size/ { printf "%.0f MiB", $6 / 1024 }' "$T/time")
      mcpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f s", s }' "$T/time")
      echo "| $n | old registry, first open by new (schema 6: kept counts built) | $mwall | $mcpu | $mrss | | | | |"
      rm -f "$T/m.db" "$T/m.db-wal" "$T/m.db-shm"
    fi
  done
done
