#!/usr/bin/env bash
# screen_full.sh: full screening, every option of the knowledge base
# (guideline regimens, approved therapies, trials), on generated registries.
#   bench/screen_full.sh [SIZES...]        default: 1000000
#   REPS=3 THREADS=2 MMPATH=build-screen/mmpath bench/screen_full.sh 200000 1000000
#   KB=/path/to/kb  (a fixed knowledge-base snapshot)
# Data: shared/bench/gen_registry.py, seed 1, in $WORK/data (default
# /tmp/mmpath-bench/data, shared with bench/compare.sh). Each run starts with
# its input in the page cache; the result lines go to /dev/null (formatted
# all the same) and once to a file to report the output size. Prints the
# best of REPS runs (wall clock), its CPU time, the peak RSS of all runs
# (GNU time), and the summary's counts.
set -euo pipefail
[ $# -gt 0 ] || set -- 1000000
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-/work/shared/bench}
WORK=${WORK:-/tmp/mmpath-bench}
MMPATH=${MMPATH:-$ROOT/build-screen/mmpath}
REPS=${REPS:-3}
THREADS=${THREADS:-}
mkdir -p "$WORK/data"
targs=(); [ -n "$THREADS" ] && targs=(--threads "$THREADS")
[ -n "${KB:-}" ] && targs+=(--kb "$KB")
printf '%-10s %-9s %9s %12s %9s %10s %8s %s\n' records mode wall_s records_per_s cpu_s peak_MiB out_MB runs
for n in "$@"; do
  f="$WORK/data/r$n.jsonl"
  [ -s "$f" ] || python3 "$SHARED/gen_registry.py" --n "$n" --seed 1 --out "$f"
  for mode in full criteria; do
    args=(); [ "$mode" = criteria ] && args=(--criteria "$ROOT/bench/reference-task.yaml")
    best=""; rss=0; cpu=""
    for _ in $(seq "$REPS"); do
      cat "$f" > /dev/null
      t0=$(date +%s%N)
      /usr/bin/time -f '%M %U %S' -o "$WORK/time.txt" "$MMPATH" screen "${targs[@]}" "${args[@]}" "$f" > /dev/null
      t1=$(date +%s%N)
      us=$(( (t1 - t0) / 1000 )); read -r m u s < <(tail -1 "$WORK/time.txt")
      [ "$m" -gt "$rss" ] && rss=$m
      if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; cpu=$(echo "$u + $s" | bc); fi
    done
    "$MMPATH" screen "${targs[@]}" "${args[@]}" "$f" > "$WORK/screen_out.jsonl"
    out=$(stat -c %s "$WORK/screen_out.jsonl")
    printf '%-10s %-9s %9.3f %12d %9s %10d %8d %d\n' "$n" "$mode" "$(echo "$best / 1000000" | bc -l)" \
      $(( n * 1000000 / best )) "$cpu" $(( rss / 1024 )) $(( out / 1000000 )) "$REPS"
    tail -1 "$WORK/screen_out.jsonl" | cut -c1-400
    rm -f "$WORK/screen_out.jsonl"
  done
done
