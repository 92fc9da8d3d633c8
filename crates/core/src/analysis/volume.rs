//! Volume step: where the volume control sits, from the gain and a full-scale source:
//! attenuation = 20·log10(V_needed / (V_source·10^(gain/20)·|H|)). The report's `volume`
//! is for the target peak; the volume check is for the average listening level, where the
//! knob actually sits.

use super::checks::{Check, Status};
use super::{Findings, Required, Rule, Target, Volume};
use crate::units::{db20, fmt_sig, undb20};

use super::pair::Pair;

/// Music's crest factor, dB: the average level below a peak-only target (physics.md).
pub const MUSIC_CREST_FACTOR_DB: f64 = 17.0;

/// Returns the volume for the target peak and the volume check.
pub(super) fn check(p: &Pair, required: &Required, f: &mut Findings) -> (Option<Volume>, Check) {
    let settings = p.settings;
    let (Some(vg), Some((h, _))) = (p.gain_limited, p.nominal) else {
        let check = if p.gain_limited.is_none() {
            Check::unknown(
                Rule::MissingGain,
                "the gain is not known, so where the volume control sits cannot be estimated"
                    .into(),
                "the output's gain (dB)",
            )
        } else {
            Check::unknown(
                Rule::VolumeUnknown,
                "the load's impedance is not known, so the volume setting cannot be estimated"
                    .into(),
                "the load's impedance",
            )
        };
        f.0.push(check.finding());
        return (None, check);
    };
    let (Some(v_peak), Some(sv)) = (required.voltage_vrms, p.s_v) else {
        let check = Check::unknown(
            Rule::VolumeUnknown,
            "the load's sensitivity is not known, so the volume setting cannot be estimated".into(),
            "the load's sensitivity",
        );
        f.0.push(check.finding());
        return (None, check);
    };
    let full = vg * h.norm();
    let peak_att = db20(v_peak / full);
    let (average, how) = match p.target {
        Target::AverageWithCrest { average_spl_db, .. } => (average_spl_db, String::new()),
        Target::Peak { spl_db } => (
            spl_db - MUSIC_CREST_FACTOR_DB,
            format!(
                " (the {} dB peak target less music's {} dB crest factor)",
                fmt_sig(spl_db),
                fmt_sig(MUSIC_CREST_FACTOR_DB)
            ),
        ),
    };
    let att = db20(undb20(average - p.offset - sv) / full);
    let src = fmt_sig(settings.source_full_scale_vrms);
    // Name the gain setting when the output has a switch.
    let setting = match &p.gain {
        Some((g, Some(name))) => format!(" at the {name} gain setting ({} dB)", fmt_sig(*g)),
        _ => String::new(),
    };
    let check = if peak_att > 0.0 {
        Check::new(
            Status::Caution,
            Rule::NoVolumeReserve,
            format!(
                "with a {src} V source at full volume{setting} the output reaches {:.1} dB less than the {} dB target peak: no volume reserve is left (a higher gain or a hotter source helps)",
                peak_att,
                fmt_sig(p.target_spl)
            ),
            Some(peak_att),
            "dB",
        )
    } else if att < -settings.knob_bottom_attenuation_db {
        Check::new(
            Status::Caution,
            Rule::VolumeAtBottom,
            format!(
                "the {} dB average level{how} needs the volume {:.1} dB below full{setting}: the bottom of the knob, where channels track worst and hiss is loudest (a lower gain setting helps)",
                fmt_sig(average),
                -att
            ),
            Some(att),
            "dB",
        )
    } else {
        Check::new(
            Status::Ok,
            Rule::Volume,
            format!(
                "the {} dB average level{how} puts the volume {:.1} dB below full{setting}, with a {src} V source",
                fmt_sig(average),
                -att
            ),
            Some(att),
            "dB",
        )
    };
    f.0.push(check.finding());
    let volume = Volume {
        source_full_scale_vrms: settings.source_full_scale_vrms,
        attenuation_db: peak_att,
        average_attenuation_db: Some(att),
        gain_mode: p.gain.as_ref().and_then(|(_, n)| n.clone()),
        gain_db: p.gain.as_ref().map(|(g, _)| *g),
    };
    (Some(volume), check)
}
