//! Amplifier outputs: what a spec sheet or a measurement says, and the limits that follow.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use crate::evidence::{Confidence, CurrentClaim, Note, NoteKind, RatingPoint};
use crate::impedance::SourceImpedance;
use crate::limits::LimitFit;

/// The kind of an output jack or terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputKind {
    /// A single-ended headphone output.
    SingleEnded,
    /// A balanced (bridged) headphone output.
    Balanced,
    /// Loudspeaker terminals.
    Speaker,
    /// The source gave figures without saying which output.
    Unspecified,
}

impl OutputKind {
    /// Preference order when the user names no output and the load is a headphone:
    /// single-ended before balanced, so the report describes the ordinary jack.
    pub fn headphone_preference(self) -> u8 {
        match self {
            OutputKind::SingleEnded => 0,
            OutputKind::Unspecified => 1,
            OutputKind::Balanced => 2,
            OutputKind::Speaker => 3,
        }
    }
}

/// Where the output's power comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Supply {
    /// USB or another 5 V bus.
    Bus {
        /// Bus voltage, V.
        voltage_v: f64,
    },
    /// A battery.
    Battery {
        /// Capacity, mAh, when known.
        capacity_mah: Option<f64>,
        /// The battery's nominal voltage, V, when known (one Li-ion cell: 3.7 V).
        #[serde(default)]
        voltage_v: Option<f64>,
    },
    /// Mains, directly or through an adapter.
    Mains,
    /// Anything else, as described by the source.
    Other {
        /// The description.
        description: String,
    },
}

/// Noise at the output.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Noise {
    /// Output noise voltage, µV rms.
    pub noise_uv: f64,
    /// True when A-weighted, false when unweighted, `None` when the source did not say.
    pub a_weighted: Option<bool>,
}

/// Output stage class, for efficiency and for how hard a reactive load is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmpClass {
    /// Class A.
    A,
    /// Class AB (a class-B output stage with bias).
    AB,
    /// Class D (switching).
    D,
    /// Valve.
    #[serde(rename = "tube")]
    Tube,
}

/// A class-D amplifier's output LC filter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OutputFilter {
    /// Series inductance, H.
    pub l_h: f64,
    /// Shunt capacitance, F.
    pub c_f: f64,
    /// With feedback taken after the filter, the filter's load dependence is corrected and
    /// the filter is left out of the response.
    pub post_filter_feedback: bool,
}

/// One setting of a gain switch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GainMode {
    /// Its name on the device ("low", "high", "0 dB"…).
    pub name: String,
    /// Voltage gain, dB.
    pub gain_db: f64,
}

/// One output of an amplifier, as described by its sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmpOutput {
    /// Its name ("single-ended", "balanced", "speaker", …).
    pub name: String,
    /// What kind of output it is.
    pub kind: OutputKind,
    /// Rated or measured operating points.
    pub ratings: Vec<RatingPoint>,
    /// Stated current limits.
    pub current_limits: Vec<CurrentClaim>,
    /// Output impedance, when known.
    pub output_impedance: Option<SourceImpedance>,
    /// Output noise, when known.
    pub noise: Option<Noise>,
    /// Voltage gain, dB, when known.
    pub gain_db: Option<f64>,
    /// The settings of a gain switch, when the output has one (they take the place of
    /// `gain_db`: the volume check picks the one that suits the load, or the one asked for).
    pub gain_modes: Vec<GainMode>,
    /// Power supply, when known.
    pub supply: Option<Supply>,
    /// When set, this output has no figures of its own and is the bridged form of the named
    /// single-ended output: 2× its voltage swing and 2× its output impedance (an assumption
    /// the report states).
    pub bridged_from: Option<String>,
    /// Notes from the sources the report should show (conflicts, conditions).
    pub notes: Vec<Note>,
    /// Output stage class, when known.
    pub class: Option<AmpClass>,
    /// The lowest load impedance the maker rates the output for, Ω.
    pub min_load_ohm: Option<f64>,
    /// Class-D output filter, when known.
    pub output_filter: Option<OutputFilter>,
    /// Whether the output has a volume control of its own (false for a power amplifier,
    /// whose level is set by the source or preamplifier in front of it).
    pub volume_control: bool,
    /// Whether the output is bridged (BTL: both terminals driven, neither at ground);
    /// `None` when no source says.
    pub bridged: Option<bool>,
}

impl AmpOutput {
    /// An output with no figures yet.
    pub fn new(name: &str, kind: OutputKind) -> Self {
        Self {
            name: name.into(),
            kind,
            ratings: vec![],
            current_limits: vec![],
            output_impedance: None,
            noise: None,
            gain_db: None,
            gain_modes: vec![],
            supply: None,
            bridged_from: None,
            notes: vec![],
            class: None,
            min_load_ohm: None,
            output_filter: None,
            volume_control: true,
            bridged: None,
        }
    }

    /// The output impedance at 1 kHz, Ω, when known.
    pub fn output_impedance_ohm(&self) -> Option<f64> {
        self.output_impedance.map(|z| z.nominal_ohm())
    }

    /// The output's limits, from its evidence.
    pub fn fit(&self) -> LimitFit {
        LimitFit::from_output(self)
    }

    /// The weakest confidence among the figures that decide the limits.
    pub fn weakest_confidence(&self) -> Option<Confidence> {
        self.ratings
            .iter()
            .map(|r| r.confidence)
            .chain(self.current_limits.iter().map(|c| c.confidence))
            .filter(|c| *c != Confidence::User)
            .min_by_key(|c| std::cmp::Reverse(*c))
    }

    /// Builds the bridged form of `base`: each half drives half the load, so a rating of V
    /// into Z becomes 2V into 2Z (and an open-circuit voltage doubles); the output impedance
    /// doubles, the current limit is unchanged, the gain +6.02 dB, and the noise +3 dB (two
    /// uncorrelated halves).
    pub fn bridged(&self, base: &AmpOutput) -> AmpOutput {
        let mut out = AmpOutput::new(&self.name, self.kind);
        let zo_base = base.output_impedance_ohm();
        let src = |s: &str| {
            format!(
                "derived: bridged from the {} output (2× voltage into 2× load): {s}",
                base.name
            )
        };
        out.ratings = base
            .ratings
            .iter()
            .map(|r| RatingPoint {
                load_ohm: r.load_ohm.map(|z| 2.0 * z),
                voltage_vrms: 2.0 * r.voltage_vrms,
                confidence: r.confidence,
                source: src(&r.source),
            })
            .collect();
        out.current_limits = base
            .current_limits
            .iter()
            .map(|c| CurrentClaim {
                current_a: c.current_a,
                confidence: c.confidence,
                source: src(&c.source),
            })
            .collect();
        out.output_impedance = zo_base.map(|z| SourceImpedance::Resistive { ohm: 2.0 * z });
        out.noise = base.noise.map(|n| Noise {
            noise_uv: n.noise_uv * std::f64::consts::SQRT_2,
            a_weighted: n.a_weighted,
        });
        out.gain_db = base.gain_db.map(|g| g + 20.0 * 2f64.log10());
        out.gain_modes = base
            .gain_modes
            .iter()
            .map(|m| GainMode {
                name: m.name.clone(),
                gain_db: m.gain_db + 20.0 * 2f64.log10(),
            })
            .collect();
        out.supply = base.supply.clone();
        out.class = base.class;
        // A bridged output puts each half across half the load: the minimum load doubles.
        out.min_load_ohm = self.min_load_ohm.or(base.min_load_ohm.map(|z| 2.0 * z));
        out.output_filter = self.output_filter.or(base.output_filter);
        out.volume_control = self.volume_control && base.volume_control;
        // Derived as the bridge of another output: both its terminals are driven.
        out.bridged = Some(true);
        out.notes = self.notes.clone();
        out.notes.push(Note::new(
            NoteKind::Assumption,
            format!(
                "no figures are known for the {} output; it is taken as the bridged {} output: 2× the voltage swing and 2× the output impedance",
                self.name, base.name
            ),
        ));
        out
    }
}

/// An amplifier with one or more outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amplifier {
    /// "Brand Model".
    pub name: String,
    /// Its outputs.
    pub outputs: Vec<AmpOutput>,
}

impl Amplifier {
    fn no_such_output(&self, requested: &str) -> Error {
        Error::NoSuchOutput {
            amp: self.name.clone(),
            requested: requested.into(),
            available: self
                .outputs
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Every output as the analysis sees it: bridged ones derived from their base (an
    /// output whose base is missing is returned as written).
    pub fn resolved_outputs(&self) -> Vec<AmpOutput> {
        self.outputs
            .iter()
            .map(|o| {
                self.select_output(Some(&o.name), false)
                    .unwrap_or_else(|_| o.clone())
            })
            .collect()
    }

    /// The output to analyse: the named one, or the one that suits a headphone
    /// (single-ended before balanced), or the speaker terminals for a loudspeaker.
    /// Bridged outputs come back already derived from their base output.
    pub fn select_output(&self, requested: Option<&str>, for_speaker: bool) -> Result<AmpOutput> {
        if self.outputs.is_empty() {
            return Err(Error::NoSuchOutput {
                amp: self.name.clone(),
                requested: requested.unwrap_or("(any)").into(),
                available: "none".into(),
            });
        }
        let chosen = match requested {
            Some(name) => self
                .outputs
                .iter()
                .find(|o| o.name.eq_ignore_ascii_case(name))
                .ok_or_else(|| self.no_such_output(name))?,
            None => self
                .outputs
                .iter()
                .min_by_key(|o| {
                    let pref = if for_speaker {
                        if o.kind == OutputKind::Speaker {
                            0
                        } else {
                            1 + o.kind.headphone_preference()
                        }
                    } else {
                        o.kind.headphone_preference()
                    };
                    // Prefer outputs that have figures to ones that have none.
                    let empty = o.ratings.is_empty()
                        && o.current_limits.is_empty()
                        && o.bridged_from.is_none();
                    (pref, empty)
                })
                .expect("outputs is not empty"),
        };
        match &chosen.bridged_from {
            Some(base_name) => {
                let base = self
                    .outputs
                    .iter()
                    .find(|o| o.name.eq_ignore_ascii_case(base_name) && o.bridged_from.is_none())
                    .ok_or_else(|| self.no_such_output(base_name))?;
                Ok(chosen.bridged(base))
            }
            None => Ok(chosen.clone()),
        }
    }
}
