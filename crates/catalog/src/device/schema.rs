//! The device-file schema: what a TOML device file (or an inline device in an API
//! request) may say, as serde structs. Kept apart from the core's models, which
//! [`super::amp`] and [`super::load`] build from these after validating every value.

use ampmatch_core::amplifier::{Confidence, OutputKind};
use ampmatch_core::load::{HeadphoneForm, Plug};
use ampmatch_core::sensitivity::SensitivityUnit;
use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Deserialize)]
pub(crate) struct Probe {
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PowerPoint {
    pub(crate) load_ohm: Option<f64>,
    pub(crate) power_mw: Option<f64>,
    pub(crate) power_w: Option<f64>,
    pub(crate) voltage_vrms: Option<f64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) enum Weighting {
    #[serde(rename = "A")]
    A,
    #[serde(rename = "unweighted")]
    Unweighted,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum SupplyKind {
    #[serde(rename = "bus-5v")]
    Bus5v,
    Battery,
    Mains,
    Other,
}

/// The figures a source can give for an output. Declared once and used both for figures
/// written directly on an `[[outputs]]` table and for each `[[outputs.sources]]` entry.
macro_rules! with_figures {
    ($(#[$m:meta])* struct $name:ident { $($field:ident : $ty:ty,)* }) => {
        $(#[$m])*
        pub(crate) struct $name {
            $(pub(crate) $field: $ty,)*
            pub(crate) source: Option<String>,
            pub(crate) confidence: Option<Confidence>,
            pub(crate) conditions: Option<String>,
            pub(crate) output_impedance_ohm: Option<f64>,
            pub(crate) max_voltage_vrms: Option<f64>,
            pub(crate) max_current_ma: Option<f64>,
            pub(crate) max_current_note: Option<String>,
            pub(crate) gain_db: Option<f64>,
            pub(crate) noise_uv: Option<f64>,
            pub(crate) noise_dbv: Option<f64>,
            pub(crate) noise_dbu: Option<f64>,
            pub(crate) snr_db: Option<f64>,
            pub(crate) snr_ref_vrms: Option<f64>,
            pub(crate) bound: Option<bool>,
            pub(crate) noise_weighting: Option<Weighting>,
            pub(crate) thd_pct: Option<f64>,
            #[serde(default)]
            pub(crate) power: Vec<PowerPoint>,
        }

        impl $name {
            pub(crate) fn figures(&self) -> Figures<'_> {
                Figures {
                    source: self.source.as_deref(),
                    conditions: self.conditions.as_deref(),
                    current_note: self.max_current_note.as_deref(),
                    confidence: self.confidence,
                    output_impedance_ohm: self.output_impedance_ohm,
                    max_voltage_vrms: self.max_voltage_vrms,
                    max_current_ma: self.max_current_ma,
                    gain_db: self.gain_db,
                    noise_uv: self.noise_uv,
                    noise_dbv: self.noise_dbv,
                    noise_dbu: self.noise_dbu,
                    snr_db: self.snr_db,
                    snr_ref_vrms: self.snr_ref_vrms,
                    bound: self.bound.unwrap_or(false),
                    noise_weighting: self.noise_weighting,
                    thd_pct: self.thd_pct,
                    power: &self.power,
                }
            }
        }
    };
}

pub(crate) struct Figures<'a> {
    pub(crate) source: Option<&'a str>,
    pub(crate) conditions: Option<&'a str>,
    pub(crate) current_note: Option<&'a str>,
    pub(crate) confidence: Option<Confidence>,
    pub(crate) output_impedance_ohm: Option<f64>,
    pub(crate) max_voltage_vrms: Option<f64>,
    pub(crate) max_current_ma: Option<f64>,
    pub(crate) gain_db: Option<f64>,
    pub(crate) noise_uv: Option<f64>,
    pub(crate) noise_dbv: Option<f64>,
    pub(crate) noise_dbu: Option<f64>,
    pub(crate) snr_db: Option<f64>,
    pub(crate) snr_ref_vrms: Option<f64>,
    /// The source gives its figures as bounds ("< 1.4 Ω", "> 880 mW").
    pub(crate) bound: bool,
    pub(crate) noise_weighting: Option<Weighting>,
    /// Distortion at which the power figures were taken, %.
    pub(crate) thd_pct: Option<f64>,
    pub(crate) power: &'a [PowerPoint],
}

impl Figures<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.output_impedance_ohm.is_none()
            && self.max_voltage_vrms.is_none()
            && self.max_current_ma.is_none()
            && self.gain_db.is_none()
            && self.noise_uv.is_none()
            && self.noise_dbv.is_none()
            && self.noise_dbu.is_none()
            && self.snr_db.is_none()
            && self.power.is_empty()
    }
}

with_figures! {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SourceFile {}
}

with_figures! {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct OutputFile {
        name: String,
        kind: OutputKind,
        supply: Option<SupplyKind>,
        supply_note: Option<String>,
        battery_capacity_mah: Option<f64>,
        battery_voltage_v: Option<f64>,
        note: Option<String>,
        bridged_from: Option<String>,
        sources: Option<Vec<SourceFile>>,
        min_load_ohm: Option<f64>,
        output_filter: Option<FilterFile>,
        volume_control: Option<bool>,
        bridged: Option<bool>,
        gain_modes: Option<Vec<GainModeFile>>,
    }
}

/// One setting of a gain switch: `{ name = "low", gain_db = 0 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GainModeFile {
    pub(crate) name: String,
    pub(crate) gain_db: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FilterFile {
    pub(crate) l_uh: f64,
    pub(crate) c_uf: f64,
    #[serde(default)]
    pub(crate) post_filter_feedback: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AmpFile {
    #[serde(rename = "type")]
    pub(crate) _type: String,
    pub(crate) id: Option<String>,
    pub(crate) brand: String,
    pub(crate) model: String,
    pub(crate) category: Option<String>,
    pub(crate) class: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) confidence: Option<Confidence>,
    pub(crate) suspect: Option<String>,
    pub(crate) outputs: Vec<OutputFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CurveFile {
    pub(crate) file: Option<String>,
    /// Stated points, "freq_hz:ohm freq_hz:ohm …" (a sparse curve).
    pub(crate) points: Option<String>,
    pub(crate) phase_known: Option<bool>,
    pub(crate) source: Option<String>,
    pub(crate) model: Option<String>,
    pub(crate) re_ohm: Option<f64>,
    pub(crate) le_mh: Option<f64>,
    pub(crate) fs_hz: Option<f64>,
    pub(crate) qms: Option<f64>,
    pub(crate) qes: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HeadphoneFile {
    #[serde(rename = "type")]
    pub(crate) _type: String,
    pub(crate) id: Option<String>,
    pub(crate) brand: String,
    pub(crate) model: String,
    pub(crate) form: HeadphoneForm,
    pub(crate) driver: Option<String>,
    pub(crate) impedance_ohm: Option<f64>,
    pub(crate) sensitivity_db: Option<f64>,
    pub(crate) sensitivity_unit: Option<SensitivityUnit>,
    pub(crate) max_input_power_mw: Option<f64>,
    pub(crate) min_impedance_ohm: Option<f64>,
    pub(crate) max_impedance_ohm: Option<f64>,
    pub(crate) plug: Option<Plug>,
    pub(crate) suspect: Option<String>,
    pub(crate) confidence: Option<Confidence>,
    pub(crate) source: Option<String>,
    pub(crate) impedance_curve: Option<CurveFile>,
}

/// A sensitivity reference as written in speaker files.
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) enum SensitivityRef {
    #[serde(rename = "2.83V/1m")]
    V283,
    #[serde(rename = "1W/1m")]
    W1,
    #[serde(rename = "unknown")]
    Unknown,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PowerHandlingFile {
    pub(crate) continuous_w: Option<f64>,
    pub(crate) program_w: Option<f64>,
    pub(crate) peak_w: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ThieleSmallFile {
    pub(crate) re_ohm: Option<f64>,
    pub(crate) le_mh: Option<f64>,
    pub(crate) fs_hz: Option<f64>,
    pub(crate) qms: Option<f64>,
    pub(crate) qes: Option<f64>,
    pub(crate) qts: Option<f64>,
    pub(crate) vas_l: Option<f64>,
    pub(crate) bl_tm: Option<f64>,
    pub(crate) mms_g: Option<f64>,
    pub(crate) sd_cm2: Option<f64>,
    pub(crate) xmax_mm: Option<f64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum BoxType {
    FreeAir,
    Sealed,
    Vented,
}

/// A box for a driver, as written in a file (or built from command-line flags).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnclosureFile {
    #[serde(rename = "type")]
    pub(crate) kind: BoxType,
    pub(crate) vb_l: Option<f64>,
    pub(crate) fb_hz: Option<f64>,
    pub(crate) ql: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SpeakerFile {
    #[serde(rename = "type")]
    pub(crate) _type: String,
    pub(crate) id: Option<String>,
    pub(crate) brand: String,
    pub(crate) model: String,
    pub(crate) driver_type: Option<String>,
    pub(crate) shape: Option<String>,
    pub(crate) impedance_ohm: Option<f64>,
    pub(crate) min_impedance_ohm: Option<f64>,
    pub(crate) sensitivity_db: Option<f64>,
    pub(crate) sensitivity_ref: Option<SensitivityRef>,
    pub(crate) power_handling: Option<PowerHandlingFile>,
    pub(crate) spl_max_db: Option<f64>,
    pub(crate) confidence: Option<Confidence>,
    pub(crate) source: Option<String>,
    pub(crate) suspect: Option<String>,
    pub(crate) unit_fixes: Option<String>,
    pub(crate) thiele_small: Option<ThieleSmallFile>,
    pub(crate) enclosure: Option<EnclosureFile>,
    pub(crate) impedance_curve: Option<CurveFile>,
}

/// Default box loss Q for vented boxes when none is given (the usual assumption).
pub const DEFAULT_QL: f64 = 7.0;

impl EnclosureFile {
    /// A box from its parts: `kind` is "free-air", "sealed" or "vented".
    pub fn new(kind: &str, vb_l: Option<f64>, fb_hz: Option<f64>, ql: Option<f64>) -> Result<Self> {
        let kind = match kind {
            "free-air" => BoxType::FreeAir,
            "sealed" => BoxType::Sealed,
            "vented" => BoxType::Vented,
            other => {
                return Err(Error::Field {
                    file: "command line".into(),
                    line: 0,
                    field: "box".into(),
                    value: other.into(),
                    allowed: "allowed: free-air, sealed or vented".into(),
                });
            }
        };
        Ok(Self {
            kind,
            vb_l,
            fb_hz,
            ql,
        })
    }
}
