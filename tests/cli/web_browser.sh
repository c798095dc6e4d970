#!/usr/bin/env bash
# web_browser.sh MMPATH: the web page in Debian's chromium, headless, driven
# by playwright-core (tests/browser/web.test.js): fills the patient form and
# checks the options, moves a referral on the board, reads the funnel.
# Needs node, /usr/bin/chromium (apt-get install chromium) and
# tests/browser/node_modules (installed here with `npm ci` when missing).
# The server is started on 127.0.0.1 with a new database (demo data) and
# stopped at the end; the browser may talk to nothing else.
set -euo pipefail
. "$(dirname "$0")/lib/listening.sh"
MMPATH=${1:?usage: web_browser.sh MMPATH}
here=$(cd "$(dirname "$0")/../browser" && pwd)
for need in node /usr/bin/chromium; do
  command -v "$need" >/dev/null || {
    echo "web_browser: $need is required (apt-get install nodejs npm chromium)" >&2
    exit 1
  }
done
. "$here/ensure_playwright.sh" web_browser
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# the screening folder (serve --screen-dir): the test puts a registry file in it
mkdir "$tmp/screen"
"$MMPATH" serve --port 0 --db "$tmp/mmpath.db" --open-evaluate --demo --screen-dir "$tmp/screen" \
  >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
port=$(mm_listening_port "$tmp/out" "$!") || true
[ -n "$port" ] || { cat "$tmp/err" >&2; exit 1; }
hub=$(awk '$1 == "hub" { print $3 }' "$tmp/out")
MMPATH_SCREEN_DIR=$tmp/screen MMPATH_URL=http://127.0.0.1:$port MMPATH_HUB=$hub timeout 120 node "$here/web.test.js"
# the server ends cleanly (under the sanitizers: without a report)
kill -TERM "$pid"
if ! wait "$pid" || grep -Eq 'AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error' "$tmp/err"; then
  echo "web_browser: serve did not stop cleanly:" >&2
  head -c 2000 "$tmp/err" >&2
  exit 1
fi
pid=
