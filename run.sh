#!/usr/bin/env bash
# run.sh [SERVE OPTIONS]: builds mmpath (installing missing Debian packages,
# as root) and starts the web application and HTTP API on
# http://127.0.0.1:8080/ with an embedded SQLite database (mmpath.db, demo
# referrals and demo tokens on first start). Ctrl-C stops it.
# `build/mmpath demo` evaluates the bundled demo patients in the terminal.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo
exec build/mmpath serve --port "${PORT:-8080}" --db "${MMPATH_DB:-mmpath.db}" --open-evaluate --demo "$@"
