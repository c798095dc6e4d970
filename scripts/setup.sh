#!/usr/bin/env bash
# setup.sh [BUILD_DIR [CMAKE_ARGS...]]: installs the Debian packages mmpath
# needs when they are missing (as root), then configures and builds.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian 12 packages: build tools, the libraries we link, and what the
# tests drive (sqlite3 CLI, python3 for the bench peers' agreement check).
# The HTTP tests use curl; the browser test drives Debian's chromium with
# playwright-core from npm (tests/browser), so it needs Node.js and npm.
# The install test (tests/cli/install.sh) renders the man pages with man-db
# (which brings groff-base); it checks the systemd unit only where
# systemd-analyze exists (systemd is not added for that alone). wrk drives
# bench/http_load.sh. The fuzz targets (tests/fuzz) build with clang and its
# libFuzzer and sanitizer runtimes (libclang-rt-14-dev, only recommended by
# clang). libpq-dev builds the PostgreSQL backend; postgresql's server runs
# the private cluster of the tests (tests/pg/cluster.sh).
PACKAGES="gcc libc6-dev cmake ninja-build pkg-config libyaml-dev libsqlite3-dev
libmicrohttpd-dev libssl-dev libcmocka-dev python3 sqlite3 procps curl chromium man-db wrk
clang libclang-rt-14-dev libpq-dev postgresql"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
# A Node.js installed some other way is fine as it is.
command -v node >/dev/null || missing="$missing nodejs"
command -v npm >/dev/null || missing="$missing npm"
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages:$missing (run as root to install them)" >&2
    exit 1
  fi
  echo "setup: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

build=${1:-build}
shift || true
cmake -S . -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build"
