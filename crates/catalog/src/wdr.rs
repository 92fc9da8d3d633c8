//! WinISD driver files (.wdr): a `[Driver]` section of `Key=Value` lines in SI units
//! (Re Ω, Le H, Fs Hz, Vas m³, Sd m², Xmax m, Mms kg, BL T·m, Pe W); 0 means "not set".
//! Imported as a `type = "driver"` device file in the project's units.

use std::fmt::Write as _;

use crate::error::{Error, Result};

/// Reads a .wdr text and returns the device file (TOML) for it. `file` names it in errors.
pub fn wdr_to_device_toml(text: &str, file: &str) -> Result<String> {
    let mut in_driver = false;
    let mut fields: Vec<(String, String, usize)> = Vec::new();
    // The keys as written, for errors.
    let mut keys: Vec<String> = Vec::new();
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
        keys.push(k.trim().to_string());
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
    // Where each written value came from: (our dotted key, .wdr key index) by TOML line.
    let mut origins: Vec<(usize, String, usize)> = Vec::new();
    let origin_of = |k: &str| fields.iter().position(|(key, _, _)| key == k);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "type = \"driver\"\nbrand = {}\nmodel = {}",
        q(&brand),
        q(&model)
    );
    let mut put = |s: &mut String, table: &str, ours: &str, theirs: &str, x: f64| -> Result<()> {
        let at = origin_of(theirs).unwrap_or(0);
        if !x.is_finite() {
            let (_, v, line) = &fields[at];
            return Err(Error::Measurement {
                file: file.into(),
                line: *line,
                message: format!(
                    "{} = {v} is out of range once converted to {ours}",
                    keys[at]
                ),
            });
        }
        let line = s.lines().count() + 1;
        let dotted = if table.is_empty() {
            ours.to_string()
        } else {
            format!("{table}.{ours}")
        };
        origins.push((line, dotted, at));
        let _ = writeln!(s, "{ours} = {}", toml_number(x));
        Ok(())
    };
    if let Some(z) = num("znom")? {
        put(&mut s, "", "impedance_ohm", "znom", z)?;
    }
    let source = match text_of("providedby") {
        Some(p) => format!("WinISD file {file} ({p})"),
        None => format!("WinISD file {file}"),
    };
    let _ = writeln!(s, "source = {}", q(&source));
    if let Some(pe) = num("pe")? {
        let _ = writeln!(s, "\n[power_handling]");
        put(&mut s, "power_handling", "continuous_w", "pe", pe)?;
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
            put(
                &mut s,
                "thiele_small",
                ours,
                theirs,
                round_10_digits(v * factor),
            )?;
        }
    }
    // The device file must be valid; when it is not, say so at the .wdr line the value
    // came from, in the .wdr's own key.
    let no_curves = |rel: &str| -> Result<String> {
        Err(Error::Io {
            path: rel.into(),
            message: "an imported device file names no curve file".into(),
        })
    };
    if let Err(e) = crate::parse_device(&s, file, &no_curves) {
        let found = match &e {
            Error::Field { field, line, .. } => origins
                .iter()
                .find(|(l, dotted, _)| dotted == field || (*line > 0 && l == line)),
            Error::Parse { line, .. } => origins.iter().find(|(l, _, _)| l == line),
            _ => None,
        };
        let detail = match &e {
            Error::Field {
                field,
                value,
                allowed,
                ..
            } => format!("{field} = {value}: {allowed}"),
            Error::Parse { message, .. } => message.clone(),
            other => other.to_string(),
        };
        return Err(match found {
            Some((_, _, at)) => {
                let (_, v, line) = &fields[*at];
                Error::Measurement {
                    file: file.into(),
                    line: *line,
                    message: format!("{} = {v} gives {detail}", keys[*at]),
                }
            }
            None => Error::Measurement {
                file: file.into(),
                line: 1,
                message: format!("the driver it describes is not valid: {detail}"),
            },
        });
    }
    Ok(s)
}

/// Rounds to 10 significant digits, so the unit change adds no float noise.
fn round_10_digits(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 9 - x.abs().log10().floor() as i32;
    if !(0..=300).contains(&digits) {
        return x;
    }
    let p = 10f64.powi(digits);
    let r = (x * p).round() / p;
    if r.is_finite() { r } else { x }
}

/// A float as TOML reads it back as the same float: plain decimals for everyday
/// magnitudes, exponent form beyond (Rust's `Display` writes 1e300 as 301 digits, which
/// TOML takes for an integer too large to fit).
fn toml_number(x: f64) -> String {
    if x != 0.0 && !(1e-5..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> Error {
        wdr_to_device_toml(text, "d.wdr").unwrap_err()
    }

    #[test]
    fn errors_name_the_wdr_key_and_line() {
        // Vas = −0.02 m³ is −20 L once converted: the device file would refuse it, and the
        // error points at line 5 of the .wdr, in its own key.
        let e = err("[Driver]\nModel=Y\nFs=30\nRe=6\nVas=-0.02\nQes=0.4\nQms=3\n");
        match e {
            Error::Measurement { line, message, .. } => {
                assert_eq!(line, 5, "{message}");
                assert!(message.starts_with("Vas = -0.02"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // 1e306 m² overflows to inf at ×10⁴ cm²/m²: refused at its line.
        match err("[Driver]\nModel=Y\nZnom=8\nSd=1e306\n") {
            Error::Measurement { line, .. } => assert_eq!(line, 4),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn extreme_values_are_written_as_toml_reads_them() {
        // Rust's Display writes 1e20 as 21 digits, which TOML reads as an integer out of
        // range; exponent form reads back as the same float.
        assert_eq!(toml_number(1e20), "1e20");
        assert_eq!(toml_number(2.5e-7), "2.5e-7");
        assert_eq!(toml_number(4.0), "4");
        let v: toml::Value = toml::from_str(&format!("x = {}", toml_number(1e300))).unwrap();
        assert_eq!(v["x"].as_float(), Some(1e300));
        // Every imported value is a valid device or an error, never invalid TOML.
        let ok = wdr_to_device_toml(
            "[Driver]\nModel=Y\nZnom=4\nFs=39\nRe=3.4\nQms=3.31\nQes=0.49\nVas=0.015\nSd=0.01368\n",
            "d.wdr",
        )
        .unwrap();
        assert!(
            ok.contains("vas_l = 15\n") && ok.contains("sd_cm2 = 136.8\n"),
            "{ok}"
        );
    }
}
