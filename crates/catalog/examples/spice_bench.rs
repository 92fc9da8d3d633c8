//! Times ampmatch's curve computation against ngspice's AC analysis of the same circuits.
//! Run through `bench/spice_vs_ngspice.sh` (release build). For each of 20 catalog drivers
//! × {free air, sealed, vented}: the same frequency points (160 per decade, 20 Hz–20 kHz),
//! ours timed in-process (median of many runs), ngspice's own "Total analysis time" over
//! repeated sweeps in one batch run, and the worst disagreement in dB.

use std::process::Command;
use std::time::Instant;

#[path = "../tests/spice_common/mod.rs"]
mod spice_common;
use ampmatch_core::chain::Chain;
use ampmatch_core::impedance::{Enclosure, PreparedDriver, SourceImpedance};
use ampmatch_core::spice::{Sweep, circuit, ngspice_deck};
use num_complex::Complex64;
use spice_common::{complete_drivers, read_wrdata};

const REPEATS: u32 = 200;

fn main() {
    let drivers: Vec<_> = complete_drivers(20).into_iter().map(|(_, ts)| ts).collect();
    let chain = Chain {
        source: Some(SourceImpedance::Resistive { ohm: 0.05 }),
        cable_ohm: 0.1,
        filter: None,
    };
    let sweep = Sweep {
        points_per_decade: 160,
        start_hz: 20.0,
        stop_hz: 20_000.0,
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ours_total, mut spice_total, mut worst_db, mut circuits) = (0.0, 0.0, 0f64, 0);
    println!(
        "{:<8} {:>14} {:>16} {:>9} {:>12}",
        "box", "ours µs/sweep", "ngspice µs/sweep", "ratio", "worst dB"
    );
    for label in ["free", "sealed", "vented"] {
        let (mut ours_box, mut spice_box) = (0.0, 0.0);
        for (i, ts) in drivers.iter().enumerate() {
            let vas = ts.vas_l.unwrap_or(1.0);
            let enclosure = match label {
                "free" => Enclosure::FreeAir,
                "sealed" => Enclosure::sealed(vas, vas).expect("valid box"),
                _ => Enclosure::vented(vas, vas, ts.driver.fs_hz, 7.0).expect("valid box"),
            };
            let name = format!("b{i}-{label}");
            let out = dir.path().join(format!("{name}.txt"));
            let cir = dir.path().join(format!("{name}.cir"));
            let deck = ngspice_deck(
                &circuit(&name, &chain, &ts.driver, &enclosure),
                sweep,
                out.to_str().unwrap(),
                REPEATS,
            );
            std::fs::write(&cir, deck).expect("write deck");
            let o = Command::new("ngspice")
                .arg("-b")
                .arg(&cir)
                .output()
                .expect("ngspice installed");
            let stdout = String::from_utf8_lossy(&o.stdout);
            let analysis_s: f64 = stdout
                .lines()
                .find_map(|l| l.strip_prefix("Total analysis time (seconds) = "))
                .and_then(|v| v.trim().parse().ok())
                .expect("ngspice prints its analysis time");
            let rows: Vec<(f64, Complex64)> =
                read_wrdata(&std::fs::read_to_string(&out).expect("ngspice output"))
                    .into_iter()
                    .map(|(f, _, h)| (f, h))
                    .collect();
            let freqs: Vec<f64> = rows.iter().map(|r| r.0).collect();
            // Ours: Z and H at the same points; the median of 51 timed runs.
            let mut times = vec![];
            let mut hs = vec![Complex64::new(0.0, 0.0); freqs.len()];
            for _ in 0..51 {
                let t = Instant::now();
                let prepared = PreparedDriver::new(&ts.driver, &enclosure);
                for (k, &f) in freqs.iter().enumerate() {
                    let z = prepared.z(f);
                    hs[k] = std::hint::black_box(chain.at(f, z).0);
                }
                times.push(t.elapsed().as_secs_f64());
            }
            times.sort_by(f64::total_cmp);
            for (k, (_, h_spice)) in rows.iter().enumerate() {
                worst_db = worst_db
                    .max((20.0 * hs[k].norm().log10() - 20.0 * h_spice.norm().log10()).abs());
            }
            ours_box += times[times.len() / 2];
            spice_box += analysis_s / REPEATS as f64;
            circuits += 1;
        }
        let n = drivers.len() as f64;
        println!(
            "{label:<8} {:>14.2} {:>16.2} {:>8.0}× {:>12.1e}",
            1e6 * ours_box / n,
            1e6 * spice_box / n,
            spice_box / ours_box,
            worst_db
        );
        ours_total += ours_box;
        spice_total += spice_box;
    }
    println!(
        "all {circuits} circuits: ours {:.2} µs/sweep, ngspice {:.2} µs/sweep → {:.0}× faster; worst |H| disagreement {:.1e} dB (goal ≥ 100× at ≤ 0.001 dB)",
        1e6 * ours_total / circuits as f64,
        1e6 * spice_total / circuits as f64,
        spice_total / ours_total,
        worst_db
    );
}
