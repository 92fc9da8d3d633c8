//! Loads: headphones and in-ear monitors.

use serde::{Deserialize, Serialize};

use crate::amplifier::Confidence;
use crate::impedance::ImpedanceModel;
use crate::sensitivity::Sensitivity;

/// How a headphone sits on or in the ear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeadphoneForm {
    /// Circumaural.
    OverEar,
    /// Supra-aural.
    OnEar,
    /// In-ear monitor.
    InEar,
}

/// What kind of load this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoadKind {
    /// A headphone or IEM.
    Headphone {
        /// On, over or in the ear.
        form: HeadphoneForm,
    },
}

/// A load the amplifier drives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// "Brand Model".
    pub name: String,
    /// What it is.
    pub kind: LoadKind,
    /// Nominal impedance, Ω (the figure sensitivity in dB/mW refers to).
    pub nominal_impedance_ohm: Option<f64>,
    /// Sensitivity as published.
    pub sensitivity: Option<Sensitivity>,
    /// Impedance over frequency; `None` means flat at the nominal impedance.
    pub impedance: Option<ImpedanceModel>,
    /// Maximum input power, W (a damage limit, not a requirement).
    pub max_input_power_w: Option<f64>,
    /// How far the figures can be trusted.
    pub confidence: Confidence,
    /// Notes from the sources the report should show.
    pub notes: Vec<String>,
}

impl Load {
    /// True for in-ear monitors.
    pub fn is_iem(&self) -> bool {
        matches!(
            self.kind,
            LoadKind::Headphone {
                form: HeadphoneForm::InEar
            }
        )
    }

    /// The nominal impedance, or |Z(1 kHz)| of the curve when no nominal figure is given.
    pub fn effective_nominal_ohm(&self) -> Option<f64> {
        self.nominal_impedance_ohm
            .or_else(|| self.impedance.as_ref().map(|m| m.at(1000.0).z.norm()))
    }

    /// The impedance model the analysis uses: the given one, else flat at nominal.
    pub fn impedance_model(&self) -> Option<ImpedanceModel> {
        self.impedance.clone().or_else(|| {
            self.nominal_impedance_ohm
                .map(|ohm| ImpedanceModel::Flat { ohm })
        })
    }
}
