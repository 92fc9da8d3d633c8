//! Equaliser presets as people have them: Equalizer APO / AutoEq `ParametricEQ.txt` and
//! `GraphicEQ.txt`. Errors name the file, the line and the field.
//!
//! ParametricEQ: `Preamp: -6.2 dB`, then `Filter N: ON TYPE Fc F Hz Gain G dB Q Q` lines
//! (`Filter:` without a number too; `OFF` lines are skipped). TYPE: `PK`/`PEQ` (peaking),
//! `LSC`/`HSC` (shelves with Q, or with a slope: `LSC 12 dB`), `LS`/`HS` (shelves with the
//! default slope; `LS 6dB` first order, `LS 12dB` second), `LP`/`HP`/`LPQ`/`HPQ` (passes).
//! A peaking filter may give its width as `BW Oct N` instead of `Q`.
//! GraphicEQ: `GraphicEQ: f1 g1; f2 g2; …` on one line.

use ampmatch_core::eq::{DEFAULT_Q, Eq, Filter, FilterKind, Shape};

use crate::error::{Error, Result};

fn err(file: &str, line: usize, message: String) -> Error {
    Error::Measurement {
        file: file.to_string(),
        line,
        message,
    }
}

fn number(file: &str, line: usize, what: &str, s: Option<&str>) -> Result<f64> {
    let s = s.ok_or_else(|| err(file, line, format!("{what}: a number is missing")))?;
    let x: f64 = s
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .map_err(|_| err(file, line, format!("{what} = {s:?} is not a number")))?;
    if !x.is_finite() {
        return Err(err(
            file,
            line,
            format!("{what} = {s} is not a finite number"),
        ));
    }
    Ok(x)
}

/// Q of a shelf with slope `s` (S = slope_dB_per_octave / 12) and gain `gain_db`, from the
/// cookbook: 1/Q = √((A + 1/A)(1/S − 1) + 2).
fn shelf_q_from_slope(gain_db: f64, s: f64) -> f64 {
    let a = 10f64.powf(gain_db / 40.0);
    1.0 / ((a + 1.0 / a) * (1.0 / s - 1.0) + 2.0).max(1e-9).sqrt()
}

/// One `Filter:` line's fields after `ON`.
fn parse_filter(file: &str, line: usize, tokens: &[&str]) -> Result<Filter> {
    let Some((&kind_word, mut rest)) = tokens.split_first() else {
        return Err(err(file, line, "filter type: missing".into()));
    };
    let kind_upper = kind_word.to_ascii_uppercase();
    // An optional slope right after the type: `LSC 12 dB`, `LS 6dB`.
    let mut slope_db: Option<f64> = None;
    if let Some(&first) = rest.first()
        && first.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        slope_db = Some(number(file, line, "slope", Some(first))?);
        rest = &rest[1..];
        if rest.first().is_some_and(|t| t.eq_ignore_ascii_case("dB")) {
            rest = &rest[1..];
        }
    }
    let (mut fc, mut gain, mut q, mut bw) = (None, None, None, None);
    let mut i = 0;
    while i < rest.len() {
        let key = rest[i].to_ascii_lowercase();
        match key.as_str() {
            "fc" => fc = Some(number(file, line, "Fc", rest.get(i + 1).copied())?),
            "gain" => gain = Some(number(file, line, "Gain", rest.get(i + 1).copied())?),
            "q" => q = Some(number(file, line, "Q", rest.get(i + 1).copied())?),
            "bw" => {
                // `BW Oct 1.0`
                if !rest
                    .get(i + 1)
                    .is_some_and(|t| t.eq_ignore_ascii_case("oct"))
                {
                    return Err(err(file, line, "BW: expected `BW Oct N`".into()));
                }
                i += 1;
                bw = Some(number(file, line, "BW Oct", rest.get(i + 1).copied())?);
            }
            "hz" | "db" => {
                i += 1;
                continue;
            }
            other => {
                return Err(err(
                    file,
                    line,
                    format!("unknown field {other:?}: a filter has Fc, Gain and Q (or BW Oct)"),
                ));
            }
        }
        i += 2;
    }
    let fc_hz = fc.ok_or_else(|| err(file, line, "Fc: missing".into()))?;
    let gain_db = gain.unwrap_or(0.0);
    let q_from_bw = bw.map(|n: f64| {
        let p = 2f64.powf(n);
        p.sqrt() / (p - 1.0)
    });
    let kind = match kind_upper.as_str() {
        "PK" | "PEQ" | "PEAK" => FilterKind::Peaking,
        "LSC" | "LS" | "LOWSHELF" => match (kind_upper.as_str(), slope_db) {
            ("LS", Some(s)) if (s - 6.0).abs() < 1e-9 => FilterKind::LowShelfFirstOrder,
            _ => FilterKind::LowShelf,
        },
        "HSC" | "HS" | "HIGHSHELF" => match (kind_upper.as_str(), slope_db) {
            ("HS", Some(s)) if (s - 6.0).abs() < 1e-9 => FilterKind::HighShelfFirstOrder,
            _ => FilterKind::HighShelf,
        },
        "LP" | "LPQ" => FilterKind::LowPass,
        "HP" | "HPQ" => FilterKind::HighPass,
        other => {
            return Err(err(
                file,
                line,
                format!(
                    "filter type {other:?}: allowed PK, LSC, HSC, LS, HS, LP, HP (and PEQ, LPQ, HPQ)"
                ),
            ));
        }
    };
    let needs_gain = !matches!(kind, FilterKind::LowPass | FilterKind::HighPass);
    if needs_gain && gain.is_none() {
        return Err(err(file, line, "Gain: missing".into()));
    }
    let q = match (q.or(q_from_bw), slope_db, kind) {
        (Some(q), _, _) => q,
        (None, Some(s), FilterKind::LowShelf | FilterKind::HighShelf) => {
            if !(0.1..=24.0).contains(&s) {
                return Err(err(
                    file,
                    line,
                    format!("slope {s} dB: allowed from 0.1 to 24 dB/oct"),
                ));
            }
            shelf_q_from_slope(gain_db, s / 12.0)
        }
        (None, _, FilterKind::Peaking) => {
            return Err(err(file, line, "Q: missing (or BW Oct)".into()));
        }
        _ => DEFAULT_Q,
    };
    Ok(Filter {
        kind,
        fc_hz,
        gain_db,
        q,
    })
}

/// Reads a preset (ParametricEQ or GraphicEQ text). `file` names it in errors and is the
/// preset's name.
pub fn parse_eq(text: &str, file: &str) -> Result<Eq> {
    let mut preamp_db = 0.0;
    let mut filters = Vec::new();
    let mut graphic: Option<Vec<(f64, f64)>> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((head, body)) = line.split_once(':') else {
            return Err(err(
                file,
                line_no,
                format!("expected `Preamp:`, `Filter:` or `GraphicEQ:`, found {line:?}"),
            ));
        };
        let head_l = head.trim().to_ascii_lowercase();
        let tokens: Vec<&str> = body.split_whitespace().collect();
        if head_l == "preamp" {
            preamp_db = number(file, line_no, "Preamp", tokens.first().copied())?;
        } else if head_l == "filter" || head_l.starts_with("filter ") {
            match tokens.first().map(|t| t.to_ascii_uppercase()) {
                Some(on) if on == "ON" => filters.push(parse_filter(file, line_no, &tokens[1..])?),
                Some(off) if off == "OFF" => {}
                _ => {
                    return Err(err(
                        file,
                        line_no,
                        "expected ON or OFF after `Filter:`".into(),
                    ));
                }
            }
        } else if head_l == "graphiceq" {
            let mut pts = Vec::new();
            for pair in body.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let mut it = pair.split_whitespace();
                let f = number(file, line_no, "GraphicEQ frequency", it.next())?;
                let g = number(file, line_no, "GraphicEQ gain", it.next())?;
                pts.push((f, g));
            }
            graphic = Some(pts);
        } else {
            return Err(err(
                file,
                line_no,
                format!(
                    "{:?} is not read: ampmatch takes Preamp, Filter and GraphicEQ lines (one channel, no includes)",
                    head.trim()
                ),
            ));
        }
    }
    let shape = match (graphic, filters.is_empty()) {
        (Some(_), false) => {
            return Err(err(
                file,
                1,
                "both Filter and GraphicEQ lines: give one preset at a time".into(),
            ));
        }
        (Some(points), true) => Shape::Graphic { points },
        (None, false) => Shape::Parametric { filters },
        (None, true) => {
            return Err(err(
                file,
                text.lines().count().max(1),
                "no Filter or GraphicEQ line: not an EQ preset".into(),
            ));
        }
    };
    let name = std::path::Path::new(file)
        .file_name()
        .map_or(file.to_string(), |n| n.to_string_lossy().into_owned());
    Eq::new(&name, preamp_db, shape).map_err(|e| err(file, 0, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_autoeq_parametric() {
        let text = "Preamp: -6.2 dB\nFilter 1: ON LSC Fc 105 Hz Gain 5.5 dB Q 0.70\n\
                    Filter 2: ON PK Fc 3000 Hz Gain -3.1 dB Q 1.41\nFilter 3: OFF PK Fc 1 Hz Gain 1 dB Q 1\n\
                    Filter 4: ON HS 12dB Fc 10000 Hz Gain 2 dB\nFilter: ON PK Fc 200 Hz Gain 1 dB BW Oct 1\n";
        let eq = parse_eq(text, "x/ParametricEQ.txt").unwrap();
        assert_eq!(eq.preamp_db, -6.2);
        assert_eq!(eq.name, "ParametricEQ.txt");
        let Shape::Parametric { filters } = &eq.shape else {
            panic!()
        };
        assert_eq!(filters.len(), 4);
        assert_eq!(filters[0].kind, FilterKind::LowShelf);
        assert_eq!(filters[2].kind, FilterKind::HighShelf);
        // S = 1 → 1/Q = √2 whatever the gain.
        assert!((filters[2].q - DEFAULT_Q).abs() < 1e-12);
        // BW 1 octave → Q = √2/(2 − 1) = 1.4142.
        assert!((filters[3].q - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn reads_graphic() {
        let eq = parse_eq("GraphicEQ: 20 -3.1; 21 -3.0; 1000 0; 20000 2.5\n", "g.txt").unwrap();
        assert!((eq.gain_db(20.0, 48_000.0) + 3.1).abs() < 1e-12);
        // Halfway between 1 kHz and 20 kHz in log frequency: 1.25 dB.
        let mid = (1000f64 * 20_000.0).sqrt();
        assert!((eq.gain_db(mid, 48_000.0) - 1.25).abs() < 1e-9);
        assert_eq!(eq.gain_db(30_000.0, 48_000.0), 2.5);
    }

    #[test]
    fn errors_name_line_and_field() {
        for (text, line, what) in [
            ("Preamp: loud\n", 1, "Preamp = \"loud\""),
            (
                "Preamp: -3 dB\nFilter 1: ON XX Fc 100 Hz Gain 1 dB Q 1\n",
                2,
                "filter type \"XX\"",
            ),
            ("Filter 1: ON PK Fc 100 Hz Gain 1 dB\n", 1, "Q: missing"),
            ("Filter 1: ON PK Gain 1 dB Q 1\n", 1, "Fc: missing"),
            (
                "Filter 1: ON PK Fc 100 Hz Gain 1 dB Q 1 Foo 2\n",
                1,
                "unknown field \"foo\"",
            ),
            ("Filter 1: MAYBE PK\n", 1, "ON or OFF"),
            ("Channel: L\n", 1, "\"Channel\" is not read"),
            ("hello\n", 1, "expected `Preamp:`"),
            ("# nothing\n", 1, "not an EQ preset"),
            ("GraphicEQ: 20 x\n", 1, "GraphicEQ gain"),
            (
                "Filter 1: ON PK Fc 100 Hz Gain 99 dB Q 1\n",
                0,
                "gain_db = 99",
            ),
        ] {
            let e = parse_eq(text, "p.txt").unwrap_err().to_string();
            assert!(e.starts_with(&format!("p.txt:{line}:")), "{text:?}: {e}");
            assert!(e.contains(what), "{text:?}: {e}");
        }
    }
}
