//! Number formatting and decibel conversions shared by every view. Quantities are plain
//! `f64`s whose names carry their unit (`max_voltage_vrms`), as in the JSON.

/// Formats a number with about four significant digits, without exponent for everyday
/// magnitudes, so reports read like a spec sheet.
pub fn fmt_sig(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    let decimals = if a == 0.0 || a >= 1000.0 {
        0
    } else if a >= 100.0 {
        1
    } else if a >= 10.0 {
        2
    } else if a >= 1.0 {
        3
    } else if a >= 0.001 {
        (3.0 - a.log10().floor()) as usize
    } else {
        return format!("{x:.3e}");
    };
    format!("{x:.decimals$}")
}

/// "value unit" with [`fmt_sig`], or "unknown" when the figure is not known.
pub fn fmt_opt(value: Option<f64>, unit: &str) -> String {
    value.map_or("unknown".into(), |x| format!("{} {unit}", fmt_sig(x)))
}

/// A power in mW below 1 W and in W above, or "unknown".
pub fn fmt_power(power_w: Option<f64>) -> String {
    match power_w {
        Some(p) if p >= 1.0 => format!("{} W", fmt_sig(p)),
        Some(p) => format!("{} mW", fmt_sig(p * 1000.0)),
        None => "unknown".into(),
    }
}

/// A current in mA below 1 A and in A above, or "unknown".
pub fn fmt_current(current_a: Option<f64>) -> String {
    match current_a {
        Some(i) if i >= 1.0 => format!("{} A", fmt_sig(i)),
        Some(i) => format!("{} mA", fmt_sig(i * 1000.0)),
        None => "unknown".into(),
    }
}

/// 20·log10 of an amplitude ratio.
pub fn db20(ratio: f64) -> f64 {
    20.0 * ratio.log10()
}

/// Inverse of [`db20`].
pub fn undb20(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// `s` cut to at most `max_chars` characters, with "…" where it was cut: a long source text
/// quoted in a finding.
pub fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() > max_chars {
        format!("{}…", s.chars().take(max_chars).collect::<String>())
    } else {
        s.to_string()
    }
}
