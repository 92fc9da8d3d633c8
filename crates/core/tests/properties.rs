//! Properties that must hold for every input inside the documented ranges (proptest,
//! issue 12). Each is a law of the circuit or of the arithmetic, not a recorded output.
//!
//! Ranges (the device-file schema's, docs/devices.md): impedance 1–1000 Ω, output
//! impedance 0–1000 Ω, voltage 0.01–200 V, sensitivity 70–130 dB/V, target 60–140 dB SPL.

use ampmatch_core::amplifier::{AmpOutput, Confidence, OutputKind, RatingPoint};
use ampmatch_core::analysis::{Report, Settings, Target, Verdict, analyze};
use ampmatch_core::chain::Chain;
use ampmatch_core::impedance::{ImpedanceModel, ImpedancePoint, MeasuredCurve, SourceImpedance};
use ampmatch_core::limits::LimitFit;
use ampmatch_core::load::{HeadphoneForm, Load};
use ampmatch_core::sensitivity::{
    Sensitivity, SensitivityUnit, db_per_mw_to_db_per_v, db_per_v_to_db_per_mw,
};
use ampmatch_core::units::{db20, undb20};
use num_complex::Complex64;
use proptest::prelude::*;

fn headphone(z: f64, sens_db_per_v: f64) -> Load {
    let mut l = Load::headphone("x", HeadphoneForm::OverEar);
    l.nominal_impedance_ohm = Some(z);
    l.sensitivity = Some(Sensitivity {
        value_db: sens_db_per_v,
        unit: SensitivityUnit::DbPerV,
    });
    l.confidence = Confidence::High;
    l
}

fn output(points: &[(Option<f64>, f64)], zo: f64) -> AmpOutput {
    let mut o = AmpOutput::new("out", OutputKind::SingleEnded);
    for &(z, v) in points {
        o.ratings
            .push(RatingPoint::from_voltage(z, v, Confidence::High, "test").unwrap());
    }
    o.output_impedance = Some(SourceImpedance::Resistive { ohm: zo });
    o
}

/// Every number anywhere in the report's JSON. serde_json writes a non-finite float as
/// null, so non-finite figures are looked for in the typed fields below as well.
fn assert_all_finite(r: &Report) {
    let finite = |v: Option<f64>, what: &str| {
        if let Some(x) = v {
            assert!(x.is_finite(), "{what} = {x}");
        }
    };
    finite(r.headroom_db, "headroom_db");
    finite(r.headroom_uncertainty_db, "headroom_uncertainty_db");
    finite(r.damping_factor, "damping_factor");
    finite(r.deviation_spread_db, "deviation_spread_db");
    finite(r.min_impedance_ohm, "min_impedance_ohm");
    finite(r.noise_spl_db, "noise_spl_db");
    finite(r.dynamic_range_db, "dynamic_range_db");
    finite(r.max.voltage_vrms, "max.voltage_vrms");
    finite(r.max.spl_db, "max.spl_db");
    finite(r.required.voltage_vrms, "required.voltage_vrms");
    finite(r.required.power_w, "required.power_w");
    finite(r.required.current_a, "required.current_a");
    for p in &r.curve {
        assert!(p.impedance_ohm.is_finite());
        finite(p.deviation_db, "curve.deviation_db");
        finite(p.max_spl_db, "curve.max_spl_db");
    }
    for p in &r.power_vs_load {
        let v = serde_json::to_value(p).unwrap();
        for (k, x) in v.as_object().unwrap() {
            assert!(!x.is_null() || k != "load_ohm", "power_vs_load {k}");
        }
    }
    let json = serde_json::to_value(r).unwrap();
    fn walk(v: &serde_json::Value) {
        match v {
            serde_json::Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite)),
            serde_json::Value::Array(a) => a.iter().for_each(walk),
            serde_json::Value::Object(o) => o.values().for_each(walk),
            _ => {}
        }
    }
    walk(&json);
    if r.verdict == Verdict::Good {
        assert!(r.headroom_db.is_some(), "good without a headroom");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Maximum power transfer: a source of open-circuit V and resistance Ro delivers at most
    /// V²/(4·Ro) into any passive load R + jX; P_load = |V/(Ro + R + jX)|²·R.
    #[test]
    fn power_delivered_never_exceeds_power_available(
        ro in 0.01f64..1000.0, r in 0.1f64..10_000.0, x in -10_000.0f64..10_000.0,
        v in 0.01f64..200.0, f in 20.0f64..20_000.0,
    ) {
        let chain = Chain { source: Some(SourceImpedance::Resistive { ohm: ro }), cable_ohm: 0.0, filter: None };
        let z = Complex64::new(r, x);
        let (h, _) = chain.at(f, z);
        let i = v * h.norm() / z.norm();
        let p = i * i * r;
        prop_assert!(p <= v * v / (4.0 * ro) * (1.0 + 1e-12), "{p} > {}", v * v / (4.0 * ro));
    }

    /// A purely resistive (flat) load deviates by nothing, whatever the source impedance.
    #[test]
    fn a_resistive_load_deviates_by_exactly_zero(z in 1.0f64..1000.0, zo in 0.0f64..1000.0) {
        let mut load = headphone(z, 100.0);
        let pts = [10.0, 1000.0, 40_000.0]
            .map(|f| ImpedancePoint { frequency_hz: f, magnitude_ohm: z, phase_deg: 0.0 })
            .to_vec();
        load.impedance = Some(ImpedanceModel::Measured(MeasuredCurve::new(pts, true).unwrap()));
        let r = analyze("amp", &output(&[(None, 2.0)], zo), &load, Target::default(), &Settings::default());
        prop_assert_eq!(r.deviation_spread_db, Some(0.0));
        for p in &r.curve {
            prop_assert_eq!(p.deviation_db, Some(0.0));
        }
    }

    /// dB ↔ linear and dB/mW ↔ dB/V are inverse pairs.
    #[test]
    fn db_conversions_round_trip(x in 1e-9f64..1e9, s in 60.0f64..140.0, z in 0.1f64..100_000.0) {
        prop_assert!((undb20(db20(x)) / x - 1.0).abs() < 1e-12);
        prop_assert!((db_per_v_to_db_per_mw(db_per_mw_to_db_per_v(s, z), z) - s).abs() < 1e-9);
    }

    /// More open-circuit voltage never means less maximum SPL.
    #[test]
    fn maximum_spl_is_monotonic_in_open_circuit_voltage(
        v in 0.01f64..100.0, more in 1.0001f64..10.0, zo in 0.0f64..100.0,
        z in 1.0f64..1000.0, sens in 70.0f64..130.0,
    ) {
        let load = headphone(z, sens);
        let at = |v: f64| analyze("amp", &output(&[(None, v)], zo), &load, Target::default(), &Settings::default()).max.spl_db.unwrap();
        prop_assert!(at(v * more) > at(v));
    }

    /// The limits pass through every measured rating point: points made by a Thevenin
    /// source (Voc behind Ro) that runs into a current limit I, V(z) = min(Voc·z/(z+Ro), I·z).
    #[test]
    fn the_limits_reproduce_every_measured_point(
        voc in 0.1f64..100.0, ro in 0.0f64..50.0, i in 0.01f64..20.0,
        loads in proptest::collection::btree_set(1u32..2000, 1..5),
    ) {
        let pts: Vec<(Option<f64>, f64)> = loads
            .iter()
            .map(|&z| { let z = z as f64 / 2.0 + 1.0; (Some(z), (voc * z / (z + ro)).min(i * z)) })
            .collect();
        let fit = LimitFit::from_output(&output(&pts, ro));
        for (z, v) in pts {
            let at = fit.at(z.unwrap()).unwrap();
            prop_assert!((at.voltage_vrms / v - 1.0).abs() < 1e-9, "at {z:?}: {} vs {v}", at.voltage_vrms);
        }
    }

    /// No NaN or inf anywhere in a report, and no `good` without a headroom, for any input
    /// inside the documented ranges.
    #[test]
    fn reports_are_finite_inside_the_documented_ranges(
        z in 1.0f64..1000.0, sens in 70.0f64..130.0, zo in 0.0f64..1000.0,
        v in 0.01f64..200.0, rated_at in proptest::option::of(1.0f64..1000.0),
        spl in 60.0f64..140.0,
    ) {
        let load = headphone(z, sens);
        let out = output(&[(rated_at, v)], zo);
        let r = analyze("amp", &out, &load, Target::Peak { spl_db: spl }, &Settings::default());
        assert_all_finite(&r);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A designed adapter never lets full output exceed the safe level at the ear.
    #[test]
    fn an_adapter_design_stays_under_the_safe_level(
        v in 0.5f64..150.0, zo in 0.0f64..2.0, z in 8.0f64..600.0, sens in 80.0f64..125.0,
        safe in 100.0f64..130.0,
    ) {
        let load = headphone(z, sens);
        let d = ampmatch_core::adapter::design(&output(&[(None, v)], zo), &load, safe, None, &Settings::default()).unwrap();
        let m = d.max_spl_db.unwrap();
        prop_assert!(m <= safe + 1e-6, "{m} dB over {safe} dB with {d:?}");
        prop_assert!(d.series_ohm > 0.0 && d.shunt_ohm > 0.0);
    }
}
