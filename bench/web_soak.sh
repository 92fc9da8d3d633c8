#!/usr/bin/env bash
# Soak: wrk on the computed check path (every body new, bench/check_cold.lua) for SECONDS
# (default 60) with CONNECTIONS (default 64), then req/s, p99, errors, and the server's
# resident memory before, right after, and after 2000 idle connections have come and gone
# (dropped by the 10 s head-read timeout).
# Usage: bench/web_soak.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
CONNS=${2:-64}
source bench/server.sh
trap 'kill $SERVER 2>/dev/null' EXIT
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$SERVER/status"; }
# One computed check first, so "before" counts the catalog parsed once, not startup alone.
curl -sf -X POST -H 'Content-Type: application/json' \
  -d '{"amp": "nwavguy-objective2-o2", "load": "sennheiser-hd600"}' \
  "http://127.0.0.1:$PORT/api/v1/check" > /dev/null
echo "RSS:     before $(rss)"
# Two rounds: the second shows whether memory keeps growing (a leak) or has levelled off
# (the 512-answer cache full, the allocator's per-thread arenas warm).
for round in 1 2; do
  OUT=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s bench/check_cold.lua "http://127.0.0.1:$PORT/api/v1/check")
  echo "round $round ($SECS s, $CONNS connections, every body new):"
  echo "$OUT" | awk '/Requests\/sec/ {print "  req/s:   " $2} / 99%/ {print "  p99:     " $2}'
  echo "  errors:  $(echo "$OUT" | awk '/Non-2xx|Socket errors/' | tr '\n' ' ')$(echo "$OUT" | grep -qE 'Non-2xx|Socket errors' || echo none)"
  echo "  RSS after: $(rss)"
done
# 2000 clients that connect and send nothing: all must be dropped within ~20 s (1024 at a
# time, 10 s each), and the server must still answer at once.
python3 - "$PORT" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
t = time.time()
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(2000)]
for s in socks:
    s.settimeout(60)
    try:
        s.recv(1)
    except OSError:
        pass
print(f"idle:    2000 silent connections all dropped {time.time() - t:.1f} s after the first connected")
PY
curl -sf "http://127.0.0.1:$PORT/api/v1/hello" > /dev/null && echo "alive:   answers after the idle flood; RSS $(rss)"
