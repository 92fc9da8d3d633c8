//! "My own amplifier / headphone or speaker": spec-sheet figures typed into labelled fields
//! ("500 mW @ 32 Ω"). With no name in the device box they make the device; beside a catalog
//! name they fill in the figures the catalog does not know (the inline entry under an
//! unknown answer uses the same keys), and never replace one it does.

use ampmatch_catalog::{AmpDevice, LoadDevice};
use ampmatch_core::analysis::Report;
use ampmatch_core::impedance::ImpedanceModel;
use ampmatch_core::load::LoadKind;
use ampmatch_core::units::fmt_sig;
use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// The form's query keys.
pub const KEYS: &[&str] = &[
    "amp_power",
    "amp_power_unit",
    "amp_ohm",
    "amp_vmax",
    "amp_zout",
    "amp_gain",
    "amp_noise",
    "load_type",
    "load_z",
    "load_sens",
    "load_unit",
    "load_max_mw",
    "load_rms_w",
    "load_curve",
];

const AMP_FIGURES: &[&str] = &[
    "amp_power",
    "amp_ohm",
    "amp_vmax",
    "amp_zout",
    "amp_gain",
    "amp_noise",
];
const LOAD_FIGURES: &[&str] = &[
    "load_z",
    "load_sens",
    "load_max_mw",
    "load_rms_w",
    "load_curve",
];

/// The load types the form offers, as (value, label).
pub const LOAD_TYPES: &[(&str, &str)] = &[
    ("over-ear", "over-ear headphone"),
    ("on-ear", "on-ear headphone"),
    ("in-ear", "in-ear monitor"),
    ("speaker", "loudspeaker"),
];

/// Sensitivity references, as (value, label): headphones' units and speakers' references.
pub const SENS_UNITS: &[(&str, &str)] = &[
    ("dB/mW", "dB SPL / mW"),
    ("dB/V", "dB SPL / V"),
    ("2.83V/1m", "dB SPL @ 2.83 V, 1 m"),
    ("1W/1m", "dB SPL @ 1 W, 1 m"),
];

/// A number typed into the form, or nothing when the box is empty.
pub fn num(key: &str, v: &str, lo: f64, hi: f64, unit: &str) -> Result<Option<f64>, ApiError> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    let x: f64 = v.trim().parse().map_err(|_| {
        ApiError::bad(
            Some(key),
            format!("{key} = {v:?}: not a number; allowed: {lo} to {hi} {unit}"),
        )
    })?;
    if !x.is_finite() || x < lo || x > hi {
        return Err(ApiError::bad(
            Some(key),
            format!("{key} = {v}: allowed: a number from {lo} to {hi} {unit}"),
        ));
    }
    Ok(Some(x))
}

/// The form's values, last one of each key winning.
#[derive(Debug, Clone, Default)]
pub struct Custom {
    values: Vec<(String, String)>,
}

impl Custom {
    /// Takes a query pair that belongs to the form; false when the key is not the form's.
    pub fn take(&mut self, k: &str, v: &str) -> bool {
        if KEYS.contains(&k) {
            self.values.push((k.to_string(), v.to_string()));
            true
        } else {
            false
        }
    }

    /// The value of `key` as typed (empty when absent), for redrawing the form.
    pub fn raw(&self, key: &str) -> &str {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    fn value(&self, key: &str) -> Option<&str> {
        Some(self.raw(key)).filter(|v| !v.trim().is_empty())
    }

    /// True when any amplifier figure is given.
    pub fn has_amp(&self) -> bool {
        AMP_FIGURES.iter().any(|k| self.value(k).is_some())
    }

    /// True when any load figure is given.
    pub fn has_load(&self) -> bool {
        LOAD_FIGURES.iter().any(|k| self.value(k).is_some())
    }

    /// True when the form's boxes hold anything (the page opens the form then).
    pub fn any(&self) -> bool {
        self.has_amp() || self.has_load()
    }

    /// The amplifier as a device file (JSON), named "My amplifier".
    pub fn amp_device(&self) -> Result<Value, ApiError> {
        let mut out = Map::new();
        out.insert("name".into(), json!("spec-sheet"));
        out.insert("kind".into(), json!("single-ended"));
        let power = self
            .value("amp_power")
            .map(|v| num("amp_power", v, 0.001, 1e7, "(mW or W)"))
            .transpose()?
            .flatten();
        let ohm = self
            .value("amp_ohm")
            .map(|v| num("amp_ohm", v, 0.1, 1e6, "Ω"))
            .transpose()?
            .flatten();
        match (power, ohm) {
            (Some(p), Some(z)) => {
                let mw = match self.value("amp_power_unit").unwrap_or("mW") {
                    "mW" => p,
                    "W" => p * 1000.0,
                    other => {
                        return Err(ApiError::bad(
                            Some("amp_power_unit"),
                            format!("amp_power_unit = {other:?}: allowed: mW, W"),
                        ));
                    }
                };
                out.insert("power".into(), json!([{ "load_ohm": z, "power_mw": mw }]));
            }
            (Some(_), None) => {
                return Err(ApiError::bad(
                    Some("amp_ohm"),
                    "amp_ohm: the power needs the load it is rated into, Ω (e.g. 500 mW @ 32 Ω)",
                ));
            }
            (None, Some(_)) => {
                return Err(ApiError::bad(
                    Some("amp_power"),
                    "amp_power: the load is given but not the power rated into it",
                ));
            }
            (None, None) => {}
        }
        for (key, field, lo, hi, unit) in [
            ("amp_vmax", "max_voltage_vrms", 0.001, 1000.0, "V"),
            ("amp_zout", "output_impedance_ohm", 0.0, 10_000.0, "Ω"),
            ("amp_gain", "gain_db", -60.0, 80.0, "dB"),
            ("amp_noise", "noise_uv", 0.001, 1e6, "µV"),
        ] {
            if let Some(v) = self
                .value(key)
                .map(|v| num(key, v, lo, hi, unit))
                .transpose()?
                .flatten()
            {
                out.insert(field.into(), json!(v));
            }
        }
        Ok(json!({
            "type": "amplifier",
            "brand": "My",
            "model": "amplifier",
            "outputs": [Value::Object(out)],
        }))
    }

    /// The load as a device file (JSON). `kind` overrides the form's type (filling in a
    /// catalog load keeps that load's kind).
    pub fn load_device(&self, kind: Option<&str>) -> Result<Value, ApiError> {
        let kind = kind.or(self.value("load_type")).unwrap_or("over-ear");
        if !LOAD_TYPES.iter().any(|(v, _)| *v == kind) {
            return Err(ApiError::bad(
                Some("load_type"),
                format!("load_type = {kind:?}: allowed: over-ear, on-ear, in-ear, speaker"),
            ));
        }
        let speaker = kind == "speaker";
        let mut dev = Map::new();
        dev.insert(
            "type".into(),
            json!(if speaker { "speaker" } else { "headphone" }),
        );
        dev.insert("brand".into(), json!("My"));
        dev.insert(
            "model".into(),
            json!(if speaker { "speaker" } else { "headphone" }),
        );
        if !speaker {
            dev.insert("form".into(), json!(kind));
        }
        // The device files' bounds: a speaker up to 10 kΩ, a headphone up to 100 kΩ.
        let z_max = if speaker { 10_000.0 } else { 100_000.0 };
        if let Some(z) = self
            .value("load_z")
            .map(|v| num("load_z", v, 0.1, z_max, "Ω"))
            .transpose()?
            .flatten()
        {
            dev.insert("impedance_ohm".into(), json!(z));
        }
        if let Some(s) = self
            .value("load_sens")
            .map(|v| num("load_sens", v, 50.0, 150.0, "dB"))
            .transpose()?
            .flatten()
        {
            let unit =
                self.value("load_unit")
                    .unwrap_or(if speaker { "2.83V/1m" } else { "dB/mW" });
            let allowed: &[&str] = if speaker {
                &["2.83V/1m", "1W/1m"]
            } else {
                &["dB/mW", "dB/V"]
            };
            if !allowed.contains(&unit) {
                return Err(ApiError::bad(
                    Some("load_unit"),
                    format!(
                        "load_unit = {unit:?}: allowed for a {}: {}",
                        if speaker { "loudspeaker" } else { "headphone" },
                        allowed.join(", ")
                    ),
                ));
            }
            dev.insert("sensitivity_db".into(), json!(s));
            let key = if speaker {
                "sensitivity_ref"
            } else {
                "sensitivity_unit"
            };
            dev.insert(key.into(), json!(unit));
        }
        // What the load takes before damage: a headphone's maximum input power (mW), a
        // speaker's continuous rating (W); each only for its own kind.
        let (key, other, lo, hi, unit) = if speaker {
            ("load_rms_w", "load_max_mw", 0.01, 100_000.0, "W")
        } else {
            ("load_max_mw", "load_rms_w", 0.01, 1e6, "mW")
        };
        if let Some(p) = self
            .value(key)
            .map(|v| num(key, v, lo, hi, unit))
            .transpose()?
            .flatten()
        {
            if speaker {
                dev.insert("power_handling".into(), json!({ "continuous_w": p }));
            } else {
                dev.insert("max_input_power_mw".into(), json!(p));
            }
        }
        // An impedance curve uploaded on the page (`POST /curve`): "f:|Z| …", magnitude only.
        if let Some(points) = self.value("load_curve") {
            dev.insert(
                "impedance_curve".into(),
                json!({ "points": points, "source": "a curve uploaded on the page, sampled every sixth of an octave" }),
            );
        }
        if self.value(other).is_some() {
            return Err(ApiError::bad(
                Some(other),
                format!(
                    "{other}: that rating is for a {}; for this {} give {key}",
                    if speaker { "headphone" } else { "loudspeaker" },
                    if speaker { "loudspeaker" } else { "headphone" }
                ),
            ));
        }
        Ok(Value::Object(dev))
    }
}

/// A figure typed by the user into a catalog device.
#[derive(Debug, Clone, PartialEq)]
pub struct Filled {
    /// What it is ("output impedance").
    pub what: &'static str,
    /// The value with its unit.
    pub value: String,
    /// False when the catalog knows the figure already (it stays; the typed one is unused).
    pub used: bool,
}

/// Fills the figures `mine` gives into every output of `amp` that lacks them.
pub fn fill_amp(amp: &mut AmpDevice, mine: &AmpDevice) -> Vec<Filled> {
    let Some(m) = mine.amplifier.outputs.first() else {
        return vec![];
    };
    let mut out = vec![];
    let mut note = |what, value: String, used| out.push(Filled { what, value, used });
    if !m.ratings.is_empty() {
        let missing = amp.amplifier.outputs.iter().any(|o| o.ratings.is_empty());
        let desc = m
            .ratings
            .iter()
            .map(|r| match r.load_ohm {
                Some(z) => format!(
                    "{} V ({} mW) @ {} Ω",
                    fmt_sig(r.voltage_vrms),
                    fmt_sig(1000.0 * r.voltage_vrms * r.voltage_vrms / z),
                    fmt_sig(z)
                ),
                None => format!("{} V open circuit", fmt_sig(r.voltage_vrms)),
            })
            .collect::<Vec<_>>()
            .join(", ");
        note("power or voltage rating", desc, missing);
    }
    if let Some(z) = &m.output_impedance {
        let missing = amp
            .amplifier
            .outputs
            .iter()
            .any(|o| o.output_impedance.is_none());
        note(
            "output impedance",
            format!("{} Ω", fmt_sig(z.nominal_ohm())),
            missing,
        );
    }
    if let Some(n) = &m.noise {
        let missing = amp.amplifier.outputs.iter().any(|o| o.noise.is_none());
        note(
            "output noise",
            format!("{} µV", fmt_sig(n.noise_uv)),
            missing,
        );
    }
    if let Some(g) = m.gain_db {
        let missing = amp.amplifier.outputs.iter().any(|o| o.gain_db.is_none());
        note("gain", format!("{} dB", fmt_sig(g)), missing);
    }
    for o in &mut amp.amplifier.outputs {
        if o.ratings.is_empty() {
            o.ratings = m.ratings.clone();
        }
        if o.output_impedance.is_none() {
            o.output_impedance = m.output_impedance;
        }
        if o.noise.is_none() {
            o.noise = m.noise;
        }
        if o.gain_db.is_none() {
            o.gain_db = m.gain_db;
        }
    }
    out
}

/// The form's load type for a catalog load, so its figures are read in that load's terms.
pub fn load_type(load: &LoadDevice) -> &'static str {
    match load.load.kind {
        LoadKind::Loudspeaker { .. } => "speaker",
        LoadKind::Headphone { .. } => "over-ear",
    }
}

/// Fills the figures `mine` gives into `load` where it lacks them.
pub fn fill_load(load: &mut LoadDevice, mine: &LoadDevice) -> Vec<Filled> {
    let mut out = vec![];
    let l = &mut load.load;
    if let Some(s) = mine.load.sensitivity {
        out.push(Filled {
            what: "sensitivity",
            value: format!("{} {}", fmt_sig(s.value_db), s.unit),
            used: l.sensitivity.is_none(),
        });
        l.sensitivity.get_or_insert(s);
    }
    if let Some(p) = mine.load.max_input_power_w {
        out.push(Filled {
            what: "maximum input power",
            value: format!("{} mW", fmt_sig(p * 1000.0)),
            used: l.max_input_power_w.is_none(),
        });
        l.max_input_power_w.get_or_insert(p);
    }
    if let Some(h) = mine.load.power_handling {
        let known = l.power_handling.is_some_and(|p| p.continuous_w.is_some());
        out.push(Filled {
            what: "continuous power rating",
            value: format!("{} W", h.continuous_w.map_or("?".into(), fmt_sig)),
            used: !known,
        });
        if !known {
            l.power_handling = Some(h);
        }
    }
    if let Some(ImpedanceModel::Measured(c)) = &mine.load.impedance {
        // A measurement beats a nominal figure or a flat stand-in, not another model.
        let modelled = matches!(
            l.impedance,
            Some(ImpedanceModel::Measured(_) | ImpedanceModel::Resonance(_))
                | Some(ImpedanceModel::Enclosed { .. })
        );
        out.push(Filled {
            what: "impedance curve",
            value: format!("{} points", c.points().len()),
            used: !modelled,
        });
        if !modelled {
            l.impedance = mine.load.impedance.clone();
        }
    }
    if let Some(z) = mine.load.nominal_impedance_ohm {
        out.push(Filled {
            what: "impedance",
            value: format!("{} Ω", fmt_sig(z)),
            used: l.nominal_impedance_ohm.is_none(),
        });
        if l.nominal_impedance_ohm.is_none() {
            l.nominal_impedance_ohm = Some(z);
            if l.impedance.is_none() {
                l.impedance = mine.load.impedance.clone();
            }
        }
    }
    out
}

/// An input the inline entry offers for a figure the first pair lacks.
#[derive(Debug, Clone)]
pub struct Missing {
    /// Query key.
    pub key: &'static str,
    /// Label ("Output impedance").
    pub label: &'static str,
    /// Unit shown after the box.
    pub unit: &'static str,
}

/// True when the load has no impedance curve or model (only a nominal figure, or nothing):
/// an uploaded curve would settle the response answer.
pub fn needs_curve(load: &LoadDevice) -> bool {
    !matches!(
        load.load.impedance,
        Some(ImpedanceModel::Measured(_) | ImpedanceModel::Resonance(_))
            | Some(ImpedanceModel::Enclosed { .. })
    )
}

/// The figures of the report's amplifier output and load that are not known and that the
/// form can take, for the inline entry under the unknown answers.
pub fn missing(amp: &AmpDevice, load: &LoadDevice, r: &Report) -> Vec<Missing> {
    let mut out = vec![];
    let m = |key, label, unit| Missing { key, label, unit };
    if let Some(o) = amp.amplifier.outputs.iter().find(|o| o.name == r.output) {
        if o.ratings.is_empty() {
            out.push(m("amp_power", "Amplifier power", "mW"));
            out.push(m("amp_ohm", "rated into", "Ω"));
        }
        if o.output_impedance.is_none() {
            out.push(m("amp_zout", "Amplifier output impedance", "Ω"));
        }
        if o.noise.is_none() {
            out.push(m("amp_noise", "Amplifier output noise", "µV"));
        }
        if o.gain_db.is_none() {
            out.push(m("amp_gain", "Amplifier gain", "dB"));
        }
    }
    if load.load.sensitivity.is_none() {
        out.push(m("load_sens", "Load sensitivity", "dB"));
    }
    if load.load.nominal_impedance_ohm.is_none() {
        out.push(m("load_z", "Load impedance", "Ω"));
    }
    if load.load.is_speaker() {
        if load
            .load
            .power_handling
            .is_none_or(|p| p.continuous_w.is_none())
        {
            out.push(m("load_rms_w", "Speaker continuous power rating", "W"));
        }
    } else if load.load.max_input_power_w.is_none() {
        out.push(m("load_max_mw", "Headphone maximum input power", "mW"));
    }
    out
}
