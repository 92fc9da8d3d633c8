//! The report in words: the verdict first, then the numbers with their units in three
//! sections, then the findings. Worded once here; the CLI prints [`report`], the web page
//! lays out the same [`headline`], [`sections`] and findings as HTML.

use std::fmt::Write as _;

use ampmatch_core::analysis::{Limit, Report, Severity, Status, Target, Verdict};
use ampmatch_core::sensitivity::{SensitivityReadings, SensitivityUnit};
use ampmatch_core::units::{fmt_current as current, fmt_opt as opt, fmt_power as power, fmt_sig};

/// The verdict as a word and a short explanation: ("GOOD", "drives it well").
pub fn headline(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Good => ("GOOD", "drives it well"),
        Verdict::Marginal => ("MARGINAL", "works, with a caveat"),
        Verdict::Insufficient => ("INSUFFICIENT", "cannot reach the target"),
        Verdict::Unsafe => ("UNSAFE", "can damage the load or your hearing"),
        Verdict::Unknown => ("UNKNOWN", "a figure needed for the level is missing"),
        Verdict::Incompatible => ("INCOMPATIBLE", "cannot be connected as it is"),
    }
}

/// A check's status as a short word.
pub fn status_word(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Caution => "caution",
        Status::Problem => "problem",
        Status::Unknown => "unknown",
        Status::NotApplicable => "n/a",
    }
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Why the verdict is what it is, in one line: the deciding check, and what is not known
/// (beside the word, so a `good` that is not complete never reads as more than it is) —
/// with `settle`, also the figures that would settle it.
pub fn reason(r: &Report, settle_too: bool) -> String {
    let (_, check) = r.checks.deciding(r.verdict);
    let mut s = match (r.verdict, r.headroom_db) {
        (Verdict::Good, Some(h)) => format!("loud enough, {h:+.1} dB"),
        _ => check.message.clone(),
    };
    let unknown: Vec<(&str, &str)> = r
        .checks
        .all()
        .into_iter()
        .filter(|(_, c)| c.status == Status::Unknown)
        .map(|(n, c)| (n, c.settle.unwrap_or("a missing figure")))
        .collect();
    if !unknown.is_empty() && r.verdict != Verdict::Unknown {
        let names: Vec<String> = unknown.iter().map(|(n, _)| n.to_string()).collect();
        let settles: Vec<String> = unknown.iter().map(|(_, s)| s.to_string()).collect();
        s.push_str(&format!("; {} not known", and_list(&names)));
        if settle_too {
            s.push_str(&format!(" (would need {})", and_list(&settles)));
        }
    }
    s
}

/// The verdict line: "GOOD — loud enough, +4.2 dB; response and hiss not known (…)".
pub fn verdict_line(r: &Report) -> String {
    format!("{} — {}", headline(r.verdict).0, reason(r, true))
}

/// The mark a finding is listed with.
pub fn mark(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "✗",
        Severity::Warning => "!",
        Severity::Info => "·",
    }
}

/// One labelled figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// What it is ("headroom").
    pub label: &'static str,
    /// The figure with its unit, or "unknown".
    pub value: String,
}

/// A titled group of figures, one question of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The question ("Loud enough?").
    pub title: &'static str,
    /// Its figures.
    pub lines: Vec<Line>,
}

/// The target in words: "105.0 dB SPL peak (85.00 dB average + 20.00 dB crest factor)".
pub fn target(r: &Report) -> String {
    match r.target {
        Target::Peak { spl_db } => format!("{} dB SPL peak", fmt_sig(spl_db)),
        Target::AverageWithCrest {
            average_spl_db,
            crest_factor_db,
        } => format!(
            "{} dB SPL peak ({} dB average + {} dB crest factor)",
            fmt_sig(r.target_spl_db),
            fmt_sig(average_spl_db),
            fmt_sig(crest_factor_db)
        ),
    }
}

fn sensitivity(s: Option<&SensitivityReadings>, speaker: bool) -> String {
    let Some(sens) = s else {
        return "unknown".into();
    };
    // A loudspeaker's "dB/V" is the SPL at 1 m for 1 V: say so.
    let per_volt = if speaker { "dB @ 1 V/1 m" } else { "dB/V" };
    match sens.unit_given {
        SensitivityUnit::Unknown => format!(
            "{} dB (reference unknown; read as {}, {:.2} {per_volt})",
            fmt_sig(sens.value_db),
            sens.assumed_unit.map(|u| u.to_string()).unwrap_or_default(),
            sens.db_per_v
        ),
        SensitivityUnit::DbPerV => format!("{} dB/V", fmt_sig(sens.value_db)),
        SensitivityUnit::DbPerMw => format!(
            "{} dB/mW = {:.2} dB/V",
            fmt_sig(sens.value_db),
            sens.db_per_v
        ),
        SensitivityUnit::Db283V => format!("{} dB @ 2.83 V/1 m", fmt_sig(sens.value_db)),
        SensitivityUnit::Db1W => match sens.db_at_2_83v {
            Some(v) => format!(
                "{} dB @ 1 W/1 m = {v:.2} dB @ 2.83 V/1 m",
                fmt_sig(sens.value_db)
            ),
            None => format!("{} dB @ 1 W/1 m", fmt_sig(sens.value_db)),
        },
    }
}

fn db_or_unknown(x: Option<f64>) -> String {
    x.map_or("unknown".into(), |h| format!("{h:+.1} dB"))
}

fn line(label: &'static str, value: String) -> Line {
    Line { label, value }
}

/// "Loud enough?": sensitivity, impedance, required and maximum drive, limits, headroom,
/// and for loudspeakers the seat and the power rating; supply draw and a track's needs.
fn loudness(r: &Report) -> Section {
    let (q, m) = (&r.required, &r.max);
    let limit = match r.limited_by {
        Some(Limit::Voltage) => " (voltage-limited)",
        Some(Limit::Current) => " (current-limited)",
        None => "",
    };
    let mut lines = vec![
        line(
            "sensitivity",
            sensitivity(r.sensitivity.as_ref(), r.listening.is_some()),
        ),
        line(
            "impedance",
            format!(
                "{} nominal; {}",
                opt(r.nominal_impedance_ohm, "Ω"),
                r.impedance_model.as_deref().unwrap_or("unknown")
            ),
        ),
        line(
            "required",
            format!(
                "{}, {}, {}",
                opt(q.voltage_vrms, "V"),
                current(q.current_a),
                power(q.power_w)
            ),
        ),
        line(
            "maximum",
            format!(
                "{}, {}, {} → {}{limit}",
                opt(m.voltage_vrms, "V"),
                current(m.current_a),
                power(m.power_w),
                opt(m.spl_db, "dB SPL")
            ),
        ),
        line(
            "amp limits",
            format!(
                "open circuit {}, current limit {}{}",
                opt(m.open_circuit_voltage_vrms, "V"),
                current(m.current_limit_a),
                m.gain_limited_voltage_vrms
                    .map_or(String::new(), |g| format!(
                        ", source × gain {} V",
                        fmt_sig(g)
                    ))
            ),
        ),
        line("headroom", db_or_unknown(r.headroom_db)),
    ];
    if let Some(l) = &r.listening {
        let levels = match (l.average_spl_db, l.headroom_db) {
            (Some(a), Some(h)) => {
                format!("; {} dB average + {} dB headroom", fmt_sig(a), fmt_sig(h))
            }
            _ => String::new(),
        };
        lines.push(line(
            "listening",
            format!(
                "{} m, {} speaker(s), room gain {:+.1} dB ({:+.1} dB from 1 m){levels}",
                fmt_sig(l.distance_m),
                l.speakers,
                l.room_gain_db,
                l.offset_db,
            ),
        ));
        lines.push(line(
            "power vs rating",
            r.power_ratio_to_rating
                .map_or("unknown (no power rating)".into(), |x| {
                    format!("{x:.2}× the speaker's continuous rating (≈2× recommended)")
                }),
        ));
    }
    if let Some(d) = &r.power_draw {
        lines.push(line(
            "supply draw",
            format!(
                "{} at the target, {} at full output (class {:?}, per channel)",
                opt(d.at_target_w, "W"),
                opt(d.at_max_w, "W"),
                d.class
            ),
        ));
    }
    if let Some(t) = &r.track {
        lines.push(line(
            "track",
            format!(
                "{:.1} LUFS, {:.1} dBTP (PLR {:.1} dB) at {} dB → peaks at {:.1} dB SPL; needs {} peak; {} left; {} of samples clip",
                t.integrated_lufs,
                t.true_peak_dbtp,
                t.true_peak_dbtp - t.integrated_lufs,
                fmt_sig(t.listening_level_db),
                t.peak_spl_db,
                opt(t.required_peak_voltage_v, "V"),
                db_or_unknown(t.headroom_db),
                t.clipped_fraction
                    .map_or("unknown".into(), |c| format!("{:.4} %", 100.0 * c))
            ),
        ));
    }
    Section {
        title: "Loud enough?",
        lines,
    }
}

/// "Sounds as intended?": output impedance, damping, deviation, the 1/8 rule, and for
/// loudspeakers the cable, Qts with the source and EPDR.
fn response(r: &Report) -> Section {
    let mut lines = vec![
        line("output impedance", opt(r.output_impedance_ohm, "Ω")),
        line(
            "damping factor",
            r.damping_factor.map_or("unknown".into(), fmt_sig),
        ),
        line(
            "deviation spread",
            r.deviation_spread_db
                .map_or("unknown".into(), |d| format!("{d:.2} dB over 20 Hz–20 kHz")),
        ),
        line(
            "1/8 rule",
            format!(
                "output impedance ≤ {} (min |Z| {})",
                opt(r.eighth_rule_max_output_impedance_ohm, "Ω"),
                opt(r.min_impedance_ohm, "Ω")
            ),
        ),
    ];
    if r.cable_resistance_ohm.is_some()
        || r.qts_shifted.is_some()
        || r.epdr_min_ohm.is_some() && r.listening.is_some()
    {
        lines.push(line("cable", opt(r.cable_resistance_ohm, "Ω")));
        lines.push(line(
            "Qts with source",
            match (r.qts_shifted, r.qes_shifted) {
                (Some(q), Some(e)) => format!("{q:.3} (Qes {e:.3})"),
                (Some(q), None) => format!("{q:.3}"),
                _ => "unknown".into(),
            },
        ));
        lines.push(line("EPDR minimum", opt(r.epdr_min_ohm, "Ω")));
    }
    if r.curve.iter().any(|p| p.fr_db.is_some()) {
        // How far the output moves the measured response (EQ gain included when present).
        let moved: Vec<f64> = r
            .curve
            .iter()
            .filter_map(|p| Some(p.heard_db? - p.fr_db?))
            .collect();
        lines.push(line(
            "measured response",
            if moved.is_empty() {
                "given; as delivered unknown (the deviation is not known)".into()
            } else {
                let (lo, hi) = moved
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                        (a.min(*v), b.max(*v))
                    });
                format!("as delivered it moves by {lo:+.2} to {hi:+.2} dB (chart: heard)")
            },
        ));
    }
    Section {
        title: "Sounds as intended?",
        lines,
    }
}

/// "Hiss and volume": hiss at the listener, dynamic range, where the volume sits.
fn hiss(r: &Report) -> Section {
    Section {
        title: "Hiss and volume",
        lines: vec![
            line("hiss", opt(r.noise_spl_db, "dB SPL")),
            line("dynamic range", opt(r.dynamic_range_db, "dB")),
            line(
                "volume for target",
                r.volume
                    .as_ref()
                    .map_or("unknown (gain not known)".into(), |v| {
                        format!(
                            "{:.1} dB from full, with a {} V source",
                            v.attenuation_db,
                            fmt_sig(v.source_full_scale_vrms)
                        )
                    }),
            ),
        ],
    }
}

/// "With the EQ": what the preset asks of the output.
fn eq(r: &Report) -> Option<Section> {
    let e = r.eq.as_ref()?;
    Some(Section {
        title: "With the EQ",
        lines: vec![
            line(
                "preset",
                format!("{} (biquads at {} Hz)", e.name, fmt_sig(e.rate_hz)),
            ),
            line(
                "largest boost",
                format!(
                    "{:+.1} dB at {} Hz",
                    e.max_boost_db,
                    fmt_sig(e.max_boost_hz)
                ),
            ),
            line(
                "preamp",
                format!(
                    "{:.1} dB stated, {:.1} dB needed against digital clipping",
                    e.preamp_db, e.needed_preamp_db
                ),
            ),
            line(
                "switching it on",
                format!(
                    "{:+.1} dB at the ear (band average, with the stated preamp)",
                    e.level_jump_db
                ),
            ),
            line(
                "tightest point",
                match (e.worst_headroom_db, e.worst_frequency_hz) {
                    (Some(h), Some(f)) => {
                        format!("{h:+.1} dB of voltage in hand at {} Hz", fmt_sig(f))
                    }
                    _ => "unknown".into(),
                },
            ),
        ],
    })
}

/// "Sizing the amplifier": the common rules side by side, for a rated loudspeaker.
fn sizing(r: &Report) -> Option<Section> {
    let s = r.sizing.as_ref()?;
    let w = |x: f64| power(Some(x));
    let mut lines = vec![line(
        "speaker rating",
        format!("{} continuous ({})", w(s.continuous_w), s.rating_basis),
    )];
    for rule in &s.rules {
        let range = match rule.max_w {
            Some(m) if (m - rule.min_w).abs() < 1e-9 => w(m),
            Some(m) => format!("{}–{}", w(rule.min_w), w(m)),
            None => format!("≥ {}", w(rule.min_w)),
        };
        lines.push(line(
            rule.rule,
            format!("{range} — against {}", rule.protects),
        ));
    }
    for rating in &s.amplifier_ratings {
        lines.push(line("amp rated", rating.clone()));
    }
    if s.mixed_conditions {
        lines.push(line(
            "conditions differ",
            "a rating was taken with one channel driven: with both playing the amplifier gives less (not converted)".into(),
        ));
    }
    lines.push(line(
        "recommended",
        format!(
            "{}–{}; this amplifier: {}",
            w(s.recommended_w.min),
            w(s.recommended_w.max),
            power(s.amplifier_w)
        ),
    ));
    Some(Section {
        title: "Sizing the amplifier",
        lines,
    })
}

/// "On battery": what the output draws and how long it plays.
fn battery(r: &Report) -> Option<Section> {
    let b = r.battery.as_ref()?;
    let hours = |h: Option<f64>| h.map_or("unknown".into(), |h| format!("{h:.1} h"));
    let mut lines = vec![
        line("capacity", opt(b.capacity_wh, "Wh")),
        line(
            "at the listening level",
            format!(
                "{} drawn, {}",
                power(b.at_listening_w),
                hours(b.hours_at_listening)
            ),
        ),
        line(
            "at full output",
            format!("{} drawn, {}", power(b.at_full_w), hours(b.hours_at_full)),
        ),
    ];
    for a in &b.assumptions {
        lines.push(line("assumed", a.clone()));
    }
    Some(Section {
        title: "On battery",
        lines,
    })
}

/// The report's figures, one section per question.
pub fn sections(r: &Report) -> Vec<Section> {
    let mut v = vec![loudness(r), response(r), hiss(r)];
    v.extend(eq(r));
    v.extend(sizing(r));
    v.extend(battery(r));
    v
}

/// The whole report as text: verdict, what was checked, the sections, the findings.
pub fn report(r: &Report, amp_id: &str, load_id: &str) -> String {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(w, "{}", verdict_line(r));
    let _ = writeln!(
        w,
        "  {} [{} output] ({amp_id})  →  {} ({load_id})",
        r.amp, r.output, r.load
    );
    let _ = writeln!(w, "  target: {}", target(r));
    let _ = writeln!(w, "\nChecks");
    for (name, c) in r.checks.all() {
        let _ = writeln!(w, "  {name:<11} {:<8} {}", status_word(c.status), c.message);
    }
    for section in sections(r) {
        let _ = writeln!(w, "\n{}", section.title);
        for l in section.lines {
            let _ = writeln!(w, "  {:<18} {}", l.label, l.value);
        }
    }
    let _ = writeln!(w, "\nFindings");
    for f in &r.findings {
        let _ = writeln!(w, "  {} [{}] {}", mark(f.severity), f.rule, f.message);
    }
    s
}

/// `s` with its first letter in upper case ("drives it well" → "Drives it well").
pub fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
