#!/usr/bin/env bash
# memory_peak.sh: peak memory (max RSS, /usr/bin/time) of one record at the
# limits and of registry lines at the line limit (issue #17 item 4: under
# 64 MiB whatever the input; over the limits refused at once, naming them).
#
#   bench/memory_peak.sh OLD_MMPATH NEW_MMPATH [ROUNDS]
#
# Inputs: bench/big_records.py (in a temporary directory). For each input,
# `mmpath evaluate --format json` (or `mmpath screen --threads 2` for the
# .jsonl), old and new alternated ROUNDS times (default 3); prints the
# min-max peak of each, new/old, the exit codes and the first words of the
# new answer. Exit 1 if a new peak is 64 MiB or more.
set -euo pipefail
OLD=${1:?usage: memory_peak.sh OLD_MMPATH NEW_MMPATH [ROUNDS]}
NEW=${2:?usage: memory_peak.sh OLD_MMPATH NEW_MMPATH [ROUNDS]}
ROUNDS=${3:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 "$ROOT/bench/big_records.py" "$TMP/in"

# peak KiB and exit code of one run: "KIB RC"
peak() {
  local bin=$1 f=$2 rc=0
  if [[ $f == *.jsonl ]]; then
    /usr/bin/time -f '%M' -o "$TMP/t" "$bin" screen --threads 2 "$f" >"$TMP/out" 2>/dev/null || rc=$?
  else
    /usr/bin/time -f '%M' -o "$TMP/t" "$bin" evaluate --format json "$f" >"$TMP/out" 2>/dev/null || rc=$?
  fi
  echo "$(tail -1 "$TMP/t") $rc"
}

status=0
printf '%-22s %9s %20s %20s %10s  %s\n' input bytes "old MiB (rc)" "new MiB (rc)" new/old "new answer"
for f in "$TMP"/in/*; do
  olds=() news=()
  for ((r = 0; r < ROUNDS; r++)); do
    read -r o orc < <(peak "$OLD" "$f")
    read -r n nrc < <(peak "$NEW" "$f")
    olds+=("$o") news+=("$n")
  done
  answer=$(head -c 90 "$TMP/out" | tr '\n' ' ')
  python3 - "$(basename "$f")" "$(stat -c %s "$f")" "$orc" "$nrc" "$answer" "${olds[*]}" "${news[*]}" <<'EOF'
import sys
name, size, orc, nrc, answer, olds, news = sys.argv[1:8]
o = [int(x) / 1024 for x in olds.split()]
n = [int(x) / 1024 for x in news.split()]
print("%-22s %9s %13.1f-%.1f (%s) %13.1f-%.1f (%s) %10.2f  %s" % (
    name, size, min(o), max(o), orc, min(n), max(n), nrc, max(n) / max(o), answer))
sys.exit(1 if max(n) >= 64 else 0)
EOF
  [ $? -eq 0 ] || status=1
done
exit $status
