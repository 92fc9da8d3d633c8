#!/usr/bin/env bash
# Our impedance/transfer curve computation against ngspice's AC analysis of the same
# circuits (20 catalog drivers × free air, sealed, vented), with the ratio of times and
# the worst disagreement. Needs ngspice (scripts/test installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ngspice >/dev/null || { echo "ngspice is not installed: apt-get install ngspice" >&2; exit 1; }
cargo run --release -q -p ampmatch-catalog --example spice_bench
