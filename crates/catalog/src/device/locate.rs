//! Where a device file went wrong: errors that name the file, the line, the field, the
//! value and what is allowed.

use crate::error::{Error, Result};
use crate::slug::slug;

/// Validation context: the file's name and text, for errors with line numbers.
pub(crate) struct Ctx<'a> {
    pub(crate) file: &'a str,
    pub(crate) text: &'a str,
}

fn value_after_key(line: &str, key: &str) -> Option<String> {
    let mut rest = line;
    while let Some(pos) = rest.find(key) {
        let before_ok = pos == 0
            || !rest.as_bytes()[pos - 1].is_ascii_alphanumeric()
                && rest.as_bytes()[pos - 1] != b'_';
        let after = rest[pos + key.len()..].trim_start();
        if before_ok && let Some(v) = after.strip_prefix('=') {
            let v = v.trim_start();
            let end = v.find([',', '}', ']', '#']).unwrap_or(v.len());
            return Some(v[..end].trim().to_string());
        }
        rest = &rest[pos + key.len()..];
    }
    None
}

impl Ctx<'_> {
    /// The line where `key` is set to `value` (or first set at all), 1-based; 0 if not found.
    pub(crate) fn line_of(&self, key: &str, value: Option<&str>) -> usize {
        let mut first = 0;
        for (i, line) in self.text.lines().enumerate() {
            if let Some(v) = value_after_key(line, key) {
                if first == 0 {
                    first = i + 1;
                }
                if value.is_none_or(|want| {
                    v == want
                        || v.parse::<f64>().ok() == want.parse::<f64>().ok()
                            && v.parse::<f64>().is_ok()
                }) {
                    return i + 1;
                }
            }
        }
        first
    }

    pub(crate) fn field_error(&self, path: &str, value: String, allowed: String) -> Error {
        let key = path.rsplit('.').next().unwrap_or(path);
        Error::Field {
            file: self.file.to_string(),
            line: self.line_of(key, Some(&value)),
            field: path.to_string(),
            value,
            allowed,
        }
    }

    /// `value` must be finite and within `min..=max` (`min` excluded when `exclusive_min`).
    pub(crate) fn range(
        &self,
        path: &str,
        value: f64,
        min: f64,
        exclusive_min: bool,
        max: f64,
        unit: &str,
    ) -> Result<f64> {
        let low_ok = if exclusive_min {
            value > min
        } else {
            value >= min
        };
        if value.is_finite() && low_ok && value <= max {
            return Ok(value);
        }
        let allowed = if exclusive_min {
            format!("allowed: a number above {min} and at most {max} {unit}")
        } else {
            format!("allowed: a number from {min} to {max} {unit}")
        };
        Err(self.field_error(path, fmt_value(value), allowed.trim_end().to_string()))
    }

    pub(crate) fn parse_error(&self, e: toml::de::Error) -> Error {
        let line = e.span().map_or(0, |s| {
            self.text[..s.start.min(self.text.len())]
                .matches('\n')
                .count()
                + 1
        });
        let mut message = e.message().trim().to_string();
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.split('`').next())
        {
            message = format!("{message}: required, {}", allowed_for(field));
        } else if message.starts_with("invalid type") {
            // Name the key whose value has the wrong type.
            let key = self
                .text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim().trim_start_matches('{').trim().to_string());
            if let Some(key) = key.filter(|k| !k.is_empty() && !k.contains(' ')) {
                message = format!("{key}: {message} ({})", allowed_for(&key));
            }
        }
        Error::Parse {
            file: self.file.to_string(),
            line,
            message,
        }
    }

    pub(crate) fn missing(&self, path: &str, allowed: &str) -> Error {
        Error::Field {
            file: self.file.to_string(),
            line: 0,
            field: path.to_string(),
            value: "(missing)".into(),
            allowed: format!("required: {allowed}"),
        }
    }
}

/// What a key takes, for errors about a missing or mistyped value (docs/devices.md).
pub(crate) fn allowed_for(key: &str) -> &'static str {
    match key {
        "type" => "\"amplifier\" or \"headphone\"",
        "brand" | "model" | "name" => "a non-empty text",
        "form" => "\"over-ear\", \"on-ear\" or \"in-ear\"",
        "kind" => "\"single-ended\", \"balanced\", \"speaker\" or \"unspecified\"",
        "plug" => "\"3-pole\" or \"balanced\"",
        "volume_control" | "bridged" | "post_filter_feedback" => "true or false",
        "sensitivity_unit" => "\"dB/mW\", \"dB/V\" or \"unknown\"",
        "outputs" => "at least one [[outputs]] table with name and kind",
        "confidence" => "\"high\", \"medium\", \"low\", \"unverified\" or \"user\"",
        "power" => "an array of { load_ohm = …, power_mw = … } tables",
        k if k.ends_with("_ohm")
            || k.ends_with("_mw")
            || k.ends_with("_db")
            || k.ends_with("_vrms")
            || k.ends_with("_ma")
            || k.ends_with("_uv")
            || k.ends_with("_hz")
            || k.ends_with("_w")
            || k.ends_with("_mh")
            || k.ends_with("_mah")
            || k.ends_with("_dbv")
            || k.ends_with("_dbu")
            || k == "qms"
            || k == "qes" =>
        {
            "a number, without a unit"
        }
        _ => "see docs/devices.md",
    }
}

pub(crate) fn fmt_value(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else if v != 0.0 && !(1e-4..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

pub(crate) fn check_id(ctx: &Ctx, id: &str) -> Result<()> {
    if id.is_empty() || slug(id) != id {
        return Err(ctx.field_error(
            "id",
            id.to_string(),
            "allowed: lower-case letters, digits and single dashes, e.g. \"sennheiser-hd600\""
                .into(),
        ));
    }
    Ok(())
}

/// Longest brand, model or output name accepted.
const MAX_NAME_CHARS: usize = 200;

pub(crate) fn check_name(ctx: &Ctx, key: &str, value: &str) -> Result<()> {
    let n = value.chars().count();
    if value.trim().is_empty() || n > MAX_NAME_CHARS || value.chars().any(char::is_control) {
        let shown = if n > 40 {
            format!(
                "\"{}…\" ({n} characters)",
                value.chars().take(40).collect::<String>()
            )
        } else {
            format!("{value:?}")
        };
        return Err(ctx.field_error(key, shown, format!("allowed: a non-empty name of at most {MAX_NAME_CHARS} characters, without control characters")));
    }
    Ok(())
}
