#!/usr/bin/env bash
# pathway_browser.sh MMPATH: the board's pathway (records, letter) in chromium, driven
# by playwright-core (tests/browser/pathway.test.js): the move dialog bounded by
# the server, records after infusion with their refusals, a correction, the
# letter (issue 14).
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
    echo "pathway_browser: $need is required (apt-get install nodejs npm chromium)" >&2
    exit 1
  }
done
. "$here/ensure_playwright.sh" pathway_browser
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
"$MMPATH" serve --port 0 --db "$tmp/mmpath.db" --open-evaluate --demo >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
port=$(mm_listening_port "$tmp/out" "$!") || true
[ -n "$port" ] || { cat "$tmp/err" >&2; exit 1; }
hub=$(awk '$1 == "hub" { print $3 }' "$tmp/out")
MMPATH_URL=http://127.0.0.1:$port MMPATH_HUB=$hub timeout 120 node "$here/pathway.test.js"
# the server ends cleanly (under the sanitizers: without a report)
kill -TERM "$pid"
if ! wait "$pid" || grep -Eq 'AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error' "$tmp/err"; then
  echo "pathway_browser: serve did not stop cleanly:" >&2
  head -c 2000 "$tmp/err" >&2
  exit 1
fi
pid=
