#!/usr/bin/env bash
# build_rev.sh REV: builds the `mmpath` binary of git revision REV (from
# `git archive`, no worktree) into bench/data/rev-REV/ (git-ignored, kept
# between runs) and prints the binary's path. For the benchmarks that print
# ratios against a previous build in the same run (http_load.sh,
# slowloris.sh). Builds only the mmpath target, -j2.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: build_rev.sh REV}
full=$(git rev-parse --verify "$rev^{commit}")
dir=bench/data/rev-${full:0:7}
if [ ! -x "$dir/build/mmpath" ]; then
  rm -rf "$dir"
  mkdir -p "$dir/src"
  git archive "$full" | tar -x -C "$dir/src"
  cmake -S "$dir/src" -B "$dir/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$dir/build" -j2 mmpath >/dev/null
fi
echo "$PWD/$dir/build/mmpath"
