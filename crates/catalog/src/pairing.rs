//! One amplifier × load pairing with its setup: the shared step behind `ampmatch check`,
//! `ampmatch matrix` and the web API.

use ampmatch_core::analysis::{Context, Report, Settings, Target, analyze_in};
use ampmatch_core::listening::Preset;

use crate::device::{AmpDevice, EnclosureFile, LoadDevice};
use crate::error::{Error, Result};

/// Everything about a check except the two devices.
#[derive(Debug, Clone, Default)]
pub struct PairSetup {
    /// A target given explicitly (or set by a track); overrides the defaults.
    pub target: Option<Target>,
    /// The listening preset for loudspeakers when no target is given (default music).
    pub preset: Option<Preset>,
    /// Listening position and cable.
    pub context: Context,
    /// Thresholds.
    pub settings: Settings,
    /// A box to put a driver in.
    pub enclosure: Option<EnclosureFile>,
}

impl PairSetup {
    /// Analyses one pairing: the output suited to the load unless one is named; for a
    /// loudspeaker without a target, the preset's average + headroom at the seat.
    pub fn analyze(
        &self,
        amp: &AmpDevice,
        load: &LoadDevice,
        output: Option<&str>,
    ) -> Result<Report> {
        let speaker = load.load.is_speaker();
        let mut load = load.clone();
        if let Some(e) = &self.enclosure {
            load.put_in_box(e)?;
        }
        let out = amp
            .amplifier
            .select_output(output, speaker)
            .map_err(|e| Error::Field {
                file: "request".into(),
                line: 0,
                field: "output".into(),
                value: output.unwrap_or("").into(),
                allowed: e.to_string(),
            })?;
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
        Ok(analyze_in(
            &amp.amplifier.name,
            &out,
            &load.load,
            target,
            &context,
            &self.settings,
        ))
    }
}
