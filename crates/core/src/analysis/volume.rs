//! Volume step: where the volume control sits for the target, from the gain and a
//! full-scale source: attenuation = 20·log10(V_required / (V_source·10^(gain/20)·|H|)).

use super::{Findings, Required, Rule, Severity, Volume};
use crate::units::{db20, fmt_sig};

use super::pair::Pair;

pub(super) fn check(p: &Pair, required: &Required, f: &mut Findings) -> Option<Volume> {
    let settings = p.settings;
    match (p.gain_limited, required.voltage_vrms, p.nominal) {
        (Some(vg), Some(vr), Some((h, _))) => {
            let att = db20(vr / (vg * h.norm()));
            if p.load.is_iem() && att < -settings.knob_bottom_attenuation_db {
                f.add(
                    Severity::Warning,
                    Rule::VolumeAtBottom,
                    format!("the target needs the volume {:.1} dB below maximum: with a {} V source this IEM is used at the bottom of the knob, where channel balance suffers; a lower gain setting or a less sensitive output helps", -att, fmt_sig(settings.source_full_scale_vrms)),
                );
            }
            Some(Volume {
                source_full_scale_vrms: settings.source_full_scale_vrms,
                attenuation_db: att,
            })
        }
        (None, _, _) => {
            f.add(
                Severity::Info,
                Rule::MissingGain,
                "the gain is unknown: the volume setting cannot be estimated".into(),
            );
            None
        }
        _ => None,
    }
}
