//! Unit newtypes. Each wraps an `f64` in the SI unit its name gives, so a function that
//! takes `Ohms` cannot be handed `Volts` by mistake.

use serde::{Deserialize, Serialize};

macro_rules! unit {
    ($(#[$doc:meta])* $name:ident, $symbol:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl $name {
            /// The plain number, in this unit.
            pub fn value(self) -> f64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} {}", crate::units::fmt_sig(self.0), $symbol)
            }
        }
    };
}

unit!(
    /// Resistance or impedance magnitude in ohms.
    Ohms, "Ω"
);
unit!(
    /// RMS voltage in volts (a sine's RMS unless a name says peak).
    Volts, "V"
);
unit!(
    /// RMS current in amperes.
    Amps, "A"
);
unit!(
    /// Power in watts.
    Watts, "W"
);
unit!(
    /// Frequency in hertz.
    Hz, "Hz"
);
unit!(
    /// Sound pressure level in dB re 20 µPa.
    DbSpl, "dB SPL"
);

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
