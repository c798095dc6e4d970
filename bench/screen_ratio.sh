#!/usr/bin/env bash
# screen_ratio.sh BEFORE AFTER [RECORDS]: screening throughput of two mmpath
# builds as a ratio measured in one run, so that the machine's drift (about
# 10% here between runs) touches both alike. The two binaries alternate,
# ROUNDS times each, on the same generated registry already in the page
# cache; each mode (the reference task, full screening) reports the min-max
# and the median CPU time (user + system) of each binary and the ratio
# AFTER/BEFORE of the medians (< 1: AFTER is faster), and the CPU time of
# a record (before->after, of the medians). CPU time rather than
# wall clock because the 2-core machine is shared with other work.
#   bench/screen_ratio.sh /work/baseline/build/mmpath build/mmpath 1000000
#   ROUNDS=7 THREADS=1 bench/screen_ratio.sh OLD NEW
#   KB=DIR: one knowledge base for both (default this checkout's kb/); a
#   build older than the kb's format needs its own: KB=/old/checkout/kb.
# Needs GNU time (apt-get install time) and python3 for the generator.
set -euo pipefail
BEFORE=${1:?usage: screen_ratio.sh BEFORE AFTER [RECORDS]}
AFTER=${2:?usage: screen_ratio.sh BEFORE AFTER [RECORDS]}
N=${3:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
WORK=${WORK:-/tmp/mmpath-bench}
ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-1}
KB=${KB:-$ROOT/kb}
mkdir -p "$WORK/data"
f="$WORK/data/r$N.jsonl"
[ -s "$f" ] || python3 "$SHARED/gen_registry.py" --n "$N" --seed 1 --out "$f"
cat "$f" > /dev/null

# The generated registry holds malformed records on purpose: a build that
# exits 1 for them unless told (--allow-malformed) is told, so that only a
# real failure stops the run.
allow() { "$1" screen --help 2>&1 | grep -q -- --allow-malformed && echo --allow-malformed || true; }
BEFORE_FLAGS=$(allow "$BEFORE")
AFTER_FLAGS=$(allow "$AFTER")
flags_of() { [ "$1" = "$BEFORE" ] && echo "$BEFORE_FLAGS" || echo "$AFTER_FLAGS"; }

# Both builds must give the same answers before their speed means anything.
for mode in criteria full; do
  args=(); [ "$mode" = criteria ] && args=(--criteria "$ROOT/bench/reference-task.yaml")
  # A run that fails (e.g. a kb this build cannot read) is said as such.
  # shellcheck disable=SC2046
  a=$("$BEFORE" screen $(flags_of "$BEFORE") --threads "$THREADS" --kb "$KB" "${args[@]}" "$f" 2>/dev/null | sha256sum) ||
    { echo "screen_ratio: $BEFORE failed on $KB" >&2; exit 1; }
  # shellcheck disable=SC2046
  b=$("$AFTER" screen $(flags_of "$AFTER") --threads "$THREADS" --kb "$KB" "${args[@]}" "$f" 2>/dev/null | sha256sum) ||
    { echo "screen_ratio: $AFTER failed on $KB" >&2; exit 1; }
  if [ "$a" != "$b" ]; then
    echo "screen_ratio: the two builds' $mode outputs differ: no ratio" >&2
    exit 1
  fi
done

cpu_of() { # BIN ARGS... -> CPU seconds of one run
  local bin=$1; shift
  # shellcheck disable=SC2046
  /usr/bin/time -f '%U %S' -o "$WORK/ratio_time.txt" "$bin" screen $(flags_of "$bin") \
    --threads "$THREADS" --kb "$KB" "$@" "$f" > /dev/null 2>&1
  awk '{printf "%.3f\n", $1 + $2}' "$WORK/ratio_time.txt"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf '%-9s %8s %16s %12s %16s %12s %8s %10s\n' mode records before_min-max before_med \
  after_min-max after_med ratio us/record
for mode in criteria full; do
  args=(); [ "$mode" = criteria ] && args=(--criteria "$ROOT/bench/reference-task.yaml")
  : > "$WORK/ratio_a.txt"; : > "$WORK/ratio_b.txt"
  for _ in $(seq "$ROUNDS"); do
    cpu_of "$BEFORE" "${args[@]}" >> "$WORK/ratio_a.txt"
    cpu_of "$AFTER" "${args[@]}" >> "$WORK/ratio_b.txt"
  done
  ab=$(sort -n "$WORK/ratio_a.txt" | head -1)-$(sort -n "$WORK/ratio_a.txt" | tail -1)
  am=$(median < "$WORK/ratio_a.txt")
  bb=$(sort -n "$WORK/ratio_b.txt" | head -1)-$(sort -n "$WORK/ratio_b.txt" | tail -1)
  bm=$(median < "$WORK/ratio_b.txt")
  printf '%-9s %8s %16s %12s %16s %12s %8.3f %10s\n' "$mode" "$N" "$ab" "$am" "$bb" "$bm" \
    "$(echo "$bm / $am" | bc -l)" "$(echo "$am * 1000000 / $N" | bc -l | xargs printf '%.2f')->$(echo "$bm * 1000000 / $N" | bc -l | xargs printf '%.2f')"
done
