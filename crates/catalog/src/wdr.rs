//! WinISD driver files (.wdr): a `[Driver]` section of `Key=Value` lines in SI units
//! (Re Ω, Le H, Fs Hz, Vas m³, Sd m², Xmax m, Mms kg, BL T·m, Pe W); 0 means "not set".
//! Imported as a `type = "driver"` device file in the project's units.

use std::fmt::Write as _;

use crate::error::{Error, Result};

/// One `Key=Value` line of the `[Driver]` section.
struct Field {
    /// The key as written (for errors).
    key: String,
    /// The key, lower case (for lookups).
    lower: String,
    value: String,
    /// 1-based line in the .wdr.
    line: usize,
}

fn err(file: &str, line: usize, message: String) -> Error {
    Error::Measurement {
        file: file.into(),
        line,
        message,
    }
}

/// The `[Driver]` section's lines.
fn read_fields(text: &str, file: &str) -> Result<Vec<Field>> {
    let mut in_driver = false;
    let mut fields = Vec::new();
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
            return Err(err(
                file,
                i + 1,
                format!("expected Key=Value in [Driver], found {line:?}"),
            ));
        };
        fields.push(Field {
            key: k.trim().to_string(),
            lower: k.trim().to_ascii_lowercase(),
            value: v.trim().to_string(),
            line: i + 1,
        });
    }
    if fields.is_empty() {
        return Err(err(
            file,
            1,
            "no [Driver] section with Key=Value lines".into(),
        ));
    }
    Ok(fields)
}

/// The device file's error restated at the .wdr line and key its value came from
/// (`origins`: TOML line, dotted key, index into `fields`).
fn at_wdr_line(
    e: &Error,
    origins: &[(usize, String, usize)],
    fields: &[Field],
    file: &str,
) -> Error {
    let found = match e {
        Error::Field { field, line, .. } => origins
            .iter()
            .find(|(l, dotted, _)| dotted == field || (*line > 0 && l == line)),
        Error::Parse { line, .. } => origins.iter().find(|(l, _, _)| l == line),
        _ => None,
    };
    let detail = match e {
        Error::Field {
            field,
            value,
            allowed,
            ..
        } => format!("{field} = {value}: {allowed}"),
        Error::Parse { message, .. } => message.clone(),
        other => other.to_string(),
    };
    match found {
        Some((_, _, at)) => {
            let f = &fields[*at];
            err(
                file,
                f.line,
                format!("{} = {} gives {detail}", f.key, f.value),
            )
        }
        None => err(
            file,
            1,
            format!("the driver it describes is not valid: {detail}"),
        ),
    }
}

/// Reads a .wdr text and returns the device file (TOML) for it. `file` names it in errors.
pub fn wdr_to_device_toml(text: &str, file: &str) -> Result<String> {
    wdr_import(text, file).map(|(toml, _)| toml)
}

/// Reads a .wdr text: the device file (TOML) for it and the device it describes, already
/// validated. `file` names it in errors, which point at the .wdr's own lines and keys.
pub fn wdr_import(text: &str, file: &str) -> Result<(String, crate::Device)> {
    let fields = read_fields(text, file)?;
    let find = |k: &str| fields.iter().position(|f| f.lower == k);
    let text_of = |k: &str| {
        find(k)
            .map(|i| fields[i].value.clone())
            .filter(|v| !v.is_empty())
    };
    // A number, with where it came from; WinISD writes 0 for "not set".
    let num = |k: &str| -> Result<Option<(f64, usize)>> {
        let Some(i) = find(k) else { return Ok(None) };
        let (v, line) = (&fields[i].value, fields[i].line);
        let x: f64 = v
            .parse()
            .map_err(|_| err(file, line, format!("{k} = {v:?} is not a number")))?;
        if !x.is_finite() {
            return Err(err(file, line, format!("{k} = {v} is not a finite number")));
        }
        Ok((x != 0.0).then_some((x, i)))
    };
    let brand = text_of("brand")
        .or_else(|| text_of("manufacturer"))
        .unwrap_or_else(|| "Unknown".into());
    let model = text_of("model").ok_or_else(|| err(file, 1, "no Model= line".into()))?;
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    // Where each written value came from: (TOML line, our dotted key, .wdr field index).
    let mut origins: Vec<(usize, String, usize)> = Vec::new();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "type = \"driver\"\nbrand = {}\nmodel = {}",
        q(&brand),
        q(&model)
    );
    let mut put = |s: &mut String, table: &str, ours: &str, x: f64, at: usize| -> Result<()> {
        if !x.is_finite() {
            let f = &fields[at];
            return Err(err(
                file,
                f.line,
                format!(
                    "{} = {} is out of range once converted to {ours}",
                    f.key, f.value
                ),
            ));
        }
        let dotted = if table.is_empty() {
            ours.to_string()
        } else {
            format!("{table}.{ours}")
        };
        origins.push((s.lines().count() + 1, dotted, at));
        let _ = writeln!(s, "{ours} = {}", toml_number(x));
        Ok(())
    };
    if let Some((z, at)) = num("znom")? {
        put(&mut s, "", "impedance_ohm", z, at)?;
    }
    let source = match text_of("providedby") {
        Some(p) => format!("WinISD file {file} ({p})"),
        None => format!("WinISD file {file}"),
    };
    let _ = writeln!(s, "source = {}", q(&source));
    if let Some((pe, at)) = num("pe")? {
        let _ = writeln!(s, "\n[power_handling]");
        put(&mut s, "power_handling", "continuous_w", pe, at)?;
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
        if let Some((v, at)) = num(theirs)? {
            put(
                &mut s,
                "thiele_small",
                ours,
                round_10_digits(v * factor),
                at,
            )?;
        }
    }
    // The device file must be valid; when it is not, say so at the .wdr line the value
    // came from, in the .wdr's own key.
    match crate::parse_device(&s, file, &crate::device::no_curve_files) {
        Ok(device) => Ok((s, device)),
        Err(e) => Err(at_wdr_line(&e, &origins, &fields, file)),
    }
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
