#!/usr/bin/env bash
# slowloris.sh [MMPATH] [SECONDS]: healthy requests during a slowloris
# (issue 18, "Done when"): 64 connections from 4 loopback addresses
# (127.0.0.2-5, 16 each: within the default per-client limit) each send
# an unfinished request and then one more header byte every 5 s,
# reconnecting at once when cut; meanwhile a client on 127.0.0.6 makes 10
# requests a second, each on a new connection, alternating GET
# /api/v1/health and POST /api/v1/evaluate with a token. Prints, for this
# build and for OLD_REV (default c245bb7; OLD_REV=none: skip), the healthy
# requests' count, non-200 answers, p50/p99/max latency, and how many
# times the attackers were cut. Each server runs with its default limits.
# Goal: every healthy request 200, p99 < 100 ms. Linux only (loopback /8).
set -euo pipefail
cd "$(dirname "$0")/.."
MMPATH=${1:-build/mmpath}
SECS=${2:-30}
OLD_REV=${OLD_REV:-c245bb7}
[ -x "$MMPATH" ] || { echo "slowloris: no $MMPATH (build first)" >&2; exit 1; }
MMPATH=$(cd "$(dirname "$MMPATH")" && pwd)/$(basename "$MMPATH")
OLD=
[ "$OLD_REV" != none ] && OLD=$(bench/build_rev.sh "$OLD_REV")
tmp=$(mktemp -d)
spid=
cleanup() {
  [ -n "$spid" ] && kill "$spid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
record=demo/patients/01-second-relapse.json

one() { # LABEL BINARY
  local label=$1 bin=$2 db=$tmp/$1.db port=
  local token
  # --add-center: a build with the network's centres (issue 18); the old
  # build has no such option and takes any centre
  token=$("$bin" token new --center BO-SER --add-center --role analyst --db "$db" 2>/dev/null ||
    "$bin" token new --center BO-SER --role analyst --db "$db" 2>/dev/null)
  "$bin" serve --port 0 --db "$db" --no-demo >"$tmp/$label.out" 2>"$tmp/$label.err" &
  spid=$!
  for _ in $(seq 1 200); do
    port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$tmp/$label.out" 2>/dev/null || true)
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { cat "$tmp/$label.err" >&2; exit 1; }
  python3 - "$label" "$port" "$SECS" "$token" "$record" <<'PY'
import select, socket, sys, threading, time
label, port, secs, token, record = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
body = open(record, "rb").read()
stop = time.time() + secs + 6
cuts = [0]

def attacker():
    socks = {}
    def opn(src):
        s = socket.socket()
        s.bind((src, 0))
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        socks[s] = [src, 0.0, False]
    for i in range(64):
        opn("127.0.0.%d" % (2 + i // 16))
    while time.time() < stop:
        now = time.time()
        for s, st in list(socks.items()):
            try:
                if not st[2]:
                    s.send(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
                    st[2], st[1] = True, now
                elif now - st[1] >= 5:
                    s.send(b"X")  # one byte every 5 s
                    st[1] = now
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                del socks[s]; s.close(); cuts[0] += 1; opn(st[0])
        r, _, _ = select.select(list(socks), [], [], 0.2)
        for s in r:
            try:
                d = s.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                d = b""
            if s in socks:  # an answer (503/429) or a cut: either way, reconnect
                src = socks.pop(s)[0]; s.close(); cuts[0] += 1; opn(src)

t = threading.Thread(target=attacker, daemon=True)
t.start()
time.sleep(6)  # the attackers are in place (a first byte 5 s late too)
lat, bad, n = [], {}, 0
end = time.time() + secs
while time.time() < end:
    n += 1
    if n % 2:
        req = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    else:
        req = (b"POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
               b"Content-Type: application/json\r\nAuthorization: Bearer " + token.encode() +
               b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    t0 = time.perf_counter()
    status = "none"
    try:
        s = socket.socket()
        s.bind(("127.0.0.6", 0))
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        s.sendall(req)
        data = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
        s.close()
        status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "none"
    except OSError as e:
        status = type(e).__name__
    ms = (time.perf_counter() - t0) * 1000
    lat.append(ms)
    if status != "200":
        bad[status] = bad.get(status, 0) + 1
    time.sleep(max(0.0, 0.1 - ms / 1000))
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print("%-4s healthy requests %4d   non-200 %-18s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   attackers cut/refused %d"
      % (label, len(lat), sum(bad.values()) and str(bad) or "0", q(0.5), q(0.99), lat[-1], cuts[0]))
PY
  kill "$spid"; wait "$spid" 2>/dev/null || true; spid=
}
echo "slowloris: 64 connections from 127.0.0.2-5, healthy client on 127.0.0.6, ${SECS}s each;" \
  "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$OLD" ] && one old "$OLD"
one new "$MMPATH"
