#!/usr/bin/env bash
# test.sh: builds mmpath and runs every test, first in a normal build, then
# again under AddressSanitizer + UndefinedBehaviorSanitizer. Installs
# missing Debian packages first (as root). The last line is CTest's summary.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo
scripts/setup.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DMMPATH_SANITIZE=ON
echo "== tests (release build)"
ctest --test-dir build --output-on-failure -j2
echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2
