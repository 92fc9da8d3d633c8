//! Turning an API request body into device references and a setup input, checking every
//! field's JSON type and naming it when it is wrong. Bounds and combinations are the app's
//! ([`ampmatch_app::setup::FIELDS`]): this module only knows the JSON shape.

use ampmatch_app::{DeviceRef, FIELDS, Naming, Setup, SetupInput};
use serde_json::{Map, Value};

use crate::error::ApiError;

/// A validated check request.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// Amplifier.
    pub amp: DeviceRef,
    /// Load.
    pub load: DeviceRef,
    /// Output name.
    pub output: Option<String>,
    /// Target, listening position, cable, box, thresholds.
    pub setup: Setup,
}

/// Objects that group setup fields, with the keys they take besides the table's numbers.
const GROUPS: &[(&str, &[&str])] = &[
    ("listening", &["preset"]),
    ("cable", &[]),
    ("enclosure", &["type"]),
];

/// The keys of the body's top level or of one group, from the field table.
pub fn allowed_keys(group: Option<&str>) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = match group {
        None => vec!["amp", "load", "output", "gain", "eq", "fr"],
        Some(g) => GROUPS
            .iter()
            .find(|(name, _)| *name == g)
            .map_or(vec![], |(_, extra)| extra.to_vec()),
    };
    for f in FIELDS {
        let Some(api) = f.api else { continue };
        let (head, tail) = match api.split_once('.') {
            Some((h, t)) => (Some(h), t),
            None => (None, api),
        };
        if head == group && !keys.contains(&tail) {
            keys.push(tail);
        }
    }
    if group.is_none() {
        keys.extend(GROUPS.iter().map(|(g, _)| *g));
    }
    keys
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
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
        Some(v @ Value::Object(_)) => Ok(DeviceRef::Inline(v.clone())),
        Some(other) => Err(ApiError::bad(
            Some(key),
            format!(
                "{key}: expected a name (string) or a device object, got {}",
                kind_of(other)
            ),
        )),
    }
}

/// Refuses keys of `obj` outside `allowed`, naming the first one.
fn only_known(obj: &Map<String, Value>, prefix: &str, allowed: &[&str]) -> Result<(), ApiError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => {
            let path = format!("{prefix}{k}");
            Err(ApiError::bad(
                Some(&path),
                format!("unknown field {path}; allowed: {}", allowed.join(", ")),
            ))
        }
    }
}

/// The value at a dotted path (`listening.distance_m`), checking that each group on the way
/// is an object with known keys.
fn at<'a>(body: &'a Map<String, Value>, path: &str) -> Result<Option<&'a Value>, ApiError> {
    let Some((group, key)) = path.split_once('.') else {
        return Ok(body.get(path));
    };
    match body.get(group) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(g)) => Ok(g.get(key)),
        Some(other) => Err(ApiError::bad(
            Some(group),
            format!("{group}: expected an object, got {}", kind_of(other)),
        )),
    }
}

fn string_at(body: &Map<String, Value>, path: &str) -> Result<Option<String>, ApiError> {
    match at(body, path)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ApiError::bad(
            Some(path),
            format!("{path}: expected a string, got {}", kind_of(other)),
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
    only_known(obj, "", &allowed_keys(None))?;
    for (group, _) in GROUPS {
        if let Some(Value::Object(g)) = obj.get(*group) {
            only_known(g, &format!("{group}."), &allowed_keys(Some(group)))?;
        }
    }
    // A cable object must describe a cable; an empty one is a mistake, not "no cable".
    if let Some(Value::Object(c)) = obj.get("cable")
        && c.values().all(Value::is_null)
    {
        return Err(ApiError::bad(
            Some("cable"),
            "cable: give resistance_ohm, or length_m with awg or mm2",
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
    let mut input = SetupInput {
        preset: string_at(obj, "listening.preset")?,
        enclosure: string_at(obj, "enclosure.type")?,
        gain: string_at(obj, "gain")?,
        // The preset's text itself; its name in reports is the field's.
        eq: string_at(obj, "eq")?.map(|text| ("eq".to_string(), text)),
        fr: match string_at(obj, "fr")? {
            Some(text) => Some(
                ampmatch_catalog::zma::parse_fr(&text, "fr")
                    .map_err(|e| ApiError::bad(Some("fr"), format!("fr: {e}")))?,
            ),
            None => None,
        },
        ..SetupInput::default()
    };
    for f in FIELDS {
        let Some(api) = f.api else { continue };
        match at(obj, api)? {
            None | Some(Value::Null) => {}
            Some(Value::Number(n)) => {
                let v = n.as_f64().filter(|v| v.is_finite()).ok_or_else(|| {
                    ApiError::bad(Some(api), format!("{api}: not a finite number"))
                })?;
                input.set(f.id, Some(v));
            }
            Some(other) => {
                return Err(ApiError::bad(
                    Some(api),
                    format!(
                        "{api}: expected a number ({}), got {}",
                        f.unit,
                        kind_of(other)
                    ),
                ));
            }
        }
    }
    let setup = Setup::from_input(&input).map_err(|e| ApiError::from_setup(&e, Naming::Api))?;
    Ok(CheckRequest {
        amp,
        load,
        output,
        setup,
    })
}
