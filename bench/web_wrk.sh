#!/usr/bin/env bash
# Throughput and latency of POST /api/v1/check against a hello-world route of the same
# server, with wrk (30 s, 64 connections, 2 threads), on loopback only.
# Usage: bench/web_wrk.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-30}
CONNS=${2:-64}
source bench/server.sh
trap 'kill $SERVER 2>/dev/null; rm -f "$LUA"' EXIT
LUA=$(mktemp --suffix=.lua)
cat > "$LUA" <<'LUA'
wrk.method = "POST"
wrk.body   = '{"amp": "nwavguy-objective2-o2", "load": "sennheiser-hd600"}'
wrk.headers["Content-Type"] = "application/json"
LUA
LUA_COLD=bench/check_cold.lua

run() { wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$@"; }
HELLO=$(run "http://127.0.0.1:$PORT/api/v1/hello")
CHECK=$(run -s "$LUA" "http://127.0.0.1:$PORT/api/v1/check")
COLD=$(run -s "$LUA_COLD" "http://127.0.0.1:$PORT/api/v1/check")
rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '/ 99%/ {print $2}'; }
errors() { awk '/Non-2xx|Socket errors/ {print}'; }
H=$(echo "$HELLO" | rps); C=$(echo "$CHECK" | rps)
echo "hello-world:          $H req/s, p99 $(echo "$HELLO" | p99)"
echo "POST /api/v1/check:   $C req/s, p99 $(echo "$CHECK" | p99)   (the same body each time: answer cache)"
echo "  every body new:     $(echo "$COLD" | rps) req/s, p99 $(echo "$COLD" | p99)   (computed each time)"
echo "check / hello:        $(python3 -c "print(f'{$C / $H:.1%}')")   (goal ≥ 50 %, p99 ≤ 10 ms, no errors)"
echo "errors:               $( (echo "$HELLO"; echo "$CHECK"; echo "$COLD") | errors | tr '\n' ' ')"
