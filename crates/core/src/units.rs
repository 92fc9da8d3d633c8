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

/// `x` in `unit` with an SI prefix (µ, m, none) so that the figure reads between 1 and 1000
/// after rounding to four significant digits: 0.000717 W → "717.0 µW", 0.99996 W →
/// "1.000 W" (not "1000 mW").
fn fmt_prefixed(x: f64, unit: &str) -> String {
    if !x.is_finite() || x == 0.0 {
        return format!("{} {unit}", fmt_sig(x));
    }
    let round4 = |v: f64| {
        let e = v.abs().log10().floor() - 3.0;
        (v / 10f64.powf(e)).round() * 10f64.powf(e)
    };
    let r = round4(x).abs();
    let (scale, prefix) = if r >= 1.0 {
        (1.0, "")
    } else if r >= 1e-3 {
        (1e3, "m")
    } else {
        (1e6, "µ")
    };
    format!("{} {prefix}{unit}", fmt_sig(round4(x) * scale))
}

/// A power with its prefix (µW, mW, W), or "unknown".
pub fn fmt_power(power_w: Option<f64>) -> String {
    power_w.map_or("unknown".into(), |p| fmt_prefixed(p, "W"))
}

/// A current with its prefix (µA, mA, A), or "unknown".
pub fn fmt_current(current_a: Option<f64>) -> String {
    current_a.map_or("unknown".into(), |i| fmt_prefixed(i, "A"))
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

#[cfg(test)]
mod prefix_tests {
    use super::*;

    #[test]
    fn prefixes_follow_the_rounded_figure() {
        assert_eq!(fmt_power(Some(7.17e-4)), "717.0 µW");
        assert_eq!(fmt_power(Some(0.99996)), "1.000 W");
        assert_eq!(fmt_power(Some(0.0665)), "66.50 mW");
        assert_eq!(fmt_current(Some(10.0)), "10.00 A");
        assert_eq!(fmt_current(Some(0.01489)), "14.89 mA");
        assert_eq!(fmt_power(Some(180.0)), "180.0 W");
        assert_eq!(fmt_power(None), "unknown");
    }
}
