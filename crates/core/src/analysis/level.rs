//! Level step: the sensitivity in dB/V, the drive the target needs, the output's limits,
//! what it delivers at the nominal impedance, the headroom, and power into any load.

use super::checks::{Check, Status};
use super::{Findings, Max, PowerPoint, Required, Rule, Severity};
use crate::chain::{Limit, limited_drive};
use crate::evidence::Confidence;
use crate::sensitivity::SensitivityUnit;
use crate::units::{db20, fmt_sig, undb20};

use super::pair::Pair;

/// Sensitivity: kept as given, read in dB/V (at the ear, or at 1 m) at the nominal
/// impedance, with the conversion said.
pub(super) fn sensitivity(p: &Pair, f: &mut Findings) {
    match (p.readings, p.z_nom) {
        (Some(r), Some(z)) => match r.unit_given {
            SensitivityUnit::DbPerMw => f.add(
                Severity::Info,
                Rule::SensitivityUnitConverted,
                format!("sensitivity {} dB/mW at {} Ω is {:.2} dB/V (dB/V = dB/mW + 10·log10(1000 Ω/Z))", fmt_sig(r.value_db), fmt_sig(z), r.db_per_v),
            ),
            SensitivityUnit::Db1W => f.add(
                Severity::Info,
                Rule::SensitivityReferenceConverted,
                format!("sensitivity {} dB @ 1 W/1 m at {} Ω is {:.2} dB @ 2.83 V/1 m (S_2.83V = S_1W + 10·log10(8 Ω/Z))", fmt_sig(r.value_db), fmt_sig(z), r.db_at_2_83v.unwrap_or(f64::NAN)),
            ),
            SensitivityUnit::Unknown => {
                let speaker = p.speaker;
                let (a, b) = if speaker { ("dB @ 2.83 V/1 m", "dB @ 1 W/1 m") } else { ("dB/V", "dB/mW") };
                let alt = r.alternative_db_per_v.unwrap_or(r.db_per_v);
                let (va, vb) = if r.assumed_unit == Some(if speaker { SensitivityUnit::Db283V } else { SensitivityUnit::DbPerV }) { (r.db_per_v, alt) } else { (alt, r.db_per_v) };
                f.add(
                    Severity::Warning,
                    Rule::SensitivityUnitUnknown,
                    format!(
                        "the sensitivity's reference is not known: {v} read as {a} is {va:.2} dB/V, read as {b} at {z} Ω it is {vb:.2} dB/V; assumed {assumed} (the lower reading, so loudness is not overstated); the safety checks also use the other reading",
                        v = fmt_sig(r.value_db),
                        z = fmt_sig(z),
                        assumed = r.assumed_unit.map(|u| u.to_string()).unwrap_or_default()
                    ),
                );
            }
            SensitivityUnit::DbPerV | SensitivityUnit::Db283V => {}
        },
        _ if p.load.sensitivity.is_none() => f.add(Severity::Info, Rule::MissingSensitivity, "the load's sensitivity is unknown, so no SPL can be computed".into()),
        _ => f.add(Severity::Info, Rule::MissingSensitivity, "the sensitivity refers to power but the impedance is unknown, so it cannot be turned into dB/V".into()),
    }
}

/// Drive needed for the target at the nominal impedance: V = 10^((SPL − offset − S_V)/20),
/// I = V/Z, P = V²/Z.
pub(super) fn required(p: &Pair) -> Required {
    let mut required = Required::default();
    if let Some(sv) = p.s_v {
        let v = undb20(p.target_spl - p.offset - sv);
        required.voltage_vrms = Some(v);
        if let Some(z) = p.z_nom {
            required.current_a = Some(v / z);
            required.power_w = Some(v * v / z);
        }
    }
    required
}

/// What is known of the output's limits and how they were found.
pub(super) fn limits(p: &Pair, f: &mut Findings) {
    let output = p.output;
    let fit = &p.fit;
    let v_oc_fit = fit.open_circuit_voltage_vrms;
    if let (None, Some(g)) = (v_oc_fit, p.gain_limited) {
        f.add(
            Severity::Info,
            Rule::Assumption,
            format!("assumption: with no rating known, the output's maximum is taken as the full-scale source × gain, {} V open circuit (the amplifier may clip earlier, so loudness may be overstated and the safety findings are what a clean output could do)", fmt_sig(g)),
        );
    }
    if output.ratings.is_empty() && output.current_limits.is_empty() && p.gain_limited.is_none() {
        f.add(Severity::Info, Rule::MissingOutputLimits, format!("no power, voltage or current figure is known for the {} output, so its maximum level cannot be computed", output.name));
    } else if !fit.points.is_empty() {
        let pts: Vec<String> = fit
            .points
            .iter()
            .map(|pt| match pt.load_ohm {
                Some(z) => format!(
                    "{} V into {} Ω ({:+.1} %)",
                    fmt_sig(pt.given_voltage_vrms),
                    fmt_sig(z),
                    pt.residual_pct
                ),
                None => format!(
                    "{} V open circuit ({:+.1} %)",
                    fmt_sig(pt.given_voltage_vrms),
                    pt.residual_pct
                ),
            })
            .collect();
        f.add(
            Severity::Info,
            Rule::LimitsFit,
            format!(
                "limits fitted by least squares to {}: open-circuit {}{} V, current limit {}",
                pts.join(", "),
                if fit.open_circuit_is_lower_bound {
                    "≥ "
                } else {
                    ""
                },
                v_oc_fit.map_or("unknown".into(), fmt_sig),
                p.i_max
                    .map_or("not reached at any rated load".into(), |i| format!(
                        "{} mA",
                        fmt_sig(i * 1000.0)
                    ))
            ),
        );
    }
    if let (Some(g), Some(vg)) = (output.gain_db, p.gain_limited)
        && v_oc_fit.is_some_and(|v| vg < v)
    {
        f.add(
            Severity::Info,
            Rule::GainLimitsVoltage,
            format!("with a {} V full-scale source and {} dB gain the output reaches only {} V before the amplifier itself clips", fmt_sig(p.settings.source_full_scale_vrms), fmt_sig(g), fmt_sig(vg)),
        );
    }
    if let Some(c) = output.weakest_confidence()
        && c.is_weak()
    {
        let word = if c == Confidence::Low {
            "low-confidence"
        } else {
            "unverified"
        };
        f.add(Severity::Info, Rule::WeakSource, format!("some of the output's figures are {word} (see the fit's sources); treat the result as approximate"));
    }
    if p.zo.is_none() {
        f.add(Severity::Info, Rule::MissingOutputImpedance, "the output impedance is unknown: no damping factor or response deviation; the limits assume 0 Ω".into());
    }
}

/// Maximum at the nominal impedance (a resistor of that value, through the chain at 1 kHz).
pub(super) fn max(p: &Pair, f: &mut Findings) -> (Max, Option<Limit>) {
    let fit = &p.fit;
    let mut max = Max {
        open_circuit_voltage_vrms: fit.open_circuit_voltage_vrms,
        current_limit_a: p.i_max,
        gain_limited_voltage_vrms: p.gain_limited,
        ..Max::default()
    };
    let mut limited_by = None;
    if let (Some(z), Some((h, zin))) = (p.z_nom, p.nominal)
        && let Some((vl, limit)) = p.load_voltage(h, zin)
    {
        max.voltage_vrms = Some(vl);
        max.current_a = Some(vl / z);
        max.power_w = Some(vl * vl / z);
        max.spl_db = p.s_v.map(|sv| sv + db20(vl) + p.offset);
        limited_by = Some(limit);
        if p.i_max.is_none() && !fit.points.is_empty() {
            let lowest = fit
                .points
                .iter()
                .filter_map(|pt| pt.load_ohm)
                .fold(f64::INFINITY, f64::min);
            if z < lowest {
                f.add(
                    Severity::Info,
                    Rule::CurrentLimitUnknown,
                    format!("no rating shows a current limit and the load ({} Ω) is below the lowest rated load ({} Ω): the maximum assumes the voltage limit holds down to this load", fmt_sig(z), fmt_sig(lowest)),
                );
            }
        }
        if fit.open_circuit_is_lower_bound {
            f.add(Severity::Info, Rule::VoltageLimitUnknown, "no rating shows the voltage limit; the open-circuit voltage is taken as the highest the ratings imply (a lower bound)".into());
        }
    }
    (max, limited_by)
}

/// max.spl_db − target, when both are known.
pub(super) fn headroom(p: &Pair, max: &Max) -> Option<f64> {
    match (max.spl_db, p.s_v) {
        (Some(m), Some(_)) => Some(m - p.target_spl),
        _ => None,
    }
}

/// The headroom in words: short of the target, little above it, or enough.
pub(super) fn headroom_findings(
    p: &Pair,
    headroom: Option<f64>,
    max: &Max,
    limited_by: Option<Limit>,
    f: &mut Findings,
) {
    let (Some(h), Some(m)) = (headroom, max.spl_db) else {
        return;
    };
    let lim = match limited_by {
        Some(Limit::Current) => "current",
        _ => "voltage",
    };
    let (place, target) = (p.place, fmt_sig(p.target_spl));
    if h < 0.0 {
        f.add(Severity::Critical, Rule::InsufficientHeadroom, format!("maximum {m:.1} dB SPL {place} falls {:.1} dB short of the {target} dB target ({lim}-limited)", -h));
    } else if h < p.settings.marginal_headroom_db {
        f.add(Severity::Warning, Rule::LowHeadroom, format!("maximum {m:.1} dB SPL {place} leaves only {h:.1} dB above the {target} dB target ({lim}-limited)"));
    } else {
        f.add(Severity::Info, Rule::Headroom, format!("maximum {m:.1} dB SPL {place} leaves {h:.1} dB above the {target} dB target ({lim}-limited)"));
    }
}

/// The loudness check: headroom at the target — problem below 0 dB, caution below the
/// marginal headroom (3 dB), unknown when the maximum level cannot be computed.
pub(super) fn loudness_check(
    p: &Pair,
    headroom: Option<f64>,
    max: &Max,
    limited_by: Option<Limit>,
) -> Check {
    let (Some(h), Some(m)) = (headroom, max.spl_db) else {
        let (what, settle) = if p.load.sensitivity.is_none() {
            (
                "the load's sensitivity is not known",
                "the load's sensitivity",
            )
        } else if p.z_nom.is_none() {
            ("the load's impedance is not known", "the load's impedance")
        } else if p.readings.is_none() {
            (
                "the sensitivity cannot be read in dB/V",
                "the sensitivity's unit and the load's impedance",
            )
        } else {
            (
                "no power, voltage or current rating is known for the output",
                "a power or voltage rating of the output",
            )
        };
        return Check::unknown(
            Rule::LoudnessUnknown,
            format!("the maximum level cannot be computed: {what}"),
            settle,
        );
    };
    let lim = match limited_by {
        Some(Limit::Current) => "current",
        _ => "voltage",
    };
    let (place, target) = (p.place, fmt_sig(p.target_spl));
    let (status, rule, message) = if h < 0.0 {
        (
            Status::Problem,
            Rule::InsufficientHeadroom,
            format!(
                "{:.1} dB short of the {target} dB target: {m:.1} dB SPL {place} at full output ({lim}-limited)",
                -h
            ),
        )
    } else if h < p.settings.marginal_headroom_db {
        (
            Status::Caution,
            Rule::LowHeadroom,
            format!(
                "only {h:.1} dB above the {target} dB target: {m:.1} dB SPL {place} at full output ({lim}-limited)"
            ),
        )
    } else {
        (
            Status::Ok,
            Rule::Headroom,
            format!(
                "loud enough: {m:.1} dB SPL {place} at full output, {h:.1} dB above the {target} dB target"
            ),
        )
    };
    Check::new(status, rule, message, Some(h), "dB")
}

/// Power into resistive loads from 1 Ω to 1 kΩ (12 per decade), behind the output
/// impedance alone: what the output can do across loads, not just this one.
pub(super) fn power_vs_load(p: &Pair) -> Vec<PowerPoint> {
    let Some(v) = p.v_oc else {
        return Vec::new();
    };
    let zo = p.zo.unwrap_or(0.0);
    (0..=36)
        .map(|k| {
            let z = 10f64.powf(k as f64 / 12.0);
            let (drive, limited_by) = limited_drive(v, p.i_max, z + zo);
            let vl = drive * z / (z + zo);
            PowerPoint {
                load_ohm: z,
                power_w: vl * vl / z,
                limited_by,
            }
        })
        .collect()
}
