#!/usr/bin/env bash
# demo.sh: builds mmpath (installing missing Debian packages as root) and
# evaluates the bundled demo patients.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo
exec build/mmpath demo "$@"
