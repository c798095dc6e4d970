#!/usr/bin/env bash
# store_errors.sh MMPATH: a failing disk reported as itself (issue 18 item
# 5). No space for the database (here the process's file size limit, which
# the kernel answers like a full disk: EFBIG): a write stores nothing and
# says so, the API answers 503 "storage-full" and /api/v1/health too. A
# database that cannot be written (a file the user may only read; on
# PostgreSQL a read-only database): `mmpath serve` refuses to start, a
# running server's health answers 503 "storage-read-only". With
# MMPATH_TEST_DB=pg the PostgreSQL half runs (a full disk there is SQLSTATE
# 53100, mapped the same way but not made here).
set -uo pipefail
M=${1:?usage: store_errors.sh PATH-TO-MMPATH}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
chmod 755 "$T"
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; rm -rf "$T"' EXIT
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
source "$HERE/../pg/db.sh"
echo "database: $(db_kind)"

serve() { # DB [ulimit -f blocks]: starts a server, sets $port
  ( [ -n "${2:-}" ] && { trap '' XFSZ; ulimit -f "$2"; }
    exec "$M" serve --port 0 --db "$1" ) >"$T/serve.out" 2>"$T/serve.err" &
  spid=$!
  port=
  for _ in $(seq 1 200); do
    port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$T/serve.out")
    [ -n "$port" ] && return 0
    kill -0 "$spid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
post() { # ID: prints the status, the body in $T/body
  curl -sS -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/v1/referrals" \
    -d "{\"schema\":\"mmpath/referral@1\",\"id\":\"$1\",\"patient\":\"P$1\",\"from_center\":\"FE-ONC\",\"to_center\":\"BO-SER\",\"target\":\"ide-cel\",\"events\":[{\"date\":\"2026-11-02\",\"state\":\"referred\",\"note\":\"$(head -c 3000 /dev/zero | tr '\0' x)\"}]}"
}
health() { curl -sS -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$port/api/v1/health"; }

if [ "$(db_kind)" = sqlite ]; then
  DB=$T/full.db
  TOKEN=$("$M" token new --center BO-SER --add-center --role hub --db "$DB" 2>/dev/null)
  "$M" referral new --db "$DB" --id R-0 --patient P-0 --from FE-ONC --to BO-SER \
    --target ide-cel >/dev/null
  # the command line: an import that does not fit stores nothing and says why
  bash "$HERE/../data/referral/gen_bulk.sh" 3000 F >"$T/bulk.json"
  ( trap '' XFSZ; ulimit -f 300; exec "$M" referral import "$T/bulk.json" --db "$DB" ) \
    >/dev/null 2>"$T/err"
  st=$?
  [ "$st" = 4 ] && grep -q "no space left for the database" "$T/err" &&
    ok "an import without space: exit 4, 'no space left for the database'" ||
    bad "import without space: exit $st: $(cat "$T/err")"
  [ "$("$M" referral list --db "$DB" --format count)" = 1 ] && ok "nothing of it stored" ||
    bad "a part of the import was stored"
  # the server: writes until the space runs out, then 503 storage-full
  serve "$DB" 300 || bad "server did not start: $(cat "$T/serve.err")"
  last=
  for i in $(seq 1 400); do
    last=$(post "S-$i")
    [ "$last" = 201 ] || break
  done
  [ "$last" = 503 ] && grep -q '"urn:mmpath:problem:storage-full"' "$T/body" &&
    ok "POST without space: 503 storage-full after $((i - 1)) referrals" ||
    bad "POST without space: $last $(cat "$T/body")"
  # health commits a 32 KiB heartbeat: it is 503 storage-full when that
  # does not fit; it may still fit in WAL frames freed by the failed writes
  # (the database then did take that write), so 200 "writable" is honest too
  h=$(health)
  { [ "$h" = 503 ] && grep -q 'storage-full' "$T/body"; } ||
    { [ "$h" = 200 ] && grep -q '"database":"writable"' "$T/body"; } &&
    ok "health without space: $h, no other answer" ||
    bad "health without space: $h $(cat "$T/body")"
  kill "$spid"; wait "$spid" 2>/dev/null; spid=
  out=$("$M" referral check --db "$DB" 2>&1) && ok "the registry is sound: $out" || bad "check: $out"
  n=$("$M" referral list --db "$DB" --format count)
  a=$("$M" audit --db "$DB" --action referral.create | tail -n +2 | wc -l)
  [ "$n" = "$a" ] && ok "every referral stored has its audit row ($n)" || bad "$n stored, $a audited"

  # a file the server's user may only read (as root: run as nobody)
  RO=$T/ro.db
  cp "$DB" "$RO"
  if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
    chmod 644 "$RO"
    as=(runuser -u nobody --)
  else
    chmod 444 "$RO"
    as=()
  fi
  "${as[@]}" "$M" serve --port 0 --db "$RO" >/dev/null 2>"$T/err" &
  spid=$!
  for _ in $(seq 1 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$spid" 2>/dev/null; then bad "serve started on a read-only database"; kill "$spid"; fi
  wait "$spid" 2>/dev/null
  st=$?
  spid=
  [ "$st" = 3 ] && grep -q "cannot be written" "$T/err" &&
    ok "serve refuses a read-only database: $(head -1 "$T/err")" || bad "read-only serve: $st $(cat "$T/err")"
else
  DB=$(test_db ro "$T") || exit $?
  TOKEN=$("$M" token new --center BO-SER --add-center --role hub --db "$DB" 2>/dev/null)
  serve "$DB" || bad "server did not start: $(cat "$T/serve.err")"
  [ "$(post R-1)" = 201 ] && ok "a write before" || bad "write before: $(cat "$T/body")"
  name=${DB#postgresql:///}
  name=${name%%\?*}
  sql "${DB/\/\/\/$name/\/\/\/postgres}" "ALTER DATABASE \"$name\" SET default_transaction_read_only = on"
  # each new connection of the server reads the database's setting
  h=$(health)
  [ "$h" = 503 ] && grep -q 'storage-read-only' "$T/body" && ok "health: 503 storage-read-only" ||
    bad "health on a read-only database: $h $(cat "$T/body")"
  # the server keeps one session per worker: the setting reaches it when the
  # session is renewed (a failover, a restart of PostgreSQL): end them
  sql "${DB/\/\/\/$name/\/\/\/postgres}" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$name'" >/dev/null
  s=$(post R-2)
  [ "$s" = 503 ] && grep -q 'storage-read-only' "$T/body" || s=$(post R-3)
  [ "$s" = 503 ] && grep -q 'storage-read-only' "$T/body" && ok "POST: 503 storage-read-only" ||
    bad "POST on a read-only database: $s $(cat "$T/body")"
  kill "$spid"; wait "$spid" 2>/dev/null; spid=
  "$M" serve --port 0 --db "$DB" >/dev/null 2>"$T/err"
  st=$?
  [ "$st" = 3 ] && grep -q "cannot be written" "$T/err" &&
    ok "serve refuses a read-only database: $(head -1 "$T/err")" || bad "read-only serve: $st $(cat "$T/err")"
  "$M" referral new --db "$DB" --id R-3 --patient P-3 --from FE-ONC --to BO-SER \
    --target ide-cel >/dev/null 2>"$T/err"
  st=$?
  [ "$st" = 4 ] && grep -q "the database cannot be written" "$T/err" &&
    ok "referral new on it: exit 4, 'the database cannot be written'" || bad "CLI: $st $(cat "$T/err")"
fi
echo "$fails failure(s)"
[ "$fails" = 0 ]
