#!/usr/bin/env bash
# screen.sh: `mmpath screen` from the command line (docs/screen.md): a large
# registry with bad records in the middle (line numbers, the run goes on),
# output in input order whatever the threads, stdin, --only, CSV, exit codes
# of a criteria file that does not compile and of bad options, nothing on
# stderr when it is not a terminal, and memory that does not grow with the
# input. Run as: bash screen.sh path/to/mmpath
set -u
MMPATH=${1:?usage: screen.sh path/to/mmpath}
DATA=${MMPATH_TESTDATA:-$(dirname "$0")/../data}/screen
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { # check "what" command...
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

# 30,000 records (as TASK.md's generator writes them: regimen + drugs), with
# an invalid date at line 10000, an unknown drug at 20001, a truncated line
# at 25000 and an empty line at 15000.
awk 'BEGIN {
  for (i = 1; i <= 30000; i++) {
    if (i == 10000) { printf "{\"id\":\"R-%05d\",\"lines\":[{\"drugs\":[\"bortezomib\"],\"start\":\"2023-02-29\"}]}\n", i; continue }
    if (i == 15000) { print ""; continue }
    if (i == 20001) { printf "{\"id\":\"R-%05d\",\"lines\":[{\"drugs\":[\"bortezomibb\"],\"start\":\"2023-02-01\"}]}\n", i; continue }
    if (i == 25000) { printf "{\"id\":\"R-%05d\",\"lines\":[{\"drugs\":\n", i; continue }
    n = i % 5
    printf "{\"id\":\"R-%05d\",\"as_of\":\"2026-11-25\",\"lines\":[", i
    for (k = 0; k < n; k++)
      printf "%s{\"regimen\":\"KRd\",\"drugs\":[\"carfilzomib\",\"lenalidomide\",\"dexamethasone\"],\"start\":\"%d-01-01\",\"end\":\"%d-06-01\",\"progression\":\"%d-07-01\"}", (k ? "," : ""), 2016 + k, 2016 + k, 2016 + k
    print "]}"
  }
}' > "$T/reg.jsonl"

CRIT="$DATA/criteria.yaml"
"$MMPATH" screen --criteria "$CRIT" --threads 2 "$T/reg.jsonl" > "$T/out2" 2> "$T/err2"
rc=$?
check "exit 1 when records were malformed (issue 18: a batch with bad records is not a success), the rest screened" test $rc -eq 1
check "nothing on stderr when it is not a terminal" test ! -s "$T/err2"
check "one line per record and a summary" test "$(wc -l < "$T/out2")" -eq 30000
check "invalid date reported at line 10000 with its path" \
  grep -q '^{"line":10000,"id":"R-10000","error":\[{"path":"lines\[0\].start"' "$T/out2"
check "unknown drug reported at line 20001 with its path" \
  grep -q '^{"line":20001,"id":"R-20001","error":\[{"path":"lines\[0\].drugs\[0\]","message":"unknown drug' "$T/out2"
check "truncated JSON reported at line 25000" grep -q '^{"line":25000,"id":null,"error":' "$T/out2"
check "records after the bad ones are screened" grep -q '^{"id":"R-29999",' "$T/out2"
check "summary counts the bad records" \
  grep -q '^{"summary":{"records":29999,"malformed":3,"screened":29996,' "$T/out2"
ids=$(grep -o '^{"id":"R-[0-9]*"\|^{"line":[0-9]*' "$T/out2" | sed 's/.*[-:]0*//; s/"//g')
check "output order is input order" test "$ids" = "$(seq 1 30000 | grep -vx 15000)"
check "3 lines with a progression on the last: the criteria are true" \
  grep -q '^{"id":"R-00003","setting":"[a-z_]*","criteria":{"prior_lines":true,"progressed_on_last":true,"both":true}}' "$T/out2"

"$MMPATH" screen --criteria "$CRIT" --threads 1 "$T/reg.jsonl" > "$T/out1"
check "--threads 1 gives the same output" cmp -s "$T/out1" "$T/out2"
"$MMPATH" screen --criteria "$CRIT" --threads 2 --batch 4096 - < "$T/reg.jsonl" > "$T/outs"
check "stdin with small batches gives the same output" cmp -s "$T/outs" "$T/out2"

"$MMPATH" screen --criteria "$CRIT" --only both --format csv "$T/reg.jsonl" > "$T/csv" 2> "$T/csvsum"
check "csv: header row" test "$(head -1 "$T/csv")" = "id,setting,both,error"
check "csv: one row per record" test "$(wc -l < "$T/csv")" -eq 30000
check "csv: error row with its line number" grep -q '^R-10000,,,"line 10000: lines\[0\].start: ' "$T/csv"
check "csv: summary on stderr" grep -q '"by_criterion":{"both":' "$T/csvsum"

"$MMPATH" screen --criteria "$DATA/criteria-bad.yaml" "$T/reg.jsonl" > "$T/o" 2> "$T/e"
rc=$?
check "criteria that do not compile: exit 2" test $rc -eq 2
check "criteria that do not compile: file:line:col and a suggestion" \
  grep -q "criteria-bad.yaml:6:27: .*progression_on_last" "$T/e"
check "criteria that do not compile: no output" test ! -s "$T/o"
"$MMPATH" screen --criteria "$CRIT" --only nope "$T/reg.jsonl" > /dev/null 2> "$T/e"
check "--only with an unknown id: exit 2" test $? -eq 2
"$MMPATH" screen --format xml "$T/reg.jsonl" > /dev/null 2>&1
check "--format xml: exit 2" test $? -eq 2
"$MMPATH" screen --criteria "$CRIT" "$T/missing.jsonl" > /dev/null 2>&1
check "missing input: exit 2" test $? -eq 2

# Bounded memory: 5x more input does not need more memory (batches of 64 KiB
# and two threads: the pipeline holds at most 6 batches whatever the input).
if [ -x /usr/bin/time ] && ! ldd "$MMPATH" 2>/dev/null | grep -q libasan; then
  for k in 1 2 3 4 5; do cat "$T/reg.jsonl"; done > "$T/reg5.jsonl"
  /usr/bin/time -f %M -o "$T/m1" "$MMPATH" screen --criteria "$CRIT" --batch 65536 "$T/reg.jsonl" > /dev/null
  /usr/bin/time -f %M -o "$T/m5" "$MMPATH" screen --criteria "$CRIT" --batch 65536 "$T/reg5.jsonl" > /dev/null
  m1=$(tail -1 "$T/m1"); m5=$(tail -1 "$T/m5")
  echo "     peak RSS: ${m1} KiB for 30k lines, ${m5} KiB for 150k lines"
  check "peak memory does not grow with the input" test "$m5" -lt $((m1 + 4096))
  check "peak memory under 64 MiB" test "$m5" -lt 65536
fi

[ $fails -eq 0 ] && echo "all screen checks passed" || echo "$fails screen checks FAILED"
exit $((fails > 0))
