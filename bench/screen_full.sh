#!/usr/bin/env bash
# screen_full.sh: full screening, every option of the knowledge base
# (guideline regimens, approved therapies, trials), on generated registries.
#   bench/screen_full.sh [SIZES...]        default: 1000000
#   REPS=3 THREADS=2 MMPATH=build/mmpath bench/screen_full.sh 200000 1000000
#   BEFORE=bench/data/rev-a7463ba/build/mmpath THREADS=2 bench/screen_full.sh 1000000
#   KB=/path/to/kb  (a fixed knowledge-base snapshot)
#   MODES="full criteria" (default) or MODES=full
# Data: shared/bench/gen_registry.py, seed 1, in $WORK/data (default
# /tmp/mmpath-bench/data, shared with bench/compare.sh). Each run starts with
# its input in the page cache; the result lines go to /dev/null (formatted
# all the same) and once to a file to report the output size. Prints the
# best of REPS runs (wall clock) and its CPU time, the median CPU time of the
# REPS runs and the same a record (us_cpu), the peak RSS of all runs (GNU
# time), and the summary's counts.
# BEFORE=BINARY: that build too, alternated with MMPATH run by run (the
# machine's load touches both alike), one row each, and the two outputs
# compared first (no figure when they differ). On a shared machine the wall
# clock (records/s) follows the load; CPU a record travels better.
set -euo pipefail
[ $# -gt 0 ] || set -- 1000000
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-/work/shared/bench}
WORK=${WORK:-/tmp/mmpath-bench}
MMPATH=${MMPATH:-$ROOT/build/mmpath}
BEFORE=${BEFORE:-}
REPS=${REPS:-3}
THREADS=${THREADS:-}
MODES=${MODES:-full criteria}
mkdir -p "$WORK/data"
targs=(); [ -n "$THREADS" ] && targs=(--threads "$THREADS")
[ -n "${KB:-}" ] && targs+=(--kb "$KB")
bins=("$MMPATH"); names=(this)
[ -n "$BEFORE" ] && bins=("$BEFORE" "$MMPATH") && names=(before this)
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf '%-10s %-9s %-7s %9s %12s %9s %8s %9s %9s %8s %s\n' records mode build wall_s \
  records_per_s cpu_s us_cpu cpu_med_s peak_MiB out_MB runs
for n in "$@"; do
  f="$WORK/data/r$n.jsonl"
  [ -s "$f" ] || python3 "$SHARED/gen_registry.py" --n "$n" --seed 1 --out "$f"
  for mode in $MODES; do
    args=(); [ "$mode" = criteria ] && args=(--criteria "$ROOT/bench/reference-task.yaml")
    if [ -n "$BEFORE" ]; then
      a=$("$BEFORE" screen "${targs[@]}" "${args[@]}" "$f" 2>/dev/null | sha256sum || true)
      b=$("$MMPATH" screen "${targs[@]}" "${args[@]}" "$f" 2>/dev/null | sha256sum || true)
      if [ "$a" != "$b" ]; then
        echo "screen_full: the two builds' $mode outputs differ: no figure" >&2
        exit 1
      fi
    fi
    declare -A best=() rss=() cpu=() cpus=()
    for _ in $(seq "$REPS"); do
      for i in "${!bins[@]}"; do
        cat "$f" > /dev/null
        t0=$(date +%s%N)
        /usr/bin/time -f '%M %U %S' -o "$WORK/time.txt" "${bins[$i]}" screen "${targs[@]}" \
          "${args[@]}" "$f" > /dev/null 2>&1 || true
        t1=$(date +%s%N)
        us=$(( (t1 - t0) / 1000 )); read -r m u s < <(tail -1 "$WORK/time.txt")
        c=$(echo "$u + $s" | bc)
        cpus[$i]="${cpus[$i]:-} $c"
        [ "$m" -gt "${rss[$i]:-0}" ] && rss[$i]=$m
        if [ -z "${best[$i]:-}" ] || [ "$us" -lt "${best[$i]}" ]; then best[$i]=$us; cpu[$i]=$c; fi
      done
    done
    for i in "${!bins[@]}"; do
      "${bins[$i]}" screen "${targs[@]}" "${args[@]}" "$f" > "$WORK/screen_out.jsonl" 2>/dev/null || true
      out=$(stat -c %s "$WORK/screen_out.jsonl")
      med=$(printf '%s\n' ${cpus[$i]} | median)
      printf '%-10s %-9s %-7s %9.3f %12d %9s %8.2f %9s %9d %8d %d\n' "$n" "$mode" "${names[$i]}" \
        "$(echo "${best[$i]} / 1000000" | bc -l)" $(( n * 1000000 / best[$i] )) "${cpu[$i]}" \
        "$(echo "$med * 1000000 / $n" | bc -l)" "$med" $(( rss[$i] / 1024 )) $(( out / 1000000 )) "$REPS"
      [ "$i" -eq $(( ${#bins[@]} - 1 )) ] && tail -1 "$WORK/screen_out.jsonl" | cut -c1-400
      rm -f "$WORK/screen_out.jsonl"
    done
    unset best rss cpu cpus
  done
done
