//! The physics of ampmatch.
//!
//! An amplifier output is an open-circuit voltage limit, a current limit and an output
//! impedance; a load is an impedance (possibly a curve) with a sensitivity. Everything the
//! report says — required voltage, maximum SPL, response deviation, hiss, safety — is
//! computed from that one model in [`analysis::analyze`]. Formulas follow
//! `shared/docs/physics.md` of the project; each function names the relation it uses.
//!
//! This crate does no I/O and no printing.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod adapter;
pub mod amplifier;
pub mod analysis;
pub mod chain;
pub mod eq;
pub mod error;
pub mod evidence;
pub mod graphic_fit;
pub mod impedance;
pub mod limits;
pub mod listening;
pub mod load;
pub mod sensitivity;
pub mod spice;
pub mod units;

pub use amplifier::{
    AmpClass, AmpOutput, Amplifier, Confidence, OutputFilter, OutputKind, RatingPoint, Supply,
};
pub use analysis::{
    Check, Checks, Finding, Report, Rule, Settings, Severity, Status, Target, Verdict, analyze,
};
pub use error::{Error, Result};
pub use evidence::{Note, NoteKind};
pub use impedance::{
    DriverResonance, Enclosure, ImpedanceModel, MeasuredCurve, SourceImpedance, ThieleSmall,
};
pub use listening::{Listening, Preset};
pub use load::{DriverTech, HeadphoneForm, Load, LoadKind, Plug, PowerHandling};
pub use sensitivity::{Sensitivity, SensitivityUnit};
