#!/usr/bin/env python3
"""Peak memory and time of `ampmatch track` over folders of many short files.

Usage: python3 bench/track_batch_memory.py [COUNTS...]   (default: 400 4000)
For each count N, makes N one-second stereo FLACs (copies of a few generated ones, so the
set-up is quick) and runs `ampmatch track DIR --json` with decoding in worker processes
(the default) and in process (hidden --decode-in-process). Peak memory is the largest
resident set of the process tree (wait4's ru_maxrss covers reaped descendants); if the
album still kept every file's meter it would grow ~0.8 MB a file.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

COUNTS = [int(a) for a in sys.argv[1:]] or [400, 4000]
subprocess.run(["cargo", "build", "--release", "-q", "-p", "ampmatch-cli"], check=True)
BIN = os.path.abspath("target/release/ampmatch")
work = tempfile.mkdtemp(prefix="ampmatch-batch-")
seeds = []
for i in range(8):
    p = os.path.join(work, f"seed{i}.flac")
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"anoisesrc=d=1:c=pink:r=44100:a=0.3:seed={i}", "-ac", "2", p], check=True)
    seeds.append(p)


def run(cmd):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
    return time.perf_counter() - t, usage.ru_maxrss / 1024.0


for n in COUNTS:
    d = os.path.join(work, f"n{n}")
    os.makedirs(d)
    for i in range(n):
        shutil.copy(seeds[i % len(seeds)], os.path.join(d, f"{i:05}.flac"))
    t_w, rss_w = run([BIN, "track", d, "--json"])
    t_p, rss_p = run([BIN, "track", d, "--json", "--decode-in-process"])
    print(f"{n:5} files: workers {t_w:6.2f} s, peak {rss_w:6.1f} MiB | in process {t_p:6.2f} s, "
          f"peak {rss_p:6.1f} MiB | workers cost {100 * (t_w / t_p - 1):+.1f} % time")
    shutil.rmtree(d)
shutil.rmtree(work)
