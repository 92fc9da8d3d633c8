#!/usr/bin/env python3
"""`ampmatch track` against ffmpeg's ebur128 filter (with true peak) on the same files.

Usage: python3 bench/track_vs_ffmpeg.py [LONG_SECONDS] [FILES]
Generates (with ffmpeg) one long FLAC of music-like material and a folder of FILES
30-second FLACs, then times, each 3 times (median):
  - one long file, both pinned to core 0 (taskset -c 0);
  - the folder, both pinned to core 0 (ffmpeg run file after file);
  - the folder unpinned (ours uses every core; ffmpeg's filter is single-threaded);
and reports peak memory (max RSS) for a short and the long file, to show it stays flat.
Each ampmatch timing is taken twice: decoding in worker processes (the default: a file
that crashes the decoder costs only itself) and in process (hidden --decode-in-process),
so the cost of the isolation is printed beside the comparison with ffmpeg.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

LONG_S = int(sys.argv[1]) if len(sys.argv) > 1 else 600
N_FILES = int(sys.argv[2]) if len(sys.argv) > 2 else 20
REPS = 3

subprocess.run(["cargo", "build", "--release", "-q", "-p", "ampmatch-cli"], check=True)
BIN = os.path.abspath("target/release/ampmatch")
for tool in ("ffmpeg", "taskset"):
    if not shutil.which(tool):
        sys.exit(f"{tool} is needed")

work = tempfile.mkdtemp(prefix="ampmatch-bench-")


def gen(path, seconds, seed):
    # Pink noise with a slow level modulation and a sine: loud, dynamic, full-band.
    expr = (f"anoisesrc=d={seconds}:c=pink:r=44100:a=0.4:seed={seed}[n];"
            f"sine=f=220:d={seconds}:r=44100[s];[n][s]amix=inputs=2,"
            f"volume='0.6+0.4*sin(2*PI*t/7)':eval=frame,aformat=channel_layouts=stereo")
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-filter_complex", expr, "-c:a", "flac", path], check=True)


def run(cmd, pin):
    full = (["taskset", "-c", "0"] if pin else []) + cmd
    t = time.perf_counter()
    p = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t
    if status != 0:
        sys.exit(f"failed: {' '.join(full)}")
    return elapsed, usage.ru_maxrss / 1024.0


def median_time(cmds, pin):
    times = []
    for _ in range(REPS):
        times.append(sum(run(c, pin)[0] for c in cmds))
    return statistics.median(times)


def ffmpeg_cmd(path):
    return ["ffmpeg", "-nostats", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-"]


long_file = os.path.join(work, "long.flac")
short_file = os.path.join(work, "short.flac")
folder = os.path.join(work, "album")
os.makedirs(folder)
print(f"generating {LONG_S} s + {N_FILES} × 30 s of test audio in {work} …")
gen(long_file, LONG_S, 1)
gen(short_file, 60, 2)
for i in range(N_FILES):
    gen(os.path.join(folder, f"{i:02}.flac"), 30, 10 + i)
files = sorted(os.path.join(folder, f) for f in os.listdir(folder))

INPROC = ["--decode-in-process"]
ours = median_time([[BIN, "track", long_file, "--json"]], True)
ours_in = median_time([[BIN, "track", long_file, "--json"] + INPROC], True)
theirs = median_time([ffmpeg_cmd(long_file)], True)
print(f"one {LONG_S} s file, 1 core:   ampmatch {ours:6.2f} s   ffmpeg {theirs:6.2f} s   → {theirs / ours:4.2f}× faster"
      f"   (in process {ours_in:6.2f} s: workers cost {100 * (ours / ours_in - 1):+.1f} %)")

ours_dir = median_time([[BIN, "track", folder, "--json"]], True)
ours_dir_in = median_time([[BIN, "track", folder, "--json"] + INPROC], True)
theirs_dir = median_time([ffmpeg_cmd(f) for f in files], True)
print(f"{N_FILES} files, 1 core:        ampmatch {ours_dir:6.2f} s   ffmpeg {theirs_dir:6.2f} s   → {theirs_dir / ours_dir:4.2f}× faster"
      f"   (in process {ours_dir_in:6.2f} s: workers cost {100 * (ours_dir / ours_dir_in - 1):+.1f} %)")

ours_all = median_time([[BIN, "track", folder, "--json"]], False)
print(f"{N_FILES} files, {os.cpu_count()} cores:       ampmatch {ours_all:6.2f} s   (scaling {ours_dir / ours_all:4.2f}× over 1 core)")

# An AutoEq-sized preset (10 filters) over the long file: the EQ's cost (goal < 1.5×).
preset = os.path.join(work, "ParametricEQ.txt")
with open(preset, "w") as f:
    f.write("Preamp: -6.0 dB\n" + "".join(
        f"Filter {i + 1}: ON PK Fc {fc} Hz Gain {g} dB Q 1.0\n"
        for i, (fc, g) in enumerate([(31, 4), (62, 3), (125, 2), (250, -1), (500, 1),
                                     (1000, -2), (2000, 3), (4000, -3), (8000, 2), (16000, 1)])))
ours_eq = median_time([[BIN, "track", long_file, "--json", "--eq", preset]], True)
print(f"one {LONG_S} s file with a 10-filter EQ, 1 core: {ours_eq:6.2f} s   → {ours_eq / ours:4.2f}× the plain analysis (goal < 1.5×)")

# A GraphicEQ runs through 43 fitted filters: its cost.
graphic = os.path.join(work, "GraphicEQ.txt")
with open(graphic, "w") as f:
    f.write("GraphicEQ: 20 5; 80 5; 250 1; 1500 0; 2800 -3.5; 4500 1; 7000 4; 9000 -4; 12000 0; 20000 -3\n")
ours_geq = median_time([[BIN, "track", long_file, "--json", "--eq", graphic]], True)
print(f"one {LONG_S} s file with a GraphicEQ (43 filters), 1 core: {ours_geq:6.2f} s   → {ours_geq / ours:4.2f}× the plain analysis")

_, rss_short = run([BIN, "track", short_file, "--json"], True)
_, rss_long = run([BIN, "track", long_file, "--json"], True)
print(f"peak memory: 60 s file {rss_short:6.1f} MiB, {LONG_S} s file {rss_long:6.1f} MiB")
shutil.rmtree(work)
