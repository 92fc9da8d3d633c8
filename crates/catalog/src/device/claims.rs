//! Claim arbitration: when several sources give the same figure, the most trustworthy
//! one is used and the others are noted as conflicts.

use ampmatch_core::amplifier::Confidence;
use ampmatch_core::evidence::{Note, NoteKind};
use ampmatch_core::units::{fmt_sig, shorten};

/// A figure claimed by one source, for picking and for conflict notes.
pub(crate) struct Claim<'a> {
    pub(crate) value: f64,
    pub(crate) confidence: Confidence,
    pub(crate) source: &'a str,
}

/// Picks the most trustworthy claim (first among equals) and notes any other claim that
/// differs by more than `tolerance` (a fraction, or dB when `absolute`).
pub(crate) fn pick(
    claims: &[Claim],
    what: &str,
    unit: &str,
    output: &str,
    tolerance: f64,
    absolute: bool,
    notes: &mut Vec<Note>,
) -> Option<f64> {
    let best = claims.iter().min_by_key(|c| c.confidence.trust_rank())?;
    let differs = |c: &Claim| {
        let d = (c.value - best.value).abs();
        if absolute {
            d > tolerance
        } else {
            d > tolerance * best.value.abs().max(1e-12)
        }
    };
    let others: Vec<String> = claims
        .iter()
        .filter(|c| differs(c))
        .map(|c| {
            format!(
                "{} {unit} ({}: {})",
                fmt_sig(c.value),
                conf_word(c.confidence),
                shorten(c.source, 70)
            )
        })
        .collect();
    if !others.is_empty() {
        notes.push(Note::new(
            NoteKind::Conflict,
            format!(
                "{what} of the {output} output: {} {unit} ({}: {}) is used over {}",
                fmt_sig(best.value),
                conf_word(best.confidence),
                shorten(best.source, 70),
                others.join("; ")
            ),
        ));
    }
    Some(best.value)
}

fn conf_word(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "measured",
        Confidence::Medium => "medium confidence",
        Confidence::Low => "low confidence",
        Confidence::Unverified => "unverified",
        Confidence::User => "user figure",
    }
}
