//! WinISD driver files (.wdr): a `[Driver]` section of `Key=Value` lines in SI units
//! (Re Ω, Le H, Fs Hz, Vas m³, Sd m², Xmax m, Mms kg, BL T·m, Pe W); 0 means "not set".
//! Imported as a `type = "driver"` device file in the project's units.

use std::fmt::Write as _;

use crate::error::{Error, Result};

/// Reads a .wdr text and returns the device file (TOML) for it. `file` names it in errors.
pub fn wdr_to_device_toml(text: &str, file: &str) -> Result<String> {
    let mut in_driver = false;
    let mut fields: Vec<(String, String, usize)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r').trim();
        if line.starts_with('[') {
            in_driver = line.eq_ignore_ascii_case("[driver]");
            continue;
        }
        if !in_driver || line.is_empty() || line.starts_with(';') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(Error::Measurement {
                file: file.into(),
                line: i + 1,
                message: format!("expected Key=Value in [Driver], found {line:?}"),
            });
        };
        fields.push((k.trim().to_ascii_lowercase(), v.trim().to_string(), i + 1));
    }
    if fields.is_empty() {
        return Err(Error::Measurement {
            file: file.into(),
            line: 1,
            message: "no [Driver] section with Key=Value lines".into(),
        });
    }
    let text_of = |k: &str| {
        fields
            .iter()
            .find(|(key, _, _)| key == k)
            .map(|(_, v, _)| v.clone())
            .filter(|v| !v.is_empty())
    };
    // A number; WinISD writes 0 for "not set".
    let num = |k: &str| -> Result<Option<f64>> {
        match fields.iter().find(|(key, _, _)| key == k) {
            None => Ok(None),
            Some((_, v, line)) => {
                let x: f64 = v.parse().map_err(|_| Error::Measurement {
                    file: file.into(),
                    line: *line,
                    message: format!("{k} = {v:?} is not a number"),
                })?;
                if !x.is_finite() {
                    return Err(Error::Measurement {
                        file: file.into(),
                        line: *line,
                        message: format!("{k} = {v} is not a finite number"),
                    });
                }
                Ok((x != 0.0).then_some(x))
            }
        }
    };
    let brand = text_of("brand")
        .or_else(|| text_of("manufacturer"))
        .unwrap_or_else(|| "Unknown".into());
    let model = text_of("model").ok_or_else(|| Error::Measurement {
        file: file.into(),
        line: 1,
        message: "no Model= line".into(),
    })?;
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut s = String::new();
    let _ = writeln!(
        s,
        "type = \"driver\"\nbrand = {}\nmodel = {}",
        q(&brand),
        q(&model)
    );
    if let Some(z) = num("znom")? {
        let _ = writeln!(s, "impedance_ohm = {z}");
    }
    let source = match text_of("providedby") {
        Some(p) => format!("WinISD file {file} ({p})"),
        None => format!("WinISD file {file}"),
    };
    let _ = writeln!(s, "source = {}", q(&source));
    if let Some(pe) = num("pe")? {
        let _ = writeln!(s, "\n[power_handling]\ncontinuous_w = {pe}");
    }
    let _ = writeln!(s, "\n[thiele_small]");
    // (our key, WinISD key, factor from SI to our unit)
    for (ours, theirs, factor) in [
        ("re_ohm", "re", 1.0),
        ("le_mh", "le", 1000.0),
        ("fs_hz", "fs", 1.0),
        ("qms", "qms", 1.0),
        ("qes", "qes", 1.0),
        ("qts", "qts", 1.0),
        ("vas_l", "vas", 1000.0),
        ("bl_tm", "bl", 1.0),
        ("mms_g", "mms", 1000.0),
        ("sd_cm2", "sd", 1e4),
        ("xmax_mm", "xmax", 1000.0),
    ] {
        if let Some(v) = num(theirs)? {
            // Round to 10 significant digits: the unit change should not add float noise.
            let x = v * factor;
            let digits = 9 - x.abs().log10().floor() as i32;
            let x = if digits > 0 {
                let p = 10f64.powi(digits);
                (x * p).round() / p
            } else {
                x
            };
            let _ = writeln!(s, "{ours} = {x}");
        }
    }
    Ok(s)
}
