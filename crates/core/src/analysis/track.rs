//! Track step: what a track asks of the pairing at a listening level — the peak voltage
//! the music needs, the headroom above its peaks, and how much of it would clip.

use serde::Serialize;

use super::{Finding, Report, Rule, Severity, Target};
use crate::units::{db20, fmt_sig, undb20};

/// A track's loudness and peak, as measured (EBU R128).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackLevels {
    /// Integrated loudness, LUFS.
    pub integrated_lufs: f64,
    /// True peak, dBTP.
    pub true_peak_dbtp: f64,
}

/// What a track asks of the pairing at a listening level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackCheck {
    /// Integrated loudness, LUFS.
    pub integrated_lufs: f64,
    /// True peak, dBTP.
    pub true_peak_dbtp: f64,
    /// The SPL the listener sets for the track's integrated loudness, dB.
    pub listening_level_db: f64,
    /// listening level + (true peak − integrated loudness), dB.
    pub peak_spl_db: f64,
    /// √2 · V(peak_spl_db): the peak voltage the amplifier must deliver, V.
    pub required_peak_voltage_v: Option<f64>,
    /// max.spl_db − peak_spl_db: what is left above the track's peaks, dB.
    pub headroom_db: Option<f64>,
    /// The sample level above which the amplifier clips at this setting, dBFS.
    pub clip_level_dbfs: Option<f64>,
    /// The share of samples (all channels) above that level.
    pub clipped_fraction: Option<f64>,
}

impl TrackLevels {
    /// The peak target a track sets: listening level + peak-to-loudness ratio.
    pub fn target(&self, listening_level_db: f64) -> Target {
        Target::Peak {
            spl_db: listening_level_db + self.true_peak_dbtp - self.integrated_lufs,
        }
    }
}

/// Folds a track into `report` (analysed at [`TrackLevels::target`]): the peak voltage the
/// music needs, the headroom left, and — through `fraction_above(level_dbfs)`, the share of
/// the track's samples above a level — how much of it the amplifier would clip. Without the
/// samples (`None`: the levels were typed in) whether it clips still follows from the true
/// peak; how much of it does stays unknown.
///
/// The track is calibrated so that its integrated loudness plays at the listening level,
/// the way a 1 kHz sine's peak level in dBFS equals its loudness in LUFS: a sample of
/// magnitude x (full scale 1) then reaches √2·V(L − I)·x volts, with V(L) the RMS sine
/// voltage for SPL L. It clips when that exceeds √2 × the maximum RMS voltage at the load,
/// i.e. above 20·log10(V_max) − (L − I − S_V − offset) dBFS.
pub fn fold_track(
    report: &mut Report,
    levels: TrackLevels,
    listening_level_db: f64,
    fraction_above: Option<&dyn Fn(f64) -> f64>,
) {
    let peak_spl = listening_level_db + levels.true_peak_dbtp - levels.integrated_lufs;
    let s_v = report.sensitivity.map(|s| s.db_per_v);
    let offset = report.listening.map_or(0.0, |l| l.offset_db);
    let required = s_v.map(|sv| std::f64::consts::SQRT_2 * undb20(peak_spl - offset - sv));
    let headroom = report.max.spl_db.map(|m| m - peak_spl);
    let clip_level = match (report.max.voltage_vrms, s_v) {
        (Some(v), Some(sv)) => {
            Some(db20(v) - (listening_level_db - levels.integrated_lufs - sv - offset))
        }
        _ => None,
    };
    let clipped = fraction_above.and_then(|f| clip_level.map(f));
    match (clipped, clip_level) {
        (None, Some(l)) if levels.true_peak_dbtp > l => report.findings.insert(
            0,
            Finding {
                severity: Severity::Warning,
                rule: Rule::TrackClips,
                message: format!(
                    "at {} dB for this track the amplifier clips above {l:.1} dBFS and the track peaks at {:+.1} dBTP: it clips (how much of it needs the file itself: `ampmatch check --track`)",
                    fmt_sig(listening_level_db),
                    levels.true_peak_dbtp
                ),
            },
        ),
        (None, Some(l)) => report.findings.push(Finding {
            severity: Severity::Info,
            rule: Rule::TrackClips,
            message: format!("the track's true peak ({:+.1} dBTP) stays below the clipping level ({l:.1} dBFS) at {} dB", levels.true_peak_dbtp, fmt_sig(listening_level_db)),
        }),
        (Some(c), Some(l)) if c > 0.0 => report.findings.insert(
            0,
            Finding {
                severity: Severity::Warning,
                rule: Rule::TrackClips,
                message: format!(
                    "at {} dB for this track the amplifier clips every sample above {l:.1} dBFS: {:.4} % of the samples",
                    fmt_sig(listening_level_db),
                    100.0 * c
                ),
            },
        ),
        (Some(_), Some(l)) => report.findings.push(Finding {
            severity: Severity::Info,
            rule: Rule::TrackClips,
            message: format!("no sample of the track reaches the clipping level ({l:.1} dBFS) at {} dB", fmt_sig(listening_level_db)),
        }),
        _ => {}
    }
    // With an EQ the levels are the EQ'd track's (preamp included): a true peak over full
    // scale clips in the digital path, before any amplifier.
    if let Some(eq) = &report.eq
        && levels.true_peak_dbtp > 0.0
    {
        report.findings.insert(
            0,
            Finding {
                severity: Severity::Warning,
                rule: Rule::EqDigitalClip,
                message: format!(
                    "with the EQ and its {:.1} dB preamp this track peaks at {:+.2} dBTP: it clips in the digital path; a preamp of {:.1} dB or lower keeps it clean",
                    eq.preamp_db,
                    levels.true_peak_dbtp,
                    eq.preamp_db - levels.true_peak_dbtp
                ),
            },
        );
    }
    report.track = Some(TrackCheck {
        integrated_lufs: levels.integrated_lufs,
        true_peak_dbtp: levels.true_peak_dbtp,
        listening_level_db,
        peak_spl_db: peak_spl,
        required_peak_voltage_v: required,
        headroom_db: headroom,
        clip_level_dbfs: clip_level,
        clipped_fraction: clipped,
    });
}
