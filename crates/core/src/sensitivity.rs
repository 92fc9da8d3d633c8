//! Headphone sensitivity in either of its two published units.
//!
//! dB/V = dB/mW + 10·log10(1000 Ω / Z): 1 mW into Z takes √(Z/1000) V
//! (physics.md, "Headphones and IEMs").

use serde::{Deserialize, Serialize};

/// The unit a sensitivity was published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SensitivityUnit {
    /// dB SPL for 1 mW.
    #[serde(rename = "dB/mW")]
    DbPerMw,
    /// dB SPL for 1 Vrms.
    #[serde(rename = "dB/V")]
    DbPerV,
    /// The source did not say.
    #[serde(rename = "unknown")]
    Unknown,
}

impl std::fmt::Display for SensitivityUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SensitivityUnit::DbPerMw => "dB/mW",
            SensitivityUnit::DbPerV => "dB/V",
            SensitivityUnit::Unknown => "unknown unit",
        })
    }
}

/// A sensitivity as published: the number and its unit, never silently converted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The published figure.
    pub value_db: f64,
    /// Its unit as published.
    pub unit: SensitivityUnit,
}

/// dB/mW → dB/V at impedance `z_ohm`.
pub fn db_per_mw_to_db_per_v(db_per_mw: f64, z_ohm: f64) -> f64 {
    db_per_mw + 10.0 * (1000.0 / z_ohm).log10()
}

/// dB/V → dB/mW at impedance `z_ohm`.
pub fn db_per_v_to_db_per_mw(db_per_v: f64, z_ohm: f64) -> f64 {
    db_per_v - 10.0 * (1000.0 / z_ohm).log10()
}

/// Both readings of a sensitivity at a given impedance, with the one used for the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SensitivityReadings {
    /// The figure as published.
    pub value_db: f64,
    /// The unit as published.
    pub unit_given: SensitivityUnit,
    /// The figure in dB/V that the analysis uses.
    pub db_per_v: f64,
    /// The same, in dB/mW at the nominal impedance (`None` when the impedance is unknown).
    pub db_per_mw: Option<f64>,
    /// For an unknown unit: the dB/V figure if the other reading were right.
    pub alternative_db_per_v: Option<f64>,
    /// For an unknown unit: which reading the analysis assumed.
    pub assumed_unit: Option<SensitivityUnit>,
}

impl Sensitivity {
    /// Reads the sensitivity at `z_ohm`. For an unknown unit both readings are kept and
    /// the one that gives the lower dB/V is used, so the "loud enough" verdict errs on the
    /// safe side; the safety checks also look at the other reading. Without an impedance
    /// only a dB/V figure can be read.
    pub fn readings(&self, z_ohm: Option<f64>) -> Option<SensitivityReadings> {
        let Some(z_ohm) = z_ohm else {
            return (self.unit == SensitivityUnit::DbPerV).then_some(SensitivityReadings {
                value_db: self.value_db,
                unit_given: self.unit,
                db_per_v: self.value_db,
                db_per_mw: None,
                alternative_db_per_v: None,
                assumed_unit: None,
            });
        };
        let as_mw = db_per_mw_to_db_per_v(self.value_db, z_ohm);
        let as_v = self.value_db;
        let (db_per_v, alternative, assumed) = match self.unit {
            SensitivityUnit::DbPerV => (as_v, None, None),
            SensitivityUnit::DbPerMw => (as_mw, None, None),
            SensitivityUnit::Unknown => {
                if as_v <= as_mw {
                    (as_v, Some(as_mw), Some(SensitivityUnit::DbPerV))
                } else {
                    (as_mw, Some(as_v), Some(SensitivityUnit::DbPerMw))
                }
            }
        };
        Some(SensitivityReadings {
            value_db: self.value_db,
            unit_given: self.unit,
            db_per_v,
            db_per_mw: Some(db_per_v_to_db_per_mw(db_per_v, z_ohm)),
            alternative_db_per_v: alternative,
            assumed_unit: assumed,
        })
    }
}
