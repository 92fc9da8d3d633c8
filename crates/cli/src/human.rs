//! The report in words: the verdict first, then the numbers with their units.

use std::fmt::Write as _;

use ampmatch_core::analysis::{Limit, Report, Severity, Target, Verdict};
use ampmatch_core::sensitivity::SensitivityUnit;
use ampmatch_core::units::{fmt_current as current, fmt_opt as opt, fmt_power as power, fmt_sig};

fn verdict_line(v: Verdict) -> &'static str {
    match v {
        Verdict::Good => "GOOD — drives it well",
        Verdict::Marginal => "MARGINAL — works, with a caveat",
        Verdict::Insufficient => "INSUFFICIENT — cannot reach the target",
        Verdict::Unsafe => "UNSAFE — can damage the load or your hearing",
        Verdict::Unknown => "UNKNOWN — a figure needed for the level is missing",
    }
}

/// The human report.
pub fn report(r: &Report, amp_id: &str, load_id: &str) -> String {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(w, "{}", verdict_line(r.verdict));
    let _ = writeln!(
        w,
        "  {} [{} output] ({amp_id})  →  {} ({load_id})",
        r.amp, r.output, r.load
    );
    let target = match r.target {
        Target::Peak { spl_db } => format!("{} dB SPL peak", fmt_sig(spl_db)),
        Target::AverageWithCrest {
            average_spl_db,
            crest_factor_db,
        } => {
            format!(
                "{} dB SPL peak ({} dB average + {} dB crest factor)",
                fmt_sig(r.target_spl_db),
                fmt_sig(average_spl_db),
                fmt_sig(crest_factor_db)
            )
        }
    };
    let _ = writeln!(w, "  target: {target}\n");

    let _ = writeln!(w, "Loud enough?");
    if let Some(sens) = &r.sensitivity {
        let given = match sens.unit_given {
            SensitivityUnit::Unknown => format!(
                "{} dB (reference unknown; read as {}, {:.2} dB/V)",
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
            SensitivityUnit::Db1W => format!(
                "{} dB @ 1 W/1 m = {:.2} dB @ 2.83 V/1 m",
                fmt_sig(sens.value_db),
                sens.db_at_2_83v.unwrap_or(f64::NAN)
            ),
        };
        let _ = writeln!(w, "  sensitivity        {given}");
    } else {
        let _ = writeln!(w, "  sensitivity        unknown");
    }
    let _ = writeln!(
        w,
        "  impedance          {} nominal; {}",
        opt(r.nominal_impedance_ohm, "Ω"),
        r.impedance_model.as_deref().unwrap_or("unknown")
    );
    let q = &r.required;
    let _ = writeln!(
        w,
        "  required           {}, {}, {}",
        opt(q.voltage_vrms, "V"),
        current(q.current_a),
        power(q.power_w)
    );
    let m = &r.max;
    let limit = match r.limited_by {
        Some(Limit::Voltage) => " (voltage-limited)",
        Some(Limit::Current) => " (current-limited)",
        None => "",
    };
    let _ = writeln!(
        w,
        "  maximum            {}, {}, {} → {}{limit}",
        opt(m.voltage_vrms, "V"),
        current(m.current_a),
        power(m.power_w),
        opt(m.spl_db, "dB SPL")
    );
    let _ = writeln!(
        w,
        "  amp limits         open circuit {}, current limit {}{}",
        opt(m.open_circuit_voltage_vrms, "V"),
        current(m.current_limit_a),
        m.gain_limited_voltage_vrms
            .map_or(String::new(), |g| format!(
                ", source × gain {} V",
                fmt_sig(g)
            ))
    );
    let _ = writeln!(
        w,
        "  headroom           {}",
        r.headroom_db
            .map_or("unknown".into(), |h| format!("{h:+.1} dB"))
    );

    if let Some(l) = &r.listening {
        let _ = writeln!(
            w,
            "  listening          {} m, {} speaker(s), room gain {:+.1} dB ({:+.1} dB from 1 m){}",
            fmt_sig(l.distance_m),
            l.speakers,
            l.room_gain_db,
            l.offset_db,
            match (l.average_spl_db, l.headroom_db) {
                (Some(a), Some(h)) =>
                    format!("; {} dB average + {} dB headroom", fmt_sig(a), fmt_sig(h)),
                _ => String::new(),
            }
        );
        let _ = writeln!(
            w,
            "  power vs rating    {}",
            r.power_ratio_to_rating
                .map_or("unknown (no power rating)".into(), |x| format!(
                    "{x:.2}× the speaker's continuous rating (≈2× recommended)"
                ))
        );
    }
    if let Some(d) = &r.power_draw {
        let _ = writeln!(
            w,
            "  supply draw        {} at the target, {} at full output (class {:?}, per channel)",
            opt(d.at_target_w, "W"),
            opt(d.at_max_w, "W"),
            d.class
        );
    }

    if let Some(t) = &r.track {
        let _ = writeln!(
            w,
            "  track              {:.1} LUFS, {:.1} dBTP (PLR {:.1} dB) at {} dB → peaks at {:.1} dB SPL; needs {} peak; {} left; {} of samples clip",
            t.integrated_lufs,
            t.true_peak_dbtp,
            t.true_peak_dbtp - t.integrated_lufs,
            fmt_sig(t.listening_level_db),
            t.peak_spl_db,
            opt(t.required_peak_voltage_v, "V"),
            t.headroom_db
                .map_or("unknown".into(), |h| format!("{h:+.1} dB")),
            t.clipped_fraction
                .map_or("unknown".into(), |c| format!("{:.4} %", 100.0 * c))
        );
    }
    let _ = writeln!(w, "\nSounds as intended?");
    let _ = writeln!(
        w,
        "  output impedance   {}",
        opt(r.output_impedance_ohm, "Ω")
    );
    let _ = writeln!(
        w,
        "  damping factor     {}",
        r.damping_factor.map_or("unknown".into(), fmt_sig)
    );
    let _ = writeln!(
        w,
        "  deviation spread   {}",
        r.deviation_spread_db
            .map_or("unknown".into(), |d| format!("{d:.2} dB over 20 Hz–20 kHz"))
    );
    let _ = writeln!(
        w,
        "  1/8 rule           output impedance ≤ {} (min |Z| {})",
        opt(r.eighth_rule_max_output_impedance_ohm, "Ω"),
        opt(r.min_impedance_ohm, "Ω")
    );

    if r.cable_resistance_ohm.is_some()
        || r.qts_shifted.is_some()
        || r.epdr_min_ohm.is_some() && r.listening.is_some()
    {
        let _ = writeln!(
            w,
            "  cable              {}",
            opt(r.cable_resistance_ohm, "Ω")
        );
        let _ = writeln!(
            w,
            "  Qts with source    {}",
            r.qts_shifted.map_or("unknown".into(), |q| format!(
                "{q:.3} (Qes {:.3})",
                r.qes_shifted.unwrap_or(f64::NAN)
            ))
        );
        let _ = writeln!(w, "  EPDR minimum       {}", opt(r.epdr_min_ohm, "Ω"));
    }

    let _ = writeln!(w, "\nHiss and volume");
    let _ = writeln!(w, "  hiss               {}", opt(r.noise_spl_db, "dB SPL"));
    let _ = writeln!(w, "  dynamic range      {}", opt(r.dynamic_range_db, "dB"));
    let _ = writeln!(
        w,
        "  volume for target  {}",
        r.volume
            .map_or("unknown (gain not known)".into(), |v| format!(
                "{:.1} dB from full, with a {} V source",
                v.attenuation_db,
                fmt_sig(v.source_full_scale_vrms)
            ))
    );

    let _ = writeln!(w, "\nFindings");
    for f in &r.findings {
        let mark = match f.severity {
            Severity::Critical => "✗",
            Severity::Warning => "!",
            Severity::Info => "·",
        };
        let _ = writeln!(w, "  {mark} [{}] {}", f.rule, f.message);
    }
    s
}
