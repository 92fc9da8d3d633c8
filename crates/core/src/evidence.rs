//! Evidence: the figures sources give (rating points, current limits), how far each can be
//! trusted, and the notes that travel with them into a report. Amplifier and load models
//! and the limit fit all build on these; nothing here depends on them.

use serde::{Deserialize, Serialize};

use crate::error::{Result, check_positive};

/// How far a figure can be trusted, from where it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// A named reviewer's or lab's measurement.
    High,
    /// A maker's specification or a second-hand measurement.
    Medium,
    /// Research notes, approximate figures.
    Low,
    /// Stated somewhere, never checked.
    Unverified,
    /// Given by the user in their own device file: taken as measured.
    User,
}

impl Confidence {
    /// True for figures that should be flagged in a report.
    pub fn is_weak(self) -> bool {
        matches!(self, Confidence::Low | Confidence::Unverified)
    }

    /// The trust order, lower first: measured and user figures, then makers', then
    /// research notes, then unverified ones. Decides which figure wins at one load.
    pub fn trust_rank(self) -> u8 {
        match self {
            Confidence::High | Confidence::User => 0,
            Confidence::Medium => 1,
            Confidence::Low => 2,
            Confidence::Unverified => 3,
        }
    }
}

/// One rated or measured operating point: the RMS voltage the output delivers into a load
/// at its limit (a power rating P into Z is the point V = √(P·Z)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingPoint {
    /// The load, Ω; `None` for an open-circuit "maximum output voltage".
    pub load_ohm: Option<f64>,
    /// Voltage across the load at the limit, V rms.
    pub voltage_vrms: f64,
    /// How trustworthy the figure is.
    pub confidence: Confidence,
    /// Where the figure came from.
    pub source: String,
}

impl RatingPoint {
    /// A power rating "`power_w` into `load_ohm`".
    pub fn from_power(
        load_ohm: f64,
        power_w: f64,
        confidence: Confidence,
        source: &str,
    ) -> Result<Self> {
        check_positive("load_ohm", load_ohm, 1e6, "Ω")?;
        check_positive("power_mw", power_w * 1000.0, 1e7, "mW")?;
        Ok(Self {
            load_ohm: Some(load_ohm),
            voltage_vrms: (power_w * load_ohm).sqrt(),
            confidence,
            source: source.into(),
        })
    }

    /// A voltage measured across `load_ohm` (or open circuit when `None`).
    pub fn from_voltage(
        load_ohm: Option<f64>,
        voltage_vrms: f64,
        confidence: Confidence,
        source: &str,
    ) -> Result<Self> {
        if let Some(z) = load_ohm {
            check_positive("load_ohm", z, 1e6, "Ω")?;
        }
        check_positive("voltage_vrms", voltage_vrms, 1000.0, "V rms")?;
        Ok(Self {
            load_ohm,
            voltage_vrms,
            confidence,
            source: source.into(),
        })
    }
}

/// A stated output current limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentClaim {
    /// The limit as an RMS sine current, A (a peak figure is divided by √2 before).
    pub current_a: f64,
    /// How trustworthy the figure is.
    pub confidence: Confidence,
    /// Where the figure came from.
    pub source: String,
}

/// What a note on a device tells the reader; decides the rule and severity it is reported with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// Two sources disagree; the text says which figure was used.
    Conflict,
    /// A figure the model had to assume or derive.
    Assumption,
    /// The record fails a plausibility check and is used as given.
    Suspect,
    /// Anything else a source says (conditions, provenance).
    Source,
}

impl NoteKind {
    /// The word that opens the note's text in a report ("conflict: …"); none for a plain
    /// source note.
    pub fn label(self) -> Option<&'static str> {
        match self {
            NoteKind::Conflict => Some("conflict"),
            NoteKind::Assumption => Some("assumption"),
            NoteKind::Suspect => Some("suspect"),
            NoteKind::Source => None,
        }
    }
}

/// A note carried by a device into every report on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// What kind of note.
    pub kind: NoteKind,
    /// The note in plain words (without the kind's label).
    pub text: String,
}

impl Note {
    /// A note of `kind`.
    pub fn new(kind: NoteKind, text: impl Into<String>) -> Self {
        Self {
            kind,
            text: text.into(),
        }
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind.label() {
            Some(label) => write!(f, "{label}: {}", self.text),
            None => f.write_str(&self.text),
        }
    }
}
