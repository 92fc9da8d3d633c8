# Sourced by the web benchmarks: builds the release binary and starts `ampmatch serve` on
# a free loopback port (PORT, SERVER), waiting until it answers. The caller kills SERVER.
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
cargo build --release -q -p ampmatch-cli
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target/release/ampmatch serve --addr "127.0.0.1:$PORT" > /dev/null &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/api/v1/hello" > /dev/null && break; sleep 0.1; done
