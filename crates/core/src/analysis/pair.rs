//! The prepared pair: what every step reads, computed once.

use num_complex::Complex64;

use super::{Context, Settings, Target};
use crate::amplifier::AmpOutput;
use crate::chain::Chain;
use crate::impedance::ImpedanceModel;
use crate::limits::{AtLoad, LimitFit};
use crate::load::Load;
use crate::sensitivity::SensitivityReadings;
use crate::units::undb20;

/// The sensitivity the analysis uses: of two sources for the same model, the lower reading
/// (loudness is not overstated), with the higher kept as `safety_db_per_v` (neither is the
/// danger understated).
fn both_readings(load: &Load, z_nom: Option<f64>, speaker: bool) -> Option<SensitivityReadings> {
    let main = load.sensitivity.and_then(|s| s.readings(z_nom, speaker));
    let twin = load
        .twin_sensitivity
        .and_then(|s| s.readings(z_nom, speaker));
    match (main, twin) {
        (Some(a), Some(b)) => {
            let safety = a.safety_db_per_v.max(b.safety_db_per_v);
            let mut lower = if b.db_per_v < a.db_per_v { b } else { a };
            lower.safety_db_per_v = safety;
            Some(lower)
        }
        (a, b) => a.or(b),
    }
}

/// The gain the volume check uses: the setting asked for; else, of a gain switch, the lowest
/// setting whose full volume (`full(gain)` volts at the load) still reaches the target peak
/// (`peak_v`) — low gain for a sensitive IEM, so the knob is not at its bottom — or the
/// highest when none does; else the single stated gain.
fn choose_gain(
    output: &AmpOutput,
    asked: Option<&str>,
    peak_v: Option<f64>,
    full: impl Fn(f64) -> f64,
) -> Option<(f64, Option<String>)> {
    let modes = &output.gain_modes;
    if modes.is_empty() {
        return output.gain_db.map(|g| (g, None));
    }
    if let Some(name) = asked
        && let Some(m) = modes.iter().find(|m| m.name.eq_ignore_ascii_case(name))
    {
        return Some((m.gain_db, Some(m.name.clone())));
    }
    let mut sorted: Vec<_> = modes.iter().collect();
    sorted.sort_by(|a, b| a.gain_db.total_cmp(&b.gain_db));
    let pick = match peak_v {
        Some(v) => sorted
            .iter()
            .find(|m| full(m.gain_db) >= v)
            .or(sorted.last())
            .copied(),
        None => sorted.first().copied(),
    }?;
    Some((pick.gain_db, Some(pick.name.clone())))
}

/// One output into one load in a context, with the chain, the load's curve model and the
/// fitted limits worked out.
pub(crate) struct Pair<'a> {
    pub output: &'a AmpOutput,
    pub load: &'a Load,
    pub context: &'a Context,
    pub settings: &'a Settings,
    pub target: Target,
    /// Levels are at the seat (loudspeaker) rather than at the ear.
    pub speaker: bool,
    /// The peak SPL aimed for, dB.
    pub target_spl: f64,
    /// Nominal impedance (given, or the curve's |Z| at 1 kHz), Ω.
    pub z_nom: Option<f64>,
    /// Output impedance at 1 kHz, Ω.
    pub zo: Option<f64>,
    /// The load's impedance over frequency.
    pub model: Option<ImpedanceModel>,
    /// Output impedance, filter and cable between the ideal source and the load.
    pub chain: Chain,
    /// dB from a speaker's 1 m SPL to the seat (0 for headphones, measured at the ear).
    pub offset: f64,
    /// "at the seat" or "at the ear", for messages.
    pub place: &'static str,
    /// The sensitivity read in dB/V at the nominal impedance.
    pub readings: Option<SensitivityReadings>,
    /// The sensitivity used for loudness, dB/V (at the ear or at 1 m).
    pub s_v: Option<f64>,
    /// The output's limits, from its evidence.
    pub fit: LimitFit,
    /// Open-circuit voltage with a full-scale source at full volume, V rms (for the volume
    /// check: gain sets where the knob sits, never how far the output can swing).
    pub gain_limited: Option<f64>,
    /// The gain used, dB, and the name of the gain setting when the output has a switch.
    pub gain: Option<(f64, Option<String>)>,
    /// The chain into the nominal impedance as a resistor at 1 kHz: (H, Z_in).
    pub nominal: Option<(Complex64, Complex64)>,
    /// The RMS voltage the target peak needs at the load: 10^((SPL − offset − S_V)/20).
    pub required_vrms: Option<f64>,
    /// Everything in series with the load: output impedance + cable, Ω.
    pub series_ohm: Option<f64>,
}

impl<'a> Pair<'a> {
    pub fn prepare(
        output: &'a AmpOutput,
        load: &'a Load,
        target: Target,
        context: &'a Context,
        settings: &'a Settings,
    ) -> Self {
        let speaker = load.is_speaker();
        let z_nom = load.effective_nominal_ohm();
        let zo = output.output_impedance_ohm();
        let filter = output.output_filter.filter(|fl| !fl.post_filter_feedback);
        let chain = Chain {
            source: output.output_impedance,
            cable_ohm: context.cable.as_ref().map_or(0.0, |c| c.resistance_ohm),
            filter,
        };
        let readings = both_readings(load, z_nom, speaker);
        let fit = output.fit();
        let nominal = z_nom.map(|z| chain.at(1000.0, Complex64::new(z, 0.0)));
        let s_v = readings.map(|r| r.db_per_v);
        let offset = if speaker {
            context.listening.offset_db()
        } else {
            0.0
        };
        let required_vrms = s_v.map(|sv| undb20(target.peak_spl_db() - offset - sv));
        let h = nominal.map_or(1.0, |(h, _)| h.norm());
        let gain = choose_gain(output, context.gain_mode.as_deref(), required_vrms, |g| {
            settings.source_full_scale_vrms * undb20(g) * h
        });
        let gain_limited = gain
            .as_ref()
            .map(|(g, _)| settings.source_full_scale_vrms * undb20(*g));
        Self {
            output,
            load,
            context,
            settings,
            target,
            speaker,
            target_spl: target.peak_spl_db(),
            z_nom,
            zo,
            model: load.impedance_model(),
            offset,
            place: if speaker { "at the seat" } else { "at the ear" },
            readings,
            s_v,
            fit,
            gain_limited,
            gain,
            nominal,
            required_vrms,
            series_ohm: zo.map(|o| o + chain.cable_ohm),
            chain,
        }
    }

    /// The most the output can put across `z`, where `h` is the chain's transfer into `z` at
    /// the frequency in question (the caller has it already): the evidence's maximum at the
    /// terminals for |Z + cable| (ratings are into resistors there), shaped by the chain
    /// relative to a resistor of that size at 1 kHz, and divided by the cable. For a resistor
    /// without cable or filter this is exactly the rated figure. `None` while the evidence
    /// says nothing.
    pub fn max_through(&self, z: Complex64, h: Complex64) -> Option<AtLoad> {
        let z_t = z + self.chain.cable_ohm;
        let mut at = self.fit.at(z_t.norm())?;
        let h_ref = self
            .chain
            .terminal_transfer(1000.0, Complex64::new(z_t.norm(), 0.0))
            .norm();
        at.voltage_vrms *= h.norm() / h_ref;
        // Degenerate impedances (far below a milliohm) underflow in the complex divider:
        // such a figure is unknown, never NaN.
        at.voltage_vrms.is_finite().then_some(at)
    }
}
