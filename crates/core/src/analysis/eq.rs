//! EQ step: what an equaliser preset costs the amplifier.
//!
//! The preamp only keeps the digital path from clipping; the listener turns the volume up
//! by as much to hear the same level. So at each frequency the target needs
//! V(f) = V_target·10^(G(f)/20) volts, G the preset's gain without the preamp, against what
//! the output delivers into |Z(f)| there; and the volume needs |preamp| dB more gain from
//! the source's full scale (shared physics notes, "Equalisers").

use serde::Serialize;

use super::checks::{Check, Status};
use super::pair::Pair;
use super::{CurvePoint, Findings, Rule, Severity, Volume};
use crate::eq::Eq;
use crate::units::{db20, fmt_sig};

/// An EQ to judge and the sample rate its biquads run at.
#[derive(Debug, Clone, PartialEq)]
pub struct EqSetting {
    /// The preset.
    pub eq: Eq,
    /// Sample rate for the biquads' response, Hz.
    pub rate_hz: f64,
}

/// What the EQ does to the pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EqReport {
    /// The preset's name (its file's).
    pub name: String,
    /// Sample rate of the biquads' response, Hz.
    pub rate_hz: f64,
    /// The preamp the preset states, dB.
    pub preamp_db: f64,
    /// Largest gain of the preset over 20 Hz–20 kHz, preamp excluded, dB.
    pub max_boost_db: f64,
    /// Where, Hz.
    pub max_boost_hz: f64,
    /// The preamp that keeps a full-scale signal from clipping: −max boost (0 when the
    /// preset only cuts), dB.
    pub needed_preamp_db: f64,
    /// Level change at the ear when the EQ is switched on with its stated preamp: the power
    /// average of gain + preamp over the band (equal weight per octave), dB.
    pub level_jump_db: f64,
    /// Where the output runs out first with the EQ, Hz (null when unknown).
    pub worst_frequency_hz: Option<f64>,
    /// Headroom there: available ÷ required voltage, dB (negative: short).
    pub worst_headroom_db: Option<f64>,
}

/// Fills each curve point's EQ fields and returns the EQ report with its check.
pub(super) fn check(
    p: &Pair,
    setting: &EqSetting,
    curve: &mut [CurvePoint],
    volume: Option<&Volume>,
) -> (EqReport, Check) {
    let eq = &setting.eq;
    let mut max_boost = (f64::NEG_INFINITY, 0.0);
    let mut worst: Option<(f64, f64)> = None;
    let mut power_sum = 0.0;
    for pt in curve.iter_mut() {
        let g = eq.gain_db(pt.frequency_hz, setting.rate_hz);
        if g > max_boost.0 {
            max_boost = (g, pt.frequency_hz);
        }
        power_sum += 10f64.powf((g + eq.preamp_db) / 10.0);
        pt.eq_gain_db = Some(g);
        pt.required_voltage_vrms = p.required_vrms.map(|v| v * 10f64.powf(g / 20.0));
        if let (Some(req), Some(avail)) = (pt.required_voltage_vrms, pt.available_voltage_vrms) {
            let h = db20(avail / req);
            if h.is_finite() && worst.is_none_or(|(w, _)| h < w) {
                worst = Some((h, pt.frequency_hz));
            }
        }
    }
    let level_jump = if curve.is_empty() {
        0.0
    } else {
        10.0 * (power_sum / curve.len() as f64).log10()
    };
    let report = EqReport {
        name: eq.name.clone(),
        rate_hz: setting.rate_hz,
        preamp_db: eq.preamp_db,
        max_boost_db: max_boost.0.max(f64::MIN),
        max_boost_hz: max_boost.1,
        // 0 − x rather than −x: a preset that only cuts needs 0 dB, not −0 dB.
        needed_preamp_db: 0.0 - max_boost.0.max(0.0),
        level_jump_db: level_jump,
        worst_frequency_hz: worst.map(|w| w.1),
        worst_headroom_db: worst.map(|w| w.0),
    };
    let check = decide(p, &report, volume);
    (report, check)
}

fn decide(p: &Pair, r: &EqReport, volume: Option<&Volume>) -> Check {
    // The gain the preamp takes away: with the volume at full, does the source still
    // reach the target? (attenuation_db > 0 means full volume already falls short.)
    let gain_short = volume.map(|v| v.attenuation_db - r.preamp_db.min(0.0));
    let Some(headroom) = r.worst_headroom_db else {
        return Check::unknown(
            Rule::EqUnknown,
            format!(
                "the EQ boosts up to {:+.1} dB at {} Hz; what that costs is not known without the output's maximum and the load's sensitivity",
                r.max_boost_db,
                fmt_sig(r.max_boost_hz)
            ),
            "the output's maximum voltage and the load's sensitivity",
        );
    };
    let at = r.worst_frequency_hz.map_or_else(String::new, fmt_sig);
    if headroom < 0.0 {
        return Check::new(
            Status::Problem,
            Rule::EqOutOfVoltage,
            format!(
                "with the EQ the output runs out first at {at} Hz: short by {:.1} dB of the voltage the boosted target needs there",
                -headroom
            ),
            Some(headroom),
            "dB",
        );
    }
    if let Some(short) = gain_short.filter(|s| *s > 0.0) {
        return Check::new(
            Status::Problem,
            Rule::EqPreampGain,
            format!(
                "the preset's {:.1} dB preamp takes gain the output lacks: even full volume falls {:.1} dB short of the target from a {} V source",
                r.preamp_db,
                short,
                fmt_sig(p.settings.source_full_scale_vrms)
            ),
            Some(-short),
            "dB",
        );
    }
    if headroom < p.settings.marginal_headroom_db {
        return Check::new(
            Status::Caution,
            Rule::EqOutOfVoltage,
            format!(
                "with the EQ only {headroom:.1} dB of voltage is left at {at} Hz, where it needs the most"
            ),
            Some(headroom),
            "dB",
        );
    }
    Check::new(
        Status::Ok,
        Rule::EqHeadroom,
        format!(
            "with the EQ ({:+.1} dB at most, at {} Hz) the output keeps {headroom:.1} dB of voltage in hand at {at} Hz, its tightest point",
            r.max_boost_db,
            fmt_sig(r.max_boost_hz)
        ),
        Some(headroom),
        "dB",
    )
}

/// A graphic EQ that cancels the response deviation the output impedance causes: at every
/// `step`-th point of the curve (the curve's grid is 48 points per octave; 4 gives 12),
/// the negative of the deviation there. `None` when the deviation is not known (no
/// impedance curve, or no output impedance).
pub fn correction_points(curve: &[CurvePoint], step: usize) -> Option<Vec<(f64, f64)>> {
    curve
        .iter()
        .step_by(step.max(1))
        .map(|p| p.deviation_db.map(|d| (p.frequency_hz, -d)))
        .collect::<Option<Vec<_>>>()
        .filter(|v| !v.is_empty())
}

/// The load's measured response as this output delivers it: response + the deviation the
/// output impedance causes (+ the EQ's gain when there is one) at every curve point.
pub(super) fn heard(curve: &mut [CurvePoint], fr: &[(f64, f64)], f: &mut Findings) {
    if fr.len() < 2 {
        return;
    }
    let mut unknown = false;
    for pt in curve.iter_mut() {
        let r = crate::eq::graphic_gain(fr, pt.frequency_hz);
        pt.fr_db = Some(r);
        pt.heard_db = pt
            .deviation_db
            .map(|d| r + d + pt.eq_gain_db.unwrap_or(0.0));
        unknown |= pt.heard_db.is_none();
    }
    if unknown {
        f.add(
            Severity::Info,
            Rule::ResponseUnknown,
            "the response as heard needs the deviation (the load's impedance curve and the output impedance); only the measured response is shown".into(),
        );
    }
}
