//! Level step: the sensitivity in dB/V, the drive the target needs, the output's limits,
//! what it delivers at the nominal impedance, the headroom, and power into any load.

use super::checks::{Check, Status};
use super::{Findings, Max, PowerPoint, Required, Rule, Severity};
use num_complex::Complex64;

use crate::chain::Limit;
use crate::evidence::Confidence;
use crate::limits::{Basis, supply_bound_vrms};
use crate::sensitivity::SensitivityUnit;
use crate::units::{db20, fmt_sig, shorten};

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
    if let Some(v) = p.required_vrms {
        required.voltage_vrms = Some(v);
        if let Some(z) = p.z_nom {
            required.current_a = Some(v / z);
            required.power_w = Some(v * v / z);
        }
    }
    required
}

/// What is known of the output's limits and where each figure came from.
pub(super) fn limits(p: &Pair, f: &mut Findings) {
    let output = p.output;
    let fit = &p.fit;
    if fit.is_unknown() {
        let gain = if output.gain_db.is_some() {
            " (a gain figure says where the volume sits, not how far the output can swing)"
        } else {
            ""
        };
        f.add(Severity::Info, Rule::MissingOutputLimits, format!("no power, voltage or current rating and no supply is known for the {} output, so its maximum level cannot be computed{gain}", output.name));
    } else if !fit.points.is_empty() {
        let pts: Vec<String> = fit
            .points
            .iter()
            .filter(|pt| pt.used)
            .map(|pt| match pt.load_ohm {
                Some(z) => format!("{} V into {} Ω", fmt_sig(pt.given_voltage_vrms), fmt_sig(z)),
                None => format!("{} V open circuit", fmt_sig(pt.given_voltage_vrms)),
            })
            .collect();
        f.add(
            Severity::Info,
            Rule::LimitsFit,
            format!(
                "limits from the evidence: {}; between rated loads interpolated log–log, outside them held conservatively; current limit {}",
                pts.join(", "),
                fit.current_limit_a.map_or("not shown by any rating".into(), |i| format!("{} mA", fmt_sig(i * 1000.0)))
            ),
        );
    }
    for pt in fit.points.iter().filter(|pt| !pt.used) {
        let at = pt
            .load_ohm
            .map_or("open circuit".into(), |z| format!("into {} Ω", fmt_sig(z)));
        f.add(Severity::Warning, Rule::SourceConflict, format!("conflict: {} V {at} ({}) is outvoted by a more trustworthy figure at the same load, {} V: shown, not used", fmt_sig(pt.given_voltage_vrms), shorten(&pt.source, 70), fmt_sig(pt.predicted_voltage_vrms)));
    }
    if let Some(b) = supply_bound_vrms(output) {
        let how = if fit.exceeds_supply_bound {
            "a rating states more, so a boost stage or charge pump is taken as given"
        } else {
            "a ceiling on every maximum below"
        };
        f.add(
            Severity::Info,
            Rule::SupplyBound,
            format!(
                "the supply allows at most {} Vrms of swing ({how})",
                fmt_sig(b)
            ),
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

/// Maximum at the nominal impedance (a resistor of that value, through the chain at 1 kHz),
/// with its basis and uncertainty.
pub(super) fn max(p: &Pair, f: &mut Findings) -> (Max, Option<Limit>) {
    let fit = &p.fit;
    let mut max = Max {
        open_circuit_voltage_vrms: fit.open_circuit_voltage_vrms,
        current_limit_a: fit.current_limit_a,
        gain_limited_voltage_vrms: p.gain_limited,
        basis: Basis::Unknown,
        ..Max::default()
    };
    let (Some(z), Some((h, _))) = (p.z_nom, p.nominal) else {
        return (max, None);
    };
    let Some(at) = p.max_through(Complex64::new(z, 0.0), h) else {
        return (max, None);
    };
    let vl = at.voltage_vrms;
    // A figure outside what the model can represent is unknown, never NaN or infinity.
    let spl = p.s_v.map(|sv| sv + db20(vl) + p.offset);
    if !(vl.is_finite() && vl > 0.0 && spl.is_none_or(f64::is_finite)) {
        return (max, None);
    }
    max.voltage_vrms = Some(vl);
    max.current_a = Some(vl / z);
    max.power_w = Some(vl * vl / z);
    max.spl_db = spl;
    max.uncertainty_db = Some(at.uncertainty_db);
    max.basis = at.basis;
    max.is_ceiling = at.ceiling;
    let rated: Vec<f64> = fit.points.iter().filter_map(|pt| pt.load_ohm).collect();
    let z_t = z + p.chain.cable_ohm;
    let (lo, hi) = rated
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(a, b), x| (a.min(*x), b.max(*x)));
    if at.basis == Basis::Extrapolated && z_t < lo {
        f.add(Severity::Info, Rule::CurrentLimitUnknown, format!("the load ({} Ω) is below the lowest rated load ({} Ω): the maximum assumes no more current than there (± {:.1} dB)", fmt_sig(z_t), fmt_sig(lo), at.uncertainty_db));
    } else if at.basis == Basis::Extrapolated && z_t > hi {
        f.add(Severity::Info, Rule::VoltageLimitUnknown, format!("the load ({} Ω) is above the highest rated load ({} Ω): the maximum holds the voltage there (± {:.1} dB; the real swing may be higher)", fmt_sig(z_t), fmt_sig(hi), at.uncertainty_db));
    } else if rated.is_empty() && at.basis == Basis::StatedLimit {
        f.add(Severity::Info, Rule::CurrentLimitUnknown, format!("only an open-circuit voltage is known: the maximum assumes it holds into {} Ω (± {:.1} dB)", fmt_sig(z_t), at.uncertainty_db));
    }
    if let (Some(g), Some(vg)) = (p.output.gain_db, p.gain_limited)
        && vg * p.nominal.map_or(1.0, |(h, _)| h.norm()) < vl
    {
        f.add(
            Severity::Info,
            Rule::GainLimitsVoltage,
            format!("with a {} V full-scale source and {} dB gain, full volume gives {} V, less than the {} V the output can swing here: a hotter source or more gain reaches the maximum", fmt_sig(p.settings.source_full_scale_vrms), fmt_sig(g), fmt_sig(vg), fmt_sig(vl)),
        );
    }
    (max, Some(at.limited_by))
}

/// max.spl_db − target, when both are known.
pub(super) fn headroom(p: &Pair, max: &Max) -> Option<f64> {
    match (max.spl_db, p.s_v) {
        (Some(m), Some(_)) => Some(m - p.target_spl).filter(|h| h.is_finite()),
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
    // The headroom carries the maximum's band: a problem only when even its upper edge is
    // short, a caution when the band reaches into the 0–3 dB zone.
    let u = max.uncertainty_db.unwrap_or(0.0);
    // A ceiling cannot be exceeded: its band only reaches down.
    let up = if max.is_ceiling { 0.0 } else { u };
    let band = if u > 0.0 {
        format!(" (± {u:.1} dB: {})", basis_words(max.basis))
    } else {
        String::new()
    };
    let (status, rule, message) = if h + up < 0.0 {
        (
            Status::Problem,
            Rule::InsufficientHeadroom,
            format!(
                "{:.1} dB short of the {target} dB target: {m:.1} dB SPL {place} at full output ({lim}-limited){band}",
                -h
            ),
        )
    } else if h < 0.0 {
        (
            Status::Caution,
            Rule::LowHeadroom,
            format!(
                "may fall {:.1} dB short of the {target} dB target: {m:.1} dB SPL {place} at full output{band}",
                -h
            ),
        )
    } else if h - u < p.settings.marginal_headroom_db {
        (
            Status::Caution,
            Rule::LowHeadroom,
            format!(
                "only {h:.1} dB above the {target} dB target: {m:.1} dB SPL {place} at full output ({lim}-limited){band}"
            ),
        )
    } else {
        (
            Status::Ok,
            Rule::Headroom,
            format!(
                "loud enough: {m:.1} dB SPL {place} at full output, {h:.1} dB above the {target} dB target{band}"
            ),
        )
    };
    Check::new(status, rule, message, Some(h), "dB")
}

/// Where a maximum comes from, in words.
pub(super) fn basis_words(b: Basis) -> &'static str {
    match b {
        Basis::Measured => "measured at this load",
        Basis::Rated => "the maker's rating at this load",
        Basis::Interpolated => "between rated loads",
        Basis::Extrapolated => "beyond the rated loads",
        Basis::SupplyBound => "the supply's ceiling",
        Basis::StatedLimit => "a stated limit",
        Basis::Unknown => "unknown",
    }
}

/// Power into resistive loads from 1 Ω to 1 kΩ (12 per decade), from the same evidence:
/// what the output can do across loads, not just this one, each with its basis.
pub(super) fn power_vs_load(p: &Pair) -> Vec<PowerPoint> {
    (0..=36)
        .filter_map(|k| {
            let z = 10f64.powf(k as f64 / 12.0);
            let at = p.fit.at(z)?;
            let v = at.voltage_vrms;
            Some(PowerPoint {
                load_ohm: z,
                power_w: v * v / z,
                limited_by: at.limited_by,
                basis: at.basis,
                uncertainty_db: at.uncertainty_db,
            })
        })
        .collect()
}
