//! The rules a finding can name: a closed set, serialised as stable kebab-case ids.
//!
//! A renderer, a test or another tool matches on these ids, so an id never changes once
//! shipped; the README's list is generated from [`Rule::ALL`] and tested against it.

use serde::Serialize;

macro_rules! rules {
    ($($(#[doc = $doc:literal])* $variant:ident = $id:literal, $step:literal;)*) => {
        /// Why a finding was made: the rule behind it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum Rule {
            $($(#[doc = $doc])* #[serde(rename = $id)] $variant,)*
        }

        impl Rule {
            /// Every rule, in the order of the analysis steps.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable kebab-case id.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The analysis step that makes the finding.
            pub fn step(self) -> &'static str {
                match self { $(Rule::$variant => $step,)* }
            }

            /// One line on what the rule says (its doc comment).
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => concat!($($doc),*).trim_ascii(),)* }
            }

            /// The rule with this id.
            pub fn from_id(id: &str) -> Option<Rule> {
                Rule::ALL.iter().copied().find(|r| r.id() == id)
            }
        }
    };
}

rules! {
    /// A note from the device's sources: two sources disagree and one figure is used.
    SourceConflict = "source-conflict", "notes";
    /// A figure assumed or derived, said as such.
    Assumption = "assumption", "notes";
    /// The record fails a plausibility check and is used as given.
    SuspectData = "suspect-data", "notes";
    /// Anything else a source says about the device (conditions, provenance).
    SourceNote = "source-note", "notes";
    /// No nominal impedance given; the curve's |Z| at 1 kHz is used.
    NominalFromCurve = "nominal-from-curve", "notes";
    /// The load's impedance is unknown: no voltage, current or power.
    MissingImpedance = "missing-impedance", "notes";
    /// A speaker cable's loop resistance is in series with the output.
    Cable = "cable", "connection";
    /// A class-D output filter shapes the top octave with the load's impedance.
    OutputFilter = "output-filter", "connection";
    /// A dB/mW sensitivity converted to dB/V at the nominal impedance.
    SensitivityUnitConverted = "sensitivity-unit-converted", "level";
    /// A dB @ 1 W/1 m sensitivity converted to dB @ 2.83 V/1 m.
    SensitivityReferenceConverted = "sensitivity-reference-converted", "level";
    /// The sensitivity's reference is not known: both readings, the lower assumed.
    SensitivityUnitUnknown = "sensitivity-unit-unknown", "level";
    /// The load's sensitivity is unknown (or cannot be read in dB/V): no SPL.
    MissingSensitivity = "missing-sensitivity", "level";
    /// No power, voltage or current figure for the output: no maximum level.
    MissingOutputLimits = "missing-output-limits", "level";
    /// The limits from the evidence: the ratings used, and the current limit shown.
    LimitsFit = "limits-fit", "level";
    /// Full-scale source × gain is below what the output can swing (a volume matter).
    GainLimitsVoltage = "gain-limits-voltage", "level";
    /// Some of the output's figures are low-confidence or unverified.
    WeakSource = "weak-source", "level";
    /// The output impedance is unknown: no damping factor or deviation.
    MissingOutputImpedance = "missing-output-impedance", "level";
    /// The load is below the lowest rated load (or only an open-circuit voltage is known):
    /// the maximum assumes no more current than the evidence shows.
    CurrentLimitUnknown = "current-limit-unknown", "level";
    /// The load is above the highest rated load: the voltage there is held.
    VoltageLimitUnknown = "voltage-limit-unknown", "level";
    /// The supply's ceiling on the swing (a 5 V bus: 1.77 Vrms single-ended).
    SupplyBound = "supply-bound", "level";
    /// The measured curve is held at its end values outside its range.
    CurveHeldAtEdge = "curve-held-at-edge", "response";
    /// The measured curve has no phase; points are taken as resistive.
    PhaseUnknown = "phase-unknown", "response";
    /// A 0 Ω source: the damping factor is unbounded.
    DampingFactor = "damping-factor", "response";
    /// Source impedance against 1/8 of the load's minimum impedance (≤ 1.02 dB deviation).
    EighthRule = "eighth-rule", "response";
    /// The spread of the response deviation the source impedance causes.
    ResponseDeviation = "response-deviation", "response";
    /// Qes and Qts with the source resistance in series.
    QtsShift = "qts-shift", "loudspeaker";
    /// The load dips below the amplifier's rated minimum load.
    BelowMinLoad = "below-min-load", "loudspeaker";
    /// The equivalent peak dissipation resistance of a reactive loudspeaker load.
    Epdr = "epdr", "loudspeaker";
    /// The amplifier's power is below the speaker's continuous rating.
    AmpPowerBelowRating = "amp-power-below-rating", "loudspeaker";
    /// The amplifier's power against the speaker's continuous rating (1–4×, or above).
    AmpPowerVsRating = "amp-power-vs-rating", "loudspeaker";
    /// Full output exceeds the speaker's peak power rating.
    ExceedsPeakRating = "exceeds-peak-rating", "loudspeaker";
    /// Full output exceeds the maker's maximum SPL.
    ExceedsRatedMaxSpl = "exceeds-rated-max-spl", "loudspeaker";
    /// The speaker has no power rating to compare with.
    MissingPowerRating = "missing-power-rating", "loudspeaker";
    /// Hiss at or above the hiss threshold.
    AudibleHiss = "audible-hiss", "noise";
    /// Hiss below the hiss threshold.
    Hiss = "hiss", "noise";
    /// The output noise is unknown: hiss cannot be judged.
    MissingNoise = "missing-noise", "noise";
    /// An IEM used more than the knob-bottom attenuation below full volume.
    VolumeAtBottom = "volume-at-bottom", "volume";
    /// The gain is unknown: the volume setting cannot be estimated.
    MissingGain = "missing-gain", "volume";
    /// Full output exceeds the load's maximum input power.
    ExceedsMaxInputPower = "exceeds-max-input-power", "safety";
    /// Full output exceeds the threshold of pain.
    ExceedsPainThreshold = "exceeds-pain-threshold", "safety";
    /// Full output exceeds the loud-warning level.
    VeryLoud = "very-loud", "safety";
    /// The maximum level falls short of the target.
    InsufficientHeadroom = "insufficient-headroom", "level";
    /// The maximum level is less than the marginal headroom above the target.
    LowHeadroom = "low-headroom", "level";
    /// The maximum level and the headroom above the target.
    Headroom = "headroom", "level";
    /// A track's samples above the amplifier's clipping level at the listening level.
    TrackClips = "track-clips", "track";
    /// With the EQ, the output runs short of the boosted target's voltage at some frequency.
    EqOutOfVoltage = "eq-out-of-voltage", "eq";
    /// The EQ's preamp takes gain the output lacks: full volume no longer reaches the target.
    EqPreampGain = "eq-preamp-gain", "eq";
    /// The voltage the EQ's boosts need, with headroom in hand at the tightest frequency.
    EqHeadroom = "eq-headroom", "eq";
    /// What the EQ costs is not known (no maximum voltage or no sensitivity).
    EqUnknown = "eq-unknown", "eq";
    /// The EQ'd track's true peak exceeds 0 dBTP with the stated preamp: digital clipping.
    EqDigitalClip = "eq-digital-clip", "eq";
    /// A graphic preset's track was measured through fitted peaking filters; how close.
    EqGraphicFit = "eq-graphic-fit", "eq";
    /// The maximum level cannot be computed; the message says which figure is missing.
    LoudnessUnknown = "loudness-unknown", "level";
    /// No impedance curve (or no output impedance): the response deviation is not known.
    ResponseUnknown = "response-unknown", "response";
    /// An IEM whose drivers may swing in impedance behind more than 1/8 of its nominal.
    MultiDriverIem = "multi-driver-iem", "response";
    /// Where the volume control sits for the average listening level.
    Volume = "volume", "volume";
    /// Even full volume does not reach the target peak with a full-scale source.
    NoVolumeReserve = "no-volume-reserve", "volume";
    /// The volume setting cannot be computed (no level at the load).
    VolumeUnknown = "volume-unknown", "volume";
    /// The level at full output, with a volume control in the path.
    FullOutputLevel = "full-output-level", "safety";
    /// Full output above 120 dB from an output with no volume control of its own.
    LoudWithoutVolumeControl = "loud-without-volume-control", "safety";
    /// Full output more than 30 dB above the target peak: a small turn covers a huge range.
    LevelExcess = "level-excess", "safety";
    /// Full output above 140 dB, the impulse-noise limit (NIOSH/OSHA).
    ExceedsImpulseLimit = "exceeds-impulse-limit", "safety";
    /// The level at full output cannot be computed.
    HearingUnknown = "hearing-unknown", "safety";
    /// Full output within the load's stated maximum input power.
    WithinMaxInputPower = "within-max-input-power", "safety";
    /// The load states no power rating to judge damage by.
    DamageUnknown = "damage-unknown", "safety";
    /// The output plugs into this load as it is.
    Connection = "connection", "connection";
    /// A bridged speaker output into a plug that joins both channels' returns: a short.
    BridgedOutputSharedGround = "bridged-output-shared-ground", "connection";
    /// Speaker terminals into a headphone need an adapter.
    SpeakerOutputAdapter = "speaker-output-adapter", "connection";
    /// A class-D speaker output not stated as bridged or not: usually it is.
    MaybeBridged = "maybe-bridged", "connection";
    /// A balanced headphone output needs a 4-wire balanced cable.
    BalancedCable = "balanced-cable", "connection";
    /// A headphone jack into loudspeaker terminals needs an adapter cable.
    HeadphoneOutputToSpeaker = "headphone-output-to-speaker", "connection";
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// A rule equals its id, so a finding can be matched against the id a user or another
/// tool knows (`finding.rule == "eighth-rule"`).
impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.id() == *other
    }
}
