//! The analysis: one amplifier output into one load, every figure from one model.
//!
//! V_load(f) = min(V_oc, I_max·|Z_in(f)|)·|H(f)| — the output's voltage and current limits
//! behind its output impedance, through the cable (and a class-D filter), into the load's
//! impedance at each frequency; for a plain source H = Z/(Z+Zout), Z_in = Z+Zout ([`crate::chain`]).
//! SPL = S_V + 20·log10(V) (+ the listening position's offset for loudspeakers), with S_V
//! the sensitivity in dB/V (physics.md).
//!
//! [`analyze_in`] prepares the pair once ([`pair::Pair`]: the chain, the load's curve, the
//! fitted limits) and runs the steps in order — notes, level, response, loudspeaker, noise,
//! volume, supply, safety, connection, verdict — each a pure function of the pair and the
//! figures before it that returns its own figures, adds its findings and answers its
//! question ([`checks`]). The verdict follows from the seven checks. The order of the steps
//! is the order findings of equal severity are reported in.

pub mod checks;
mod connection;
pub mod eq;
mod level;
mod loudspeaker;
mod noise;
mod notes;
mod pair;
mod response;
mod rule;
mod safety;
pub mod sizing;
mod supply;
mod track;
mod verdict;
mod volume;

use serde::Serialize;

use crate::amplifier::{AmpClass, AmpOutput, OutputKind};
use crate::chain::Cable;
pub use crate::chain::Limit;
use crate::limits::{Basis, LimitFit};
use crate::listening::{Listening, Preset};
use crate::load::Load;
use crate::sensitivity::SensitivityReadings;

pub use checks::{Check, Checks, Status};
pub use rule::Rule;
pub use track::{TrackCheck, TrackLevels, fold_track};

use pair::Pair;

/// What level the amplifier must reach.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Target {
    /// A peak SPL, meaning the RMS sine voltage that makes that SPL.
    Peak {
        /// dB SPL.
        spl_db: f64,
    },
    /// An average listening level plus the music's crest factor.
    AverageWithCrest {
        /// Average level, dB SPL.
        average_spl_db: f64,
        /// Peak-to-average ratio of the music, dB.
        crest_factor_db: f64,
    },
}

impl Default for Target {
    /// 110 dB SPL peak: NwAvGuy's design target (105 for pop, 115 for classical).
    fn default() -> Self {
        Target::Peak { spl_db: 110.0 }
    }
}

impl Target {
    /// The peak SPL the amplifier must reach.
    pub fn peak_spl_db(&self) -> f64 {
        match *self {
            Target::Peak { spl_db } => spl_db,
            Target::AverageWithCrest {
                average_spl_db,
                crest_factor_db,
            } => average_spl_db + crest_factor_db,
        }
    }
}

/// Thresholds and conventions; every one is a documented default that a user can change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Settings {
    /// Hiss at or above this SPL is called audible. No sourced threshold exists; 10 dB SPL
    /// is about where a quiet room's own noise masks hiss under a sealed IEM.
    pub hiss_threshold_db_spl: f64,
    /// Full-scale output of the source feeding the amplifier, V rms (2 V: the CD/DAC norm).
    pub source_full_scale_vrms: f64,
    /// SPL from which a level counts as dangerous: the threshold of pain, 130 dB.
    pub pain_threshold_db_spl: f64,
    /// Maximum SPL above which the report warns to keep the volume down.
    pub loud_warning_db_spl: f64,
    /// Headroom below this is `marginal`, dB.
    pub marginal_headroom_db: f64,
    /// Response deviation spread above this is `marginal`, dB.
    pub deviation_limit_db: f64,
    /// When the target needs more attenuation than this from full volume, an IEM listener
    /// sits at the bottom of the volume knob (where pots track worst), dB.
    pub knob_bottom_attenuation_db: f64,
    /// Curve resolution, points per octave (≥ 24).
    pub points_per_octave: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            hiss_threshold_db_spl: 10.0,
            source_full_scale_vrms: 2.0,
            pain_threshold_db_spl: 130.0,
            loud_warning_db_spl: 120.0,
            marginal_headroom_db: 3.0,
            deviation_limit_db: 1.0,
            knob_bottom_attenuation_db: 30.0,
            points_per_octave: 48,
        }
    }
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Loud enough, clean, quiet and safe.
    Good,
    /// Works, with a caveat (little headroom, coloured response, audible hiss).
    Marginal,
    /// Cannot reach the target.
    Insufficient,
    /// Can damage the load or hearing at full output.
    Unsafe,
    /// A figure needed for the level itself is missing.
    Unknown,
    /// The output cannot be connected to this load safely (a bridged output into a
    /// shared-ground plug).
    Incompatible,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::Good => "good",
            Verdict::Marginal => "marginal",
            Verdict::Insufficient => "insufficient",
            Verdict::Unsafe => "unsafe",
            Verdict::Unknown => "unknown",
            Verdict::Incompatible => "incompatible",
        })
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// For the record.
    Info,
    /// Worth acting on.
    Warning,
    /// Decides the verdict against the pairing.
    Critical,
}

/// One statement of the report, naming the rule behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// How serious.
    pub severity: Severity,
    /// The rule behind it (serialised as its stable kebab-case id).
    pub rule: Rule,
    /// The finding in plain words, with the numbers.
    pub message: String,
}

/// Drive needed for the target at the nominal impedance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Required {
    /// V rms.
    pub voltage_vrms: Option<f64>,
    /// A rms.
    pub current_a: Option<f64>,
    /// W.
    pub power_w: Option<f64>,
}

/// What the output can deliver into the load at its nominal impedance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Max {
    /// Voltage across the load, V rms.
    pub voltage_vrms: Option<f64>,
    /// Current into the load, A rms.
    pub current_a: Option<f64>,
    /// Power into the load, W.
    pub power_w: Option<f64>,
    /// SPL at full output, dB.
    pub spl_db: Option<f64>,
    /// The fitted open-circuit voltage limit, V rms.
    pub open_circuit_voltage_vrms: Option<f64>,
    /// The fitted current limit, A rms.
    pub current_limit_a: Option<f64>,
    /// Open-circuit voltage with a full-scale source at full volume (source × gain), V rms:
    /// where the volume sits, never a limit on the swing.
    pub gain_limited_voltage_vrms: Option<f64>,
    /// ± dB within which the true maximum is expected (0 only at a measured load).
    pub uncertainty_db: Option<f64>,
    /// Where the maximum comes from.
    pub basis: Basis,
    /// True when the maximum cannot be higher (an open-circuit voltage, a stated current
    /// limit or the supply bounds it): the band then only reaches down.
    pub is_ceiling: bool,
}

/// One frequency of the curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Hz.
    pub frequency_hz: f64,
    /// |Z| of the load, Ω.
    pub impedance_ohm: f64,
    /// Phase of the load, degrees; `None` when the curve has magnitude only.
    pub phase_deg: Option<f64>,
    /// Level change caused by the output impedance, relative to 1 kHz, dB.
    pub deviation_db: Option<f64>,
    /// Maximum SPL at this frequency, dB.
    pub max_spl_db: Option<f64>,
    /// With an EQ: the preset's gain here, preamp excluded, dB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eq_gain_db: Option<f64>,
    /// With an EQ: the voltage the boosted target needs here, V rms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_voltage_vrms: Option<f64>,
    /// With an EQ: the most the output puts across the load here, V rms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_voltage_vrms: Option<f64>,
    /// With a measured frequency response: the response here, dB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fr_db: Option<f64>,
    /// With a measured frequency response: the response as this output delivers it —
    /// response + deviation (+ the EQ's gain, with an EQ), dB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heard_db: Option<f64>,
}

/// The listening position in a loudspeaker report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ListeningReport {
    /// m.
    pub distance_m: f64,
    /// Number of speakers.
    pub speakers: u32,
    /// dB.
    pub room_gain_db: f64,
    /// The preset the target came from, if any.
    pub preset: Option<Preset>,
    /// Average level at the seat, dB SPL (null when a peak target was given directly).
    pub average_spl_db: Option<f64>,
    /// Peak above average, dB (null when a peak target was given directly).
    pub headroom_db: Option<f64>,
    /// dB added to one speaker's 1 m SPL to get the seat's SPL.
    pub offset_db: f64,
}

/// Power drawn from the supply, per channel.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PowerDraw {
    /// The output stage class the estimate is for.
    pub class: AmpClass,
    /// At the target, W.
    pub at_target_w: Option<f64>,
    /// At full output, W.
    pub at_max_w: Option<f64>,
}

/// What surrounds the pairing: the listening position and the cable.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    /// Where the listener sits (used for loudspeakers).
    pub listening: Listening,
    /// The preset the target came from, for the report.
    pub preset: Option<Preset>,
    /// Speaker cable, if any.
    pub cable: Option<Cable>,
    /// The gain setting asked for (by name), when the output has a gain switch.
    pub gain_mode: Option<String>,
    /// An equaliser preset in the chain.
    pub eq: Option<eq::EqSetting>,
    /// The load's measured frequency response, (Hz, dB), frequency rising.
    pub fr: Option<Vec<(f64, f64)>>,
}

/// Power into one resistive load.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PowerPoint {
    /// Ω.
    pub load_ohm: f64,
    /// W.
    pub power_w: f64,
    /// Which limit binds there.
    pub limited_by: Limit,
    /// Where the figure comes from (extrapolated beyond the rated loads, …).
    pub basis: Basis,
    /// ± dB.
    pub uncertainty_db: f64,
}

/// Where the volume control sits for the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Volume {
    /// The full-scale source assumed, V rms.
    pub source_full_scale_vrms: f64,
    /// Attenuation from full volume that gives the target peak, dB (negative = turned down;
    /// positive: even full volume falls short).
    pub attenuation_db: f64,
    /// Attenuation from full volume for the average listening level (the target's average,
    /// or the peak less music's 17 dB crest factor), dB: where the knob sits.
    pub average_attenuation_db: Option<f64>,
    /// The gain setting the figures are for, when the output has a gain switch.
    pub gain_mode: Option<String>,
    /// The gain used, dB.
    pub gain_db: Option<f64>,
}

/// Everything the analysis found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Amplifier name.
    pub amp: String,
    /// Load name.
    pub load: String,
    /// Output name.
    pub output: String,
    /// Output kind.
    pub output_kind: OutputKind,
    /// The peak SPL aimed for, dB.
    pub target_spl_db: f64,
    /// How the target was given.
    pub target: Target,
    /// The sensitivity in both units, with any assumption.
    pub sensitivity: Option<SensitivityReadings>,
    /// Nominal impedance used, Ω.
    pub nominal_impedance_ohm: Option<f64>,
    /// Output impedance used, Ω.
    pub output_impedance_ohm: Option<f64>,
    /// How the load's impedance was modelled.
    pub impedance_model: Option<String>,
    /// Drive needed for the target.
    pub required: Required,
    /// What the output delivers.
    pub max: Max,
    /// max.spl_db − target_spl_db.
    pub headroom_db: Option<f64>,
    /// The maximum's uncertainty carried into the headroom, ± dB.
    pub headroom_uncertainty_db: Option<f64>,
    /// Which limit binds at full output.
    pub limited_by: Option<Limit>,
    /// Nominal impedance / output impedance.
    pub damping_factor: Option<f64>,
    /// Max − min of the curve's deviation, dB.
    pub deviation_spread_db: Option<f64>,
    /// Lowest |Z| over 20 Hz–20 kHz, Ω.
    pub min_impedance_ohm: Option<f64>,
    /// The largest output impedance the 1/8 rule allows for this load, Ω.
    pub eighth_rule_max_output_impedance_ohm: Option<f64>,
    /// Hiss at the ear, dB SPL.
    pub noise_spl_db: Option<f64>,
    /// max.spl_db − noise_spl_db.
    pub dynamic_range_db: Option<f64>,
    /// Volume setting for the target, when the gain is known.
    pub volume: Option<Volume>,
    /// The limit fit, with every point and its residual.
    pub fit: LimitFit,
    /// For loudspeakers: where the listener is and how loud (null for headphones).
    pub listening: Option<ListeningReport>,
    /// Amplifier power into the nominal impedance / the speaker's continuous rating.
    pub power_ratio_to_rating: Option<f64>,
    /// Qes with the source resistance (output impedance + cable) in series.
    pub qes_shifted: Option<f64>,
    /// Qts with the source resistance in series (null without Thiele-Small parameters).
    pub qts_shifted: Option<f64>,
    /// Lowest equivalent peak dissipation resistance over the band, Ω.
    pub epdr_min_ohm: Option<f64>,
    /// Speaker cable loop resistance, Ω (null when no cable was given).
    pub cable_resistance_ohm: Option<f64>,
    /// Estimated power drawn from the supply per channel, by output stage class.
    pub power_draw: Option<PowerDraw>,
    /// With a track: what the music asks at the listening level (null without one).
    pub track: Option<TrackCheck>,
    /// With an EQ preset: what it costs the amplifier (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eq: Option<eq::EqReport>,
    /// For a loudspeaker with a power rating: the sizing rules side by side (absent
    /// otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sizing: Option<sizing::Sizing>,
    /// For a battery or bus-powered output: what it draws and how long it plays (absent
    /// otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub battery: Option<sizing::Battery>,
    /// Power the output delivers into resistive loads from 1 Ω to 1 kΩ (log-spaced), from
    /// the fitted limits: what the output can do across loads, not just this one.
    pub power_vs_load: Vec<PowerPoint>,
    /// 20 Hz–20 kHz.
    pub curve: Vec<CurvePoint>,
    /// The seven questions, each answered on its own.
    pub checks: Checks,
    /// True when no applicable check is unknown.
    pub complete: bool,
    /// The answer, from the checks.
    pub verdict: Verdict,
    /// The reasons.
    pub findings: Vec<Finding>,
}

/// Log-spaced frequencies from 20 Hz to 20 kHz at `per_octave` points per octave, on a grid
/// through 1 kHz (the deviation reference), with both band edges included.
pub fn frequency_grid(per_octave: u32) -> Vec<f64> {
    let n = per_octave.max(24) as f64;
    let k_lo = (n * (20.0f64 / 1000.0).log2()).ceil() as i32;
    let k_hi = (n * (20_000.0f64 / 1000.0).log2()).floor() as i32;
    let mut f = vec![20.0];
    f.extend(
        (k_lo..=k_hi)
            .map(|k| 1000.0 * 2f64.powf(k as f64 / n))
            .filter(|&x| x > 20.0 + 1e-9 && x < 20_000.0 - 1e-9),
    );
    f.push(20_000.0);
    f
}

/// The findings a report collects, in the order the steps make them.
#[derive(Default)]
pub(crate) struct Findings(Vec<Finding>);

impl Findings {
    pub(crate) fn add(&mut self, severity: Severity, rule: Rule, message: String) {
        self.0.push(Finding {
            severity,
            rule,
            message,
        });
    }
}

/// Analyses `output` of amplifier `amp_name` driving `load` at `target`, with the default
/// context (no cable; for loudspeakers the default listening position).
pub fn analyze(
    amp_name: &str,
    output: &AmpOutput,
    load: &Load,
    target: Target,
    settings: &Settings,
) -> Report {
    analyze_in(
        amp_name,
        output,
        load,
        target,
        &Context::default(),
        settings,
    )
}

/// Analyses `output` of amplifier `amp_name` driving `load` at `target` in `context`.
pub fn analyze_in(
    amp_name: &str,
    output: &AmpOutput,
    load: &Load,
    target: Target,
    context: &Context,
    settings: &Settings,
) -> Report {
    let p = Pair::prepare(output, load, target, context, settings);
    let mut f = Findings::default();

    notes::check(&p, &mut f);
    level::sensitivity(&p, &mut f);
    let required = level::required(&p);
    level::limits(&p, &mut f);
    let (max, limited_by) = level::max(&p, &mut f);
    let headroom = level::headroom(&p, &max);
    let resp = response::curve(&p, &mut f);
    let (damping, eighth) = response::damping(&p, &resp, &mut f);
    let response = response::check(&p, &resp, &mut f);
    let speaker = loudspeaker::check(&p, &max, &resp, &mut f);
    let (noise_spl, dynamic_range, hiss) = noise::check(&p, &max, &mut f);
    let (volume, volume_check) = volume::check(&p, &required, &mut f);
    let power_draw = supply::draw(&p, &max, &required);
    let sizing = sizing::sizing(&p, &max, &required);
    let battery = sizing::battery(&p, &max, &required);
    let hearing = safety::hearing(&p, &max, &mut f);
    let damage = match speaker.damage.clone() {
        Some(d) => d,
        None => safety::damage(&p, &max, &required, &mut f),
    };
    let connection = connection::check(&p, &mut f);
    level::headroom_findings(&p, headroom, &max, limited_by, &mut f);
    let mut resp = resp;
    let eq = context
        .eq
        .as_ref()
        .map(|s| eq::check(&p, s, &mut resp.curve, volume.as_ref()));
    if eq.is_none() {
        for pt in &mut resp.curve {
            pt.available_voltage_vrms = None;
        }
    }
    let (eq, eq_check) = eq.unzip();
    if let Some(fr) = &context.fr {
        eq::heard(&mut resp.curve, fr, &mut f);
    }
    let checks = Checks {
        loudness: level::loudness_check(&p, headroom, &max, limited_by),
        response,
        hiss,
        volume: volume_check,
        hearing,
        damage,
        connection,
        eq: eq_check,
    };
    let verdict = verdict::decide(&checks);

    let mut findings = f.0;
    findings.sort_by_key(|x| std::cmp::Reverse(x.severity));

    Report {
        amp: amp_name.to_string(),
        load: load.name.clone(),
        output: output.name.clone(),
        output_kind: output.kind,
        target_spl_db: p.target_spl,
        target,
        sensitivity: p.readings,
        nominal_impedance_ohm: p.z_nom,
        output_impedance_ohm: p.zo,
        impedance_model: p.model.as_ref().map(|m| m.describe()),
        required,
        max,
        headroom_db: headroom,
        headroom_uncertainty_db: headroom.and(max.uncertainty_db),
        limited_by,
        damping_factor: damping,
        deviation_spread_db: resp.deviation_spread_db,
        min_impedance_ohm: resp.min_impedance_ohm,
        eighth_rule_max_output_impedance_ohm: eighth,
        noise_spl_db: noise_spl,
        dynamic_range_db: dynamic_range,
        volume,
        listening: notes::listening(&p),
        power_ratio_to_rating: speaker.power_ratio,
        qes_shifted: speaker.qes_shifted,
        qts_shifted: speaker.qts_shifted,
        epdr_min_ohm: resp.epdr_min.map(|(e, _)| e),
        cable_resistance_ohm: p.context.cable.as_ref().map(|c| c.resistance_ohm),
        power_draw,
        track: None,
        eq,
        sizing,
        battery,
        power_vs_load: level::power_vs_load(&p),
        fit: p.fit,
        curve: resp.curve,
        complete: checks.complete(),
        checks,
        verdict,
        findings,
    }
}
