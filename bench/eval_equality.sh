#!/usr/bin/env bash
# eval_equality.sh: the library's answers (mmpath_context_evaluate and
# mmpath_evaluate; JSON and compact; EU, US, IT) of an older build and this
# one, compared by hash over the test records, the demo patients, the shared
# edge cases and a generated registry (issue #17 item 1: the same bytes).
#
#   bench/eval_equality.sh OLD_BUILD_DIR [NEW_BUILD_DIR] [N_REGISTRY]
#
# BUILD_DIR as for eval_latency.sh (libmmpath.a, generated/, source tree as
# parent; each build reads its own kb). N_REGISTRY records (default 3000,
# 5% malformed) from shared/bench/gen_registry.py. Exit 1 if they differ.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OLD=$(cd "${1:?usage: eval_equality.sh OLD_BUILD_DIR [NEW_BUILD_DIR] [N_REGISTRY]}" && pwd)
NEW=$(cd "${2:-$ROOT/build}" && pwd)
N=${3:-3000}
SHARED=${SHARED:-/work/shared/bench}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LIBS="-lyaml -lm -lpthread"
for b in OLD NEW; do
  dir=${!b}
  cc -O2 -I"$dir/../include" -I"$dir/generated" "$ROOT/bench/eval_equality.c" "$dir/libmmpath.a" \
    $LIBS -o "$TMP/$b"
done
python3 "$SHARED/gen_registry.py" --n "$N" --seed 7 --bad-rate 0.05 --out "$TMP/registry.jsonl"
cd "$ROOT"
files=($(find tests/data demo -name '*.json' | sort) "$TMP/registry.jsonl" "$SHARED/edge_cases.jsonl")
old=$("$TMP/OLD" "$OLD/../kb" "${files[@]}" | sha256sum)
new=$("$TMP/NEW" "$NEW/../kb" "${files[@]}" | tee >(grep -c '^==' >"$TMP/count") | sha256sum)
sleep 0.2
echo "answers compared: $(cat "$TMP/count") record x jurisdiction x format, each from a context and mmpath_evaluate"
echo "old $old"
echo "new $new"
if [ "$old" = "$new" ]; then echo "same"; else echo "DIFFERENT"; exit 1; fi
