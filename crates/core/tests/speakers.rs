//! Loudspeakers held against published worked examples and hand calculations
//! (shared/docs/physics.md, "Loudspeakers").

use ampmatch_core::amplifier::{AmpOutput, Confidence, OutputFilter, OutputKind, RatingPoint};
use ampmatch_core::analysis::{Context, Settings, Target, Verdict, analyze_in};
use ampmatch_core::chain::{Cable, Chain, epdr_ohm};
use ampmatch_core::impedance::{
    DriverResonance, Enclosure, ImpedanceModel, SourceImpedance, ThieleSmall,
};
use ampmatch_core::listening::{Listening, Preset};
use ampmatch_core::load::{Load, LoadKind, PowerHandling};
use ampmatch_core::sensitivity::{Sensitivity, SensitivityUnit, db_1w_to_db_2_83v};
use num_complex::Complex64;

fn close(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual}, expected {expected} ± {tol}"
    );
}

fn speaker(z: f64, sens: f64, unit: SensitivityUnit) -> Load {
    let mut l = Load::new("speaker", LoadKind::Loudspeaker { finished: true });
    l.nominal_impedance_ohm = Some(z);
    l.sensitivity = Some(Sensitivity {
        value_db: sens,
        unit,
    });
    l
}

fn amp_watts(p_w: f64, z: f64) -> AmpOutput {
    let mut o = AmpOutput::new("speaker", OutputKind::Speaker);
    o.ratings
        .push(RatingPoint::from_power(z, p_w, Confidence::High, "test").unwrap());
    o.output_impedance = Some(SourceImpedance::Resistive { ohm: 0.0 });
    o
}

fn free_field(distance_m: f64) -> Context {
    Context {
        listening: Listening::new(distance_m, 1, 0.0).unwrap(),
        ..Context::default()
    }
}

#[test]
fn crown_100_m_needs_1995_w() {
    // 95 dB/1W/1m at 100 m: 95 − 20·log10(100) = 55 dB for 1 W. Target 85 + 3 dB headroom
    // = 88 dB: 33 dB above 1 W → 10^3.3 = 1995 W (Crown's worked example).
    let load = speaker(8.0, 95.0, SensitivityUnit::Db1W);
    let target = Target::AverageWithCrest {
        average_spl_db: 85.0,
        crest_factor_db: 3.0,
    };
    let r = analyze_in(
        "amp",
        &amp_watts(100.0, 8.0),
        &load,
        target,
        &free_field(100.0),
        &Settings::default(),
    );
    close(r.required.power_w.unwrap(), 1995.26, 0.1, "power");
    assert_eq!(r.verdict, Verdict::Insufficient);
}

#[test]
fn crown_15_m_needs_179_w() {
    // 98 − 20·log10(15) = 74.48 dB for 1 W; 85 + 12 = 97 dB → 22.52 dB → 178.6 W.
    let load = speaker(8.0, 98.0, SensitivityUnit::Db1W);
    let target = Target::AverageWithCrest {
        average_spl_db: 85.0,
        crest_factor_db: 12.0,
    };
    let r = analyze_in(
        "amp",
        &amp_watts(100.0, 8.0),
        &load,
        target,
        &free_field(15.0),
        &Settings::default(),
    );
    close(r.required.power_w.unwrap(), 178.6, 0.5, "power");
}

#[test]
fn ninety_two_db_and_160_w_make_114_db_at_1_m() {
    // 92 + 10·log10(160) = 92 + 22.04 = 114.04 dB.
    let load = speaker(8.0, 92.0, SensitivityUnit::Db1W);
    let r = analyze_in(
        "amp",
        &amp_watts(160.0, 8.0),
        &load,
        Target::Peak { spl_db: 100.0 },
        &free_field(1.0),
        &Settings::default(),
    );
    close(r.max.spl_db.unwrap(), 114.04, 0.01, "max SPL");
    close(r.max.power_w.unwrap(), 160.0, 1e-9, "power");
}

#[test]
fn sensitivity_references_convert() {
    // S_2.83V = S_1W + 10·log10(8/Z): 4 Ω → +3.01 dB, 6 Ω → +1.25 dB, 8 Ω → 0.
    close(db_1w_to_db_2_83v(90.0, 4.0), 93.01, 0.005, "4 Ω");
    close(db_1w_to_db_2_83v(90.0, 6.0), 91.25, 0.005, "6 Ω");
    let r = Sensitivity {
        value_db: 90.0,
        unit: SensitivityUnit::Db1W,
    }
    .readings(Some(4.0), true)
    .unwrap();
    close(r.db_at_2_83v.unwrap(), 93.01, 0.005, "reading");
    // 2.83 V is 1 W into 8 Ω: 90 dB @ 2.83 V → 90 − 9.03 = 80.97 dB for 1 V.
    let r = Sensitivity {
        value_db: 90.0,
        unit: SensitivityUnit::Db283V,
    }
    .readings(Some(8.0), true)
    .unwrap();
    close(r.db_per_v, 80.97, 0.005, "dB/V");
    close(r.db_at_1w.unwrap(), 90.0, 1e-9, "same at 8 Ω");
    // Unknown reference at 4 Ω: 2.83 V reading 80.97 dB/V, 1 W reading 90 − 6.02 = 83.98:
    // the lower (2.83 V) is assumed.
    let r = Sensitivity {
        value_db: 90.0,
        unit: SensitivityUnit::Unknown,
    }
    .readings(Some(4.0), true)
    .unwrap();
    assert_eq!(r.assumed_unit, Some(SensitivityUnit::Db283V));
    close(
        r.alternative_db_per_v.unwrap(),
        83.98,
        0.005,
        "other reading",
    );
}

#[test]
fn default_seat_is_2_5_m_two_speakers_3_db_room() {
    // −20·log10(2.5) + 10·log10(2) + 3 = −7.96 + 3.01 + 3 = −1.95 dB; music preset 85 + 17.
    close(Listening::default().offset_db(), -1.948, 0.001, "offset");
    assert_eq!(Preset::Music.levels(), (85.0, 17.0));
    assert_eq!(Preset::Cinema.levels().0 + Preset::Cinema.levels().1, 105.0);
}

#[test]
fn two_times_rule_and_peak_rating() {
    // A 400 W @ 7 Ω speaker: an 800 W @ 7 Ω amp is 2× (the recommendation); a 2000 W amp
    // exceeds the 4 × 400 = 1600 W derived peak rating → unsafe; a 200 W amp is 0.5× → warning.
    let mut load = speaker(7.0, 90.0, SensitivityUnit::Db283V);
    load.power_handling = Some(PowerHandling {
        continuous_w: Some(400.0),
        ..Default::default()
    });
    let ctx = Context::default();
    let s = Settings::default();
    let t = Target::Peak { spl_db: 100.0 };
    let r = analyze_in("a", &amp_watts(800.0, 7.0), &load, t, &ctx, &s);
    close(r.power_ratio_to_rating.unwrap(), 2.0, 1e-9, "ratio");
    assert_ne!(r.verdict, Verdict::Unsafe);
    let r = analyze_in("a", &amp_watts(2000.0, 7.0), &load, t, &ctx, &s);
    assert_eq!(r.verdict, Verdict::Unsafe);
    assert!(r.findings.iter().any(|f| f.rule == "exceeds-peak-rating"));
    let r = analyze_in("a", &amp_watts(200.0, 7.0), &load, t, &ctx, &s);
    close(r.power_ratio_to_rating.unwrap(), 0.5, 1e-9, "ratio");
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "amp-power-below-rating")
    );
    // No rating: null and a finding.
    let r = analyze_in(
        "a",
        &amp_watts(200.0, 7.0),
        &speaker(7.0, 90.0, SensitivityUnit::Db283V),
        t,
        &ctx,
        &s,
    );
    assert!(r.power_ratio_to_rating.is_none());
    assert!(r.findings.iter().any(|f| f.rule == "missing-power-rating"));
}

#[test]
fn headphone_amp_into_speaker_is_insufficient() {
    // O2-like: 7.24 V open circuit, 128.5 mA. Into 8 Ω: 0.1285·8 = 1.03 V. 88 dB @ 2.83 V:
    // 78.97 dB/V + 0.24 dB − 1.95 dB seat offset = 77.3 dB ≪ 102 dB (music preset).
    let mut o2 = AmpOutput::new("single-ended", OutputKind::SingleEnded);
    o2.ratings
        .push(RatingPoint::from_voltage(Some(300.0), 7.24, Confidence::High, "SBAF").unwrap());
    o2.ratings
        .push(RatingPoint::from_voltage(Some(33.0), 4.24, Confidence::High, "SBAF").unwrap());
    let load = speaker(8.0, 88.0, SensitivityUnit::Db283V);
    let target = Target::AverageWithCrest {
        average_spl_db: 85.0,
        crest_factor_db: 17.0,
    };
    let r = analyze_in(
        "O2",
        &o2,
        &load,
        target,
        &Context::default(),
        &Settings::default(),
    );
    assert_eq!(r.verdict, Verdict::Insufficient);
    close(
        r.max.voltage_vrms.unwrap(),
        4.24 / 33.0 * 8.0,
        1e-6,
        "current-limited voltage",
    );
    close(
        r.max.spl_db.unwrap(),
        88.0 - 9.0309 + 20.0 * (4.24f64 / 33.0 * 8.0).log10() - 1.948,
        0.002,
        "max SPL at seat",
    );
}

#[test]
fn epdr_published_case() {
    // 5 Ω at 45° → 1.77 Ω; a resistor is its own EPDR.
    close(epdr_ohm(5.0, 45f64.to_radians()), 1.77, 0.005, "EPDR");
    close(epdr_ohm(8.0, 0.0), 8.0, 1e-12, "resistive");
}

#[test]
fn cable_resistance_from_length_and_gauge() {
    // 10 m of 2.5 mm²: 1.72e-8 · 2 · 10 / 2.5e-6 = 0.1376 Ω.
    close(
        Cable::copper_mm2(10.0, 2.5).unwrap().resistance_ohm,
        0.1376,
        1e-6,
        "mm²",
    );
    // 14 AWG: d = 0.127·92^(22/39) = 1.628 mm, A = 2.082 mm²; 10 m → 0.1652 Ω.
    close(
        Cable::copper_awg(10.0, 14.0).unwrap().resistance_ohm,
        0.1652,
        0.0005,
        "AWG",
    );
    assert!(Cable::copper_mm2(-1.0, 2.5).is_err());
}

#[test]
fn qts_shift_with_source_resistance() {
    // Re 3.2, Qes 0.34, Qms 10.3, Rs = 0.06 + 0.1: Qes' = 0.34·3.36/3.2 = 0.357,
    // Qts' = 10.3·0.357/(10.3 + 0.357) = 0.3450.
    let d = DriverResonance::new(3.2, 0.11e-3, 50.0, 10.3, 0.34).unwrap();
    let (qes, qts) = d.shifted_q(0.16);
    close(qes, 0.357, 1e-9, "Qes'");
    close(qts, 10.3 * 0.357 / 10.657, 1e-9, "Qts'");
    let mut load = speaker(4.0, 88.0, SensitivityUnit::Db283V);
    load.thiele_small = Some(ThieleSmall {
        driver: d,
        vas_l: Some(9.2),
        bl_tm: None,
        mms_g: None,
        sd_cm2: None,
        xmax_mm: None,
    });
    load.impedance = Some(ImpedanceModel::Enclosed {
        driver: d,
        enclosure: Enclosure::FreeAir,
    });
    let mut amp = amp_watts(100.0, 4.0);
    amp.output_impedance = Some(SourceImpedance::Resistive { ohm: 0.06 });
    let ctx = Context {
        cable: Some(Cable::from_resistance(0.1).unwrap()),
        ..Context::default()
    };
    let r = analyze_in(
        "a",
        &amp,
        &load,
        Target::Peak { spl_db: 100.0 },
        &ctx,
        &Settings::default(),
    );
    close(
        r.qts_shifted.unwrap(),
        10.3 * 0.357 / 10.657,
        1e-9,
        "report Qts'",
    );
    close(r.cable_resistance_ohm.unwrap(), 0.1, 1e-12, "cable");
    // Damping factor against output impedance plus cable: 4/0.16 = 25.
    close(r.damping_factor.unwrap(), 25.0, 1e-9, "damping");
}

#[test]
fn sealed_and_vented_boxes_move_the_resonance() {
    // Sealed, α = 1: fc = fs·√2 — the impedance peak moves from 50 Hz to 70.7 Hz.
    let d = DriverResonance::new(6.0, 0.0, 50.0, 5.0, 0.5).unwrap();
    let peak = |e: &Enclosure, lo: f64, hi: f64| {
        let mut best = (0.0, 0.0);
        let mut f = lo;
        while f < hi {
            let z = d.in_box(e, f).norm();
            if z > best.1 {
                best = (f, z);
            }
            f *= 1.0005;
        }
        best
    };
    let (f_free, z_free) = peak(&Enclosure::FreeAir, 20.0, 200.0);
    close(f_free, 50.0, 0.05, "free-air peak");
    close(z_free, 6.0 + 6.0 * 5.0 / 0.5, 0.01, "Re + Res");
    let (f_sealed, _) = peak(&Enclosure::sealed(20.0, 20.0).unwrap(), 20.0, 200.0);
    close(f_sealed, 50.0 * 2f64.sqrt(), 0.1, "fc");
    // Vented at fb = fs: two peaks with a minimum near fb where |Z| approaches Re.
    let v = Enclosure::vented(20.0, 20.0, 50.0, 7.0).unwrap();
    let (f_min, z_min) = {
        let mut best = (0.0, f64::INFINITY);
        let mut f = 35.0;
        while f < 70.0 {
            let z = d.in_box(&v, f).norm();
            if z < best.1 {
                best = (f, z);
            }
            f *= 1.0005;
        }
        best
    };
    close(f_min, 50.0, 2.0, "minimum near fb");
    assert!(z_min < 0.5 * z_free, "{z_min}");
    assert!(d.in_box(&v, 30.0).norm() > z_min && d.in_box(&v, 90.0).norm() > z_min);
}

#[test]
fn class_d_filter_formula() {
    // With no source resistance: H = 1/(1 + sL/Z + s²LC). L = 10 µH, C = 680 nF; into 8 Ω at
    // 20 kHz: s = j·125664; sL/Z = j0.1571; s²LC = −0.1074 → |H| = 1/|0.8926 + j0.1571| = 1.1034.
    let chain = Chain {
        source: None,
        cable_ohm: 0.0,
        filter: Some(OutputFilter {
            l_h: 10e-6,
            c_f: 680e-9,
            post_filter_feedback: false,
        }),
    };
    let (h, _) = chain.at(20_000.0, Complex64::new(8.0, 0.0));
    close(
        h.norm(),
        1.0 / ((1.0 - 0.107_37f64).powi(2) + 0.157_08f64.powi(2)).sqrt(),
        1e-4,
        "|H| into 8 Ω",
    );
    // Open load: the LC resonance f0 = 1/(2π√(LC)) = 61.0 kHz; at 20 kHz |H| = 1/(1−0.1074).
    let (h, _) = chain.at(20_000.0, Complex64::new(1e12, 0.0));
    close(h.norm(), 1.0 / (1.0 - 0.107_37), 1e-4, "open load");
}

#[test]
fn sizing_rules_side_by_side_on_the_founding_example() {
    // The founding article's example: a speaker rated 400 W continuous at 7 Ω wants an
    // 800 W amplifier by its 2× rule. Side by side: 80–250 % → 320–1000 W; match RMS →
    // 400 W; Crown 2–4× with a limiter → 800–1600 W. Crest-factor method, 92 dB/1W/1m at
    // 1 m free field (Crown's 15 m case scaled: a 100 dB peak at 1 m needs
    // 10^((100 − 92)/10) = 6.31 W). Recommended: at least max(6.31, 400) = 400 W, at most
    // 2 × 400 = 800 W.
    let mut load = speaker(7.0, 92.0, SensitivityUnit::Db1W);
    load.power_handling = Some(PowerHandling {
        continuous_w: Some(400.0),
        ..PowerHandling::default()
    });
    let r = analyze_in(
        "amp",
        &amp_watts(600.0, 7.0),
        &load,
        Target::Peak { spl_db: 100.0 },
        &free_field(1.0),
        &Settings::default(),
    );
    let s = r
        .sizing
        .as_ref()
        .expect("a speaker with a rating gets sizing");
    let rule = |id: &str| s.rules.iter().find(|x| x.rule == id).unwrap();
    close(rule("twice-continuous").min_w, 800.0, 1e-9, "2×");
    close(rule("80-250-percent").min_w, 320.0, 1e-9, "80 %");
    close(rule("80-250-percent").max_w.unwrap(), 1000.0, 1e-9, "250 %");
    close(rule("match-rms").max_w.unwrap(), 400.0, 1e-9, "match");
    close(
        rule("crown-limiter").max_w.unwrap(),
        1600.0,
        1e-9,
        "Crown 4×",
    );
    close(
        rule("crest-factor").min_w,
        10f64.powf(0.8),
        1e-6,
        "peaks at 1 m",
    );
    close(s.recommended_w.min, 400.0, 1e-9, "recommended min");
    close(s.recommended_w.max, 800.0, 1e-9, "recommended max");
    close(
        s.amplifier_w.unwrap(),
        600.0,
        1e-6,
        "the amplifier's power into 7 Ω",
    );
    // A headphone gets no sizing.
    let r = analyze_in(
        "amp",
        &amp_watts(1.0, 32.0),
        &ampmatch_core::load::Load::headphone("h", ampmatch_core::load::HeadphoneForm::OverEar),
        Target::default(),
        &Context::default(),
        &Settings::default(),
    );
    assert!(r.sizing.is_none());
}

#[test]
fn battery_life_by_hand() {
    // A battery amp: 2000 mAh at one Li-ion cell (3.7 V assumed) = 7.4 Wh. Class AB, 1 W
    // into 32 Ω at full output. The listening target: 110 dB peak on a 100 dB/V, 32 Ω
    // headphone → V = 10^(10/20) = 3.162 V, P = 3.162²/32 = 0.3125 W at the peak; the
    // average, 17 dB below: 0.3125·10^(−1.7) = 0.006235 W. Class AB draws (4/π)·√(P·Pmax)
    // per channel: √(0.006235·1) = 0.07896 → 0.10054 W, two channels 0.2011 W →
    // 7.4/0.2011 = 36.8 h. At full: (4/π)·1 = 1.2732 W per channel, 2.5465 W → 2.906 h.
    let mut out = amp_watts(1.0, 32.0);
    out.output_impedance = Some(SourceImpedance::Resistive { ohm: 0.0 });
    out.supply = Some(ampmatch_core::amplifier::Supply::Battery {
        capacity_mah: Some(2000.0),
        voltage_v: None,
    });
    out.class = Some(ampmatch_core::amplifier::AmpClass::AB);
    let mut load =
        ampmatch_core::load::Load::headphone("h", ampmatch_core::load::HeadphoneForm::OverEar);
    load.nominal_impedance_ohm = Some(32.0);
    load.sensitivity = Some(Sensitivity {
        value_db: 100.0,
        unit: SensitivityUnit::DbPerV,
    });
    let r = analyze_in(
        "amp",
        &out,
        &load,
        Target::Peak { spl_db: 110.0 },
        &Context::default(),
        &Settings::default(),
    );
    let b = r.battery.as_ref().expect("a battery output");
    close(b.capacity_wh.unwrap(), 7.4, 1e-9, "capacity");
    close(
        b.at_listening_w.unwrap(),
        0.2011,
        0.0005,
        "draw at the listening level",
    );
    close(
        b.hours_at_listening.unwrap(),
        36.8,
        0.1,
        "hours at the listening level",
    );
    close(b.at_full_w.unwrap(), 2.5465, 0.0005, "draw at full output");
    close(
        b.hours_at_full.unwrap(),
        2.906,
        0.005,
        "hours at full output",
    );
    assert!(b.assumptions.iter().any(|a| a.contains("3.7 V")));
    assert!(b.assumptions.iter().any(|a| a.contains("upper bound")));
}

#[test]
fn sizing_shows_the_ratings_conditions_and_flags_one_channel_driven() {
    // A rating whose source says one channel was driven is flagged, not converted; the
    // same figure with both channels driven is not.
    let mut load = speaker(8.0, 88.0, SensitivityUnit::Db1W);
    load.power_handling = Some(PowerHandling {
        continuous_w: Some(100.0),
        ..PowerHandling::default()
    });
    for (source, flagged) in [
        ("maker, 1 kHz, one channel driven", true),
        ("maker, both channels driven", false),
    ] {
        let mut out = AmpOutput::new("speaker", OutputKind::Speaker);
        out.ratings
            .push(RatingPoint::from_power(8.0, 150.0, Confidence::High, source).unwrap());
        let r = analyze_in(
            "amp",
            &out,
            &load,
            Target::default(),
            &free_field(2.0),
            &Settings::default(),
        );
        let s = r.sizing.unwrap();
        assert_eq!(s.mixed_conditions, flagged, "{source}");
        assert!(s.amplifier_ratings[0].contains(source));
        close(s.amplifier_w.unwrap(), 150.0, 1e-6, "not converted");
    }
}

#[test]
fn louder_presets_never_ask_for_lower_peaks() {
    // Peak = average + headroom: background 70 + 12 = 82, music 85 + 17 = 102,
    // cinema 85 + 20 = 105, party 95 + 10 = 105 — party is never below music.
    use ampmatch_core::listening::Preset;
    let peak = |p: Preset| {
        let (a, h) = p.levels();
        a + h
    };
    assert_eq!(peak(Preset::Background), 82.0);
    assert_eq!(peak(Preset::Music), 102.0);
    assert_eq!(peak(Preset::Cinema), 105.0);
    assert_eq!(peak(Preset::Party), 105.0);
}
