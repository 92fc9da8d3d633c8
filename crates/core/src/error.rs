//! The one error type of the core crate.

/// What can go wrong when building a model or analysing it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A numeric figure is outside what the physics allows.
    #[error("{field} = {value} is out of range: {allowed}")]
    OutOfRange {
        /// The figure's name, as a user would write it in a device file.
        field: String,
        /// The offending value.
        value: f64,
        /// What is allowed, in words.
        allowed: String,
    },
    /// A measured curve is malformed.
    #[error("impedance curve: {0}")]
    Curve(String),
    /// An equaliser preset is malformed.
    #[error("EQ preset: {0}")]
    Eq(String),
    /// A resistor adapter cannot be designed or analysed.
    #[error("adapter: {0}")]
    Adapter(String),
    /// An amplifier has no output of the requested name.
    #[error("amplifier {amp:?} has no output {requested:?}; its outputs are: {available}")]
    NoSuchOutput {
        /// The amplifier.
        amp: String,
        /// The requested output name.
        requested: String,
        /// The outputs it does have, comma separated.
        available: String,
    },
}

/// Result with the core [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Checks that `value` is finite and inside `[min, max]`; names the field otherwise.
pub fn check_range(field: &str, value: f64, min: f64, max: f64, unit: &str) -> Result<f64> {
    if value.is_finite() && value >= min && value <= max {
        Ok(value)
    } else {
        Err(Error::OutOfRange {
            field: field.to_string(),
            value,
            allowed: format!("a number from {min} to {max} {unit}"),
        })
    }
}

/// Like [`check_range`] but the lower bound is excluded (for quantities that must be > 0).
pub fn check_positive(field: &str, value: f64, max: f64, unit: &str) -> Result<f64> {
    if value.is_finite() && value > 0.0 && value <= max {
        Ok(value)
    } else {
        Err(Error::OutOfRange {
            field: field.to_string(),
            value,
            allowed: format!("a number above 0 and at most {max} {unit}"),
        })
    }
}
