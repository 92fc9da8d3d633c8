//! Reading and writing measured impedance (.zma) and response (.frd) text files.
//!
//! The format (physics.md, "Files"): optional header lines starting with `*`, `"` or `#`,
//! then one point per line, `frequency value [phase°]`, separated by white space, commas,
//! semicolons or tabs, CRLF or LF, values possibly with a `+` sign, frequency strictly
//! rising. A header that says "phase unknown" marks a magnitude-only curve.

use ampmatch_core::impedance::{ImpedancePoint, MeasuredCurve};

use crate::error::{Error, Result};

/// One parsed row: frequency, value, phase when present.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// Hz.
    pub frequency_hz: f64,
    /// Ω for .zma, dB for .frd.
    pub value: f64,
    /// Degrees, when the row has a third column.
    pub phase_deg: Option<f64>,
    /// 1-based line in the file.
    pub line: usize,
}

/// Parses the rows of a .zma or .frd text; `file` names it in errors.
pub fn parse_rows(text: &str, file: &str) -> Result<(Vec<Row>, bool)> {
    let mut rows: Vec<Row> = Vec::new();
    let mut phase_flagged_unknown = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end_matches('\r').trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with(['*', '"', '#']) {
            if line.to_ascii_lowercase().contains("phase unknown") {
                phase_flagged_unknown = true;
            }
            continue;
        }
        let err = |message: String| Error::Measurement {
            file: file.to_string(),
            line: line_no,
            message,
        };
        let fields: Vec<&str> = line
            .split([' ', '\t', ',', ';'])
            .filter(|s| !s.is_empty())
            .collect();
        if fields.len() < 2 {
            return Err(err(format!(
                "expected 'frequency value [phase]', found {line:?}"
            )));
        }
        let parse = |s: &str, what: &str| -> Result<f64> {
            s.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| err(format!("{what} {s:?} is not a number")))
        };
        let frequency_hz = parse(fields[0], "frequency")?;
        let value = parse(fields[1], "value")?;
        let phase_deg = fields.get(2).map(|s| parse(s, "phase")).transpose()?;
        if frequency_hz <= 0.0 {
            return Err(err(format!("frequency {frequency_hz} Hz must be above 0")));
        }
        if let Some(prev) = rows.last()
            && frequency_hz <= prev.frequency_hz
        {
            return Err(err(format!(
                "frequency {frequency_hz} Hz does not rise above {} Hz on line {}",
                prev.frequency_hz, prev.line
            )));
        }
        rows.push(Row {
            frequency_hz,
            value,
            phase_deg,
            line: line_no,
        });
    }
    if rows.len() < 2 {
        return Err(Error::Measurement {
            file: file.to_string(),
            line: text.lines().count().max(1),
            message: format!("{} data row(s); a curve needs at least 2", rows.len()),
        });
    }
    let phase_known = !phase_flagged_unknown && rows.iter().all(|r| r.phase_deg.is_some());
    Ok((rows, phase_known))
}

/// Highest impedance a curve point may have, Ω.
pub const MAX_CURVE_OHM: f64 = 100_000.0;
/// Frequency range a curve point may have, Hz (measurements run 1 Hz–100 kHz at most).
pub const MIN_CURVE_HZ: f64 = 0.1;
/// See [`MIN_CURVE_HZ`].
pub const MAX_CURVE_HZ: f64 = 1_000_000.0;

/// Parses a .zma impedance curve.
pub fn parse_zma(text: &str, file: &str) -> Result<MeasuredCurve> {
    let (rows, phase_known) = parse_rows(text, file)?;
    for r in &rows {
        let bad = |message: String| Error::Measurement {
            file: file.to_string(),
            line: r.line,
            message,
        };
        // The device file's own range for an impedance: below 0.1 Ω no amplifier model
        // means anything, above 100 kΩ it is an open circuit, not a load.
        if !(crate::device::MIN_LOAD_OHM..=MAX_CURVE_OHM).contains(&r.value) {
            return Err(bad(format!(
                "impedance {} Ω: allowed from {} to {} Ω",
                crate::device::fmt_value(r.value),
                crate::device::MIN_LOAD_OHM,
                MAX_CURVE_OHM
            )));
        }
        if !(MIN_CURVE_HZ..=MAX_CURVE_HZ).contains(&r.frequency_hz) {
            return Err(bad(format!(
                "frequency {} Hz: allowed from {MIN_CURVE_HZ} to {MAX_CURVE_HZ} Hz",
                crate::device::fmt_value(r.frequency_hz)
            )));
        }
        if let Some(p) = r.phase_deg
            && p.abs() > 90.0
        {
            return Err(bad(format!(
                "phase {p}° must lie within ±90° for a passive load"
            )));
        }
    }
    let points = rows
        .iter()
        .map(|r| ImpedancePoint {
            frequency_hz: r.frequency_hz,
            magnitude_ohm: r.value,
            phase_deg: if phase_known {
                r.phase_deg.unwrap_or(0.0)
            } else {
                0.0
            },
        })
        .collect();
    MeasuredCurve::new(points, phase_known).map_err(|e| Error::Measurement {
        file: file.to_string(),
        line: 0,
        message: e.to_string(),
    })
}

/// Writes a curve as .zma text (with a header saying when the phase is unknown).
pub fn write_zma(curve: &MeasuredCurve, title: &str) -> String {
    let mut s = format!("* {title}\n");
    if !curve.phase_known {
        s.push_str("* phase unknown: magnitude only; the phase column is 0 as a placeholder\n");
    }
    s.push_str("* columns: freq_hz magnitude_ohm phase_deg\n");
    for p in curve.points() {
        s.push_str(&format!(
            "{} {} {}\n",
            p.frequency_hz, p.magnitude_ohm, p.phase_deg
        ));
    }
    s
}

/// One point of a frequency response (.frd).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrdPoint {
    /// Hz.
    pub frequency_hz: f64,
    /// Level, dB.
    pub level_db: f64,
    /// Phase, degrees, when the file has it.
    pub phase_deg: Option<f64>,
}

/// Parses a .frd frequency response (or a REW text export of one). Values are dB, so any
/// finite number is allowed; phase is optional.
pub fn parse_frd(text: &str, file: &str) -> Result<Vec<FrdPoint>> {
    let (rows, phase_known) = parse_rows(text, file)?;
    Ok(rows
        .iter()
        .map(|r| FrdPoint {
            frequency_hz: r.frequency_hz,
            level_db: r.value,
            phase_deg: if phase_known { r.phase_deg } else { None },
        })
        .collect())
}

/// Writes a frequency response as .frd text.
pub fn write_frd(points: &[FrdPoint], title: &str) -> String {
    let mut s = format!(
        "* {title}\n* columns: freq_hz level_db{}\n",
        if points.iter().all(|p| p.phase_deg.is_some()) {
            " phase_deg"
        } else {
            ""
        }
    );
    for p in points {
        match p.phase_deg {
            Some(ph) => s.push_str(&format!("{} {} {}\n", p.frequency_hz, p.level_db, ph)),
            None => s.push_str(&format!("{} {}\n", p.frequency_hz, p.level_db)),
        }
    }
    s
}

/// Reads a frequency response as people have them: an AutoEq / squig.link CSV with a header
/// (`frequency,raw,…`: the `raw` column, else the second), or two-column text like .frd.
/// Returns (frequency Hz, level dB), frequency rising.
pub fn parse_fr(text: &str, file: &str) -> Result<Vec<(f64, f64)>> {
    let first = text.lines().enumerate().find(|(_, l)| !l.trim().is_empty());
    let Some((header_at, header)) = first.filter(|(_, l)| {
        l.trim_start()
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
    }) else {
        return Ok(parse_frd(text, file)?
            .iter()
            .map(|p| (p.frequency_hz, p.level_db))
            .collect());
    };
    let names: Vec<String> = header
        .split(',')
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    if names.first().map(String::as_str) != Some("frequency") {
        return Err(Error::Measurement {
            file: file.into(),
            line: header_at + 1,
            message: format!(
                "a CSV header must start with `frequency` (AutoEq: frequency,raw,…), found {:?}",
                header.trim()
            ),
        });
    }
    let col = names.iter().position(|n| n == "raw").unwrap_or(1);
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (i, line) in text.lines().enumerate().skip(header_at + 1) {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let bad = |what: &str, v: &str| Error::Measurement {
            file: file.into(),
            line: i + 1,
            message: format!("{what} {v:?} is not a number"),
        };
        let f: f64 = cells[0].parse().map_err(|_| bad("frequency", cells[0]))?;
        let cell = cells.get(col).copied().unwrap_or("");
        // AutoEq leaves cells empty past a column's range: skip such rows.
        if cell.is_empty() {
            continue;
        }
        let v: f64 = cell.parse().map_err(|_| bad(&names[col], cell))?;
        if !(f.is_finite() && f > 0.0 && v.is_finite() && v.abs() < 1000.0) {
            return Err(Error::Measurement {
                file: file.into(),
                line: i + 1,
                message: format!("{f} Hz, {v} dB: a frequency above 0 and a level within ±1000 dB"),
            });
        }
        if out.last().is_some_and(|p| f <= p.0) {
            return Err(Error::Measurement {
                file: file.into(),
                line: i + 1,
                message: format!("frequency {f} Hz does not rise"),
            });
        }
        out.push((f, v));
    }
    if out.len() < 2 {
        return Err(Error::Measurement {
            file: file.into(),
            line: text.lines().count().max(1),
            message: format!("{} data row(s); a response needs at least 2", out.len()),
        });
    }
    Ok(out)
}
