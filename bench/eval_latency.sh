#!/usr/bin/env bash
# eval_latency.sh: one evaluation in process, an older build against this
# one, in one run (issue #17 item 1: the full explained answer < 100 us,
# the compact one < 10 us).
#
#   bench/eval_latency.sh OLD_BUILD_DIR [NEW_BUILD_DIR] [ROUNDS] [ALTERNATIONS]
#
# BUILD_DIR: a CMake build (its libmmpath.a, generated/mmpath_version.h)
# whose source tree is its parent (include/mmpath.h, kb/). Compiles
# bench/eval_latency.c against each (the old one without the context API),
# then runs old and new alternately ALTERNATIONS times (default 5), ROUNDS
# evaluations of each demo patient each time (default 2000). Prints, per
# patient and kind, the min-max over the alternations of the median in
# microseconds, and the ratios new/old: the same call (mmpath_evaluate),
# and the context (kept memory) and the compact answer against the old
# mmpath_evaluate. When the old build has the context API too, a second
# table compares context with context and compact with compact. Each
# binary reads its own tree's kb.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OLD=$(cd "${1:?usage: eval_latency.sh OLD_BUILD_DIR [NEW_BUILD_DIR] [ROUNDS] [ALTERNATIONS]}" && pwd)
NEW=$(cd "${2:-$ROOT/build}" && pwd)
ROUNDS=${3:-2000}
ALT=${4:-5}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LIBS="-lyaml -lm -lpthread"
# An old build with the context API is measured with it too.
OLD_CTX=
grep -q mmpath_context_evaluate "$OLD/../include/mmpath.h" && OLD_CTX=-DWITH_CONTEXT
cc -O2 $OLD_CTX -I"$OLD/../include" -I"$OLD/generated" "$ROOT/bench/eval_latency.c" "$OLD/libmmpath.a" \
  $LIBS -o "$TMP/old"
cc -O2 -DWITH_CONTEXT -I"$NEW/../include" -I"$NEW/generated" "$ROOT/bench/eval_latency.c" \
  "$NEW/libmmpath.a" $LIBS -o "$TMP/new"
records=("$ROOT"/demo/patients/*.json)
for ((i = 0; i < ALT; i++)); do
  "$TMP/old" "$OLD/../kb" "$ROUNDS" "${records[@]}" | sed 's/^/old /' >>"$TMP/runs"
  "$TMP/new" "$NEW/../kb" "$ROUNDS" "${records[@]}" | sed 's/^/new /' >>"$TMP/runs"
done
python3 - "$TMP/runs" <<'EOF'
import collections, sys
runs = collections.defaultdict(list)  # (build, mode, record) -> medians
size = {}
for line in open(sys.argv[1]):
    build, mode, rec, median, p99, best, nbytes = line.split()
    runs[(build, mode, rec)].append(float(median))
    size[(build, mode, rec)] = int(nbytes)
recs = sorted({k[2] for k in runs})
print("median microseconds of one evaluation, min-max over %d alternations" % len(runs[("old", "evaluate", recs[0])]))
print("%-36s %15s %15s %15s %15s %8s %8s %8s" % ("record", "old evaluate", "new evaluate",
      "new context", "new compact", "same", "context", "compact"))
for r in recs:
    old = runs[("old", "evaluate", r)]
    cells = []
    for key in (("old", "evaluate"), ("new", "evaluate"), ("new", "context"), ("new", "compact")):
        v = runs[key + (r,)]
        cells.append("%6.1f-%-6.1f" % (min(v), max(v)))
    ratios = []
    for mode in ("evaluate", "context", "compact"):
        v = runs[("new", mode, r)]
        ratios.append("%.3f" % (sorted(v)[len(v) // 2] / sorted(old)[len(old) // 2]))
    print("%-36s %15s %15s %15s %15s %8s %8s %8s" % ((r,) + tuple(cells) + tuple(ratios)))
print("ratios: new/old of the medians of the alternations (same: mmpath_evaluate both; "
      "context, compact: against the old mmpath_evaluate)")
if ("old", "context", recs[0]) in runs:
    print()
    print("both with a context: median microseconds, min-max; ratio new/old of the medians")
    print("%-36s %15s %15s %8s %15s %15s %8s" % ("record", "old context", "new context", "ratio",
          "old compact", "new compact", "ratio"))
    for r in recs:
        cells = []
        for mode in ("context", "compact"):
            o, n = runs[("old", mode, r)], runs[("new", mode, r)]
            cells += ["%6.1f-%-6.1f" % (min(o), max(o)), "%6.1f-%-6.1f" % (min(n), max(n)),
                      "%.3f" % (sorted(n)[len(n) // 2] / sorted(o)[len(o) // 2])]
        print("%-36s %15s %15s %8s %15s %15s %8s" % ((r,) + tuple(cells)))
print("answer bytes: full %s, compact %s" % (
    ", ".join(str(size[("new", "context", r)]) for r in recs),
    ", ".join(str(size[("new", "compact", r)]) for r in recs)))
EOF
