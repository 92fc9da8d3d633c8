//! The leave-one-out study behind the maximum's uncertainty band (docs/limits-study.md).
//!
//! Every catalog output with two or more *measured* loads: hold each measured load out
//! (every figure at that load), predict it from the rest with the limits model, and record
//! the error and the distance in octaves to the nearest remaining rated load. The band is
//! floor + k · octaves; k is calibrated by cross-validation — the k used for an output's
//! held-out points comes from the *other* outputs only — so the coverage is out of sample.
//! `cargo test -p ampmatch-catalog --test limits_study -- --nocapture` prints the table.

use ampmatch_catalog::{Catalog, Device};
use ampmatch_core::amplifier::{AmpOutput, Confidence};
use ampmatch_core::limits::{
    BAND_DB_PER_OCTAVE, BAND_DB_PER_OCTAVE_BELOW, LimitFit, OPEN_CIRCUIT_REFERENCE_OHM, floor_db,
};

/// The share of other outputs' held-out points the calibrated band must cover.
const CALIBRATION_QUANTILE: f64 = 0.85;

/// One held-out prediction.
#[derive(Debug, Clone)]
struct Sample {
    output: usize,
    name: String,
    load_ohm: f64,
    error_db: f64,
    octaves: f64,
    floor_db: f64,
    /// −1 below the lowest remaining rated load, 0 between, 1 above the highest.
    region: i8,
}

fn measured(c: Confidence) -> bool {
    matches!(c, Confidence::High | Confidence::User)
}

/// The held-out predictions for one output.
fn hold_out(i: usize, name: &str, o: &AmpOutput) -> Vec<Sample> {
    let mut loads: Vec<f64> = o
        .ratings
        .iter()
        .filter(|r| measured(r.confidence))
        .filter_map(|r| r.load_ohm)
        .collect();
    loads.sort_by(f64::total_cmp);
    loads.dedup_by(|a, b| (*a / *b - 1.0).abs() < 1e-9);
    if loads.len() < 2 {
        return vec![];
    }
    let same = |r: Option<f64>, z: f64| r.is_some_and(|x| (x / z - 1.0).abs() < 1e-9);
    let mut out = vec![];
    for &z in &loads {
        let truth = o
            .ratings
            .iter()
            .find(|r| measured(r.confidence) && same(r.load_ohm, z))
            .expect("a measured point at this load")
            .voltage_vrms;
        let mut rest = o.clone();
        rest.ratings.retain(|r| !same(r.load_ohm, z));
        let fit = LimitFit::from_output(&rest);
        let Some(at) = fit.at(z) else { continue };
        // The nearest remaining rated load and its confidence, as the model measures it
        // (an open-circuit figure counts only when no load is rated, at the reference load).
        let loaded = rest.ratings.iter().any(|r| r.load_ohm.is_some());
        let nearest = rest
            .ratings
            .iter()
            .filter(|r| r.load_ohm.is_some() || !loaded)
            .map(|r| {
                let zr = r.load_ohm.unwrap_or(OPEN_CIRCUIT_REFERENCE_OHM.max(z));
                ((z / zr).log2().abs(), floor_db(r.confidence))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .expect("a remaining figure");
        let rated: Vec<f64> = rest.ratings.iter().filter_map(|r| r.load_ohm).collect();
        let region = if rated.iter().all(|x| z < *x) {
            -1
        } else if rated.iter().all(|x| z > *x) {
            1
        } else {
            0
        };
        out.push(Sample {
            region,
            output: i,
            name: name.to_string(),
            load_ohm: z,
            error_db: (20.0 * (at.voltage_vrms / truth).log10()).abs(),
            octaves: nearest.0,
            floor_db: nearest.1,
        });
    }
    out
}

/// The smallest k (dB/octave) for which `quantile` of `samples` fall within floor + k·d.
fn calibrate(samples: &[&Sample], quantile: f64) -> f64 {
    let mut need: Vec<f64> = samples
        .iter()
        .map(|s| {
            let over = (s.error_db - s.floor_db).max(0.0);
            if over == 0.0 {
                0.0
            } else if s.octaves > 0.0 {
                over / s.octaves
            } else {
                f64::INFINITY
            }
        })
        .collect();
    need.sort_by(f64::total_cmp);
    let idx = ((need.len() as f64 * quantile).ceil() as usize).clamp(1, need.len()) - 1;
    need[idx]
}

fn covered(s: &Sample, k: f64) -> bool {
    s.error_db <= s.floor_db + k * s.octaves + 1e-9
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

#[test]
fn band_covers_held_out_points_out_of_sample() {
    let c = Catalog::builtin();
    let mut samples = vec![];
    let mut n_outputs = 0;
    for e in c.entries() {
        let Ok(Device::Amplifier(a)) = c.load(e) else {
            continue;
        };
        for o in a.amplifier.resolved_outputs() {
            let s = hold_out(n_outputs, &format!("{} [{}]", a.meta.id, o.name), &o);
            if !s.is_empty() {
                n_outputs += 1;
                samples.extend(s);
            }
        }
    }
    assert!(
        n_outputs >= 15 && samples.len() >= 30,
        "{n_outputs} outputs, {} points",
        samples.len()
    );
    // Two slopes: below the lowest remaining rated load (where the model holds the current,
    // conservatively) and elsewhere. Cross-validation: each output's slopes from the others.
    let below = |s: &&Sample| s.region < 0;
    let elsewhere = |s: &&Sample| s.region >= 0;
    let mut hits = 0;
    for j in 0..n_outputs {
        let others: Vec<&Sample> = samples.iter().filter(|s| s.output != j).collect();
        let kb = calibrate(
            &others.iter().copied().filter(below).collect::<Vec<_>>(),
            CALIBRATION_QUANTILE,
        );
        let ke = calibrate(
            &others.iter().copied().filter(elsewhere).collect::<Vec<_>>(),
            CALIBRATION_QUANTILE,
        );
        for s in samples.iter().filter(|s| s.output == j) {
            hits += usize::from(covered(s, if s.region < 0 { kb } else { ke }));
        }
    }
    let coverage = hits as f64 / samples.len() as f64;
    let mut errors: Vec<f64> = samples.iter().map(|s| s.error_db).collect();
    errors.sort_by(f64::total_cmp);
    let all: Vec<&Sample> = samples.iter().collect();
    let kb_all = calibrate(
        &all.iter().copied().filter(below).collect::<Vec<_>>(),
        CALIBRATION_QUANTILE,
    );
    let ke_all = calibrate(
        &all.iter().copied().filter(elsewhere).collect::<Vec<_>>(),
        CALIBRATION_QUANTILE,
    );
    let shipped_k = |s: &Sample| {
        if s.region < 0 {
            BAND_DB_PER_OCTAVE_BELOW
        } else {
            BAND_DB_PER_OCTAVE
        }
    };
    let shipped =
        samples.iter().filter(|s| covered(s, shipped_k(s))).count() as f64 / samples.len() as f64;
    println!(
        "| outputs | held-out points | median error | p90 error | max error | cross-validated coverage | slopes from all data (below / elsewhere) | shipped slopes | coverage at the shipped slopes |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "| {n_outputs} | {} | {:.2} dB | {:.2} dB | {:.2} dB | {:.0} % | {kb_all:.2} / {ke_all:.2} dB/oct | {BAND_DB_PER_OCTAVE_BELOW} / {BAND_DB_PER_OCTAVE} dB/oct | {:.0} % |",
        samples.len(),
        quantile(&errors, 0.5),
        quantile(&errors, 0.9),
        errors.last().unwrap(),
        100.0 * coverage,
        100.0 * shipped
    );
    for (region, pick) in [
        ("below the lowest rated load", -1),
        ("between rated loads", 0),
        ("above the highest", 1),
    ] {
        let sel: Vec<&Sample> = samples.iter().filter(|s| s.region == pick).collect();
        if sel.is_empty() {
            continue;
        }
        let mut e: Vec<f64> = sel.iter().map(|s| s.error_db).collect();
        e.sort_by(f64::total_cmp);
        println!(
            "| {region} | {} | {:.2} dB | {:.2} dB | {:.2} dB | | | | |",
            sel.len(),
            quantile(&e, 0.5),
            quantile(&e, 0.9),
            e.last().unwrap()
        );
    }
    let mut worst: Vec<&Sample> = samples.iter().collect();
    worst.sort_by(|a, b| b.error_db.total_cmp(&a.error_db));
    for s in worst.iter().take(5) {
        println!(
            "worst: {} at {} Ω: {:.2} dB, {:.2} octaves from the nearest rated load",
            s.name, s.load_ohm, s.error_db, s.octaves
        );
    }
    assert!(coverage >= 0.80, "cross-validated coverage {coverage:.3}");
    // The shipped band is at least as wide as the whole study calls for.
    assert!(BAND_DB_PER_OCTAVE_BELOW >= kb_all - 1e-9 && BAND_DB_PER_OCTAVE >= ke_all - 1e-9);
    assert!(
        shipped >= 0.80,
        "coverage at the shipped slopes {shipped:.3}"
    );
}
