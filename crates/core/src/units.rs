//! Number formatting and decibel conversions shared by every view. Quantities are plain
//! `f64`s whose names carry their unit (`max_voltage_vrms`), as in the JSON.

/// Formats a number to three significant digits (whole numbers from 1000 up), without
/// exponent for everyday magnitudes and without float noise, so reports read like a spec
/// sheet: 4.4668 → "4.47", 109.04 → "109", 0.000717 → "0.000717", 9.996 → "10.0".
pub fn fmt_sig(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let r = round_sig(x, 3);
    let a = r.abs();
    let decimals = if a == 0.0 || a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else if a >= 1e-4 {
        (2.0 - a.log10().floor()) as usize
    } else {
        return format!("{r:.2e}");
    };
    format!("{r:.decimals$}")
}

/// `x` rounded to `digits` significant digits.
fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let e = 10f64.powi(x.abs().log10().floor() as i32 - (digits - 1));
    (x / e).round() * e
}

/// "value unit" with [`fmt_sig`], or "unknown" when the figure is not known.
pub fn fmt_opt(value: Option<f64>, unit: &str) -> String {
    value.map_or("unknown".into(), |x| format!("{} {unit}", fmt_sig(x)))
}

/// `x` in `unit` with an SI prefix (µ, m, none) so that the figure reads between 1 and 1000
/// after rounding to three significant digits: 0.000717 W → "717 µW", 0.9996 W →
/// "1.00 W" (not "1000 mW").
fn fmt_prefixed(x: f64, unit: &str) -> String {
    if !x.is_finite() || x == 0.0 {
        return format!("{} {unit}", fmt_sig(x));
    }
    let r = round_sig(x, 3).abs();
    let (scale, prefix) = if r >= 1.0 {
        (1.0, "")
    } else if r >= 1e-3 {
        (1e3, "m")
    } else {
        (1e6, "µ")
    };
    format!("{} {prefix}{unit}", fmt_sig(round_sig(x, 3) * scale))
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
        assert_eq!(fmt_power(Some(7.17e-4)), "717 µW");
        assert_eq!(fmt_power(Some(0.9996)), "1.00 W");
        assert_eq!(fmt_power(Some(0.0665)), "66.5 mW");
        assert_eq!(fmt_current(Some(10.0)), "10.0 A");
        assert_eq!(fmt_current(Some(0.01489)), "14.9 mA");
        assert_eq!(fmt_power(Some(180.0)), "180 W");
        assert_eq!(fmt_power(None), "unknown");
    }

    #[test]
    fn three_significant_digits_without_noise() {
        // Each by hand: round to three significant digits, then print that many.
        assert_eq!(fmt_sig(4.466_835_9), "4.47");
        assert_eq!(fmt_sig(109.04), "109");
        assert_eq!(fmt_sig(0.499_999_999_999_999_83), "0.500");
        assert_eq!(fmt_sig(9.996), "10.0");
        assert_eq!(fmt_sig(-0.034_56), "-0.0346");
        assert_eq!(fmt_sig(0.000_717), "0.000717");
        assert_eq!(fmt_sig(12_345.6), "12300");
        assert_eq!(fmt_sig(0.0), "0");
        assert_eq!(fmt_sig(3.2e-6), "3.20e-6");
    }
}
