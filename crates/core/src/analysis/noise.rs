//! Noise step: the output's noise at the listener, SPL = S_V + 20·log10(V_noise·|H|) (+ the
//! seat's offset), against the hiss threshold; and the dynamic range at full output.

use super::checks::{Check, Status};
use super::{Findings, Max, Rule, Severity};
use crate::units::{db20, fmt_sig};

use super::pair::Pair;

/// Returns (hiss SPL, dynamic range = max SPL − hiss).
pub(super) fn check(p: &Pair, max: &Max, f: &mut Findings) -> (Option<f64>, Option<f64>) {
    let mut noise_spl = None;
    match (p.output.noise, p.s_v) {
        (Some(n), Some(sv)) => {
            let h = p.nominal.map_or(1.0, |(h, _)| h.norm());
            let spl = sv + db20(n.noise_uv * 1e-6 * h) + p.offset;
            noise_spl = Some(spl);
            let weighting = match n.a_weighted {
                Some(true) => "A-weighted",
                Some(false) => "unweighted",
                None => "weighting not stated",
            };
            let threshold = p.settings.hiss_threshold_db_spl;
            let (sev, rule, relation) = if spl >= threshold {
                (Severity::Warning, Rule::AudibleHiss, "at or above")
            } else {
                (Severity::Info, Rule::Hiss, "below")
            };
            f.add(sev, rule, format!("output noise {} µV ({weighting}) makes {spl:.1} dB SPL of hiss {}, {relation} the {} dB SPL threshold", fmt_sig(n.noise_uv), p.place, fmt_sig(threshold)));
        }
        (None, _) => f.add(
            Severity::Info,
            Rule::MissingNoise,
            "the output noise is unknown: hiss cannot be judged".into(),
        ),
        _ => {}
    }
    let dynamic_range = match (max.spl_db, noise_spl) {
        (Some(m), Some(n)) => Some(m - n),
        _ => None,
    };
    (noise_spl, dynamic_range)
}

/// The hiss check: noise SPL at the listener against the threshold; unknown without a
/// noise figure (said prominently for a sensitive load, above 110 dB/V).
pub(super) fn hiss_check(p: &Pair, noise_spl: Option<f64>) -> Check {
    let threshold = p.settings.hiss_threshold_db_spl;
    match noise_spl {
        Some(n) if n >= threshold => Check::new(
            Status::Caution,
            Rule::AudibleHiss,
            format!(
                "hiss of {n:.1} dB SPL {} is at or above the {} dB SPL threshold: audible in quiet passages",
                p.place,
                fmt_sig(threshold)
            ),
            Some(n),
            "dB SPL",
        ),
        Some(n) => Check::new(
            Status::Ok,
            Rule::Hiss,
            format!(
                "hiss of {n:.1} dB SPL {} is below the {} dB SPL threshold",
                p.place,
                fmt_sig(threshold)
            ),
            Some(n),
            "dB SPL",
        ),
        None => {
            let sensitive = p.s_v.filter(|sv| !p.speaker && *sv > 110.0);
            let message = match (p.output.noise, sensitive) {
                (None, Some(sv)) => format!(
                    "no noise figure is known for this output, and this load is very sensitive ({sv:.1} dB/V): hiss may well be audible"
                ),
                (None, None) => {
                    "no noise figure is known for this output: hiss cannot be judged".into()
                }
                (Some(_), _) => "the load's sensitivity is not known: hiss cannot be judged".into(),
            };
            let settle = if p.output.noise.is_none() {
                "the output's noise (µV, or SNR with its reference level)"
            } else {
                "the load's sensitivity"
            };
            Check::unknown(Rule::MissingNoise, message, settle)
        }
    }
}
