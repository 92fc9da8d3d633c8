//! The table of numeric setup fields: each one's names in the CLI, the API and the page,
//! its unit and bounds; and the error that names a field in a front-end's terms.

/// A numeric setup field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldId {
    /// Peak SPL to reach.
    TargetSpl,
    /// Average listening level (with the crest factor).
    AverageSpl,
    /// Peak-to-average ratio of the music.
    CrestFactor,
    /// Hiss threshold.
    HissThreshold,
    /// Full-scale source voltage.
    SourceVrms,
    /// Listening distance (loudspeakers).
    Distance,
    /// Number of speakers playing.
    Speakers,
    /// Room gain.
    RoomGain,
    /// Cable length, one way.
    CableLength,
    /// Cable gauge.
    CableAwg,
    /// Cable cross-section.
    CableMm2,
    /// Cable loop resistance.
    CableOhm,
    /// Box volume.
    BoxVolume,
    /// Vented box tuning.
    BoxTuning,
    /// Vented box loss Q.
    BoxQl,
    /// The SPL a track's integrated loudness is played at.
    ListeningLevel,
    /// Sample rate an EQ preset's biquads run at.
    EqRate,
}

/// How a front-end names fields in its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `--target-spl 500`.
    Cli,
    /// `target_spl_db = 500` (the JSON path).
    Api,
    /// `target = 500` (the page's query key).
    Page,
}

/// One numeric field: its names, unit, bounds and meaning.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Which field.
    pub id: FieldId,
    /// Its path in the API's JSON (`listening.distance_m`); `None` when the API has no such
    /// field (a track's listening level: the API takes no tracks).
    pub api: Option<&'static str>,
    /// Its CLI flag, without the dashes.
    pub flag: &'static str,
    /// Its key in the page's query string, when the page has it.
    pub query: Option<&'static str>,
    /// The unit, as printed after a number ("" for none).
    pub unit: &'static str,
    /// Lowest allowed value.
    pub min: f64,
    /// True when `min` itself is not allowed (a quantity that must be above it).
    pub min_exclusive: bool,
    /// Highest allowed value.
    pub max: f64,
    /// True for whole numbers.
    pub whole: bool,
    /// One line on what it means, for help texts and the OpenAPI document.
    pub doc: &'static str,
}

macro_rules! field {
    ($id:ident, $api:expr, $flag:literal, $query:expr, $unit:literal, $min:expr, $excl:expr, $max:expr, $whole:expr, $doc:literal) => {
        Field {
            id: FieldId::$id,
            api: $api,
            flag: $flag,
            query: $query,
            unit: $unit,
            min: $min,
            min_exclusive: $excl,
            max: $max,
            whole: $whole,
            doc: $doc,
        }
    };
}

/// Every numeric setup field. Bounds exclude values that make the model degenerate: a box of
/// 0.01 L at least, tuning from 1 Hz, a loss Q from 0.5, conductors from 0.005 mm² (40 AWG).
pub static FIELDS: &[Field] = &[
    field!(
        TargetSpl,
        Some("target_spl_db"),
        "target-spl",
        Some("target"),
        "dB SPL",
        0.0,
        false,
        160.0,
        false,
        "peak SPL to reach: at the ear for headphones, at the seat for loudspeakers"
    ),
    field!(
        AverageSpl,
        Some("average_spl_db"),
        "average-spl",
        None,
        "dB SPL",
        0.0,
        false,
        160.0,
        false,
        "average listening level (with crest_factor_db, instead of target_spl_db)"
    ),
    field!(
        CrestFactor,
        Some("crest_factor_db"),
        "crest-factor",
        None,
        "dB",
        0.0,
        false,
        40.0,
        false,
        "peak-to-average ratio of the music (with average_spl_db)"
    ),
    field!(
        HissThreshold,
        Some("hiss_threshold_db"),
        "hiss-threshold",
        None,
        "dB SPL",
        -20.0,
        false,
        60.0,
        false,
        "hiss at or above this SPL counts as audible (default 10)"
    ),
    field!(
        SourceVrms,
        Some("source_vrms"),
        "source-vrms",
        None,
        "V rms",
        0.01,
        false,
        100.0,
        false,
        "full-scale output of the source feeding the amplifier (default 2)"
    ),
    field!(
        Distance,
        Some("listening.distance_m"),
        "distance-m",
        Some("distance"),
        "m",
        0.01,
        false,
        10_000.0,
        false,
        "loudspeakers: listening distance (default 2.5)"
    ),
    field!(
        Speakers,
        Some("listening.speakers"),
        "speakers",
        Some("speakers"),
        "",
        1.0,
        false,
        1000.0,
        true,
        "loudspeakers: number of speakers playing (default 2)"
    ),
    field!(
        RoomGain,
        Some("listening.room_gain_db"),
        "room-gain-db",
        Some("room"),
        "dB",
        -20.0,
        false,
        20.0,
        false,
        "loudspeakers: room/boundary gain (default 3; 0 = free field)"
    ),
    field!(
        CableLength,
        Some("cable.length_m"),
        "cable-m",
        None,
        "m",
        0.0,
        true,
        10_000.0,
        false,
        "speaker cable length, one way (with a gauge or cross-section)"
    ),
    field!(
        CableAwg,
        Some("cable.awg"),
        "cable-awg",
        None,
        "AWG",
        -3.0,
        false,
        40.0,
        false,
        "speaker cable gauge"
    ),
    field!(
        CableMm2,
        Some("cable.mm2"),
        "cable-mm2",
        None,
        "mm²",
        0.005,
        false,
        1000.0,
        false,
        "speaker cable conductor cross-section"
    ),
    field!(
        CableOhm,
        Some("cable.resistance_ohm"),
        "cable-ohm",
        None,
        "Ω",
        0.0,
        false,
        100.0,
        false,
        "speaker cable loop resistance (instead of length and gauge)"
    ),
    field!(
        BoxVolume,
        Some("enclosure.vb_l"),
        "vb-l",
        None,
        "L",
        0.01,
        false,
        1e5,
        false,
        "drivers: box volume (sealed or vented)"
    ),
    field!(
        BoxTuning,
        Some("enclosure.fb_hz"),
        "fb-hz",
        None,
        "Hz",
        1.0,
        false,
        10_000.0,
        false,
        "drivers: vented box tuning"
    ),
    field!(
        BoxQl,
        Some("enclosure.ql"),
        "ql",
        None,
        "",
        0.5,
        false,
        1000.0,
        false,
        "drivers: vented box loss Q (default 7)"
    ),
    field!(
        ListeningLevel,
        None,
        "listening-level",
        None,
        "dB SPL",
        0.0,
        false,
        140.0,
        false,
        "with a track: the SPL its integrated loudness is played at"
    ),
    field!(
        EqRate,
        Some("eq_rate_hz"),
        "eq-rate",
        Some("eq_rate"),
        "Hz",
        8000.0,
        false,
        768000.0,
        false,
        "sample rate the EQ preset's biquads run at (48000 unless given)"
    ),
];

/// The listening presets' names, in order.
pub const PRESETS: &[&str] = &["background", "music", "cinema", "party"];
/// The box types' names.
pub const BOXES: &[&str] = &["free-air", "sealed", "vented"];

impl FieldId {
    /// Its row of [`FIELDS`].
    pub fn field(self) -> &'static Field {
        FIELDS
            .iter()
            .find(|f| f.id == self)
            .expect("every field has a row")
    }
}

impl Field {
    /// How the front-end calls it.
    pub fn name(&self, naming: Naming) -> String {
        match naming {
            Naming::Cli => format!("--{}", self.flag),
            Naming::Api => self.api.unwrap_or(self.flag).to_string(),
            Naming::Page => self.query.or(self.api).unwrap_or(self.flag).to_string(),
        }
    }

    /// The allowed values in words.
    pub fn allowed(&self) -> String {
        let (min, max, unit) = (self.min, self.max, self.unit);
        let text = if self.whole {
            format!("allowed: a whole number from {min} to {max} {unit}")
        } else if self.min_exclusive {
            format!("allowed: a number above {min} and at most {max} {unit}")
        } else {
            format!("allowed: a number from {min} to {max} {unit}")
        };
        text.trim_end().to_string()
    }

    /// `value`, when it is allowed.
    pub fn check(&self, value: f64) -> Result<f64, SetupError> {
        let low_ok = if self.min_exclusive {
            value > self.min
        } else {
            value >= self.min
        };
        if value.is_finite() && low_ok && value <= self.max && (!self.whole || value.fract() == 0.0)
        {
            Ok(value)
        } else {
            Err(SetupError::Value {
                field: self.id,
                value: if value != 0.0 && value.abs() < 1e-4 {
                    format!("{value:e}")
                } else {
                    format!("{value}")
                },
                allowed: self.allowed(),
            })
        }
    }
}

/// A setup that cannot be used, naming the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SetupError {
    /// A value outside the field's bounds.
    #[error("{} {value}: {allowed}", .field.field().name(Naming::Cli))]
    Value {
        /// The field.
        field: FieldId,
        /// The value as given.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// A name outside a closed set (preset, box type).
    #[error("{field} {value:?}: allowed: {}", .allowed.join(", "))]
    Choice {
        /// The field's name, as the CLI and the API both spell it.
        field: &'static str,
        /// The value as given.
        value: String,
        /// The allowed names.
        allowed: &'static [&'static str],
    },
    /// An EQ preset that cannot be read: the message names its line and field.
    #[error("EQ preset: {message}")]
    Eq {
        /// What is wrong, with the preset's name and line.
        message: String,
    },
    /// Fields that only make sense together, or not together.
    #[error("{message}")]
    Combination {
        /// The field the problem is reported on.
        field: FieldId,
        /// What is wrong and what would work, in CLI terms.
        message: String,
    },
}

impl SetupError {
    /// (field name, message) in the front-end's terms.
    pub fn render(&self, naming: Naming) -> (String, String) {
        match self {
            SetupError::Value {
                field,
                value,
                allowed,
            } => {
                let name = field.field().name(naming);
                let message = match naming {
                    Naming::Cli => format!("{name} {value}: {allowed}"),
                    Naming::Api | Naming::Page => format!("{name} = {value}: {allowed}"),
                };
                (name, message)
            }
            SetupError::Choice {
                field,
                value,
                allowed,
            } => {
                let name = match naming {
                    Naming::Cli => format!("--{field}"),
                    Naming::Api if *field == "preset" => "listening.preset".into(),
                    Naming::Api if *field == "box" => "enclosure.type".into(),
                    _ => field.to_string(),
                };
                let sep = if naming == Naming::Cli { " " } else { " = " };
                let message = format!("{name}{sep}{value:?}: allowed: {}", allowed.join(", "));
                (name, message)
            }
            SetupError::Eq { message } => {
                let name = match naming {
                    Naming::Cli => "--eq",
                    Naming::Api | Naming::Page => "eq",
                };
                (name.to_string(), format!("{name}: {message}"))
            }
            SetupError::Combination { field, message } => {
                let f = field.field();
                let mut message = message.clone();
                if naming != Naming::Cli {
                    for g in FIELDS {
                        message = message.replace(&format!("--{}", g.flag), &g.name(naming));
                    }
                }
                (f.name(naming), message)
            }
        }
    }
}
