#!/usr/bin/env bash
# screen_peer.sh: the reference task (shared/bench/TASK.md) by mmpath beside
# the fastest peer of docs/screen.md (plain Node.js, shared/bench/peers/
# screen_node.js: no npm packages needed), an old mmpath build too, all
# alternated in one run (issue #17 item 5: >= 10x the fastest peer).
#
#   bench/screen_peer.sh OLD_MMPATH NEW_MMPATH [RECORDS] [ROUNDS]
#
# RECORDS (default 200000) of shared/bench's generator (seed 1, as run.sh);
# ROUNDS (default 3). For each: wall and CPU seconds, min-max, and records a
# second by wall and by CPU (mmpath with --threads 2, the peer is one
# thread, as in run.sh); then the ratios of the medians. The full check of
# the answers against the peers is bench/compare.sh (agreement.py); here
# the record counts are compared.
set -euo pipefail
OLD=${1:?usage: screen_peer.sh OLD_MMPATH NEW_MMPATH [RECORDS] [ROUNDS]}
NEW=${2:?usage: screen_peer.sh OLD_MMPATH NEW_MMPATH [RECORDS] [ROUNDS]}
N=${3:-200000}
ROUNDS=${4:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-/work/shared/bench}
WORK=${WORK:-/tmp/mmpath-bench}
mkdir -p "$WORK/data"
f="$WORK/data/r$N.jsonl"
[ -s "$f" ] || python3 "$SHARED/gen_registry.py" --n "$N" --seed 1 --out "$f"
cat "$f" >/dev/null
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
TASK="$ROOT/bench/reference-task.yaml"

run() { # NAME CMD... -> appends "NAME wall cpu lines" to $TMP/runs
  local name=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$TMP/t" "$@" >"$TMP/out" 2>/dev/null
  read -r wall u s <"$TMP/t"
  echo "$name $wall $(echo "$u + $s" | bc -l) $(wc -l <"$TMP/out")" >>"$TMP/runs"
}
# The generated registry holds malformed records on purpose: a build that
# exits 1 for them unless told (--allow-malformed) is told.
allow() { "$1" screen --help 2>&1 | grep -q -- --allow-malformed && echo --allow-malformed || true; }
OLD_FLAGS=$(allow "$OLD")
NEW_FLAGS=$(allow "$NEW")
for ((r = 0; r < ROUNDS; r++)); do
  run node node "$SHARED/peers/screen_node.js" "$f"
  # shellcheck disable=SC2086
  run mmpath-old "$OLD" screen $OLD_FLAGS --threads 2 --criteria "$TASK" "$f"
  # shellcheck disable=SC2086
  run mmpath-new "$NEW" screen $NEW_FLAGS --threads 2 --criteria "$TASK" "$f"
done
python3 - "$TMP/runs" "$N" <<'EOF'
import collections, statistics, sys
runs = collections.defaultdict(list)
lines = {}
for line in open(sys.argv[1]):
    name, wall, cpu, n = line.split()
    runs[name].append((float(wall), float(cpu)))
    lines[name] = int(n)
N = int(sys.argv[2])
print("%d records, %d rounds alternated; min-max" % (N, len(runs["node"])))
print("%-11s %14s %14s %20s %20s %s" % ("", "wall s", "cpu s", "records/s (wall)", "records/s (cpu)", "output lines"))
med = {}
for name in ("node", "mmpath-old", "mmpath-new"):
    w = [x[0] for x in runs[name]]; c = [x[1] for x in runs[name]]
    med[name] = (statistics.median(w), statistics.median(c))
    print("%-11s %6.2f-%-7.2f %6.2f-%-7.2f %9.0f-%-10.0f %9.0f-%-10.0f %d" % (
        name, min(w), max(w), min(c), max(c), N / max(w), N / min(w), N / max(c), N / min(c),
        lines[name]))
for name in ("mmpath-old", "mmpath-new"):
    print("%s vs node: %.1fx by wall, %.1fx by cpu (medians)" % (
        name, med["node"][0] / med[name][0], med["node"][1] / med[name][1]))
print("mmpath new/old cpu: %.3f; cpu a record: %.2f -> %.2f us" % (
    med["mmpath-new"][1] / med["mmpath-old"][1], med["mmpath-old"][1] / N * 1e6,
    med["mmpath-new"][1] / N * 1e6))
EOF
