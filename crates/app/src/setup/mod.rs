//! One validated setup: everything about a check except the two devices — the target, the
//! listening position, the cable, a box for a driver, and the thresholds.
//!
//! Every numeric field is declared once in [`FIELDS`], with its name in each front-end (the
//! CLI flag, the API's JSON path, the page's query key), its unit and its bounds. The CLI,
//! the page, the API and the OpenAPI document all read this table, so a bound is written
//! in one place and cannot disagree between them.

mod fields;

use ampmatch_catalog::EnclosureFile;
use ampmatch_core::analysis::eq::EqSetting;
use ampmatch_core::analysis::{Context, Settings, Target};
use ampmatch_core::chain::Cable;
use ampmatch_core::eq::DEFAULT_EQ_RATE_HZ;
use ampmatch_core::listening::{Listening, Preset};

pub use fields::{BOXES, FIELDS, Field, FieldId, Naming, PRESETS, SetupError};

/// What a front-end read, before validation: every field optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetupInput {
    /// Values of numeric fields, by id (the last one given wins).
    pub numbers: Vec<(FieldId, f64)>,
    /// Listening preset name.
    pub preset: Option<String>,
    /// Box type name for a driver.
    pub enclosure: Option<String>,
    /// A gain setting by name (for an output with a gain switch).
    pub gain: Option<String>,
    /// An EQ preset: (its name, its text).
    pub eq: Option<(String, String)>,
    /// The load's measured frequency response, (Hz, dB), already read.
    pub fr: Option<Vec<(f64, f64)>>,
}

impl SetupInput {
    /// Sets a numeric field.
    pub fn set(&mut self, id: FieldId, value: Option<f64>) -> &mut Self {
        if let Some(v) = value {
            self.numbers.push((id, v));
        }
        self
    }

    /// A numeric field's value, when given.
    pub fn get(&self, id: FieldId) -> Option<f64> {
        self.numbers
            .iter()
            .rev()
            .find(|(f, _)| *f == id)
            .map(|(_, v)| *v)
    }
}

/// Everything about a check except the two devices, validated.
#[derive(Debug, Clone, Default)]
pub struct Setup {
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
    /// The listening level for a track, when given.
    pub listening_level_db: Option<f64>,
}

impl Setup {
    /// Checks every field of `input` against [`FIELDS`] and their combinations.
    pub fn from_input(input: &SetupInput) -> Result<Self, SetupError> {
        let mut checked = std::collections::HashMap::new();
        for (id, v) in &input.numbers {
            checked.insert(*id, id.field().check(*v)?);
        }
        let get = |id: FieldId| checked.get(&id).copied();
        use FieldId as F;
        let target = match (get(F::TargetSpl), get(F::AverageSpl), get(F::CrestFactor)) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(SetupError::Combination {
                    field: F::TargetSpl,
                    message: "--target-spl cannot be combined with --average-spl and --crest-factor; give one or the other".into(),
                });
            }
            (Some(spl_db), None, None) => Some(Target::Peak { spl_db }),
            (None, Some(average_spl_db), Some(crest_factor_db)) => Some(Target::AverageWithCrest {
                average_spl_db,
                crest_factor_db,
            }),
            (None, Some(_), None) | (None, None, Some(_)) => {
                return Err(SetupError::Combination {
                    field: if get(F::AverageSpl).is_some() {
                        F::CrestFactor
                    } else {
                        F::AverageSpl
                    },
                    message: "--average-spl and --crest-factor go together".into(),
                });
            }
            (None, None, None) => None,
        };
        let mut settings = Settings::default();
        if let Some(h) = get(F::HissThreshold) {
            settings.hiss_threshold_db_spl = h;
        }
        if let Some(v) = get(F::SourceVrms) {
            settings.source_full_scale_vrms = v;
        }
        let d = Listening::default();
        let listening = Listening {
            distance_m: get(F::Distance).unwrap_or(d.distance_m),
            speakers: get(F::Speakers).map_or(d.speakers, |s| s as u32),
            room_gain_db: get(F::RoomGain).unwrap_or(d.room_gain_db),
        };
        let preset = match &input.preset {
            None => None,
            Some(p) => Some(Preset::parse(p).ok_or_else(|| SetupError::Choice {
                field: "preset",
                value: p.clone(),
                allowed: PRESETS,
            })?),
        };
        let eq = match &input.eq {
            None if get(F::EqRate).is_some() => {
                return Err(SetupError::Combination {
                    field: F::EqRate,
                    message: "--eq-rate goes with --eq (the preset)".into(),
                });
            }
            None => None,
            Some((name, text)) => Some(EqSetting {
                eq: ampmatch_catalog::eq::parse_eq(text, name).map_err(|e| SetupError::Eq {
                    message: e.to_string(),
                })?,
                rate_hz: get(F::EqRate).unwrap_or(DEFAULT_EQ_RATE_HZ),
            }),
        };
        Ok(Self {
            target,
            preset,
            context: Context {
                eq,
                fr: input.fr.clone(),
                listening,
                preset: None,
                cable: cable(&get)?,
                gain_mode: input.gain.clone().filter(|g| !g.trim().is_empty()),
            },
            settings,
            enclosure: enclosure(input, &get)?,
            listening_level_db: get(F::ListeningLevel),
        })
    }
}

fn cable(get: &dyn Fn(FieldId) -> Option<f64>) -> Result<Option<Cable>, SetupError> {
    use FieldId as F;
    let made = match (
        get(F::CableOhm),
        get(F::CableLength),
        get(F::CableAwg),
        get(F::CableMm2),
    ) {
        (None, None, None, None) => return Ok(None),
        (Some(r), None, None, None) => Cable::from_resistance(r),
        (None, Some(len), Some(awg), None) => Cable::copper_awg(len, awg),
        (None, Some(len), None, Some(mm2)) => Cable::copper_mm2(len, mm2),
        (None, Some(_), None, None) => {
            return Err(SetupError::Combination {
                field: F::CableLength,
                message: "--cable-m needs --cable-awg or --cable-mm2 (the conductor size)".into(),
            });
        }
        (Some(_), ..) => {
            return Err(SetupError::Combination {
                field: F::CableOhm,
                message: "--cable-ohm is the whole cable: give it alone, or --cable-m with --cable-awg or --cable-mm2".into(),
            });
        }
        (None, None, ..) => {
            return Err(SetupError::Combination {
                field: F::CableLength,
                message: "--cable-awg and --cable-mm2 need --cable-m (the length)".into(),
            });
        }
        (None, Some(_), Some(_), Some(_)) => {
            return Err(SetupError::Combination {
                field: F::CableAwg,
                message: "give --cable-awg or --cable-mm2, not both".into(),
            });
        }
    };
    // Inside the table's bounds the cable formulas cannot fail; should they, say so.
    made.map(Some).map_err(|e| SetupError::Combination {
        field: F::CableLength,
        message: e.to_string(),
    })
}

fn enclosure(
    input: &SetupInput,
    get: &dyn Fn(FieldId) -> Option<f64>,
) -> Result<Option<EnclosureFile>, SetupError> {
    use FieldId as F;
    let (vb, fb, ql) = (get(F::BoxVolume), get(F::BoxTuning), get(F::BoxQl));
    match &input.enclosure {
        Some(kind) => {
            EnclosureFile::new(kind, vb, fb, ql)
                .map(Some)
                .map_err(|_| SetupError::Choice {
                    field: "box",
                    value: kind.clone(),
                    allowed: BOXES,
                })
        }
        None if vb.is_some() || fb.is_some() || ql.is_some() => Err(SetupError::Combination {
            field: if vb.is_some() {
                F::BoxVolume
            } else if fb.is_some() {
                F::BoxTuning
            } else {
                F::BoxQl
            },
            message: "--vb-l, --fb-hz and --ql need --box sealed or --box vented".into(),
        }),
        None => Ok(None),
    }
}
