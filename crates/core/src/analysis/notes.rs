//! Notes step: what the devices' sources say, how the impedance is known, what surrounds
//! the pair (cable, output filter), and the listening position for a loudspeaker.

use super::{Findings, ListeningReport, Rule, Severity, Target};
use crate::evidence::NoteKind;
use crate::units::fmt_sig;

use super::pair::Pair;

/// The rule and severity a device note is reported with.
fn classify(kind: NoteKind) -> (Severity, Rule) {
    match kind {
        NoteKind::Conflict => (Severity::Warning, Rule::SourceConflict),
        NoteKind::Assumption => (Severity::Info, Rule::Assumption),
        NoteKind::Suspect => (Severity::Warning, Rule::SuspectData),
        NoteKind::Source => (Severity::Info, Rule::SourceNote),
    }
}

pub(super) fn check(p: &Pair, f: &mut Findings) {
    for note in p.load.notes.iter().chain(p.output.notes.iter()) {
        let (sev, rule) = classify(note.kind);
        f.add(sev, rule, note.to_string());
    }
    if p.load.nominal_impedance_ohm.is_none() {
        match p.z_nom {
            Some(z) => f.add(Severity::Info, Rule::NominalFromCurve, format!("no nominal impedance given; |Z| at 1 kHz of the curve, {} Ω, is used", fmt_sig(z))),
            None => f.add(Severity::Info, Rule::MissingImpedance, "the load's impedance is unknown, so the voltage it receives, the current and the power cannot be computed".into()),
        }
    }
    if let Some(c) = &p.context.cable {
        f.add(
            Severity::Info,
            Rule::Cable,
            format!(
                "speaker cable: {}, {} Ω loop resistance in series with the output",
                c.description,
                fmt_sig(c.resistance_ohm)
            ),
        );
    }
    if let Some(fl) = p.output.output_filter {
        if fl.post_filter_feedback {
            f.add(Severity::Info, Rule::OutputFilter, "the class-D output filter is inside the feedback loop (post-filter feedback), so its load dependence is corrected".into());
        } else {
            f.add(Severity::Info, Rule::OutputFilter, format!("class-D output filter L {} µH, C {} µF: H = 1/(1 + sL/Z + s²LC), so the top octave depends on the load's impedance", fmt_sig(fl.l_h * 1e6), fmt_sig(fl.c_f * 1e6)));
        }
    }
}

/// Where the listener sits and how loud, for a loudspeaker (null for headphones).
pub(super) fn listening(p: &Pair) -> Option<ListeningReport> {
    p.speaker.then(|| {
        let (average, crest) = match p.target {
            Target::AverageWithCrest {
                average_spl_db,
                crest_factor_db,
            } => (Some(average_spl_db), Some(crest_factor_db)),
            Target::Peak { .. } => (None, None),
        };
        let l = &p.context.listening;
        ListeningReport {
            distance_m: l.distance_m,
            speakers: l.speakers,
            room_gain_db: l.room_gain_db,
            preset: p.context.preset,
            average_spl_db: average,
            headroom_db: crest,
            offset_db: p.offset,
        }
    })
}
