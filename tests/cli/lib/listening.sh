# listening.sh: sourced by the tests that start `mmpath serve --port 0`.
#
# mm_listening_port LOG PID prints the port of the server's "listening on"
# line in LOG once it is there. It waits up to MM_LISTEN_WAIT seconds
# (default 60: a server under the sanitizers on a loaded 2-core machine took
# more than the 5 s these tests each allowed before), and stops at once when
# PID has exited. Returns 1 without printing when no port came.
mm_listening_port() {
  local log=$1 pid=$2 port deadline=$((SECONDS + ${MM_LISTEN_WAIT:-60}))
  while :; do
    port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$log" 2>/dev/null || true)
    [ -n "$port" ] && { echo "$port"; return 0; }
    kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}
