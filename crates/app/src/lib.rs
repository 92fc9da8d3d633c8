//! The use cases of ampmatch, shared by the CLI and the web page: one validated [`Setup`]
//! built from one table of fields, resolving devices by name, file or inline JSON, checking
//! one or many pairs, and ranking the catalog.
//!
//! A front-end only translates its input (flags, a query string, a JSON body) into a
//! [`SetupInput`] and device references, and renders what comes back.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod adapter;
mod check;
mod claims;
pub mod docs;
pub mod explain;
mod rank;
mod resolve;
pub mod setup;
pub mod track;

pub use check::{Cell, check_matrix};
pub use rank::{RankRow, Ranking, rank};
pub use resolve::{DeviceRef, Devices, FileAccess, resolve_amp, resolve_load};
pub use setup::{FIELDS, Field, FieldId, Naming, Setup, SetupError, SetupInput};

/// What can go wrong in a use case.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The setup is invalid.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// A device could not be found, read or validated.
    #[error(transparent)]
    Catalog(#[from] ampmatch_catalog::Error),
    /// The amplifier has no output of the requested name.
    #[error("{0}")]
    Output(String),
    /// A gain setting was asked for that the output does not have.
    #[error("{0}")]
    Gain(String),
    /// A box was asked for a load that cannot take one, or the box is incomplete.
    #[error("{0}")]
    Enclosure(ampmatch_catalog::Error),
}

/// Result with the app's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
