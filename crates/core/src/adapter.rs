//! A resistor adapter between a speaker amplifier and headphones: a series resistor from
//! the amplifier, a shunt resistor across the headphone (as in the long-published
//! headphone-adapter designs).
//!
//! Seen from the headphone the adapter and amplifier are one Thévenin source:
//! V_th = V_amp·R_p/(Z_o + R_s + R_p), Z_th = (Z_o + R_s) ∥ R_p. The shunt sets the source
//! impedance (kept at or below 1/8 of the headphone's lowest impedance where possible, so
//! the response does not bend); the series resistor sets the attenuation (so that the
//! amplifier's full output lands at a safe level at the ear).

use serde::Serialize;

use crate::amplifier::{AmpOutput, OutputKind, RatingPoint};
use crate::error::{Error, Result, check_range};
use crate::evidence::Confidence;
use crate::impedance::SourceImpedance;
use crate::limits::LimitFit;
use crate::units::db20;

/// The E24 series, one decade.
pub const E24: [f64; 24] = [
    1.0, 1.1, 1.2, 1.3, 1.5, 1.6, 1.8, 2.0, 2.2, 2.4, 2.7, 3.0, 3.3, 3.6, 3.9, 4.3, 4.7, 5.1, 5.6,
    6.2, 6.8, 7.5, 8.2, 9.1,
];

/// Resistor power ratings to buy from, W.
pub const WATTAGES: [f64; 10] = [0.125, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 25.0, 50.0];

/// The E24 values from 0.1 Ω to 10 MΩ, rising.
fn e24_values() -> impl Iterator<Item = f64> {
    (-1..7).flat_map(|d| E24.iter().map(move |m| m * 10f64.powi(d)))
}

/// The largest E24 value at or below `x` (the smallest in the series if none is).
pub fn e24_at_most(x: f64) -> f64 {
    e24_values()
        .take_while(|v| *v <= x * (1.0 + 1e-9))
        .last()
        .unwrap_or(0.1)
}

/// The smallest E24 value at or above `x`.
pub fn e24_at_least(x: f64) -> f64 {
    e24_values().find(|v| *v >= x * (1.0 - 1e-9)).unwrap_or(1e7)
}

/// The smallest standard rating that carries `p_w` with 2× margin.
pub fn wattage_for(p_w: f64) -> Option<f64> {
    WATTAGES.iter().copied().find(|w| *w >= 2.0 * p_w)
}

/// Two resistors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Resistors {
    /// Series resistor, Ω.
    pub series_ohm: f64,
    /// Shunt resistor across the headphone, Ω.
    pub shunt_ohm: f64,
}

impl Resistors {
    /// Checked values.
    pub fn new(series_ohm: f64, shunt_ohm: f64) -> Result<Self> {
        Ok(Self {
            series_ohm: check_range("series_ohm", series_ohm, 0.0, 1e7, "Ω")?,
            shunt_ohm: check_range("shunt_ohm", shunt_ohm, 0.1, 1e7, "Ω")?,
        })
    }

    /// V_headphone/V_amp into a headphone of `z_ohm` from a source of `zo_ohm`.
    pub fn transfer(&self, zo_ohm: f64, z_ohm: f64) -> f64 {
        let p = parallel(self.shunt_ohm, z_ohm);
        p / (zo_ohm + self.series_ohm + p)
    }

    /// The source impedance the headphone sees, Ω.
    pub fn source_ohm(&self, zo_ohm: f64) -> f64 {
        parallel(zo_ohm + self.series_ohm, self.shunt_ohm)
    }
}

fn parallel(a: f64, b: f64) -> f64 {
    a * b / (a + b)
}

/// The amplifier output and the adapter as one output, as the headphone sees it: the
/// output's maximum into the adapter's own load scaled by the shunt divider, the Thévenin
/// source impedance, noise and gain scaled by the divider, a headphone jack (a bridged
/// output stays bridged: the connection check then says why a plain jack cannot work).
pub fn through(output: &AmpOutput, r: Resistors) -> Result<AmpOutput> {
    let zo = output.output_impedance.map_or(0.0, |s| s.nominal_ohm());
    let fit = LimitFit::from_output(output);
    // The amplifier sees R_s + R_p (plus the headphone in parallel with R_p, which only
    // lowers it a little: the open-circuit case is the one the Thévenin source needs).
    let unloaded = r.series_ohm + r.shunt_ohm;
    let v_amp = fit
        .at(unloaded)
        .map(|a| a.voltage_vrms)
        .ok_or_else(|| Error::Adapter("the amplifier's maximum voltage is not known".into()))?;
    let k = r.shunt_ohm / (r.series_ohm + r.shunt_ohm);
    let mut out = output.clone();
    out.name = format!(
        "{} + adapter {}/{} Ω",
        output.name,
        crate::units::fmt_sig(r.series_ohm),
        crate::units::fmt_sig(r.shunt_ohm)
    );
    out.kind = if output.bridged == Some(true) {
        OutputKind::Balanced
    } else {
        OutputKind::SingleEnded
    };
    out.ratings = vec![RatingPoint::from_voltage(
        None,
        v_amp * k,
        Confidence::Medium,
        "the amplifier's maximum into the adapter, divided by it",
    )?];
    out.current_limits.clear();
    out.output_impedance = Some(SourceImpedance::Resistive {
        ohm: r.source_ohm(zo),
    });
    if let Some(n) = &mut out.noise {
        n.noise_uv *= k;
    }
    out.gain_db = out.gain_db.map(|g| g + db20(k));
    for m in &mut out.gain_modes {
        m.gain_db += db20(k);
    }
    out.min_load_ohm = None;
    out.output_filter = None;
    out.bridged_from = None;
    Ok(out)
}

/// A designed (or given) adapter and what it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Design {
    /// Series resistor, Ω (E24).
    pub series_ohm: f64,
    /// Shunt resistor, Ω (E24).
    pub shunt_ohm: f64,
    /// The source impedance the headphone sees, Ω.
    pub source_impedance_ohm: f64,
    /// V_headphone / V_amp at the nominal impedance, dB.
    pub attenuation_db: f64,
    /// Full output at the ear with the higher sensitivity reading, dB SPL.
    pub max_spl_db: Option<f64>,
    /// The safe maximum the design aims under, dB SPL.
    pub safe_max_spl_db: f64,
    /// Dissipation at full output, W.
    pub series_power_w: Option<f64>,
    /// Dissipation at full output, W.
    pub shunt_power_w: Option<f64>,
    /// Resistor ratings to buy (2× margin), W.
    pub series_wattage_w: Option<f64>,
    /// Resistor ratings to buy (2× margin), W.
    pub shunt_wattage_w: Option<f64>,
    /// The load the amplifier sees, Ω.
    pub amp_load_ohm: f64,
    /// Response deviation over the headphone's curve through the adapter, dB (null
    /// without a curve).
    pub deviation_spread_db: Option<f64>,
    /// Hiss at the ear through the adapter, dB SPL (null without a noise figure).
    pub hiss_spl_db: Option<f64>,
    /// False when no plain adapter can work; `notes` say why.
    pub feasible: bool,
    /// What to know, in words.
    pub notes: Vec<String>,
}

/// The lowest impedance of `load` over 20 Hz–20 kHz (the stated minimum, else the curve's,
/// else the nominal), Ω.
fn min_impedance(load: &crate::load::Load) -> Option<f64> {
    let from_curve = load.impedance_model().map(|m| {
        crate::analysis::frequency_grid(12)
            .iter()
            .map(|f| m.at(*f).z.norm())
            .fold(f64::INFINITY, f64::min)
    });
    load.min_impedance_ohm
        .or(from_curve.filter(|z| z.is_finite()))
        .or(load.nominal_impedance_ohm)
}

/// Designs the adapter for `output` into `load`: the shunt for a source impedance of
/// `source_ohm` (default: 1/8 of the headphone's lowest impedance), the series resistor so
/// that full output stays at or under `safe_max_spl_db` at the ear with the higher
/// sensitivity reading. Then analyses the result (max SPL, deviation, hiss, dissipation).
pub fn design(
    output: &AmpOutput,
    load: &crate::load::Load,
    safe_max_spl_db: f64,
    source_ohm: Option<f64>,
    settings: &crate::analysis::Settings,
) -> Result<Design> {
    let z_nom = load
        .nominal_impedance_ohm
        .ok_or_else(|| Error::Adapter("the headphone's impedance is not known".into()))?;
    let z_min = min_impedance(load).unwrap_or(z_nom);
    let target_src = source_ohm.unwrap_or(z_min / 8.0);
    let plain = crate::analysis::analyze("amp", output, load, Default::default(), settings);
    let s_safe = plain
        .sensitivity
        .map(|s| s.safety_db_per_v)
        .ok_or_else(|| Error::Adapter("the headphone's sensitivity is not known".into()))?;
    let fit = LimitFit::from_output(output);
    let shunt = e24_at_most(target_src.max(0.1));
    let v_safe = 10f64.powf((safe_max_spl_db - s_safe) / 20.0);
    let rpz = parallel(shunt, z_nom);
    // What reaches the headphone at full output with a series resistor `rs`: the
    // amplifier's maximum at its terminals into rs + R_p∥Z (the fit already holds its own
    // output impedance), divided down.
    let v_hp = |rs: f64| -> Result<f64> {
        let load = rs + rpz;
        fit.at(load)
            .map(|a| a.voltage_vrms * rpz / load)
            .ok_or_else(|| Error::Adapter("the amplifier's maximum voltage is not known".into()))
    };
    // A first estimate from the maximum into R_p∥Z alone (the maximum only grows with the
    // load), then up the E24 series until full output is at or under the safe level.
    let v0 = v_hp(0.0)?;
    let mut series = e24_at_least((rpz * v0 / v_safe - rpz).max(0.1));
    for _ in 0..200 {
        if v_hp(series)? <= v_safe * (1.0 + 1e-12) {
            break;
        }
        series = e24_at_least(series * 1.0001);
    }
    let r = Resistors::new(series, shunt)?;
    analyse(output, load, r, safe_max_spl_db, settings)
}

/// What a given adapter does for `output` into `load`.
pub fn analyse(
    output: &AmpOutput,
    load: &crate::load::Load,
    r: Resistors,
    safe_max_spl_db: f64,
    settings: &crate::analysis::Settings,
) -> Result<Design> {
    let z_nom = load
        .nominal_impedance_ohm
        .ok_or_else(|| Error::Adapter("the headphone's impedance is not known".into()))?;
    let zo = output.output_impedance.map_or(0.0, |s| s.nominal_ohm());
    let rpz = parallel(r.shunt_ohm, z_nom);
    let amp_load = r.series_ohm + rpz;
    let fit = LimitFit::from_output(output);
    let v_amp = fit.at(amp_load).map(|a| a.voltage_vrms);
    let i_s = v_amp.map(|v| v / amp_load);
    let v_hp = i_s.map(|i| i * rpz);
    let series_power = i_s.map(|i| i * i * r.series_ohm);
    let shunt_power = v_hp.map(|v| v * v / r.shunt_ohm);
    let through = through(output, r)?;
    let report = crate::analysis::analyze("amp", &through, load, Default::default(), settings);
    let s_safe = report.sensitivity.map(|s| s.safety_db_per_v);
    let max_spl = match (v_hp, s_safe) {
        (Some(v), Some(s)) => Some(s + db20(v)),
        _ => None,
    };
    let mut notes = vec![];
    let mut feasible = true;
    if let Some(m) = output.min_load_ohm
        && amp_load < m
    {
        feasible = false;
        notes.push(format!(
            "the amplifier would see {amp_load:.1} Ω, below its {m} Ω minimum: use a larger series resistor"
        ));
    }
    if output.bridged == Some(true) {
        match load.plug {
            crate::load::Plug::ThreePole => {
                feasible = false;
                notes.push("the amplifier's output is bridged (neither terminal is ground): a 3-pole plug joins both channels' returns and would short the outputs; it needs an isolated 4-wire connection — one adapter per channel across its own + and −, and a headphone cable with separate returns (a 4-pin balanced plug)".into());
            }
            crate::load::Plug::Balanced => notes.push("bridged output: wire one adapter per channel across its + and −, into the headphone's 4-wire (balanced) cable; never join the channels' returns".into()),
        }
    }
    if let Some(m) = max_spl
        && m > safe_max_spl_db + 0.05
    {
        feasible = false;
        notes.push(format!(
            "full output still reaches {m:.1} dB SPL, above the {safe_max_spl_db:.0} dB aimed for"
        ));
    }
    notes.push(format!(
        "if the volume slips to full, the ear gets at most {} (the design's purpose)",
        max_spl.map_or("an unknown level".into(), |m| format!("{m:.1} dB SPL"))
    ));
    Ok(Design {
        series_ohm: r.series_ohm,
        shunt_ohm: r.shunt_ohm,
        source_impedance_ohm: r.source_ohm(zo),
        attenuation_db: db20(r.transfer(zo, z_nom)),
        max_spl_db: max_spl,
        safe_max_spl_db,
        series_power_w: series_power,
        shunt_power_w: shunt_power,
        series_wattage_w: series_power.and_then(wattage_for),
        shunt_wattage_w: shunt_power.and_then(wattage_for),
        amp_load_ohm: amp_load,
        deviation_spread_db: report.deviation_spread_db,
        hiss_spl_db: report.noise_spl_db,
        feasible,
        notes,
    })
}
