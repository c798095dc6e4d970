#!/usr/bin/env bash
# run.sh: builds the libFuzzer targets (clang, -fsanitize=fuzzer with
# AddressSanitizer and UndefinedBehaviorSanitizer on the whole library) and
# runs them. docs/testing.md says when to use which form.
#
#   tests/fuzz/run.sh TARGET SECONDS   runs one target that long on its
#       corpus, then merges the inputs that reach new code into
#       tests/fuzz/corpus/TARGET (commit them). A crash is left in
#       BUILD/artifacts/TARGET/ and the exit status is non-zero.
#   tests/fuzz/run.sh --smoke SECONDS [BUILD]   every target SECONDS each,
#       the tree's corpora only read, seed $MMPATH_FUZZ_SEED or 1 (CTest's
#       fuzz_libfuzzer).
#   tests/fuzz/run.sh --build [BUILD]   only builds.
#   tests/fuzz/run.sh --merge TARGET    only merges what the runs found.
#   tests/fuzz/run.sh --list            the targets.
#
# BUILD is the clang build directory: $MMPATH_FUZZ_BUILD, else build-fuzz
# at the top of the tree; the compiler is $MMPATH_FUZZ_CC, else clang.
# Exit 77 when clang or its libFuzzer runtime is missing (Debian: clang,
# libclang-rt-14-dev; scripts/setup.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TARGETS="json patient scan scan_diff yaml rule fhir http"

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# Longest input per target: room for the seeds, no more (short inputs
# run faster and keep the corpus small).
max_len() {
  case $1 in
    scan_diff) echo 1024 ;; rule) echo 2048 ;; json) echo 8192 ;;
    fhir | yaml) echo 24576 ;; *) echo 12288 ;;
  esac
}
# Largest input merged into the tree's corpus.
merge_len() {
  case $1 in
    scan_diff | rule) echo 512 ;; fhir | yaml) echo 3072 ;; *) echo 2048 ;;
  esac
}
dict() {
  case $1 in
    json) echo json ;; patient | scan) echo patient ;; fhir) echo fhir ;;
    yaml) echo yaml ;; rule) echo rule ;; http) echo http ;; *) echo "" ;;
  esac
}

have_libfuzzer() {
  command -v "${MMPATH_FUZZ_CC:-clang}" >/dev/null || { echo "run.sh: no ${MMPATH_FUZZ_CC:-clang}: skipped" >&2; return 1; }
  local t
  t=$(mktemp -d)
  printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$t/x.c"
  if ! "${MMPATH_FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined "$t/x.c" -o "$t/x" 2>"$t/err"; then
    echo "run.sh: ${MMPATH_FUZZ_CC:-clang} cannot link libFuzzer (Debian: libclang-rt-14-dev): skipped" >&2
    sed 's/^/  /' "$t/err" | head -5 >&2
    rm -rf "$t"
    return 1
  fi
  rm -rf "$t"
}

build() {
  local dir=$1
  if [ ! -f "$dir/build.ninja" ]; then
    CC=${MMPATH_FUZZ_CC:-clang} cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DMMPATH_SANITIZE=ON -DMMPATH_FUZZ=ON -DMMPATH_WERROR=OFF \
      -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" >/dev/null
  fi
  cmake --build "$dir" --target fuzzers -- -j"${MMPATH_FUZZ_JOBS:-2}" >"$dir/fuzz-build.log" 2>&1 ||
    { tail -30 "$dir/fuzz-build.log" >&2; return 1; }
}

# run TARGET SECONDS OUTDIR: libFuzzer on OUTDIR (new inputs go there) and
# the tree's corpus; the final statistics on stdout.
run() {
  local t=$1 secs=$2 out=$3 bin=$dir/tests/fuzz/fuzz_$1 d
  [ -x "$bin" ] || { echo "run.sh: no target $t in $dir" >&2; return 1; }
  mkdir -p "$out" "$dir/artifacts/$t"
  d=$(dict "$t")
  local args=(-max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=20 -rss_limit_mb=2560
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$t/")
  [ -n "$d" ] && args+=(-dict="$here/dict/$d.dict")
  [ -n "${seed:-}" ] && args+=(-seed="$seed")
  local rc=0
  MMPATH_KB=${MMPATH_KB:-$root/kb} ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    "$bin" "${args[@]}" "$out" "$here/corpus/$t" >"$dir/artifacts/$t.log" 2>&1 || rc=$?
  # one line: target, executions, coverage, corpus
  local done_line cov
  done_line=$(grep -E '^#[0-9]+.*DONE' "$dir/artifacts/$t.log" | tail -1 || true)
  cov=$(grep -E '^#[0-9]+' "$dir/artifacts/$t.log" | tail -1 || true)
  printf '%-10s %s\n' "$t" "$(echo "${done_line:-$cov}" | tr -s ' ')"
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$dir/artifacts/$t.log" | tr '\n' ' ' || true
  echo
  if [ $rc -ne 0 ]; then
    echo "run.sh: $t FAILED (exit $rc); log $dir/artifacts/$t.log:" >&2
    grep -E -A40 'ERROR|property violated|runtime error|deadly signal' "$dir/artifacts/$t.log" | head -60 >&2
    return 1
  fi
}

# merge TARGET DIR: the inputs of DIR that reach code the tree's corpus
# does not, into it; only small ones (merge_len), so that the corpora stay
# small (the bigger ones stay in DIR for the next run).
merge() {
  local t=$1 work=$2 small before after rc=0
  before=$(ls "$here/corpus/$t" | wc -l)
  small=$(mktemp -d)
  find "$work" -type f -size -"$(merge_len "$t")"c -exec cp {} "$small/" \;
  MMPATH_KB=${MMPATH_KB:-$root/kb} "$dir/tests/fuzz/fuzz_$t" -merge=1 \
    -max_len="$(max_len "$t")" "$here/corpus/$t" "$small" >"$dir/artifacts/$t.merge.log" 2>&1 ||
    { echo "run.sh: merge failed, see $dir/artifacts/$t.merge.log" >&2; rc=1; }
  rm -rf "$small"
  after=$(ls "$here/corpus/$t" | wc -l)
  echo "$t: corpus $before -> $after files ($(du -sb "$here/corpus/$t" | cut -f1) bytes)"
  return $rc
}

mode=${1:-}
case $mode in
  --list) echo $TARGETS ;;
  --merge)
    t=${2:-}
    [ -n "$t" ] || usage
    dir=${MMPATH_FUZZ_BUILD:-$root/build-fuzz}
    merge "$t" "$dir/corpus/$t" ;;
  --build)
    dir=${2:-${MMPATH_FUZZ_BUILD:-$root/build-fuzz}}
    have_libfuzzer || exit 77
    build "$dir" ;;
  --smoke)
    secs=${2:-8}
    dir=${3:-${MMPATH_FUZZ_BUILD:-$root/build-fuzz}}
    # a fixed seed: the suite's runs are the same each time (up to speed)
    seed=${MMPATH_FUZZ_SEED:-1}
    have_libfuzzer || exit 77
    build "$dir"
    fail=0
    for t in $TARGETS; do
      [ -x "$dir/tests/fuzz/fuzz_$t" ] || continue
      scratch=$(mktemp -d)
      run "$t" "$secs" "$scratch" || fail=1
      rm -rf "$scratch"
    done
    exit $fail ;;
  "" | -h | --help) usage ;;
  *)
    t=$1
    secs=${2:-}
    [ -n "$secs" ] || usage
    case " $TARGETS " in *" $t "*) ;; *) echo "run.sh: unknown target '$t' (known: $TARGETS)" >&2; exit 2 ;; esac
    dir=${MMPATH_FUZZ_BUILD:-$root/build-fuzz}
    have_libfuzzer || exit 77
    build "$dir"
    work=$dir/corpus/$t # what this and earlier runs found, kept between runs
    rc=0
    run "$t" "$secs" "$work" || rc=1
    merge "$t" "$work" || rc=1
    exit $rc ;;
esac
