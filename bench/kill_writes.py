#!/usr/bin/env python3
"""kill -9 at random moments while `ampmatch check --plot` writes its chart, N times
(default 400): the chart must always be either the previous whole file or the new whole
file, never a part; temp files a killed run leaves must be gone after the next write.

Usage: python3 bench/kill_writes.py [N]
"""
import glob
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 400
subprocess.run(["cargo", "build", "--release", "-q", "-p", "ampmatch-cli"], check=True)
BIN = os.path.abspath("target/release/ampmatch")
d = tempfile.mkdtemp(prefix="ampmatch-kill-")
out = os.path.join(d, "chart.svg")
cmd = [BIN, "check", "--amp", "O2", "--load", "HD600", "--plot", out]
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
# How long a whole run takes, to spread the kills over it.
t = time.perf_counter()
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
span = time.perf_counter() - t
partial = 0
killed = 0
for i in range(N):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0, span * 1.2))
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        killed += 1
    p.wait()
    text = open(out, encoding="utf-8", errors="replace").read()
    if not (text.startswith("<svg") and text.rstrip().endswith("</svg>")):
        partial += 1
left_before = len(glob.glob(os.path.join(d, ".*.tmp")))
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
left_after = len(glob.glob(os.path.join(d, ".*.tmp")))
print(f"{N} runs, {killed} killed mid-run: {partial} partial chart(s); "
      f"{left_before} temp file(s) left by killed runs, {left_after} after the next write")
sys.exit(1 if partial or left_after else 0)
