//! Turning a request (API JSON or page query) into devices and a setup, checking every
//! field and naming it when it is wrong.

use ampmatch_catalog::{AmpDevice, Device, DeviceKind, LoadDevice, PairSetup};
use ampmatch_core::analysis::{Context, Target};
use ampmatch_core::chain::Cable;
use ampmatch_core::listening::{Listening, Preset};
use serde_json::{Map, Value};

use crate::AppState;
use crate::error::ApiError;

/// A device named in a request: a catalog name or id, or a whole device object.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceRef {
    /// Name or id.
    Name(String),
    /// A device in the device-file format, as JSON.
    Inline(Map<String, Value>),
}

/// A validated check request.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// Amplifier.
    pub amp: DeviceRef,
    /// Load.
    pub load: DeviceRef,
    /// Output name.
    pub output: Option<String>,
    /// Target, listening position, cable, thresholds.
    pub setup: PairSetup,
}

const KEYS: &[&str] = &[
    "amp",
    "load",
    "output",
    "target_spl_db",
    "listening",
    "cable",
    "hiss_threshold_db",
    "source_vrms",
];

fn number(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    lo: f64,
    hi: f64,
    unit: &str,
) -> Result<Option<f64>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            let v = n
                .as_f64()
                .filter(|v| v.is_finite())
                .ok_or_else(|| ApiError::bad(Some(path), format!("{path}: not a finite number")))?;
            if v < lo || v > hi {
                return Err(ApiError::bad(
                    Some(path),
                    format!("{path} = {v}: allowed: a number from {lo} to {hi} {unit}"),
                ));
            }
            Ok(Some(v))
        }
        Some(other) => Err(ApiError::bad(
            Some(path),
            format!("{path}: expected a number ({unit}), got {}", kind_of(other)),
        )),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn device_ref(obj: &Map<String, Value>, key: &str) -> Result<DeviceRef, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Err(ApiError::bad(
            Some(key),
            format!("{key}: required: a catalog name or id, or a device object"),
        )),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(ApiError::bad(Some(key), format!("{key}: empty name")))
        }
        Some(Value::String(s)) if s.len() > 200 => Err(ApiError::bad(
            Some(key),
            format!(
                "{key}: a name of {} characters; allowed: at most 200",
                s.len()
            ),
        )),
        Some(Value::String(s)) => Ok(DeviceRef::Name(s.clone())),
        Some(Value::Object(m)) => Ok(DeviceRef::Inline(m.clone())),
        Some(other) => Err(ApiError::bad(
            Some(key),
            format!(
                "{key}: expected a name (string) or a device object, got {}",
                kind_of(other)
            ),
        )),
    }
}

/// Parses and checks the body of `POST /api/v1/check`.
pub fn parse_check(body: &Value) -> Result<CheckRequest, ApiError> {
    let Value::Object(obj) = body else {
        return Err(ApiError::bad(
            None,
            format!("the body must be a JSON object, got {}", kind_of(body)),
        ));
    };
    if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(ApiError::bad(
            Some(k),
            format!("unknown field {k:?}; allowed: {}", KEYS.join(", ")),
        ));
    }
    let amp = device_ref(obj, "amp")?;
    let load = device_ref(obj, "load")?;
    let output = match obj.get("output") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.len() <= 100 => Some(s.clone()),
        Some(other) => {
            return Err(ApiError::bad(
                Some("output"),
                format!(
                    "output: expected an output name (string of at most 100 characters), got {}",
                    kind_of(other)
                ),
            ));
        }
    };
    let mut setup = PairSetup {
        target: number(obj, "target_spl_db", "target_spl_db", 0.0, 160.0, "dB SPL")?
            .map(|spl_db| Target::Peak { spl_db }),
        ..PairSetup::default()
    };
    if let Some(h) = number(
        obj,
        "hiss_threshold_db",
        "hiss_threshold_db",
        -20.0,
        60.0,
        "dB SPL",
    )? {
        setup.settings.hiss_threshold_db_spl = h;
    }
    if let Some(v) = number(obj, "source_vrms", "source_vrms", 0.01, 100.0, "V rms")? {
        setup.settings.source_full_scale_vrms = v;
    }
    setup.context = Context::default();
    match obj.get("listening") {
        None | Some(Value::Null) => {}
        Some(Value::Object(l)) => {
            const LK: &[&str] = &["distance_m", "speakers", "room_gain_db", "preset"];
            if let Some(k) = l.keys().find(|k| !LK.contains(&k.as_str())) {
                return Err(ApiError::bad(
                    Some(&format!("listening.{k}")),
                    format!("unknown field listening.{k}; allowed: {}", LK.join(", ")),
                ));
            }
            let d = Listening::default();
            let distance = number(l, "distance_m", "listening.distance_m", 0.01, 10_000.0, "m")?
                .unwrap_or(d.distance_m);
            let speakers = number(l, "speakers", "listening.speakers", 1.0, 1000.0, "")?
                .unwrap_or(d.speakers as f64);
            if speakers.fract() != 0.0 {
                return Err(ApiError::bad(
                    Some("listening.speakers"),
                    format!(
                        "listening.speakers = {speakers}: allowed: a whole number from 1 to 1000"
                    ),
                ));
            }
            let room = number(
                l,
                "room_gain_db",
                "listening.room_gain_db",
                -20.0,
                20.0,
                "dB",
            )?
            .unwrap_or(d.room_gain_db);
            setup.context.listening = Listening::new(distance, speakers as u32, room)
                .map_err(|e| ApiError::bad(Some("listening"), e.to_string()))?;
            setup.preset = match l.get("preset") {
                None | Some(Value::Null) => None,
                Some(Value::String(p)) => Some(Preset::parse(p).ok_or_else(|| {
                    ApiError::bad(
                        Some("listening.preset"),
                        format!(
                            "listening.preset = {p:?}: allowed: background, music, cinema, party"
                        ),
                    )
                })?),
                Some(other) => {
                    return Err(ApiError::bad(
                        Some("listening.preset"),
                        format!(
                            "listening.preset: expected a string, got {}",
                            kind_of(other)
                        ),
                    ));
                }
            };
        }
        Some(other) => {
            return Err(ApiError::bad(
                Some("listening"),
                format!("listening: expected an object, got {}", kind_of(other)),
            ));
        }
    }
    match obj.get("cable") {
        None | Some(Value::Null) => {}
        Some(Value::Object(c)) => {
            const CK: &[&str] = &["length_m", "awg", "mm2", "resistance_ohm"];
            if let Some(k) = c.keys().find(|k| !CK.contains(&k.as_str())) {
                return Err(ApiError::bad(
                    Some(&format!("cable.{k}")),
                    format!("unknown field cable.{k}; allowed: {}", CK.join(", ")),
                ));
            }
            let bad = |e: ampmatch_core::Error| ApiError::bad(Some("cable"), format!("cable: {e}"));
            let cable = match (
                number(c, "resistance_ohm", "cable.resistance_ohm", 0.0, 100.0, "Ω")?,
                number(c, "length_m", "cable.length_m", 0.0, 10_000.0, "m")?,
                number(c, "awg", "cable.awg", -3.0, 40.0, "AWG")?,
                number(c, "mm2", "cable.mm2", 0.0, 1000.0, "mm²")?,
            ) {
                (Some(r), None, None, None) => Cable::from_resistance(r).map_err(bad)?,
                (None, Some(len), Some(awg), None) => Cable::copper_awg(len, awg).map_err(bad)?,
                (None, Some(len), None, Some(mm2)) => Cable::copper_mm2(len, mm2).map_err(bad)?,
                _ => {
                    return Err(ApiError::bad(
                        Some("cable"),
                        "cable: give resistance_ohm, or length_m with awg or mm2",
                    ));
                }
            };
            setup.context.cable = Some(cable);
        }
        Some(other) => {
            return Err(ApiError::bad(
                Some("cable"),
                format!("cable: expected an object, got {}", kind_of(other)),
            ));
        }
    }
    Ok(CheckRequest {
        amp,
        load,
        output,
        setup,
    })
}

fn resolve(
    state: &AppState,
    r: &DeviceRef,
    side: DeviceKind,
    field: &str,
) -> Result<Device, ApiError> {
    let device = match r {
        DeviceRef::Name(name) => {
            // Names only: a request never reads files from the server's disk.
            let entry = state
                .catalog()
                .resolve_entry(name, side)
                .map_err(|e| ApiError::from_catalog(field, e))?;
            state
                .load(entry)
                .map_err(|e| ApiError::from_catalog(field, e))?
        }
        DeviceRef::Inline(obj) => {
            let table = toml::Value::try_from(Value::Object(obj.clone())).map_err(|e| ApiError::bad(Some(field), format!("{field}: not representable as a device file ({e}); null values are not allowed")))?;
            let text = toml::to_string(&table)
                .map_err(|e| ApiError::bad(Some(field), format!("{field}: {e}")))?;
            ampmatch_catalog::parse_device(&text, field, &|rel: &str| {
                Err(ampmatch_catalog::Error::Io {
                    path: rel.into(),
                    message: "curve files cannot be referenced in a request".into(),
                })
            })
            .map_err(|e| ApiError::bad(Some(field), e.to_string()))?
        }
    };
    if device.kind() != side {
        return Err(ApiError::bad(
            Some(field),
            format!(
                "{field}: {} is a {}, not a {}",
                device.meta().name(),
                device.kind().as_str(),
                side.as_str()
            ),
        ));
    }
    Ok(device)
}

/// The amplifier a request names.
pub fn resolve_amp(state: &AppState, r: &DeviceRef, field: &str) -> Result<AmpDevice, ApiError> {
    match resolve(state, r, DeviceKind::Amplifier, field)? {
        Device::Amplifier(a) => Ok(a),
        Device::Load(_) => unreachable!("resolve checks the side"),
    }
}

/// The load a request names.
pub fn resolve_load(state: &AppState, r: &DeviceRef, field: &str) -> Result<LoadDevice, ApiError> {
    match resolve(state, r, DeviceKind::Load, field)? {
        Device::Load(l) => Ok(l),
        Device::Amplifier(_) => unreachable!("resolve checks the side"),
    }
}
