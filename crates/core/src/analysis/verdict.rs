//! Verdict step: the overall answer from the findings and the figures, in this order —
//! unsafe (a rule that marks it), unknown (no headroom), insufficient (headroom < 0),
//! marginal (little headroom, a coloured response or audible hiss), good.

use super::{Findings, Rule, Verdict};

use super::pair::Pair;

pub(super) fn decide(
    p: &Pair,
    headroom: Option<f64>,
    deviation_spread: Option<f64>,
    f: &Findings,
) -> Verdict {
    let s = p.settings;
    if f.has(Rule::marks_unsafe) {
        return Verdict::Unsafe;
    }
    match headroom {
        None => Verdict::Unknown,
        Some(h) if h < 0.0 => Verdict::Insufficient,
        Some(h)
            if h < s.marginal_headroom_db
                || deviation_spread.is_some_and(|d| d > s.deviation_limit_db)
                || f.has(|r| r == Rule::AudibleHiss) =>
        {
            Verdict::Marginal
        }
        Some(_) => Verdict::Good,
    }
}
