//! Safety step: full output against the load's maximum input power and the threshold of
//! pain at the listener (with an unknown sensitivity unit, the louder reading counts).

use super::{Findings, Max, Rule, Severity};
use crate::units::fmt_sig;

use super::pair::Pair;

pub(super) fn check(p: &Pair, max: &Max, f: &mut Findings) {
    if let (Some(pmax), Some(pw)) = (p.load.max_input_power_w, max.power_w)
        && pw > pmax
    {
        f.add(Severity::Critical, Rule::ExceedsMaxInputPower, format!("at full output the amplifier delivers {} mW, above the load's maximum input power of {} mW", fmt_sig(pw * 1000.0), fmt_sig(pmax * 1000.0)));
    }
    let (Some(m), Some(r)) = (max.spl_db, p.readings) else {
        return;
    };
    let worst = r
        .alternative_db_per_v
        .map_or(m, |alt| m.max(alt - r.db_per_v + m));
    let settings = p.settings;
    if worst > settings.pain_threshold_db_spl {
        f.add(
            Severity::Critical,
            Rule::ExceedsPainThreshold,
            format!("at full output this pairing reaches {worst:.1} dB SPL {}, past the {} dB threshold of pain: hearing damage in moments and a risk to the driver", p.place, fmt_sig(settings.pain_threshold_db_spl)),
        );
    } else if worst > settings.loud_warning_db_spl {
        f.add(Severity::Warning, Rule::VeryLoud, format!("full output reaches {worst:.1} dB SPL {}: keep the volume down (NIOSH: 85 dBA is the 8-hour limit, halved for each +3 dB)", p.place));
    }
}
