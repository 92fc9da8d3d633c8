//! Noise step: the output's noise at the listener, SPL = S_V + 20·log10(V_noise·|H|) (+ the
//! seat's offset), against the hiss threshold; and the dynamic range at full output.

use super::checks::{Check, Status};
use super::{Findings, Max, Rule, Severity};
use crate::units::{db20, fmt_sig};

use super::pair::Pair;

/// Returns (hiss SPL, dynamic range = max SPL − hiss, the hiss check): the finding and the
/// check come from one comparison with the threshold.
pub(super) fn check(p: &Pair, max: &Max, f: &mut Findings) -> (Option<f64>, Option<f64>, Check) {
    let threshold = p.settings.hiss_threshold_db_spl;
    let (noise, sv) = match (p.output.noise, p.s_v) {
        (Some(n), Some(sv)) => (n, sv),
        (noise, _) => {
            if noise.is_none() {
                f.add(
                    Severity::Info,
                    Rule::MissingNoise,
                    "the output noise is unknown: hiss cannot be judged".into(),
                );
            }
            return (None, None, unknown(p));
        }
    };
    let h = p.nominal.map_or(1.0, |(h, _)| h.norm());
    let spl = sv + db20(noise.noise_uv * 1e-6 * h) + p.offset;
    let weighting = match noise.a_weighted {
        Some(true) => "A-weighted",
        Some(false) => "unweighted",
        None => "weighting not stated",
    };
    let audible = spl >= threshold;
    let (sev, status, rule, relation) = if audible {
        (
            Severity::Warning,
            Status::Caution,
            Rule::AudibleHiss,
            "at or above",
        )
    } else {
        (Severity::Info, Status::Ok, Rule::Hiss, "below")
    };
    let (place, limit) = (p.place, fmt_sig(threshold));
    f.add(sev, rule, format!("output noise {} µV ({weighting}) makes {spl:.1} dB SPL of hiss {place}, {relation} the {limit} dB SPL threshold", fmt_sig(noise.noise_uv)));
    let message = if audible {
        format!(
            "hiss of {spl:.1} dB SPL {place} is at or above the {limit} dB SPL threshold: audible in quiet passages"
        )
    } else {
        format!("hiss of {spl:.1} dB SPL {place} is below the {limit} dB SPL threshold")
    };
    let dynamic_range = max.spl_db.map(|m| m - spl);
    (
        Some(spl),
        dynamic_range,
        Check::new(status, rule, message, Some(spl), "dB SPL"),
    )
}

/// The hiss check without a noise figure (or a sensitivity): unknown, said prominently for a
/// sensitive load, above 110 dB/V.
fn unknown(p: &Pair) -> Check {
    let sensitive = p.s_v.filter(|sv| !p.speaker && *sv > 110.0);
    let message = match (p.output.noise, sensitive) {
        (None, Some(sv)) => format!(
            "no noise figure is known for this output, and this load is very sensitive ({sv:.1} dB/V): hiss may well be audible"
        ),
        (None, None) => "no noise figure is known for this output: hiss cannot be judged".into(),
        (Some(_), _) => "the load's sensitivity is not known: hiss cannot be judged".into(),
    };
    let settle = if p.output.noise.is_none() {
        "the output's noise (µV, or SNR with its reference level)"
    } else {
        "the load's sensitivity"
    };
    Check::unknown(Rule::MissingNoise, message, settle)
}
