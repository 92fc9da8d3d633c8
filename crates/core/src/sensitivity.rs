//! Sensitivity in each of its published forms.
//!
//! Every form is read as S_V, the SPL for 1 Vrms at the form's reference point (at the ear
//! for headphones, 1 m for loudspeakers):
//! - dB/mW at impedance Z: S_V = S + 10·log10(1000 Ω/Z) (1 mW into Z takes √(Z/1000) V);
//! - dB @ 1 W/1 m at Z: S_V = S − 10·log10(Z/1 Ω) (1 W into Z takes √Z V);
//! - dB @ 2.83 V/1 m: S_V = S − 20·log10(√8) = S − 9.03 dB (2.83 V is 1 W into 8 Ω, so
//!   S_2.83V = S_1W + 10·log10(8/Z), physics.md);
//! - dB/V: S_V = S.

use serde::{Deserialize, Serialize};

/// The unit a sensitivity was published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SensitivityUnit {
    /// dB SPL for 1 mW (headphones).
    #[serde(rename = "dB/mW")]
    DbPerMw,
    /// dB SPL for 1 Vrms (headphones).
    #[serde(rename = "dB/V")]
    DbPerV,
    /// dB SPL at 1 m for 2.83 Vrms (loudspeakers).
    #[serde(rename = "dB@2.83V/1m")]
    Db283V,
    /// dB SPL at 1 m for 1 W into the nominal impedance (loudspeakers).
    #[serde(rename = "dB@1W/1m")]
    Db1W,
    /// The source did not say.
    #[serde(rename = "unknown")]
    Unknown,
}

impl std::fmt::Display for SensitivityUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SensitivityUnit::DbPerMw => "dB/mW",
            SensitivityUnit::DbPerV => "dB/V",
            SensitivityUnit::Db283V => "dB @ 2.83 V/1 m",
            SensitivityUnit::Db1W => "dB @ 1 W/1 m",
            SensitivityUnit::Unknown => "dB (reference not stated)",
        })
    }
}

/// 20·log10(√8 V): the dB between 1 V and the "2.83 V" (1 W into 8 Ω) reference.
pub const DB_2_83V: f64 = 9.030_899_869_919_434;

/// dB/mW → dB/V at impedance `z_ohm`.
pub fn db_per_mw_to_db_per_v(db_per_mw: f64, z_ohm: f64) -> f64 {
    db_per_mw + 10.0 * (1000.0 / z_ohm).log10()
}

/// dB/V → dB/mW at impedance `z_ohm`.
pub fn db_per_v_to_db_per_mw(db_per_v: f64, z_ohm: f64) -> f64 {
    db_per_v - 10.0 * (1000.0 / z_ohm).log10()
}

/// dB @ 1 W/1 m → dB @ 2.83 V/1 m at nominal impedance `z_ohm`: + 10·log10(8/Z).
pub fn db_1w_to_db_2_83v(db_1w: f64, z_ohm: f64) -> f64 {
    db_1w + 10.0 * (8.0 / z_ohm).log10()
}

/// A sensitivity as published: the number and its unit, never silently converted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The published figure.
    pub value_db: f64,
    /// Its unit as published.
    pub unit: SensitivityUnit,
}

/// A sensitivity read at a given impedance: every form, and the one the analysis uses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SensitivityReadings {
    /// The figure as published.
    pub value_db: f64,
    /// The unit as published.
    pub unit_given: SensitivityUnit,
    /// dB SPL for 1 Vrms (at the ear, or at 1 m) that the analysis uses.
    pub db_per_v: f64,
    /// The same in dB/mW at the nominal impedance (`None` when the impedance is unknown).
    pub db_per_mw: Option<f64>,
    /// For loudspeakers: dB @ 2.83 V/1 m.
    pub db_at_2_83v: Option<f64>,
    /// For loudspeakers: dB @ 1 W/1 m at the nominal impedance.
    pub db_at_1w: Option<f64>,
    /// For an unknown unit: the dB/V figure if the other reading were right.
    pub alternative_db_per_v: Option<f64>,
    /// For an unknown unit: which reading the analysis assumed.
    pub assumed_unit: Option<SensitivityUnit>,
    /// The highest reading any source or interpretation allows, dB/V: what the hearing
    /// check uses (the lower `db_per_v` decides loudness, so neither is overstated).
    pub safety_db_per_v: f64,
}

fn as_db_per_v(value: f64, unit: SensitivityUnit, z_ohm: Option<f64>) -> Option<f64> {
    match unit {
        SensitivityUnit::DbPerV => Some(value),
        SensitivityUnit::Db283V => Some(value - DB_2_83V),
        SensitivityUnit::DbPerMw => z_ohm.map(|z| db_per_mw_to_db_per_v(value, z)),
        SensitivityUnit::Db1W => z_ohm.map(|z| value - 10.0 * z.log10()),
        SensitivityUnit::Unknown => None,
    }
}

impl Sensitivity {
    /// Reads the sensitivity at `z_ohm` for a loudspeaker (`speaker`) or a headphone.
    /// An unknown unit is read both ways (dB/mW or dB/V for headphones; 1 W or 2.83 V for
    /// loudspeakers); the reading with the lower dB/V is used, so the "loud enough" verdict
    /// errs on the safe side, and the safety checks also look at the other reading.
    pub fn readings(&self, z_ohm: Option<f64>, speaker: bool) -> Option<SensitivityReadings> {
        let (db_per_v, alternative, assumed) = if self.unit == SensitivityUnit::Unknown {
            let (a, b) = if speaker {
                (SensitivityUnit::Db283V, SensitivityUnit::Db1W)
            } else {
                (SensitivityUnit::DbPerV, SensitivityUnit::DbPerMw)
            };
            let va = as_db_per_v(self.value_db, a, z_ohm)?;
            let vb = as_db_per_v(self.value_db, b, z_ohm)?;
            if va <= vb {
                (va, Some(vb), Some(a))
            } else {
                (vb, Some(va), Some(b))
            }
        } else {
            (as_db_per_v(self.value_db, self.unit, z_ohm)?, None, None)
        };
        Some(SensitivityReadings {
            value_db: self.value_db,
            unit_given: self.unit,
            db_per_v,
            db_per_mw: z_ohm.map(|z| db_per_v_to_db_per_mw(db_per_v, z)),
            db_at_2_83v: speaker.then_some(db_per_v + DB_2_83V),
            db_at_1w: z_ohm
                .filter(|_| speaker)
                .map(|z| db_per_v + 10.0 * z.log10()),
            alternative_db_per_v: alternative,
            assumed_unit: assumed,
            safety_db_per_v: alternative.map_or(db_per_v, |a| a.max(db_per_v)),
        })
    }
}
