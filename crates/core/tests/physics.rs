//! The physics held against hand calculations and published worked examples
//! (shared/docs/physics.md). Every expected value is derived in the comment beside it.

use ampmatch_core::amplifier::{
    AmpOutput, Amplifier, Confidence, CurrentClaim, Noise, OutputKind, RatingPoint,
};
use ampmatch_core::analysis::{Limit, Settings, Target, Verdict, analyze, frequency_grid};
use ampmatch_core::impedance::{
    DriverResonance, ImpedanceModel, ImpedancePoint, MeasuredCurve, SourceImpedance,
};
use ampmatch_core::limits::{Basis, LimitFit};
use ampmatch_core::load::{HeadphoneForm, Load};
use ampmatch_core::sensitivity::{
    Sensitivity, SensitivityUnit, db_per_mw_to_db_per_v, db_per_v_to_db_per_mw,
};

fn close(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual}, expected {expected} ± {tol}"
    );
}

fn headphone(name: &str, z: f64, sens: f64, unit: SensitivityUnit, form: HeadphoneForm) -> Load {
    let mut l = Load::headphone(name, form);
    l.nominal_impedance_ohm = Some(z);
    l.sensitivity = Some(Sensitivity {
        value_db: sens,
        unit,
    });
    l.confidence = Confidence::High;
    l
}

fn output_with(points: &[(Option<f64>, f64)], zo: Option<f64>) -> AmpOutput {
    let mut o = AmpOutput::new("single-ended", OutputKind::SingleEnded);
    for &(z, v) in points {
        o.ratings
            .push(RatingPoint::from_voltage(z, v, Confidence::High, "test").unwrap());
    }
    o.output_impedance = zo.map(|ohm| SourceImpedance::Resistive { ohm });
    o
}

#[test]
fn db_per_mw_to_db_per_v_at_32_ohm() {
    // 1 mW into 32 Ω is √(0.032) V = 0.1789 V; 20·log10(1/0.1789) = 14.949 dB, so
    // 95 dB/mW = 95 + 14.949 = 109.949 dB/V.
    close(db_per_mw_to_db_per_v(95.0, 32.0), 109.95, 0.005, "dB/V");
    close(
        db_per_v_to_db_per_mw(109.949, 32.0),
        95.0,
        0.005,
        "back to dB/mW",
    );
    // 300 Ω: 10·log10(1000/300) = 5.229 dB (physics.md).
    close(
        db_per_mw_to_db_per_v(0.0, 300.0),
        5.23,
        0.005,
        "offset at 300 Ω",
    );
}

#[test]
fn he6se_needs_447_mw_at_110_db() {
    // 83.5 dB/mW at 50 Ω = 96.51 dB/V; V = 10^((110 − 96.51)/20) = 4.73 V;
    // P = 4.73²/50 = 0.447 W; I = 4.73/50 = 94.6 mA (physics.md: 447 mW, 4.73 V, 94.5 mA).
    let load = headphone(
        "HiFiMAN HE6se",
        50.0,
        83.5,
        SensitivityUnit::DbPerMw,
        HeadphoneForm::OverEar,
    );
    let out = output_with(&[(None, 20.0)], Some(0.1));
    let r = analyze(
        "amp",
        &out,
        &load,
        Target::Peak { spl_db: 110.0 },
        &Settings::default(),
    );
    close(r.required.power_w.unwrap(), 0.447, 0.0005, "power");
    close(r.required.voltage_vrms.unwrap(), 4.73, 0.005, "voltage");
    close(r.required.current_a.unwrap(), 0.0945, 0.0006, "current");
}

#[test]
fn output_impedance_divider_costs_6_02_and_2_36_db() {
    // 20·log10(10/(10+10)) = −6.021 dB; 20·log10(32/(32+10)) = −2.362 dB.
    let out = output_with(&[(None, 1.0)], Some(10.0));
    for (z, loss) in [(10.0, 6.021), (32.0, 2.362)] {
        let load = headphone(
            "x",
            z,
            100.0,
            SensitivityUnit::DbPerV,
            HeadphoneForm::OverEar,
        );
        let r = analyze("amp", &out, &load, Target::default(), &Settings::default());
        let v = r.max.voltage_vrms.unwrap();
        close(20.0 * v.log10(), -loss, 0.001, "divider loss");
        // damping factor 10/10 = 1 and 32/10 = 3.2
        close(r.damping_factor.unwrap(), z / 10.0, 1e-12, "damping factor");
    }
}

fn peaked_curve(nominal: f64, peak: f64) -> ImpedanceModel {
    // Flat at `nominal` with a resistive plateau at `peak` from 90 to 110 Hz, as a measured
    // curve, so that the analysis grid samples the peak value itself.
    let mut pts = vec![];
    for (f, z) in [
        (10.0, nominal),
        (50.0, nominal),
        (90.0, peak),
        (110.0, peak),
        (200.0, nominal),
        (40_000.0, nominal),
    ] {
        pts.push(ImpedancePoint {
            frequency_hz: f,
            magnitude_ohm: z,
            phase_deg: 0.0,
        });
    }
    ImpedanceModel::Measured(MeasuredCurve::new(pts, true).unwrap())
}

#[test]
fn deviation_300_ohm_with_600_ohm_peak_and_30_ohm_source_is_0_40_db() {
    // At 300 Ω: 20·log10(300/330) = −0.8279 dB; at 600 Ω: 20·log10(600/630) = −0.4238 dB;
    // spread 0.4041 dB (physics.md: 0.40 dB).
    let mut load = headphone(
        "x",
        300.0,
        97.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    load.impedance = Some(peaked_curve(300.0, 600.0));
    let out = output_with(&[(None, 7.0)], Some(30.0));
    let r = analyze("amp", &out, &load, Target::default(), &Settings::default());
    close(r.deviation_spread_db.unwrap(), 0.4041, 0.001, "spread");
    // The 1 kHz reference point sits at 0 dB, the 100 Hz peak at +0.404 dB.
    let at_1k = r
        .curve
        .iter()
        .find(|p| (p.frequency_hz - 1000.0).abs() < 1e-6)
        .unwrap();
    close(at_1k.deviation_db.unwrap(), 0.0, 1e-12, "reference");
    let at_100 = r
        .curve
        .iter()
        .find(|p| (p.frequency_hz - 100.0).abs() < 2.0)
        .unwrap();
    close(at_100.deviation_db.unwrap(), 0.4041, 0.001, "peak");
}

#[test]
fn eighth_rule_bounds_the_deviation_at_1_02_db() {
    // With Zout = Zmin/8 the level at Zmin is 20·log10(8/9) = −1.0231 dB and at an
    // arbitrarily high peak → 0 dB, so the spread approaches but never exceeds 1.0231 dB.
    for peak in [1e3, 1e5, 1e8] {
        let mut load = headphone(
            "x",
            32.0,
            100.0,
            SensitivityUnit::DbPerV,
            HeadphoneForm::OverEar,
        );
        load.impedance = Some(peaked_curve(32.0, peak));
        let out = output_with(&[(None, 2.0)], Some(4.0));
        let r = analyze("amp", &out, &load, Target::default(), &Settings::default());
        let d = r.deviation_spread_db.unwrap();
        assert!(d <= 1.0231 + 1e-9, "spread {d} above the bound");
        close(
            r.eighth_rule_max_output_impedance_ohm.unwrap(),
            4.0,
            1e-9,
            "Zmin/8",
        );
        assert!(
            r.findings
                .iter()
                .any(|f| f.rule == "eighth-rule" && f.severity == ampmatch_core::Severity::Info)
        );
    }
    // 20·log10(1e8/(1e8+4)) − 20·log10(32/36) = 1.0230 dB
    let mut load = headphone(
        "x",
        32.0,
        100.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    load.impedance = Some(peaked_curve(32.0, 1e8));
    let r = analyze(
        "amp",
        &output_with(&[(None, 2.0)], Some(4.0)),
        &load,
        Target::default(),
        &Settings::default(),
    );
    close(
        r.deviation_spread_db.unwrap(),
        1.0230,
        0.0002,
        "spread at a huge peak",
    );
}

#[test]
fn one_microvolt_into_122_db_per_v_is_2_db_spl() {
    // 122 + 20·log10(1e-6) = 122 − 120 = 2 dB SPL; 10 µV → 22 dB SPL.
    let load = headphone(
        "iem",
        16.0,
        122.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::InEar,
    );
    for (uv, spl) in [(1.0, 2.0), (10.0, 22.0)] {
        let mut out = output_with(&[(None, 1.0)], Some(0.0));
        out.noise = Some(Noise {
            noise_uv: uv,
            a_weighted: Some(true),
        });
        let r = analyze("amp", &out, &load, Target::default(), &Settings::default());
        close(r.noise_spl_db.unwrap(), spl, 1e-9, "hiss");
    }
    // Katz: −86.0 dBV residual into a 104 dB/V headphone → 18 dB SPL.
    let load = headphone(
        "hp",
        300.0,
        104.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    let mut out = output_with(&[(None, 1.0)], Some(0.0));
    out.noise = Some(Noise {
        noise_uv: 10f64.powf(-86.0 / 20.0) * 1e6,
        a_weighted: None,
    });
    let r = analyze("amp", &out, &load, Target::default(), &Settings::default());
    close(r.noise_spl_db.unwrap(), 18.0, 1e-9, "Katz");
}

#[test]
fn objective2_limits_reproduce_its_measured_points() {
    // SBAF, 1 % THD: 7.24 Vrms into 300 Ω and 4.24 Vrms into 33 Ω, measured: at those loads
    // the maximum *is* the measurement (band 0).
    let out = output_with(&[(Some(300.0), 7.24), (Some(33.0), 4.24)], None);
    let fit = LimitFit::from_output(&out);
    for (z, v) in [(300.0, 7.24), (33.0, 4.24)] {
        let at = fit.at(z).unwrap();
        assert_eq!(at.voltage_vrms, v);
        assert_eq!(at.basis, Basis::Measured);
        assert_eq!(at.uncertainty_db, 0.0);
    }
    // Between: log–log. At 100 Ω: t = ln(100/33)/ln(300/33) = 1.10866/2.20727 = 0.50228;
    // V = 4.24·(7.24/4.24)^0.50228 = 4.24·e^(0.50228·0.53505) = 4.24·1.30834 = 5.5474 V.
    let at = fit.at(100.0).unwrap();
    close(at.voltage_vrms, 5.5474, 0.0005, "interpolated");
    assert_eq!(at.basis, Basis::Interpolated);
    // Below 33 Ω no more than its 4.24/33 = 128.5 mA: 16 Ω → 2.0558 V.
    close(
        fit.at(16.0).unwrap().voltage_vrms,
        4.24 / 33.0 * 16.0,
        1e-12,
        "below",
    );
    // Above 300 Ω the 7.24 V is held.
    assert_eq!(fit.at(600.0).unwrap().voltage_vrms, 7.24);
    // Two points at different currents and voltages: neither limit is inferred.
    assert!(fit.current_limit_a.is_none() && fit.open_circuit_voltage_vrms.is_none());
}

#[test]
fn two_ratings_are_reproduced_not_averaged() {
    // "220 mW @ 16 Ω; 120 mW @ 32 Ω" → √(0.22·16) = 1.8762 V, √(0.12·32) = 1.9596 V: each
    // load gets its own rating (a least-squares fit would give both 1.9175 V).
    let mut out = AmpOutput::new("se", OutputKind::SingleEnded);
    out.ratings = vec![
        RatingPoint::from_power(16.0, 0.220, Confidence::Medium, "spec").unwrap(),
        RatingPoint::from_power(32.0, 0.120, Confidence::Medium, "spec").unwrap(),
    ];
    let fit = LimitFit::from_output(&out);
    close(
        fit.at(16.0).unwrap().voltage_vrms,
        (0.22f64 * 16.0).sqrt(),
        1e-12,
        "16 Ω",
    );
    close(
        fit.at(32.0).unwrap().voltage_vrms,
        (0.12f64 * 32.0).sqrt(),
        1e-12,
        "32 Ω",
    );
    assert_eq!(fit.at(32.0).unwrap().basis, Basis::Rated);
    // In between the power never exceeds the larger neighbour's 220 mW.
    for z in [17.0, 20.0, 24.0, 28.0, 31.0] {
        let v = fit.at(z).unwrap().voltage_vrms;
        assert!(v * v / z <= 0.22 + 1e-12, "{z} Ω: {} W", v * v / z);
    }
}

#[test]
fn stated_current_limit_binds_into_low_impedance() {
    // 5.48 V open circuit and 170 mA: into 16 Ω the current limit gives 0.170·16 = 2.72 V.
    let mut out = output_with(&[(None, 5.48)], Some(0.0));
    out.current_limits.push(CurrentClaim {
        current_a: 0.170,
        confidence: Confidence::Medium,
        source: "spec".into(),
    });
    let load = headphone(
        "x",
        16.0,
        100.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    let r = analyze("amp", &out, &load, Target::default(), &Settings::default());
    close(
        r.max.voltage_vrms.unwrap(),
        2.72,
        1e-9,
        "current-limited voltage",
    );
    assert_eq!(r.limited_by, Some(Limit::Current));
    // 300 Ω: 0.170·300 = 51 V > 5.48 V → voltage limited at 5.48 V.
    let load = headphone(
        "x",
        300.0,
        100.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    let r = analyze("amp", &out, &load, Target::default(), &Settings::default());
    close(r.max.voltage_vrms.unwrap(), 5.48, 1e-9, "voltage-limited");
    assert_eq!(r.limited_by, Some(Limit::Voltage));
}

#[test]
fn speaker_amp_into_sensitive_iem_is_unsafe() {
    // 50 W into 4 Ω → √(50·4) = 14.14 V; with 0 Ω source into a 122 dB/V IEM:
    // 122 + 20·log10(14.14) = 122 + 23.01 = 145.0 dB SPL (physics.md: "about 145"), above
    // the 140 dB peak beyond which no exposure is permitted (NIOSH/OSHA): unsafe even with
    // a volume control in the path.
    let mut out = AmpOutput::new("speaker", OutputKind::Speaker);
    out.ratings
        .push(RatingPoint::from_power(4.0, 50.0, Confidence::Low, "TPA3116D2").unwrap());
    let load = headphone(
        "iem",
        16.0,
        122.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::InEar,
    );
    let r = analyze("Fosi", &out, &load, Target::default(), &Settings::default());
    close(r.max.spl_db.unwrap(), 145.0, 0.05, "max SPL");
    assert_eq!(r.verdict, Verdict::Unsafe);
    assert!(r.findings.iter().any(|f| f.rule == "exceeds-impulse-limit"));
    assert_eq!(r.checks.hearing.status, ampmatch_core::Status::Problem);
}

#[test]
fn max_input_power_exceeded_is_unsafe() {
    // 5 V into 32 Ω = 0.781 W > 0.3 W rating.
    let mut load = headphone(
        "hp",
        32.0,
        90.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    load.max_input_power_w = Some(0.3);
    let r = analyze(
        "a",
        &output_with(&[(None, 5.0)], Some(0.0)),
        &load,
        Target::default(),
        &Settings::default(),
    );
    close(r.max.power_w.unwrap(), 25.0 / 32.0, 1e-12, "power");
    assert_eq!(r.verdict, Verdict::Unsafe);
}

#[test]
fn verdicts_follow_headroom() {
    // 97 dB/V, target 110 → needs 10^(13/20) = 4.467 V.
    let load = headphone(
        "hd600",
        300.0,
        97.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    let s = Settings::default();
    let t = Target::default();
    // 2 V → 97 + 6.02 = 103.0 dB: −7 dB headroom → insufficient.
    let r = analyze("a", &output_with(&[(None, 2.0)], Some(0.0)), &load, t, &s);
    close(
        r.headroom_db.unwrap(),
        20.0 * 2f64.log10() - 13.0,
        1e-9,
        "headroom",
    );
    assert_eq!(r.verdict, Verdict::Insufficient);
    // 5 V → 97 + 13.98 = 110.98 dB: +0.98 dB → marginal.
    assert_eq!(
        analyze("a", &output_with(&[(None, 5.0)], Some(0.0)), &load, t, &s).verdict,
        Verdict::Marginal
    );
    // 8 V → 115.06 dB: +5.06 dB, flat load, 0 Ω → good.
    assert_eq!(
        analyze("a", &output_with(&[(None, 8.0)], Some(0.0)), &load, t, &s).verdict,
        Verdict::Good
    );
    // No rating at all → unknown.
    let r = analyze("a", &output_with(&[], Some(0.0)), &load, t, &s);
    assert_eq!(r.verdict, Verdict::Unknown);
    assert!(r.headroom_db.is_none());
    // Average 85 + crest 20 = 105 dB target.
    let r = analyze(
        "a",
        &output_with(&[(None, 2.0)], Some(0.0)),
        &load,
        Target::AverageWithCrest {
            average_spl_db: 85.0,
            crest_factor_db: 20.0,
        },
        &s,
    );
    assert_eq!(r.target_spl_db, 105.0);
}

#[test]
fn unknown_unit_shows_both_readings_and_assumes_the_lower() {
    // 100 "dB" at 32 Ω: as dB/V 100; as dB/mW 114.95 dB/V. The lower, dB/V, is assumed.
    let load = headphone(
        "x",
        32.0,
        100.0,
        SensitivityUnit::Unknown,
        HeadphoneForm::OverEar,
    );
    let r = analyze(
        "a",
        &output_with(&[(None, 1.0)], Some(0.0)),
        &load,
        Target::default(),
        &Settings::default(),
    );
    let s = r.sensitivity.unwrap();
    close(s.db_per_v, 100.0, 1e-12, "assumed");
    close(
        s.alternative_db_per_v.unwrap(),
        114.949,
        0.001,
        "other reading",
    );
    assert_eq!(s.assumed_unit, Some(SensitivityUnit::DbPerV));
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "sensitivity-unit-unknown")
    );
}

#[test]
fn bridged_output_doubles_swing_and_impedance() {
    // SE: 2 V open circuit, 1 Ω. Balanced derived: 4 V, 2 Ω. Into 32 Ω: 4·32/34 = 3.765 V.
    let amp = Amplifier {
        name: "a".into(),
        outputs: vec![output_with(&[(None, 2.0)], Some(1.0)), {
            let mut b = AmpOutput::new("balanced", OutputKind::Balanced);
            b.bridged_from = Some("single-ended".into());
            b
        }],
    };
    let bal = amp.select_output(Some("balanced"), false).unwrap();
    let load = headphone(
        "x",
        32.0,
        100.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    let r = analyze("a", &bal, &load, Target::default(), &Settings::default());
    close(
        r.max.voltage_vrms.unwrap(),
        4.0 * 32.0 / 34.0,
        1e-9,
        "bridged voltage",
    );
    assert!(r.findings.iter().any(|f| f.rule == "assumption"));
    // Without --output a headphone gets the single-ended jack.
    assert_eq!(amp.select_output(None, false).unwrap().name, "single-ended");
    assert!(amp.select_output(Some("xlr"), false).is_err());
}

#[test]
fn gain_sets_the_knob_never_the_swing() {
    // A 10 V output with 6 dB gain: a 2 V source gives 2·10^(6/20) = 3.991 V at full volume,
    // but the output can still swing its 10 V (a hotter source gets there).
    let mut out = output_with(&[(None, 10.0)], Some(0.0));
    out.gain_db = Some(6.0);
    let load = headphone(
        "iem",
        16.0,
        120.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::InEar,
    );
    let r = analyze("a", &out, &load, Target::default(), &Settings::default());
    close(
        r.max.voltage_vrms.unwrap(),
        10.0,
        1e-12,
        "the output's own swing",
    );
    close(
        r.max.gain_limited_voltage_vrms.unwrap(),
        2.0 * 10f64.powf(0.3),
        1e-9,
        "source × gain",
    );
    // The peak needs 10^((110−120)/20) = 0.3162 V: 20·log10(0.3162/3.991) = −22.02 dB.
    close(r.volume.unwrap().attenuation_db, -22.02, 0.01, "knob");
    // Gain 20 dB → 20 V at full volume: the 93 dB average needs 10^(−27/20) = 0.04467 V,
    // 20·log10(0.04467/20) = −53.02 dB from full: the bottom of the knob.
    out.gain_db = Some(20.0);
    let r = analyze("a", &out, &load, Target::default(), &Settings::default());
    close(
        r.volume.unwrap().attenuation_db,
        -36.02,
        0.01,
        "knob at the peak",
    );
    close(
        r.checks.volume.value.unwrap(),
        -53.02,
        0.01,
        "knob at the average",
    );
    assert!(r.findings.iter().any(|f| f.rule == "volume-at-bottom"));
    // Gain alone is no rating: the maximum is unknown.
    let mut gain_only = AmpOutput::new("se", OutputKind::SingleEnded);
    gain_only.gain_db = Some(20.0);
    let r = analyze(
        "a",
        &gain_only,
        &load,
        Target::default(),
        &Settings::default(),
    );
    assert!(r.max.voltage_vrms.is_none() && r.power_vs_load.is_empty());
    assert_eq!(r.checks.loudness.status, ampmatch_core::Status::Unknown);
}

#[test]
fn kicker_resonance_elements() {
    // Kicker 49ST9MR8: Re 6.18, fs 110.3, Qms 4.537, Qes 1.297 → Res = 6.18·4.537/1.297 =
    // 21.62 Ω; Cmes = 1.297/(2π·110.3·6.18) = 302.84 µF; Lces = 6.18/(2π·110.3·1.297) = 6.88 mH.
    let d = DriverResonance::new(6.18, 0.0, 110.3, 4.537, 1.297).unwrap();
    close(d.res_ohm(), 21.62, 0.005, "Res");
    // The published 302.84 µF comes from inputs rounded to 4 digits (fs 110.3 ± 0.05 alone
    // moves Cmes by ±0.14 µF); from the inputs as printed, 1.297/4283.03 = 302.83 µF.
    close(d.cmes_f() * 1e6, 302.84, 0.02, "Cmes");
    close(d.lces_h() * 1e3, 6.88, 0.005, "Lces");
    // At fs the reactances cancel: |Z| = Re + Res = 27.80 Ω, phase 0.
    let z = d.at(110.3);
    close(z.norm(), 6.18 + 6.18 * 4.537 / 1.297, 1e-9, "peak");
    close(z.arg(), 0.0, 1e-9, "phase at fs");
}

#[test]
fn grid_covers_the_band_at_least_at_1_24_octave() {
    let g = frequency_grid(48);
    assert_eq!(g[0], 20.0);
    assert_eq!(*g.last().unwrap(), 20_000.0);
    assert!(g.iter().any(|f| (f - 1000.0).abs() < 1e-9));
    for w in g.windows(2) {
        assert!(w[1] / w[0] <= 2f64.powf(1.0 / 24.0) + 1e-12);
    }
}

#[test]
fn measured_curve_outside_its_range_is_held_and_said() {
    let pts = vec![
        ImpedancePoint {
            frequency_hz: 200.0,
            magnitude_ohm: 6.0,
            phase_deg: 10.0,
        },
        ImpedancePoint {
            frequency_hz: 40_000.0,
            magnitude_ohm: 9.0,
            phase_deg: 20.0,
        },
    ];
    let mut load = headphone(
        "x",
        6.0,
        100.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::InEar,
    );
    load.impedance = Some(ImpedanceModel::Measured(
        MeasuredCurve::new(pts, true).unwrap(),
    ));
    let r = analyze(
        "a",
        &output_with(&[(None, 1.0)], Some(1.0)),
        &load,
        Target::default(),
        &Settings::default(),
    );
    close(r.curve[0].impedance_ohm, 6.0, 1e-9, "held");
    assert!(r.findings.iter().any(|f| f.rule == "curve-held-at-edge"));
}

#[test]
fn bad_curves_are_rejected_with_the_point() {
    let p = |f, m, ph| ImpedancePoint {
        frequency_hz: f,
        magnitude_ohm: m,
        phase_deg: ph,
    };
    let e = MeasuredCurve::new(vec![p(100.0, 8.0, 0.0), p(50.0, 8.0, 0.0)], true).unwrap_err();
    assert!(e.to_string().contains("point 2"), "{e}");
    assert!(MeasuredCurve::new(vec![p(100.0, -8.0, 0.0), p(150.0, 8.0, 0.0)], true).is_err());
    assert!(MeasuredCurve::new(vec![p(100.0, 8.0, 120.0), p(150.0, 8.0, 0.0)], true).is_err());
    assert!(MeasuredCurve::new(vec![p(100.0, f64::NAN, 0.0), p(150.0, 8.0, 0.0)], true).is_err());
}

#[test]
fn half_space_reference_follows_from_the_air_constants() {
    // 1 acoustic watt into half space at 1 m: I = 1/(2π) W/m², p² = ρ0·c·I =
    // 1.204·343/(2π) = 65.727 Pa² → 10·log10(65.727/(20e-6)²) = 112.157 dB.
    close(
        ampmatch_core::impedance::half_space_one_watt_spl_db(),
        112.157,
        0.0005,
        "reference",
    );
}

#[test]
fn a_bass_shelf_costs_what_the_hand_calculation_says() {
    // 300 Ω flat (measured, resistive), 97 dB/V; 10 V open circuit behind 100 Ω: the
    // output puts 10·300/400 = 7.5 V across the load at every frequency. Target 110 dB
    // peak: V_t = 10^((110 − 97)/20) = 4.4668 V. EQ: low shelf 125 Hz +10 dB Q 0.7071
    // (125 Hz = 1 kHz/8 lies on the curve grid), preamp −10 dB, biquads at 48 kHz.
    // At 125 Hz the shelf gives +5 dB (half its gain), so 4.4668·10^(5/20) = 7.943 V is
    // needed: 20·log10(7.5/7.943) = −0.50 dB short. At 20 Hz the cookbook shelf gives
    // +9.992 dB (|H| of its coefficients computed by hand), 4.4668·10^(9.992/20) = 14.11 V:
    // 20·log10(7.5/4.4668) − 9.992 = 4.501 − 9.992 = −5.491 dB, the worst point.
    let mut load = headphone(
        "x",
        300.0,
        97.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    load.impedance = Some(peaked_curve(300.0, 300.0));
    let out = output_with(&[(None, 10.0)], Some(100.0));
    let eq = ampmatch_core::eq::Eq::new(
        "shelf",
        -10.0,
        ampmatch_core::eq::Shape::Parametric {
            filters: vec![ampmatch_core::eq::Filter {
                kind: ampmatch_core::eq::FilterKind::LowShelf,
                fc_hz: 125.0,
                gain_db: 10.0,
                q: std::f64::consts::FRAC_1_SQRT_2,
            }],
        },
    )
    .unwrap();
    let ctx = ampmatch_core::analysis::Context {
        eq: Some(ampmatch_core::analysis::eq::EqSetting {
            eq,
            rate_hz: 48_000.0,
        }),
        ..Default::default()
    };
    let r = ampmatch_core::analysis::analyze_in(
        "amp",
        &out,
        &load,
        Target::Peak { spl_db: 110.0 },
        &ctx,
        &Settings::default(),
    );
    let at = |f: f64| {
        *r.curve
            .iter()
            .min_by(|a, b| {
                (a.frequency_hz - f)
                    .abs()
                    .total_cmp(&(b.frequency_hz - f).abs())
            })
            .unwrap()
    };
    let p125 = at(125.0);
    close(p125.frequency_hz, 125.0, 1e-6, "125 Hz is on the grid");
    close(p125.eq_gain_db.unwrap(), 5.0, 0.01, "shelf at its corner");
    close(
        p125.required_voltage_vrms.unwrap(),
        7.943,
        0.002,
        "needed at 125 Hz",
    );
    close(p125.available_voltage_vrms.unwrap(), 7.5, 1e-9, "available");
    let e = r.eq.as_ref().unwrap();
    close(
        e.worst_frequency_hz.unwrap(),
        20.0,
        1e-9,
        "worst at the bottom",
    );
    close(e.worst_headroom_db.unwrap(), -5.491, 0.01, "worst headroom");
    close(e.max_boost_db, 9.992, 0.01, "largest boost");
    close(e.needed_preamp_db, -9.992, 0.01, "needed preamp");
    assert_eq!(
        r.checks.eq.as_ref().unwrap().status,
        ampmatch_core::analysis::checks::Status::Problem
    );
    assert_eq!(
        r.checks.eq.as_ref().unwrap().rule,
        ampmatch_core::analysis::Rule::EqOutOfVoltage
    );
    // The plain loudness check still passes (4.5 dB over the target at 1 kHz): the EQ is
    // what makes it insufficient.
    assert_eq!(
        r.checks.loudness.status,
        ampmatch_core::analysis::checks::Status::Ok
    );
    assert_eq!(r.verdict, Verdict::Insufficient);
}

#[test]
fn switching_an_eq_on_changes_the_level_by_its_average_gain() {
    // A preset whose only filter does nothing (a 0 dB peak) and a −6 dB preamp: switching
    // it on lowers the level by exactly 6 dB, it boosts nothing and needs no preamp.
    let eq = ampmatch_core::eq::Eq::new(
        "flat",
        -6.0,
        ampmatch_core::eq::Shape::Parametric {
            filters: vec![ampmatch_core::eq::Filter {
                kind: ampmatch_core::eq::FilterKind::Peaking,
                fc_hz: 1000.0,
                gain_db: 0.0,
                q: 1.0,
            }],
        },
    )
    .unwrap();
    let load = headphone(
        "x",
        32.0,
        100.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    let ctx = ampmatch_core::analysis::Context {
        eq: Some(ampmatch_core::analysis::eq::EqSetting {
            eq,
            rate_hz: 48_000.0,
        }),
        ..Default::default()
    };
    let r = ampmatch_core::analysis::analyze_in(
        "amp",
        &output_with(&[(None, 2.0)], Some(1.0)),
        &load,
        Target::default(),
        &ctx,
        &Settings::default(),
    );
    let e = r.eq.unwrap();
    close(e.level_jump_db, -6.0, 1e-9, "level jump");
    close(e.max_boost_db, 0.0, 1e-9, "no boost");
    assert_eq!(
        e.needed_preamp_db.to_bits(),
        0.0f64.to_bits(),
        "needs 0 dB, not -0"
    );
}

#[test]
fn adapter_for_a_20_v_amp_into_a_300_ohm_headphone_by_hand() {
    // 20 V open circuit, 0 Ω; headphone 300 Ω flat, 97 dB/V; at most 120 dB at the ear.
    // Shunt: 300/8 = 37.5 Ω → E24 at or below: 36 Ω. Needed across the headphone:
    // 10^((120 − 97)/20) = 14.125 V, so V_hp/V_amp ≤ 0.70627; 36 ∥ 300 = 32.143 Ω, series
    // ≥ 32.143/0.70627 − 32.143 = 13.37 Ω → E24 at or above: 15 Ω.
    // Then: the amplifier sees 15 + 32.143 = 47.143 Ω, I = 20/47.143 = 0.42424 A,
    // V_hp = 13.636 V → 97 + 20·log10(13.636) = 119.69 dB; attenuation
    // 20·log10(32.143/47.143) = −3.327 dB; source 15 ∥ 36 = 10.588 Ω; series dissipates
    // 0.42424²·15 = 2.700 W (buy 10 W: the next rating ≥ 2×), shunt 13.636²/36 = 5.165 W
    // (buy 25 W).
    let load = headphone(
        "hp",
        300.0,
        97.0,
        SensitivityUnit::DbPerV,
        HeadphoneForm::OverEar,
    );
    let out = output_with(&[(None, 20.0)], Some(0.0));
    let d = ampmatch_core::adapter::design(&out, &load, 120.0, None, &Settings::default()).unwrap();
    close(d.shunt_ohm, 36.0, 1e-9, "shunt");
    close(d.series_ohm, 15.0, 1e-9, "series");
    close(d.amp_load_ohm, 47.143, 0.001, "amp load");
    close(
        d.max_spl_db.unwrap(),
        119.69,
        0.01,
        "full output at the ear",
    );
    close(d.attenuation_db, -3.327, 0.001, "attenuation");
    close(d.source_impedance_ohm, 10.588, 0.001, "source impedance");
    close(
        d.series_power_w.unwrap(),
        2.700,
        0.001,
        "series dissipation",
    );
    close(d.shunt_power_w.unwrap(), 5.165, 0.001, "shunt dissipation");
    assert_eq!(d.series_wattage_w, Some(10.0));
    assert_eq!(d.shunt_wattage_w, Some(25.0));
    assert!(d.feasible);
    // A bridged output into a 3-pole plug cannot work with a plain adapter.
    let mut bridged = out.clone();
    bridged.bridged = Some(true);
    let d =
        ampmatch_core::adapter::design(&bridged, &load, 120.0, None, &Settings::default()).unwrap();
    assert!(
        !d.feasible && d.notes.iter().any(|n| n.contains("4-wire")),
        "{:?}",
        d.notes
    );
}
