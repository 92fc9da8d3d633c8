//! Safety step: the hearing check (the level at full output, against the 140 dB impulse
//! limit, the 130 dB threshold of pain when nothing turns it down, and our 120 dB and +30 dB
//! cautions) and, for headphones, the damage check (full output against the stated maximum
//! input power). With an unknown sensitivity unit the louder reading counts here.

use super::checks::{Check, Status};
use super::{Findings, Max, Required, Rule, Severity};
use crate::units::fmt_sig;

use super::pair::Pair;

/// No exposure is permitted above this peak SPL (NIOSH and OSHA impulse/impact noise limit;
/// physics.md, "Hearing and safety").
pub const IMPULSE_LIMIT_DB_SPL: f64 = 140.0;
/// Full output this far above the target peak makes a small turn of the knob a huge step:
/// our setting, not a sourced limit.
pub const LEVEL_EXCESS_DB: f64 = 30.0;

/// The hearing check, with its finding (and the `very-loud` finding for a loud output that
/// a volume control can turn down).
pub(super) fn hearing(p: &Pair, max: &Max, f: &mut Findings) -> Check {
    let (Some(m), Some(r)) = (max.spl_db, p.readings) else {
        let check = Check::unknown(
            Rule::HearingUnknown,
            "the level at full output cannot be computed".into(),
            "the figures the loudness check lacks",
        );
        return check;
    };
    // The louder reading of every source and interpretation counts here.
    let worst = m + (r.safety_db_per_v - r.db_per_v).max(0.0);
    let s = p.settings;
    let place = p.place;
    let vc = p.output.volume_control;
    let level = |rule, status, text: String| Check::new(status, rule, text, Some(worst), "dB SPL");
    let check = if worst > IMPULSE_LIMIT_DB_SPL {
        level(
            Rule::ExceedsImpulseLimit,
            Status::Problem,
            format!(
                "full output reaches {worst:.1} dB SPL {place}, above the {} dB limit beyond which no exposure is permitted (NIOSH/OSHA impulse noise)",
                fmt_sig(IMPULSE_LIMIT_DB_SPL)
            ),
        )
    } else if p.speaker {
        level(
            Rule::FullOutputLevel,
            Status::Ok,
            format!(
                "full output reaches {worst:.1} dB SPL {place}, within the {} dB impulse limit",
                fmt_sig(IMPULSE_LIMIT_DB_SPL)
            ),
        )
    } else if !vc && worst > s.pain_threshold_db_spl {
        level(
            Rule::ExceedsPainThreshold,
            Status::Problem,
            format!(
                "full output reaches {worst:.1} dB SPL {place}, past the {} dB threshold of pain, from an output with no volume control of its own: one slip of the source's volume and hearing is damaged in moments",
                fmt_sig(s.pain_threshold_db_spl)
            ),
        )
    } else if !vc && worst > s.loud_warning_db_spl {
        level(
            Rule::LoudWithoutVolumeControl,
            Status::Caution,
            format!(
                "full output reaches {worst:.1} dB SPL {place} and this output has no volume control of its own: the source's volume must keep it down"
            ),
        )
    } else if worst - p.target_spl > LEVEL_EXCESS_DB {
        level(
            Rule::LevelExcess,
            Status::Caution,
            format!(
                "full output reaches {worst:.1} dB SPL {place}, {:.1} dB above the {} dB target peak: a small turn of the volume covers a huge range",
                worst - p.target_spl,
                fmt_sig(p.target_spl)
            ),
        )
    } else {
        level(
            Rule::FullOutputLevel,
            Status::Ok,
            format!(
                "full output reaches {worst:.1} dB SPL {place}, with a volume control in the path"
            ),
        )
    };
    f.0.push(check.finding());
    if check.status == Status::Ok && !p.speaker && worst > s.loud_warning_db_spl {
        f.add(Severity::Warning, Rule::VeryLoud, format!("full output reaches {worst:.1} dB SPL {place}: keep the volume down (NIOSH: 85 dBA is the 8-hour limit, halved for each +3 dB)"));
    }
    check
}

/// The damage check for headphones and IEMs: full output against the stated maximum input
/// power — a caution when a volume control can keep it below, a problem when nothing can or
/// when the target itself exceeds it.
pub(super) fn damage(p: &Pair, max: &Max, required: &Required, f: &mut Findings) -> Check {
    let Some(pmax) = p.load.max_input_power_w else {
        return Check::unknown(
            Rule::DamageUnknown,
            "the load states no maximum input power, so damage cannot be judged".into(),
            "the load's maximum input power (mW)",
        );
    };
    let Some(pw) = max.power_w else {
        return Check::unknown(
            Rule::DamageUnknown,
            "the power at full output cannot be computed".into(),
            "the figures the loudness check lacks",
        );
    };
    let (mw, limit) = (fmt_sig(pw * 1000.0), fmt_sig(pmax * 1000.0));
    let check = if pw <= pmax {
        Check::new(
            Status::Ok,
            Rule::WithinMaxInputPower,
            format!(
                "full output delivers {mw} mW, within the load's {limit} mW maximum input power"
            ),
            Some(pw),
            "W",
        )
    } else if !p.output.volume_control || required.power_w.is_some_and(|r| r > pmax) {
        Check::new(
            Status::Problem,
            Rule::ExceedsMaxInputPower,
            format!(
                "full output delivers {mw} mW, above the load's {limit} mW maximum input power, and nothing keeps it below (no volume control, or the target itself needs more)"
            ),
            Some(pw),
            "W",
        )
    } else {
        Check::new(
            Status::Caution,
            Rule::ExceedsMaxInputPower,
            format!(
                "full output delivers {mw} mW, above the load's {limit} mW maximum input power: keep the volume below full"
            ),
            Some(pw),
            "W",
        )
    };
    f.0.push(check.finding());
    check
}
