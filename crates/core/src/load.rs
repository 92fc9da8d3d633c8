//! Loads: headphones, in-ear monitors and loudspeakers.

use serde::{Deserialize, Serialize};

use crate::amplifier::Confidence;
use crate::impedance::{ImpedanceModel, ThieleSmall};
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
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum LoadKind {
    /// A headphone or IEM: SPL is at the ear.
    Headphone {
        /// On, over or in the ear.
        form: HeadphoneForm,
    },
    /// A loudspeaker (a raw driver, or a finished passive speaker): SPL is at 1 m, then
    /// carried to the listening position.
    Loudspeaker {
        /// True for a finished multi-way speaker, false for a single driver.
        finished: bool,
    },
}

/// A loudspeaker's power ratings, as given.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct PowerHandling {
    /// Continuous (RMS, AES) rating, W.
    pub continuous_w: Option<f64>,
    /// Program rating, W.
    pub program_w: Option<f64>,
    /// Peak rating, W.
    pub peak_w: Option<f64>,
}

impl PowerHandling {
    /// The continuous rating, or one derived by convention (program ≈ 2×, peak ≈ 4×
    /// continuous; physics.md), with how it was obtained.
    pub fn continuous(&self) -> Option<(f64, &'static str)> {
        match *self {
            PowerHandling {
                continuous_w: Some(c),
                ..
            } => Some((c, "continuous rating")),
            PowerHandling {
                program_w: Some(p), ..
            } => Some((p / 2.0, "program rating ÷ 2")),
            PowerHandling {
                peak_w: Some(p), ..
            } => Some((p / 4.0, "peak rating ÷ 4")),
            _ => None,
        }
    }

    /// The peak rating, or one derived by convention, with how it was obtained.
    pub fn peak(&self) -> Option<(f64, &'static str)> {
        match *self {
            PowerHandling {
                peak_w: Some(p), ..
            } => Some((p, "peak rating")),
            PowerHandling {
                program_w: Some(p), ..
            } => Some((2.0 * p, "2× the program rating")),
            PowerHandling {
                continuous_w: Some(c),
                ..
            } => Some((4.0 * c, "4× the continuous rating")),
            _ => None,
        }
    }
}

/// How a headphone's cable ends: a 3-pole plug joins both channels' returns at one ground
/// contact; a balanced (4-pole 4.4 mm, XLR4, 2.5 mm) cable keeps them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Plug {
    /// TRS with a shared ground (3.5 mm, 6.35 mm): the ordinary headphone plug.
    #[default]
    #[serde(rename = "3-pole")]
    ThreePole,
    /// A balanced, 4-wire connection (or a cable for one is available).
    Balanced,
}

/// A headphone's driver technology, which decides how much its impedance swings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DriverTech {
    /// Moving coil: one resonance, a fairly flat impedance otherwise.
    Dynamic,
    /// Planar magnetic: an almost resistive impedance.
    Planar,
    /// Electrostatic (needs its own energiser).
    Electrostatic,
    /// Balanced armatures, usually several with a crossover: the impedance swings widely.
    BalancedArmature,
    /// Dynamic plus balanced armatures with a crossover: the impedance swings.
    Hybrid,
    /// Air-motion transformer and other technologies.
    Other,
    /// Not stated.
    #[default]
    Unknown,
}

impl DriverTech {
    /// The technology a device file's `driver` names.
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "dynamic" => DriverTech::Dynamic,
            "planar" => DriverTech::Planar,
            "electrostatic" => DriverTech::Electrostatic,
            "balanced-armature" | "ba" => DriverTech::BalancedArmature,
            "hybrid" => DriverTech::Hybrid,
            "unknown" | "" => DriverTech::Unknown,
            _ => DriverTech::Other,
        }
    }

    /// True when the impedance can swing widely (crossovers of several drivers), or when
    /// nothing rules it out.
    pub fn may_swing(self) -> bool {
        matches!(
            self,
            DriverTech::BalancedArmature | DriverTech::Hybrid | DriverTech::Unknown
        )
    }
}

/// A load the amplifier drives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// "Brand Model".
    pub name: String,
    /// What it is.
    pub kind: LoadKind,
    /// Nominal impedance, Ω (the figure sensitivity in dB/mW or dB @ 1 W refers to).
    pub nominal_impedance_ohm: Option<f64>,
    /// Stated minimum impedance, Ω.
    pub min_impedance_ohm: Option<f64>,
    /// Stated maximum impedance over the band, Ω (a measurement's extreme without a curve).
    pub max_impedance_ohm: Option<f64>,
    /// Sensitivity as published.
    pub sensitivity: Option<Sensitivity>,
    /// Impedance over frequency; `None` means flat at the nominal impedance.
    pub impedance: Option<ImpedanceModel>,
    /// Thiele-Small parameters of a driver, when known.
    pub thiele_small: Option<ThieleSmall>,
    /// Maximum input power of a headphone, W (a damage limit, not a requirement).
    pub max_input_power_w: Option<f64>,
    /// A loudspeaker's power ratings.
    pub power_handling: Option<PowerHandling>,
    /// The maker's maximum SPL at 1 m, dB.
    pub spl_max_db: Option<f64>,
    /// How far the figures can be trusted.
    pub confidence: Confidence,
    /// Notes from the sources the report should show.
    pub notes: Vec<crate::evidence::Note>,
    /// Another source's sensitivity for the same model (a measurement beside the maker's
    /// figure): the lower of the two decides loudness, the higher hearing.
    pub twin_sensitivity: Option<Sensitivity>,
    /// How a headphone is plugged in.
    pub plug: Plug,
    /// A headphone's driver technology.
    pub driver: DriverTech,
}

impl Load {
    /// A headphone with only a name and form; figures are filled in by the caller.
    pub fn headphone(name: &str, form: HeadphoneForm) -> Self {
        Self::new(name, LoadKind::Headphone { form })
    }

    /// A load of `kind` with no figures yet.
    pub fn new(name: &str, kind: LoadKind) -> Self {
        Self {
            name: name.into(),
            kind,
            nominal_impedance_ohm: None,
            min_impedance_ohm: None,
            max_impedance_ohm: None,
            sensitivity: None,
            impedance: None,
            thiele_small: None,
            max_input_power_w: None,
            power_handling: None,
            spl_max_db: None,
            confidence: Confidence::User,
            notes: vec![],
            twin_sensitivity: None,
            plug: Plug::default(),
            driver: DriverTech::default(),
        }
    }

    /// True for in-ear monitors.
    pub fn is_iem(&self) -> bool {
        matches!(
            self.kind,
            LoadKind::Headphone {
                form: HeadphoneForm::InEar
            }
        )
    }

    /// True for loudspeakers.
    pub fn is_speaker(&self) -> bool {
        matches!(self.kind, LoadKind::Loudspeaker { .. })
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
