//! The path from the amplifier's ideal source to the load: output impedance, a class-D
//! output filter, the speaker cable.
//!
//! Source V → Zout → (filter: series L, shunt C) → cable R → load Z. The voltage transfer
//! H = V_load/V and the impedance the source sees Z_in follow from ordinary divider
//! algebra; without a filter H = Z/(Zout + R + Z). With a filter into load Z' = R + Z,
//! Zp = Z' ∥ 1/(sC), H = Zp/(Zout + sL + Zp) · Z/Z', which for Zout = R = 0 is the
//! H = 1/(1 + sL/Z + s²LC) of physics.md.

use std::f64::consts::PI;

use num_complex::Complex64;
use serde::{Deserialize, Serialize};

use crate::amplifier::OutputFilter;
use crate::error::{Result, check_positive};
use crate::impedance::SourceImpedance;

/// Resistivity of copper, Ω·m (physics.md).
pub const COPPER_RESISTIVITY_OHM_M: f64 = 1.72e-8;

/// A speaker cable, as its loop resistance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cable {
    /// Out-and-back resistance, Ω.
    pub resistance_ohm: f64,
    /// How it was given.
    pub description: String,
}

impl Cable {
    /// A cable of known loop resistance.
    pub fn from_resistance(resistance_ohm: f64) -> Result<Self> {
        crate::error::check_range("cable_resistance_ohm", resistance_ohm, 0.0, 100.0, "Ω")?;
        Ok(Self {
            resistance_ohm,
            description: format!(
                "{} Ω loop resistance",
                crate::units::fmt_sig(resistance_ohm)
            ),
        })
    }

    /// A copper cable `length_m` long (one way) with conductors of `area_mm2` each:
    /// R = ρ·2·length/area.
    pub fn copper_mm2(length_m: f64, area_mm2: f64) -> Result<Self> {
        check_positive("cable_length_m", length_m, 10_000.0, "m")?;
        check_positive("cable_mm2", area_mm2, 1000.0, "mm²")?;
        let r = COPPER_RESISTIVITY_OHM_M * 2.0 * length_m / (area_mm2 * 1e-6);
        Ok(Self {
            resistance_ohm: r,
            description: format!(
                "{} m of {} mm² copper",
                crate::units::fmt_sig(length_m),
                crate::units::fmt_sig(area_mm2)
            ),
        })
    }

    /// A copper cable of American Wire Gauge `awg`: d = 0.127 mm · 92^((36−n)/39).
    pub fn copper_awg(length_m: f64, awg: f64) -> Result<Self> {
        crate::error::check_range("cable_awg", awg, -3.0, 40.0, "AWG")?;
        let d_mm = 0.127 * 92f64.powf((36.0 - awg) / 39.0);
        let mut c = Self::copper_mm2(length_m, PI * d_mm * d_mm / 4.0)?;
        c.description = format!(
            "{} m of {} AWG copper",
            crate::units::fmt_sig(length_m),
            awg
        );
        Ok(c)
    }
}

/// Everything between the ideal source and the load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chain {
    /// Output impedance (treated as 0 Ω when unknown; the report says so).
    pub source: Option<SourceImpedance>,
    /// Cable loop resistance, Ω.
    pub cable_ohm: f64,
    /// Output filter in the path (none when absent or corrected by post-filter feedback).
    pub filter: Option<OutputFilter>,
}

impl Chain {
    /// (H = V_load/V_source, Z_in seen by the ideal source) at `frequency_hz` into `z`.
    pub fn at(&self, frequency_hz: f64, z: Complex64) -> (Complex64, Complex64) {
        let s = Complex64::new(0.0, 2.0 * PI * frequency_hz);
        let zs = self
            .source
            .map_or(Complex64::new(0.0, 0.0), |o| o.at(frequency_hz));
        let zl = z + self.cable_ohm;
        match self.filter {
            None => {
                let zin = zs + zl;
                (z / zin, zin)
            }
            Some(fl) => {
                let zp = 1.0 / (1.0 / zl + s * fl.c_f);
                let zin = zs + s * fl.l_h + zp;
                (zp / zin * (z / zl), zin)
            }
        }
    }
}

impl Chain {
    /// V_terminals/V_source at `frequency_hz` with `z_terminals` (load + cable) across the
    /// output terminals (after the filter, where ratings are measured).
    pub fn terminal_transfer(&self, frequency_hz: f64, z_terminals: Complex64) -> Complex64 {
        let s = Complex64::new(0.0, 2.0 * PI * frequency_hz);
        let zs = self
            .source
            .map_or(Complex64::new(0.0, 0.0), |o| o.at(frequency_hz));
        match self.filter {
            None => z_terminals / (zs + z_terminals),
            Some(fl) => {
                let zp = 1.0 / (1.0 / z_terminals + s * fl.c_f);
                zp / (zs + s * fl.l_h + zp)
            }
        }
    }
}

/// Which of an output's two limits binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// The output's voltage swing.
    Voltage,
    /// The output's current limit.
    Current,
}

/// Equivalent peak dissipation resistance: the resistor that would heat a class-B output
/// stage as much as |Z|∠φ does (Keith Howard; physics.md):
/// EPDR = |Z|·0.25 / ((1 − sin(5π/6 + 2|φ|/3)) · sin(5π/6 − |φ|/3)). 5 Ω at 45° → 1.77 Ω.
/// Valid for |φ| ≤ 90°; at φ = 0 it is |Z|.
pub fn epdr_ohm(z_mag: f64, phase_rad: f64) -> f64 {
    let p = phase_rad.abs().min(PI / 2.0);
    let a = 1.0 - (5.0 * PI / 6.0 + 2.0 * p / 3.0).sin();
    let b = (5.0 * PI / 6.0 - p / 3.0).sin();
    z_mag * 0.25 / (a * b)
}
