#!/usr/bin/env bash
# test.sh: builds mmpath and runs every test, first in a normal build, then
# again under AddressSanitizer + UndefinedBehaviorSanitizer. Installs
# missing Debian packages first (as root). The last line is CTest's summary.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo
scripts/setup.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DMMPATH_SANITIZE=ON
# The PostgreSQL test cluster runs as the postgres user and one store test
# as nobody. A Debian system's / is mode 0755; a sandbox's chroot may make it
# 0700, where no user but root can run anything: give others search (x)
# permission on / only, as Debian has it, and say so.
if [ "$(id -u)" = 0 ] && [ -z "$(find / -maxdepth 0 -perm -o+x)" ]; then
  echo "test.sh: / is mode $(stat -c %a /) here (a chroot?): chmod o+x / so that the postgres user can run the test cluster" >&2
  chmod o+x /
fi
echo "== tests (release build)"
ctest --test-dir build --output-on-failure -j2
echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2
