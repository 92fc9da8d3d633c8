//! Checking pairs: one amplifier × load with a setup, or every pair of two lists.

use ampmatch_catalog::{AmpDevice, LoadDevice};
use ampmatch_core::amplifier::AmpOutput;
use ampmatch_core::analysis::{Report, Target, analyze_in};
use ampmatch_core::listening::Preset;

use crate::setup::Setup;
use crate::{Error, Result};

impl Setup {
    /// Analyses one pairing: the output suited to the load unless one is named; for a
    /// loudspeaker without a target, the preset's average + headroom at the seat; a driver
    /// put in the setup's box when one is given.
    pub fn analyze(
        &self,
        amp: &AmpDevice,
        load: &LoadDevice,
        output: Option<&str>,
    ) -> Result<Report> {
        let speaker = load.load.is_speaker();
        let boxed;
        let load = match &self.enclosure {
            Some(e) => {
                let mut l = load.clone();
                l.put_in_box(e).map_err(Error::Enclosure)?;
                boxed = l;
                &boxed
            }
            None => load,
        };
        let out = amp
            .amplifier
            .select_output(output, speaker)
            .map_err(|e| Error::Output(e.to_string()))?;
        if let Some(g) = &self.context.gain_mode
            && !out
                .gain_modes
                .iter()
                .any(|m| m.name.eq_ignore_ascii_case(g))
        {
            let have: Vec<&str> = out.gain_modes.iter().map(|m| m.name.as_str()).collect();
            return Err(Error::Gain(if have.is_empty() {
                format!(
                    "the {} output of {} has no gain switch",
                    out.name, amp.amplifier.name
                )
            } else {
                format!(
                    "the {} output of {} has no gain setting {g:?}; its settings are: {}",
                    out.name,
                    amp.amplifier.name,
                    have.join(", ")
                )
            }));
        }
        Ok(self.analyze_output(&amp.amplifier.name, &out, load))
    }

    /// Analyses one output (already chosen) into `load` (already boxed): the setup's
    /// target, or for a loudspeaker without one the preset's average + headroom at the seat.
    pub fn analyze_output(&self, amp_name: &str, out: &AmpOutput, load: &LoadDevice) -> Report {
        let speaker = load.load.is_speaker();
        let mut context = self.context.clone();
        let target = match self.target {
            Some(t) => t,
            None if speaker => {
                let preset = self.preset.unwrap_or(Preset::Music);
                let (average_spl_db, crest_factor_db) = preset.levels();
                context.preset = Some(preset);
                Target::AverageWithCrest {
                    average_spl_db,
                    crest_factor_db,
                }
            }
            None => Target::default(),
        };
        analyze_in(amp_name, out, &load.load, target, &context, &self.settings)
    }
}

/// One cell of a matrix: indexes into the amplifier and load lists, and the report.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Index of the amplifier.
    pub amp: usize,
    /// Index of the load.
    pub load: usize,
    /// The report, each amplifier's default output for the load.
    pub report: Report,
}

/// Every amplifier × load pair, amplifiers in the outer loop.
pub fn check_matrix(setup: &Setup, amps: &[AmpDevice], loads: &[LoadDevice]) -> Result<Vec<Cell>> {
    let mut cells = Vec::with_capacity(amps.len() * loads.len());
    for (ai, amp) in amps.iter().enumerate() {
        for (li, load) in loads.iter().enumerate() {
            cells.push(Cell {
                amp: ai,
                load: li,
                report: setup.analyze(amp, load, None)?,
            });
        }
    }
    Ok(cells)
}
