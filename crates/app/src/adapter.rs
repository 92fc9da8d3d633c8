//! The resistor adapter use cases: design one for a speaker amplifier and a headphone, or
//! check a given one as part of an ordinary check.

use ampmatch_catalog::{AmpDevice, LoadDevice};
use ampmatch_core::adapter::{self, Design, Resistors};

use crate::setup::Setup;
use crate::{Error, Result};

/// The loudest full output the design lets reach the ear by default, dB SPL peak.
pub const DEFAULT_SAFE_MAX_SPL_DB: f64 = 120.0;

/// The amplifier output an adapter hangs on: the one named, else the speaker output.
fn speaker_output(
    amp: &AmpDevice,
    output: Option<&str>,
) -> Result<ampmatch_core::amplifier::AmpOutput> {
    amp.amplifier
        .select_output(output, true)
        .map_err(|e| Error::Output(e.to_string()))
}

/// Designs the adapter for `amp` (its speaker output unless `output` names another) into
/// `load`.
pub fn design(
    setup: &Setup,
    amp: &AmpDevice,
    load: &LoadDevice,
    output: Option<&str>,
    safe_max_spl_db: f64,
    source_ohm: Option<f64>,
) -> Result<Design> {
    let out = speaker_output(amp, output)?;
    adapter::design(
        &out,
        &load.load,
        safe_max_spl_db,
        source_ohm,
        &setup.settings,
    )
    .map_err(|e| Error::Output(e.to_string()))
}

/// `amp` with its output replaced by that output seen through the adapter `r`, for an
/// ordinary check.
pub fn through(amp: &AmpDevice, output: Option<&str>, r: Resistors) -> Result<AmpDevice> {
    let out = speaker_output(amp, output)?;
    let mut a = amp.clone();
    a.amplifier.outputs =
        vec![adapter::through(&out, r).map_err(|e| Error::Output(e.to_string()))?];
    Ok(a)
}
