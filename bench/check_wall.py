#!/usr/bin/env python3
"""Median wall time of the release binary's `check` as a whole process.

Usage: python3 bench/check_wall.py [RUNS]   (builds the release binary first)
Prints the median and p90 of `ampmatch check` for a few pairings, and, as a peer measured
in the same run, `true` (process start-up floor) so the ratio shows what is ours.
"""
import statistics
import subprocess
import sys
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
subprocess.run(["cargo", "build", "--release", "-q", "-p", "ampmatch-cli"], check=True)
BIN = "target/release/ampmatch"
CASES = [
    ("O2 x HD600", [BIN, "check", "--amp", "Objective2", "--load", "Sennheiser HD600"]),
    ("O2 x DT1990 (measured curve)", [BIN, "check", "--amp", "nwavguy-objective2-o2", "--load", "beyerdynamic-dt1990-pro"]),
    ("Mojo x HE6se --json", [BIN, "check", "--amp", "Chord Mojo", "--load", "HiFiMAN HE6se", "--json"]),
    ("peer: /bin/true", ["true"]),
]


def measure(cmd):
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.9 * len(times))]


floor = None
results = []
for name, cmd in CASES:
    med, p90 = measure(cmd)
    results.append((name, med, p90))
    if name.startswith("peer"):
        floor = med
for name, med, p90 in results:
    ratio = f"{med / floor:5.1f}x true" if floor else ""
    print(f"{name:34s} median {med:7.3f} ms   p90 {p90:7.3f} ms   {ratio}")
print("goal: median <= 5 ms for check")
