#!/usr/bin/env bash
# referral_bench.sh [MMPATH] [N]: times the referral registry (docs/referral.md,
# "Performance"): import of N synthetic referrals (default 10,000, from
# tests/data/referral/gen_bulk.sh) into a new SQLite registry in one
# transaction, the funnel report over all of them (text and JSON), a
# filtered funnel, an export, and `referral check`. Best of 3 runs each.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
M=${1:-$HERE/../build/mmpath}
N=${2:-10000}
export MMPATH_KB=${MMPATH_KB:-$HERE/../kb}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
bash "$HERE/../tests/data/referral/gen_bulk.sh" "$N" >"$T/bulk.json"
events=$(grep -o '"state"' "$T/bulk.json" | wc -l)
echo "input: $N referrals, $events events, $(du -k "$T/bulk.json" | cut -f1) KiB of JSON"

now() { date +%s.%N; }
best() { # best-of-3 wall time of a command, in ms
  local b="" s e t
  for _ in 1 2 3; do
    [ -n "${PREP:-}" ] && eval "$PREP"
    s=$(now); "$@" >/dev/null; e=$(now)
    t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", (e - s) * 1000 }')
    if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
  done
  echo "$b"
}
PREP='rm -f "$T/b.db" "$T/b.db-wal" "$T/b.db-shm"'
t=$(best "$M" referral import "$T/bulk.json" --db "$T/b.db")
PREP=''
echo "import $N referrals (new registry, one transaction): $t ms"
"$M" referral import "$T/bulk.json" --db "$T/b.db" >/dev/null
echo "registry size: $(du -k "$T/b.db" | cut -f1) KiB"
t=$(best "$M" referral import "$T/bulk.json" --db "$T/b.db"); echo "re-import, all unchanged: $t ms"
t=$(best "$M" funnel --db "$T/b.db"); echo "funnel over $N (text): $t ms"
t=$(best "$M" funnel --db "$T/b.db" --format json); echo "funnel over $N (json): $t ms"
t=$(best "$M" funnel --db "$T/b.db" --format svg); echo "funnel over $N (svg): $t ms"
t=$(best "$M" funnel --db "$T/b.db" --to-center BO-SER --from-center FE-ONC --since 2022-03-01 --until 2022-09-30)
echo "funnel, filtered (one referring centre, 7 months): $t ms"
t=$(best "$M" referral export --db "$T/b.db"); echo "export $N: $t ms"
t=$(best "$M" referral check --db "$T/b.db"); echo "check (integrity + every history): $t ms"
s=$(now); for i in $(seq 1 100); do "$M" referral new --db "$T/b.db" --id "S-$i" --patient "PS-$i" \
  --from FE-ONC --to BO-SER --target ide-cel --date 2024-01-01 >/dev/null; done; e=$(now)
echo "referral new, one process each (synchronous=FULL commit): $(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", (e - s) * 10 }') ms per referral"
