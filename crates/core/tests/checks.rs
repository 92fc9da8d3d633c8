//! The seven checks, each in every state, on hand-built devices whose numbers are worked
//! out in the comments; and the verdict's order over them.

use ampmatch_core::amplifier::{
    AmpClass, AmpOutput, Amplifier, Confidence, Noise, OutputKind, RatingPoint,
};
use ampmatch_core::analysis::{Report, Settings, Status, Target, Verdict, analyze, analyze_in};
use ampmatch_core::impedance::{ImpedanceModel, ImpedancePoint, MeasuredCurve, SourceImpedance};
use ampmatch_core::listening::Listening;
use ampmatch_core::load::{DriverTech, HeadphoneForm, Load, LoadKind, Plug, PowerHandling};
use ampmatch_core::sensitivity::{Sensitivity, SensitivityUnit};

fn close(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} vs {expected} (±{tol})"
    );
}

/// An output with `v_oc` volts open circuit behind `zo` ohms, measured into every load the
/// tests use (V·Z/(Z+Zo) across each), so the maximum there is the measurement, band 0.
fn output(v_oc: f64, zo: Option<f64>) -> AmpOutput {
    let mut o = AmpOutput::new("single-ended", OutputKind::SingleEnded);
    o.ratings
        .push(RatingPoint::from_voltage(None, v_oc, Confidence::High, "test").unwrap());
    let r = zo.unwrap_or(0.0);
    for z in [4.0, 8.0, 16.0, 20.0, 32.0, 300.0, 600.0] {
        o.ratings.push(
            RatingPoint::from_voltage(Some(z), v_oc * z / (z + r), Confidence::High, "test")
                .unwrap(),
        );
    }
    o.output_impedance = zo.map(|ohm| SourceImpedance::Resistive { ohm });
    o
}

fn headphone(z: f64, db_per_v: f64, form: HeadphoneForm) -> Load {
    let mut l = Load::headphone("hp", form);
    l.nominal_impedance_ohm = Some(z);
    l.sensitivity = Some(Sensitivity {
        value_db: db_per_v,
        unit: SensitivityUnit::DbPerV,
    });
    l
}

fn check(o: &AmpOutput, l: &Load, peak_db: f64) -> Report {
    analyze(
        "amp",
        o,
        l,
        Target::Peak { spl_db: peak_db },
        &Settings::default(),
    )
}

/// A resistive measured curve: 200 Ω at 20 Hz falling (log-log) to 20 Ω at 1 kHz, 20 Ω to
/// 20 kHz — so over the band max |Z| = 200 Ω at 20 Hz and min 20 Ω from 1 kHz up.
fn swinging_curve() -> ImpedanceModel {
    let p = |f, m| ImpedancePoint {
        frequency_hz: f,
        magnitude_ohm: m,
        phase_deg: 0.0,
    };
    ImpedanceModel::Measured(
        MeasuredCurve::new(
            vec![p(20.0, 200.0), p(1000.0, 20.0), p(20_000.0, 20.0)],
            true,
        )
        .unwrap(),
    )
}

#[test]
fn loudness_in_every_state() {
    // 2 V open circuit, 0 Ω, into 100 dB/V: 100 + 20·log10(2) = 106.02 dB SPL at most.
    let (o, l) = (
        output(2.0, Some(0.0)),
        headphone(32.0, 100.0, HeadphoneForm::OverEar),
    );
    let r = check(&o, &l, 100.0); // headroom 6.02 dB
    assert_eq!(r.checks.loudness.status, Status::Ok);
    close(r.checks.loudness.value.unwrap(), 6.02, 0.005, "headroom");
    let r = check(&o, &l, 104.0); // 2.02 dB: under the 3 dB margin
    assert_eq!(r.checks.loudness.status, Status::Caution);
    assert_eq!(r.checks.loudness.rule, "low-headroom");
    let r = check(&o, &l, 110.0); // −3.98 dB
    assert_eq!(r.checks.loudness.status, Status::Problem);
    assert_eq!(r.verdict, Verdict::Insufficient);
    let mut l = l.clone();
    l.sensitivity = None;
    let r = check(&o, &l, 100.0);
    assert_eq!(r.checks.loudness.status, Status::Unknown);
    assert!(r.checks.loudness.settle.unwrap().contains("sensitivity"));
    assert_eq!(r.verdict, Verdict::Unknown);
}

#[test]
fn response_over_a_known_curve_and_unknown_without_one() {
    // Resistive divider H = Z/(Z+Zo); the spread is H(200 Ω)/H(20 Ω) in dB:
    // Zo 1 Ω: (200/201)/(20/21) = 1.04478 → 0.380 dB, ok;
    // Zo 4 Ω: (200/204)/(20/24) = 1.17647 → 1.412 dB, caution;
    // Zo 10 Ω: (200/210)/(20/30) = 1.42857 → 3.098 dB, problem.
    let mut l = headphone(20.0, 100.0, HeadphoneForm::OverEar);
    l.impedance = Some(swinging_curve());
    for (zo, spread, status) in [
        (1.0, 0.380, Status::Ok),
        (4.0, 1.412, Status::Caution),
        (10.0, 3.098, Status::Problem),
    ] {
        let r = check(&output(5.0, Some(zo)), &l, 100.0);
        assert_eq!(r.checks.response.status, status, "Zo {zo}");
        close(r.deviation_spread_db.unwrap(), spread, 0.001, "spread");
        close(
            r.checks.response.value.unwrap(),
            spread,
            0.001,
            "check value",
        );
    }
    // No curve: a flat nominal figure is no evidence of a flat load. Unknown, and the spread
    // is null, never 0; the message gives the 1/8-rule bound: 8 × 2 Ω = 16 Ω.
    let flat = headphone(32.0, 100.0, HeadphoneForm::OverEar);
    let r = check(&output(5.0, Some(2.0)), &flat, 100.0);
    assert_eq!(r.checks.response.status, Status::Unknown);
    assert_eq!(r.deviation_spread_db, None);
    assert!(r.curve.iter().all(|p| p.deviation_db.is_none()));
    assert!(r.checks.response.message.contains("16.0 Ω"));
    // A curve but no output impedance: unknown too.
    let r = check(&output(5.0, None), &l, 100.0);
    assert_eq!(r.checks.response.status, Status::Unknown);
    assert!(
        r.checks
            .response
            .settle
            .unwrap()
            .contains("output impedance")
    );
}

#[test]
fn multi_driver_iem_behind_too_much_output_impedance_is_a_caution() {
    // 8 Ω IEM: 1/8 is 1 Ω; a 2 Ω output is above it.
    let mut iem = headphone(8.0, 110.0, HeadphoneForm::InEar);
    for (driver, status) in [
        (DriverTech::BalancedArmature, Status::Caution),
        (DriverTech::Hybrid, Status::Caution),
        (DriverTech::Unknown, Status::Caution),
        (DriverTech::Dynamic, Status::Unknown),
    ] {
        iem.driver = driver;
        let r = check(&output(1.0, Some(2.0)), &iem, 100.0);
        assert_eq!(r.checks.response.status, status, "{driver:?}");
    }
    // Below 1/8 (0.5 Ω): no evidence either way, unknown.
    iem.driver = DriverTech::BalancedArmature;
    let r = check(&output(1.0, Some(0.5)), &iem, 100.0);
    assert_eq!(r.checks.response.status, Status::Unknown);
}

#[test]
fn hiss_in_every_state() {
    // 10 µV into 100 dB/V: 100 + 20·log10(10e-6) = 0 dB SPL, below the 10 dB threshold.
    let mut o = output(2.0, Some(0.0));
    o.noise = Some(Noise {
        noise_uv: 10.0,
        a_weighted: Some(true),
    });
    let r = check(&o, &headphone(32.0, 100.0, HeadphoneForm::OverEar), 100.0);
    assert_eq!(r.checks.hiss.status, Status::Ok);
    close(r.checks.hiss.value.unwrap(), 0.0, 1e-9, "hiss");
    // 100 µV into 120 dB/V: 120 − 80 = 40 dB SPL: audible.
    o.noise = Some(Noise {
        noise_uv: 100.0,
        a_weighted: None,
    });
    let r = check(&o, &headphone(16.0, 120.0, HeadphoneForm::InEar), 110.0);
    assert_eq!(r.checks.hiss.status, Status::Caution);
    close(r.checks.hiss.value.unwrap(), 40.0, 1e-9, "hiss");
    // No noise figure; into a 115 dB/V load the message says hiss may well be audible.
    let r = check(
        &output(2.0, Some(0.0)),
        &headphone(16.0, 115.0, HeadphoneForm::InEar),
        110.0,
    );
    assert_eq!(r.checks.hiss.status, Status::Unknown);
    assert!(r.checks.hiss.message.contains("very sensitive"));
}

#[test]
fn volume_sits_at_the_average_level() {
    // Gain 0 dB with a 2 V source: 2 V at full volume, 0 Ω. Peak target 100 dB on 100 dB/V:
    // the average is 100 − 17 = 83 dB → 10^(−17/20) = 0.1413 V → 20·log10(0.1413/2) =
    // −23.02 dB from full. The peak needs 1 V: −6.02 dB (the report's `volume`).
    let mut o = output(10.0, Some(0.0));
    o.gain_db = Some(0.0);
    let l = headphone(32.0, 100.0, HeadphoneForm::OverEar);
    let r = check(&o, &l, 100.0);
    assert_eq!(r.checks.volume.status, Status::Ok);
    close(r.checks.volume.value.unwrap(), -23.02, 0.005, "average");
    close(r.volume.unwrap().attenuation_db, -6.02, 0.005, "peak");
    assert!(r.checks.volume.message.contains("17"));
    // An average target is used as given: 80 dB average → 80 − 100 − 6.02 = −26.02 dB.
    let t = Target::AverageWithCrest {
        average_spl_db: 80.0,
        crest_factor_db: 20.0,
    };
    let r = analyze("amp", &o, &l, t, &Settings::default());
    close(r.checks.volume.value.unwrap(), -26.02, 0.005, "average");
    // A 120 dB/V IEM: 83 − 120 − 6.02 = −43.02 dB, past the 30 dB knob bottom.
    let r = check(&o, &headphone(16.0, 120.0, HeadphoneForm::InEar), 100.0);
    assert_eq!(r.checks.volume.status, Status::Caution);
    assert_eq!(r.checks.volume.rule, "volume-at-bottom");
    // A 110 dB peak on 100 dB/V needs 3.162 V but full volume gives 2 V: +3.98 dB short.
    let r = check(&o, &l, 110.0);
    assert_eq!(r.checks.volume.rule, "no-volume-reserve");
    close(r.checks.volume.value.unwrap(), 3.98, 0.005, "short");
    // No gain: unknown.
    let r = check(&output(10.0, Some(0.0)), &l, 100.0);
    assert_eq!(r.checks.volume.status, Status::Unknown);
}

#[test]
fn hearing_limits_depend_on_the_volume_control() {
    let l = |db| headphone(32.0, db, HeadphoneForm::OverEar);
    // 2 V on 100 dB/V = 106.02 dB with a volume control: ok.
    let r = check(&output(2.0, Some(0.0)), &l(100.0), 100.0);
    assert_eq!(r.checks.hearing.status, Status::Ok);
    close(r.checks.hearing.value.unwrap(), 106.02, 0.005, "full");
    // 2 V on 125 dB/V = 131.02 dB: 31.02 dB above a 100 dB target → caution (our +30 dB).
    let r = check(&output(2.0, Some(0.0)), &l(125.0), 100.0);
    assert_eq!(r.checks.hearing.rule, "level-excess");
    assert_eq!(r.verdict, Verdict::Marginal);
    // The same without a volume control: past the 130 dB threshold of pain → problem.
    let mut power_amp = output(2.0, Some(0.0));
    power_amp.volume_control = false;
    let r = check(&power_amp, &l(125.0), 110.0);
    assert_eq!(r.checks.hearing.rule, "exceeds-pain-threshold");
    assert_eq!(r.verdict, Verdict::Unsafe);
    // 125.02 dB without a volume control: above 120 → caution, not a problem.
    let r = check(&power_amp, &l(119.0), 110.0);
    assert_eq!(r.checks.hearing.rule, "loud-without-volume-control");
    assert_eq!(r.checks.hearing.status, Status::Caution);
    // 20 V on 120 dB/V = 146.02 dB: above 140 dB, unsafe even with a volume control.
    let r = check(&output(20.0, Some(0.0)), &l(120.0), 120.0);
    assert_eq!(r.checks.hearing.rule, "exceeds-impulse-limit");
    assert_eq!(r.verdict, Verdict::Unsafe);
    // An unknown unit: 100 read as dB/V (used for loudness) or as dB/mW at 32 Ω =
    // 100 + 10·log10(1000/32) = 114.95 dB/V; hearing takes the louder: 114.95 + 6.02 = 120.97.
    let mut u = l(100.0);
    u.sensitivity = Some(Sensitivity {
        value_db: 100.0,
        unit: SensitivityUnit::Unknown,
    });
    let r = check(&output(2.0, Some(0.0)), &u, 100.0);
    close(
        r.checks.hearing.value.unwrap(),
        120.97,
        0.005,
        "louder reading",
    );
    close(
        r.max.spl_db.unwrap(),
        106.02,
        0.005,
        "lower reading for loudness",
    );
}

#[test]
fn loudspeaker_hearing_is_judged_at_the_seat_against_140_db_only() {
    let mut spk = Load::new("spk", LoadKind::Loudspeaker { finished: true });
    spk.nominal_impedance_ohm = Some(8.0);
    spk.sensitivity = Some(Sensitivity {
        value_db: 90.0,
        unit: SensitivityUnit::Db283V,
    });
    let mut amp = AmpOutput::new("speaker", OutputKind::Speaker);
    amp.ratings
        .push(RatingPoint::from_voltage(None, 40.0, Confidence::High, "t").unwrap());
    amp.volume_control = false;
    // 90 dB @ 2.83 V at 1 m; 40 V is 20·log10(40/2.83) = +23.01 dB → 113.02 dB at 1 m; one
    // speaker at 1 m with no room gain: 113.02 dB at the seat — a power amp, but fine.
    let ctx = ampmatch_core::analysis::Context {
        listening: Listening::new(1.0, 1, 0.0).unwrap(),
        ..Default::default()
    };
    let at_seat = |spk: &Load| {
        let t = Target::Peak { spl_db: 100.0 };
        analyze_in("amp", &amp, spk, t, &ctx, &Settings::default())
    };
    let r = at_seat(&spk);
    close(r.checks.hearing.value.unwrap(), 113.02, 0.01, "seat");
    assert_eq!(r.checks.hearing.status, Status::Ok);
    // A 120 dB @ 2.83 V horn: 143.02 dB at 1 m: above 140.
    spk.sensitivity = Some(Sensitivity {
        value_db: 120.0,
        unit: SensitivityUnit::Db283V,
    });
    let r = at_seat(&spk);
    assert_eq!(r.checks.hearing.status, Status::Problem);
}

#[test]
fn damage_for_headphones_and_speakers() {
    // 2 V into 32 Ω = 4/32 = 125 mW, above a 100 mW maximum.
    let mut l = headphone(32.0, 100.0, HeadphoneForm::OverEar);
    l.max_input_power_w = Some(0.1);
    let r = check(&output(2.0, Some(0.0)), &l, 100.0);
    assert_eq!(r.checks.damage.status, Status::Caution); // a volume control keeps it below
    let mut power_amp = output(2.0, Some(0.0));
    power_amp.volume_control = false;
    assert_eq!(
        check(&power_amp, &l, 100.0).checks.damage.status,
        Status::Problem
    );
    // A 105.5 dB target needs 10^(5.5/20) = 1.884 V → 110.9 mW > 100 mW: the target itself.
    assert_eq!(
        check(&output(2.0, Some(0.0)), &l, 105.5)
            .checks
            .damage
            .status,
        Status::Problem
    );
    // 1 V = 31.25 mW: within.
    let r = check(&output(1.0, Some(0.0)), &l, 90.0);
    assert_eq!(r.checks.damage.status, Status::Ok);
    close(r.checks.damage.value.unwrap(), 0.03125, 1e-12, "W");
    l.max_input_power_w = None;
    assert_eq!(
        check(&output(1.0, Some(0.0)), &l, 90.0)
            .checks
            .damage
            .status,
        Status::Unknown
    );

    // A speaker rated 100 W continuous; 40 V into 8 Ω = 200 W = 2× (the recommendation): ok.
    let mut spk = Load::new("spk", LoadKind::Loudspeaker { finished: true });
    spk.nominal_impedance_ohm = Some(8.0);
    spk.sensitivity = Some(Sensitivity {
        value_db: 88.0,
        unit: SensitivityUnit::Db283V,
    });
    spk.power_handling = Some(PowerHandling {
        continuous_w: Some(100.0),
        program_w: None,
        peak_w: Some(400.0),
    });
    let mut amp = AmpOutput::new("speaker", OutputKind::Speaker);
    amp.ratings
        .push(RatingPoint::from_voltage(None, 40.0, Confidence::High, "t").unwrap());
    let r = check(&amp, &spk, 100.0);
    assert_eq!(r.checks.damage.status, Status::Ok);
    close(r.checks.damage.value.unwrap(), 2.0, 1e-9, "ratio");
    // 20 V = 50 W = 0.5×: clipping risk, caution.
    amp.ratings[0].voltage_vrms = 20.0;
    assert_eq!(
        check(&amp, &spk, 100.0).checks.damage.status,
        Status::Caution
    );
    // 60 V = 450 W > the 400 W peak rating: problem.
    amp.ratings[0].voltage_vrms = 60.0;
    let r = check(&amp, &spk, 100.0);
    assert_eq!(r.checks.damage.rule, "exceeds-peak-rating");
    assert_eq!(r.verdict, Verdict::Unsafe);
    spk.power_handling = None;
    assert_eq!(
        check(&amp, &spk, 100.0).checks.damage.status,
        Status::Unknown
    );
}

#[test]
fn connection_in_every_state() {
    let hp = headphone(300.0, 100.0, HeadphoneForm::OverEar);
    let mut spk_out = AmpOutput::new("speaker", OutputKind::Speaker);
    spk_out
        .ratings
        .push(RatingPoint::from_voltage(None, 2.0, Confidence::High, "t").unwrap());
    let conn = |o: &AmpOutput, l: &Load| check(o, l, 90.0).checks.connection;
    // Bridged into a shared-ground plug: the one incompatible case.
    spk_out.bridged = Some(true);
    assert_eq!(conn(&spk_out, &hp).status, Status::Problem);
    assert_eq!(check(&spk_out, &hp, 90.0).verdict, Verdict::Incompatible);
    let mut bal = hp.clone();
    bal.plug = Plug::Balanced;
    assert_eq!(conn(&spk_out, &bal).rule, "speaker-output-adapter");
    // Not stated: a class-D output is usually bridged.
    spk_out.bridged = None;
    spk_out.class = Some(AmpClass::D);
    assert_eq!(conn(&spk_out, &hp).rule, "maybe-bridged");
    spk_out.bridged = Some(false);
    assert_eq!(conn(&spk_out, &hp).status, Status::Caution);
    // Balanced headphone output: fine into a balanced cable, else a caution.
    let mut b = output(2.0, Some(0.0));
    b.kind = OutputKind::Balanced;
    assert_eq!(conn(&b, &bal).status, Status::Ok);
    assert_eq!(conn(&b, &hp).rule, "balanced-cable");
    // A headphone jack: plugs into a headphone, needs an adapter for a loudspeaker.
    assert_eq!(conn(&output(2.0, Some(0.0)), &hp).status, Status::Ok);
    let mut spk = Load::new("spk", LoadKind::Loudspeaker { finished: true });
    spk.nominal_impedance_ohm = Some(8.0);
    assert_eq!(conn(&output(2.0, Some(0.0)), &spk).status, Status::Caution);
    // An output derived with bridged_from is bridged.
    let amp = Amplifier {
        name: "A".into(),
        outputs: vec![output(2.0, Some(0.1)), {
            let mut o = AmpOutput::new("bridged", OutputKind::Speaker);
            o.bridged_from = Some("single-ended".into());
            o
        }],
    };
    let derived = amp.select_output(Some("bridged"), false).unwrap();
    assert_eq!(derived.bridged, Some(true));
    assert_eq!(conn(&derived, &hp).status, Status::Problem);
}

#[test]
fn verdict_order_and_completeness() {
    // Everything known and fine: a curve, a rating, noise, gain, output impedance.
    let mut l = headphone(20.0, 100.0, HeadphoneForm::OverEar);
    l.impedance = Some(swinging_curve());
    l.max_input_power_w = Some(1.0);
    let mut o = output(3.0, Some(1.0));
    o.gain_db = Some(6.0);
    o.noise = Some(Noise {
        noise_uv: 3.0,
        a_weighted: Some(true),
    });
    let r = check(&o, &l, 100.0);
    assert_eq!(r.verdict, Verdict::Good, "{:?}", r.checks);
    assert!(r.complete);
    // Take the noise away: still good, but not complete, and the unknown is named.
    o.noise = None;
    let r = check(&o, &l, 100.0);
    assert_eq!(r.verdict, Verdict::Good);
    assert!(!r.complete);
    assert_eq!(r.checks.unknown(), vec!["hiss"]);
    // Incompatible outranks unsafe: a bridged 20 V speaker output into a 120 dB/V IEM
    // (146 dB at full output) with a 3-pole plug.
    let mut s = AmpOutput::new("speaker", OutputKind::Speaker);
    s.ratings
        .push(RatingPoint::from_voltage(None, 20.0, Confidence::High, "t").unwrap());
    s.bridged = Some(true);
    let r = check(&s, &headphone(16.0, 120.0, HeadphoneForm::InEar), 110.0);
    assert_eq!(r.checks.hearing.status, Status::Problem);
    assert_eq!(r.verdict, Verdict::Incompatible);
    // Unsafe outranks insufficient: 146 dB at full output against a 150 dB target.
    let r = check(
        &output(20.0, Some(0.0)),
        &headphone(32.0, 120.0, HeadphoneForm::OverEar),
        150.0,
    );
    assert_eq!(r.checks.loudness.status, Status::Problem);
    assert_eq!(r.verdict, Verdict::Unsafe);
}

/// A degenerate load that slipped past the files' bounds never reads as good: a figure the
/// model cannot represent is unknown, never NaN or infinity.
#[test]
fn degenerate_figures_are_unknown_never_good() {
    let mut l = headphone(1e-300, 100.0, HeadphoneForm::OverEar);
    l.sensitivity = Some(Sensitivity {
        value_db: 100.0,
        unit: SensitivityUnit::DbPerMw,
    });
    for o in [output(7.24, Some(0.0)), output(7.24, None)] {
        let r = check(&o, &l, 110.0);
        assert_ne!(r.verdict, Verdict::Good, "{:?}", r.headroom_db);
        assert!(r.headroom_db.is_none_or(f64::is_finite));
        let fin = |x: Option<f64>| x.is_none_or(f64::is_finite);
        let m = &r.max;
        assert!(
            [
                m.voltage_vrms,
                m.current_a,
                m.power_w,
                m.spl_db,
                r.headroom_db,
                r.noise_spl_db
            ]
            .into_iter()
            .all(fin)
        );
        let bad: Vec<_> = r
            .curve
            .iter()
            .filter(|p| !(fin(p.max_spl_db) && fin(p.deviation_db)))
            .take(2)
            .collect();
        assert!(bad.is_empty(), "{bad:?}");
        assert!(r.checks.all().iter().all(|(_, c)| fin(c.value)));
    }
}
