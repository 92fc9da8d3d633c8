//! The one error type of the catalog crate.

/// What can go wrong reading devices or resolving names.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        message: String,
    },
    /// A file is not valid TOML or does not have the expected shape.
    #[error("{file}:{line}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong, with the allowed values where the parser knows them.
        message: String,
    },
    /// A field has a value outside what is allowed.
    #[error("{file}:{line}: {field} = {value}: {allowed}")]
    Field {
        /// The file.
        file: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// Dotted path of the field.
        field: String,
        /// The value as given.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// A file cannot be imported as asked (its format, or the destination's, does not fit).
    #[error("{file}: {message}")]
    Import {
        /// The file.
        file: String,
        /// What is wrong and what would work.
        message: String,
    },
    /// A measurement file (.zma, .frd) is malformed.
    #[error("{file}:{line}: {message}")]
    Measurement {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// No device matches a name.
    #[error("no {kind} matches {query:?}{}", did_you_mean(.suggestions))]
    NotFound {
        /// What the user typed.
        query: String,
        /// "amplifier", "load" or "device".
        kind: String,
        /// Close names.
        suggestions: Vec<String>,
    },
    /// The name is a device of the other side (an amplifier given as a load, or back).
    #[error("{name} is {}, not {}", article(.is), article(.wanted))]
    WrongSide {
        /// The device's name.
        name: String,
        /// What it is.
        is: String,
        /// What was asked for.
        wanted: String,
    },
    /// Several devices match a name equally well.
    #[error("{query:?} matches several {kind}s equally well{}", did_you_mean(.candidates))]
    Ambiguous {
        /// What the user typed.
        query: String,
        /// "amplifier", "load" or "device".
        kind: String,
        /// The equally good matches.
        candidates: Vec<String>,
    },
}

/// "an amplifier", "a load".
fn article(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {kind}")
    } else {
        format!("a {kind}")
    }
}

fn did_you_mean(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!("; did you mean: {}?", names.join(", "))
    }
}

/// Result with the catalog [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
