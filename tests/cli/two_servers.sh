#!/usr/bin/env bash
# two_servers.sh MMPATH: two `mmpath serve` on one database (issue 15, "Done
# when"): 200 referrals posted at once, 100 to each server by parallel curl
# clients, are all stored, each with its audit row, and both servers list
# all 200, also after both are restarted. A token made after the servers
# started works on both (it is in the database); two moves of one referral
# sent to the two servers at once: the pathway lets exactly one through.
# With MMPATH_TEST_DB=pg on PostgreSQL (the hub's setup), else on one SQLite
# file shared by two processes.
set -uo pipefail
M=${1:?usage: two_servers.sh PATH-TO-MMPATH}
command -v curl >/dev/null || { echo "two_servers: curl is required" >&2; exit 1; }
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
source "$(dirname "$0")/../pg/db.sh"
db=$(test_db two "$tmp") || exit $?
echo "database: $(db_kind)"
fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }
N=100

declare -A port
start() { # NAME
  # emptied here, not by the background job's redirection: that may come
  # after the loop below has read the previous server's port (a restart)
  : >"$tmp/$1.out"
  "$M" serve --port 0 --db "$db" --max-connections 512 --max-per-client 256 \
    >"$tmp/$1.out" 2>"$tmp/$1.err" &
  pids+=($!)
  eval "pid_$1=$!"
  for _ in $(seq 1 200); do
    port[$1]=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$tmp/$1.out")
    [ -n "${port[$1]}" ] && return 0
    sleep 0.05
  done
  echo "server $1 did not start:" >&2
  cat "$tmp/$1.err" >&2
  exit 1
}
stop() { # NAME
  local p
  eval "p=\$pid_$1"
  kill "$p" && wait "$p" 2>/dev/null
}
count() { # NAME TOKEN
  curl -sS -H "Authorization: Bearer $2" "http://127.0.0.1:${port[$1]}/api/v1/referrals?limit=1000" |
    /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(d['count'], len({r['id'] for r in d['referrals']}))"
}

HUB=$("$M" token new --center BO-SER --add-center --role hub --db "$db" 2>/dev/null)
SPOKE=$("$M" token new --center FE-ONC --add-center --role spoke --db "$db" 2>/dev/null)
start a
start b

# 200 creates at once: 100 to each server, every one its own curl client;
# the ids are issued by the servers (FE-ONC-YYYY-NNNN), so the two race for
# each number inside their write transactions
post() { # SERVER TAG
  curl -sS -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $SPOKE" \
    -H 'Content-Type: application/json' "http://127.0.0.1:${port[$1]}/api/v1/referrals" \
    -d "{\"schema\":\"mmpath/referral@1\",\"patient\":\"P$2\",\"from_center\":\"FE-ONC\",\"to_center\":\"BO-SER\",\"target\":\"ide-cel\",\"events\":[{\"date\":\"2026-11-02\",\"state\":\"referred\"}]}" \
    >"$tmp/st.$2" 2>&1
}
for i in $(seq 1 $N); do
  post a "TA-$i" &
  post b "TB-$i" &
done
wait_posts() { for j in $(jobs -p); do case " ${pids[*]} " in *" $j "*) ;; *) wait "$j" ;; esac; done; }
wait_posts
created=$(cat "$tmp"/st.* | grep -c '^201$')
[ "$created" = $((2 * N)) ] && ok "$((2 * N)) referrals posted at once to two servers: all 201" ||
  bad "created $created of $((2 * N)): $(cat "$tmp"/st.* | sort | uniq -c | tr '\n' ' ')"
for s in a b; do
  [ "$(count $s "$HUB")" = "$((2 * N)) $((2 * N))" ] && ok "server $s lists all $((2 * N))" ||
    bad "server $s lists $(count $s "$HUB")"
done
n=$("$M" audit --db "$db" --action referral.create --format json | grep -c '"token"')
[ "$n" = $((2 * N)) ] && ok "each of them has its audit row (referral.create)" ||
  bad "audit rows of the creates: $n"

# a token made now, on the command line, works on both servers at once
LATE=$("$M" token new --center BO-SER --add-center --role analyst --db "$db" 2>/dev/null)
sa=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $LATE" "http://127.0.0.1:${port[a]}/api/v1/funnel")
sb=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $LATE" "http://127.0.0.1:${port[b]}/api/v1/funnel")
[ "$sa $sb" = "200 200" ] && ok "a token made after the start works on both servers" ||
  bad "late token: $sa $sb"

# the pathway's order under concurrency: the same move sent to both at once
mapfile -t IDS < <(curl -sS -H "Authorization: Bearer $HUB" "http://127.0.0.1:${port[a]}/api/v1/referrals?limit=1000" |
  /usr/bin/python3 -c "import json,sys; print('\n'.join(sorted(r['id'] for r in json.load(sys.stdin)['referrals'])[:10]))")
wins=0
for i in $(seq 1 10); do
  for s in a b; do
    curl -sS -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $HUB" \
      -H 'Content-Type: application/json' "http://127.0.0.1:${port[$s]}/api/v1/referrals/${IDS[$((i - 1))]}/events" \
      -d '{"date":"2026-11-03","state":"waitlisted"}' >"$tmp/mv.$i.$s" &
  done
  wait_posts
  [ "$(cat "$tmp/mv.$i.a" "$tmp/mv.$i.b" | sort | tr '\n' ' ')" = "201 422 " ] && wins=$((wins + 1))
done
[ "$wins" = 10 ] && ok "10 races of one move on two servers: exactly one won each time" ||
  bad "move races with exactly one winner: $wins of 10"

# both restarted: everything is still there
stop a
stop b
start a
start b
for s in a b; do
  [ "$(count $s "$HUB")" = "$((2 * N)) $((2 * N))" ] && ok "after a restart, server $s lists all $((2 * N))" ||
    bad "after a restart, server $s lists $(count $s "$HUB")"
done
out=$("$M" referral check --db "$db" 2>&1) && ok "check: $out" || bad "check: $out"
echo "two_servers: $fails failure(s)"
[ "$fails" = 0 ]
