//! ngspice is the circuit truth: the equivalent circuit of amplifier output, class-D filter,
//! cable and driver (free air, sealed, vented) is simulated by `ngspice -b` and our input
//! impedance and transfer must match its AC sweep within 0.001 dB and 0.01° over
//! 20 Hz–20 kHz, for catalog drivers. `scripts/test` installs ngspice; a missing ngspice
//! fails the test rather than skipping it.

use std::path::Path;
use std::process::Command;

use ampmatch_catalog::{Catalog, Device, DeviceKind};
use ampmatch_core::amplifier::OutputFilter;
use ampmatch_core::chain::Chain;
use ampmatch_core::impedance::{DriverResonance, Enclosure, SourceImpedance};
use ampmatch_core::spice::{Sweep, circuit, ngspice_deck};

mod spice_common;
use num_complex::Complex64;
use spice_common::{complete_drivers, read_wrdata};

/// Runs the deck and returns rows of (f, Z, H).
fn run_ngspice(deck: &str, dir: &Path, name: &str) -> Vec<(f64, Complex64, Complex64)> {
    let cir = dir.join(format!("{name}.cir"));
    let out = dir.join(format!("{name}.txt"));
    let deck = deck.replace("OUTFILE", out.to_str().unwrap());
    std::fs::write(&cir, deck).unwrap();
    let o = Command::new("ngspice")
        .arg("-b")
        .arg(&cir)
        .current_dir(dir)
        .output()
        .expect("ngspice must be installed (scripts/test installs it)");
    assert!(
        o.status.success(),
        "ngspice failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap_or_else(|e| {
        panic!(
            "{name}: no output {e}: {}",
            String::from_utf8_lossy(&o.stdout)
        )
    });
    read_wrdata(&text)
}

fn db(z: Complex64) -> f64 {
    20.0 * z.norm().log10()
}

fn phase_diff_deg(a: Complex64, b: Complex64) -> f64 {
    (a / b).arg().to_degrees()
}

fn check_against_ngspice(
    name: &str,
    chain: &Chain,
    driver: &DriverResonance,
    enclosure: &Enclosure,
    dir: &Path,
) -> (f64, f64) {
    let sweep = Sweep {
        points_per_decade: 100,
        start_hz: 20.0,
        stop_hz: 20_000.0,
    };
    let deck = ngspice_deck(
        &circuit(name, chain, driver, enclosure),
        sweep,
        "OUTFILE",
        1,
    );
    let rows = run_ngspice(&deck, dir, name);
    assert!(rows.len() >= 300, "{name}: {} rows", rows.len());
    let (mut worst_db, mut worst_deg) = (0f64, 0f64);
    for (f, z_spice, h_spice) in rows {
        let z = driver.in_box(enclosure, f);
        let (h, _) = chain.at(f, z);
        worst_db = worst_db
            .max((db(z) - db(z_spice)).abs())
            .max((db(h) - db(h_spice)).abs());
        worst_deg = worst_deg
            .max(phase_diff_deg(z, z_spice).abs())
            .max(phase_diff_deg(h, h_spice).abs());
        assert!(
            (db(z) - db(z_spice)).abs() <= 0.001,
            "{name} {f} Hz: |Z| {} vs ngspice {}",
            z.norm(),
            z_spice.norm()
        );
        assert!(
            phase_diff_deg(z, z_spice).abs() <= 0.01,
            "{name} {f} Hz: ∠Z {} vs {}",
            z.arg().to_degrees(),
            z_spice.arg().to_degrees()
        );
        assert!(
            (db(h) - db(h_spice)).abs() <= 0.001,
            "{name} {f} Hz: |H| {} dB vs ngspice {} dB",
            db(h),
            db(h_spice)
        );
        assert!(
            phase_diff_deg(h, h_spice).abs() <= 0.01,
            "{name} {f} Hz: ∠H"
        );
    }
    (worst_db, worst_deg)
}

#[test]
fn twenty_catalog_drivers_in_every_box_match_ngspice() {
    let dir = tempfile::tempdir().unwrap();
    let chain = Chain {
        source: Some(SourceImpedance::Resistive { ohm: 0.05 }),
        cable_ohm: 0.1,
        filter: None,
    };
    let mut worst = (0f64, 0f64);
    for (i, (id, ts)) in complete_drivers(20).iter().enumerate() {
        let vas = ts.vas_l.unwrap();
        // Boxes sized from the driver itself so every driver gets a meaningful alignment:
        // sealed Vb = Vas (α = 1); vented Vb = Vas tuned to fs.
        let boxes = [
            ("free", Enclosure::FreeAir),
            ("sealed", Enclosure::sealed(vas, vas).unwrap()),
            (
                "vented",
                Enclosure::vented(vas, vas, ts.driver.fs_hz, 7.0).unwrap(),
            ),
        ];
        for (label, enclosure) in boxes {
            let (d, p) = check_against_ngspice(
                &format!("d{i}-{label}"),
                &chain,
                &ts.driver,
                &enclosure,
                dir.path(),
            );
            worst = (worst.0.max(d), worst.1.max(p));
            let _ = id;
        }
    }
    eprintln!(
        "worst deviation from ngspice: {:.2e} dB, {:.2e}°",
        worst.0, worst.1
    );
}

#[test]
fn class_d_filter_and_cable_match_ngspice() {
    // TPA3116D2-style BTL filter: 10 µH and 680 nF, into a woofer in a vented box, and into
    // a driver in free air with no source resistance.
    let dir = tempfile::tempdir().unwrap();
    let ds = complete_drivers(2);
    for (k, (label, rout, cable)) in [("filter-a", 0.02, 0.2), ("filter-b", 0.0, 0.0)]
        .into_iter()
        .enumerate()
    {
        let chain = Chain {
            source: Some(SourceImpedance::Resistive { ohm: rout }),
            cable_ohm: cable,
            filter: Some(OutputFilter {
                l_h: 10e-6,
                c_f: 680e-9,
                post_filter_feedback: false,
            }),
        };
        let ts = ds[k].1;
        let vas = ts.vas_l.unwrap();
        let enclosure = if k == 0 {
            Enclosure::vented(vas, 2.0 * vas, 0.8 * ts.driver.fs_hz, 10.0).unwrap()
        } else {
            Enclosure::FreeAir
        };
        check_against_ngspice(label, &chain, &ts.driver, &enclosure, dir.path());
    }
}

#[test]
fn published_kicker_elements_in_ngspice() {
    // Kicker 49ST9MR8 with the published elements (Res 21.62 Ω, Cmes 302.84 µF, Lces 6.88 mH):
    // the impedance peaks at Re + Res = 27.80 Ω at fs = 1/(2π√(Lces·Cmes)) = 110.3 Hz.
    let d = DriverResonance::new(6.18, 0.0, 110.3, 4.537, 1.297).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let chain = Chain {
        source: None,
        cable_ohm: 0.0,
        filter: None,
    };
    check_against_ngspice("kicker", &chain, &d, &Enclosure::FreeAir, dir.path());
    let fs = 1.0 / (2.0 * std::f64::consts::PI * (6.88e-3f64 * 302.84e-6).sqrt());
    assert!((fs - 110.3).abs() < 0.1, "{fs}");
    assert!((d.at(fs).norm() - 27.80).abs() < 0.02);
}

#[test]
fn catalog_driver_with_measured_curve_loads() {
    // The matched Wavecor curve stays the impedance model; the T/S stay for Qts.
    let c = Catalog::builtin();
    let Device::Load(d) = c
        .resolve("wavecor-wf152bd13-14-15-16", DeviceKind::Load)
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        d.load.impedance,
        Some(ampmatch_core::ImpedanceModel::Measured(_))
    ));
    assert!(d.load.thiele_small.is_some());
}
