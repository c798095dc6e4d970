#!/usr/bin/env bash
# serve_demo.sh MMPATH: `mmpath serve` prints demo tokens only when asked
# (--demo, as ./run.sh starts it; never as a service, whose standard output
# the journal keeps: issue 15), and every database file it, `mmpath token`
# and `mmpath referral` create is readable by its owner only (0600), even
# under a permissive umask.
set -euo pipefail
MMPATH=${1:?usage: serve_demo.sh MMPATH}
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "serve_demo: $*" >&2; exit 1; }
umask 022

# start DB ARGS...: serves until the 'listening' line, then stops it
start() {
  local db=$1
  shift
  "$MMPATH" serve --port 0 --db "$db" "$@" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 600); do
    grep -q '^listening on' "$tmp/out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/err" >&2; fail "serve exited"; }
    sleep 0.1
  done
  grep -q '^listening on' "$tmp/out" || fail "serve did not listen"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
}
mode() { stat -c %a "$1"; }

start "$tmp/plain.db"
grep -qi 'token' "$tmp/out" && ! grep -q '^API tokens for the referral board' "$tmp/out" &&
  fail "a server without --demo printed tokens: $(cat "$tmp/out")"
grep -q 'demo' "$tmp/out" && fail "a server without --demo made demo data"
[ "$(mode "$tmp/plain.db")" = 600 ] || fail "plain.db has mode $(mode "$tmp/plain.db")"
[ "$(sqlite3 "$tmp/plain.db" 'SELECT count(*) FROM referrals' 2>/dev/null || echo 0)" = 0 ] ||
  fail "plain.db has referrals"

start "$tmp/demo.db" --demo
grep -q '^new database .* demo referrals; demo tokens (shown once):' "$tmp/out" ||
  fail "--demo printed no demo tokens"
[ "$(grep -cE '^  (hub|spoke|analyst) ' "$tmp/out")" = 3 ] || fail "--demo: not three tokens"
[ "$(mode "$tmp/demo.db")" = 600 ] || fail "demo.db has mode $(mode "$tmp/demo.db")"
[ "$(sqlite3 "$tmp/demo.db" 'SELECT count(*) FROM referrals')" -gt 0 ] || fail "--demo: no referrals"
# the former opt-out is still accepted
start "$tmp/old.db" --no-demo
grep -q 'demo' "$tmp/out" && fail "--no-demo made demo data"
# a configuration file asks for the demo as demo = yes
printf 'demo = yes\n' >"$tmp/demo.conf"
start "$tmp/conf.db" --config "$tmp/demo.conf"
grep -q 'demo tokens' "$tmp/out" || fail "demo = yes printed no demo tokens"

# the other commands that create a database
"$MMPATH" token new --center BO-SER --add-center --role hub --db "$tmp/tokens.db" >/dev/null
[ "$(mode "$tmp/tokens.db")" = 600 ] || fail "token new: mode $(mode "$tmp/tokens.db")"
"$MMPATH" referral list --db "$tmp/ref.db" >/dev/null
[ "$(mode "$tmp/ref.db")" = 600 ] || fail "referral list: mode $(mode "$tmp/ref.db")"
# an existing file keeps its mode
: >"$tmp/shared.db"
chmod 640 "$tmp/shared.db"
"$MMPATH" token list --db "$tmp/shared.db" >/dev/null 2>&1 || true
[ "$(mode "$tmp/shared.db")" = 640 ] || fail "an existing file's mode was changed"
echo "serve_demo: ok"
