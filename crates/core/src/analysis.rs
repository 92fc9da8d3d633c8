//! The analysis: one amplifier output into one load, every figure from one model.
//!
//! V_load(f) = min(V_oc, I_max·|Z_in(f)|)·|H(f)| — the output's voltage and current limits
//! behind its output impedance, through the cable (and a class-D filter), into the load's
//! impedance at each frequency; for a plain source H = Z/(Z+Zout), Z_in = Z+Zout ([`crate::chain`]).
//! SPL = S_V + 20·log10(V) (+ the listening position's offset for loudspeakers), with S_V
//! the sensitivity in dB/V (physics.md). Required level, maximum SPL, headroom, response
//! deviation, hiss, power ratings and safety all follow from it.

use serde::Serialize;

use num_complex::Complex64;

use crate::amplifier::{AmpClass, AmpOutput, OutputKind};
use crate::chain::{Cable, Chain, epdr_ohm};
use crate::fit::LimitFit;
use crate::impedance::ImpedanceModel;
use crate::listening::{Listening, Preset};
use crate::load::Load;
use crate::sensitivity::{SensitivityReadings, SensitivityUnit};
use crate::units::{db20, fmt_sig, undb20};

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
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::Good => "good",
            Verdict::Marginal => "marginal",
            Verdict::Insufficient => "insufficient",
            Verdict::Unsafe => "unsafe",
            Verdict::Unknown => "unknown",
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
    /// Stable kebab-case id of the rule.
    pub rule: &'static str,
    /// The finding in plain words, with the numbers.
    pub message: String,
}

/// What binds first at the nominal impedance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// The output's voltage swing (or the gain with a full-scale source).
    Voltage,
    /// The output's current limit.
    Current,
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
    /// Open-circuit voltage with a full-scale source at full volume (source × gain), V rms.
    pub gain_limited_voltage_vrms: Option<f64>,
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
}

/// Where the volume control sits for the target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Volume {
    /// The full-scale source assumed, V rms.
    pub source_full_scale_vrms: f64,
    /// Attenuation from full volume that gives the target, dB (negative = turned down).
    pub attenuation_db: f64,
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
    /// Power the output delivers into resistive loads from 1 Ω to 1 kΩ (log-spaced), from
    /// the fitted limits: what the output can do across loads, not just this one.
    pub power_vs_load: Vec<PowerPoint>,
    /// 20 Hz–20 kHz.
    pub curve: Vec<CurvePoint>,
    /// The answer.
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

struct Findings(Vec<Finding>);

impl Findings {
    fn add(&mut self, severity: Severity, rule: &'static str, message: String) {
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

/// Efficiency of an output stage at `p_w` out of `p_max_w` (physics.md, "Efficiency"):
/// class D ≈ 88 % (85–95 % at high power); class B/AB (π/4)·√(P/Pmax), the sine's peak over
/// the rail; class A push-pull draws 2·Pmax whatever it delivers. Quiescent losses of B/AB
/// and D are not known and left out.
fn supply_power_w(class: AmpClass, p_w: f64, p_max_w: f64) -> Option<f64> {
    match class {
        AmpClass::D => Some(p_w / 0.88),
        AmpClass::AB => Some(4.0 / std::f64::consts::PI * (p_w * p_max_w).sqrt()),
        AmpClass::A => Some(2.0 * p_max_w),
        AmpClass::Tube => None,
    }
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
    let mut f = Findings(Vec::new());
    let speaker = load.is_speaker();
    let target_spl = target.peak_spl_db();
    let z_nom = load.effective_nominal_ohm();
    let zo = output.output_impedance_ohm();
    let model: Option<ImpedanceModel> = load.impedance_model();
    let cable_ohm = context.cable.as_ref().map(|c| c.resistance_ohm);
    let filter = output.output_filter.filter(|fl| !fl.post_filter_feedback);
    let chain = Chain {
        source: output.output_impedance,
        cable_ohm: cable_ohm.unwrap_or(0.0),
        filter,
    };
    // dB from a speaker's 1 m SPL to the seat; headphones are measured at the ear.
    let offset = if speaker {
        context.listening.offset_db()
    } else {
        0.0
    };
    let place = if speaker { "at the seat" } else { "at the ear" };

    for note in load.notes.iter().chain(output.notes.iter()) {
        let (sev, rule) = if note.starts_with("conflict") {
            (Severity::Warning, "source-conflict")
        } else if note.starts_with("assumption") {
            (Severity::Info, "assumption")
        } else if note.starts_with("suspect") {
            (Severity::Warning, "suspect-data")
        } else {
            (Severity::Info, "source-note")
        };
        f.add(sev, rule, note.clone());
    }
    if load.nominal_impedance_ohm.is_none() {
        match z_nom {
            Some(z) => f.add(Severity::Info, "nominal-from-curve", format!("no nominal impedance given; |Z| at 1 kHz of the curve, {} Ω, is used", fmt_sig(z))),
            None => f.add(Severity::Info, "missing-impedance", "the load's impedance is unknown, so the voltage it receives, the current and the power cannot be computed".into()),
        }
    }
    if let Some(c) = &context.cable {
        f.add(
            Severity::Info,
            "cable",
            format!(
                "speaker cable: {}, {} Ω loop resistance in series with the output",
                c.description,
                fmt_sig(c.resistance_ohm)
            ),
        );
    }
    if let Some(fl) = output.output_filter {
        if fl.post_filter_feedback {
            f.add(Severity::Info, "output-filter", "the class-D output filter is inside the feedback loop (post-filter feedback), so its load dependence is corrected".into());
        } else {
            f.add(Severity::Info, "output-filter", format!("class-D output filter L {} µH, C {} µF: H = 1/(1 + sL/Z + s²LC), so the top octave depends on the load's impedance", fmt_sig(fl.l_h * 1e6), fmt_sig(fl.c_f * 1e6)));
        }
    }

    // Sensitivity: kept as given, read in dB/V (at the ear, or at 1 m) at the nominal impedance.
    let readings = load.sensitivity.and_then(|s| s.readings(z_nom, speaker));
    let s_v = readings.map(|r| r.db_per_v);
    match (readings, z_nom) {
        (Some(r), Some(z)) => match r.unit_given {
            SensitivityUnit::DbPerMw => f.add(
                Severity::Info,
                "sensitivity-unit-converted",
                format!("sensitivity {} dB/mW at {} Ω is {:.2} dB/V (dB/V = dB/mW + 10·log10(1000 Ω/Z))", fmt_sig(r.value_db), fmt_sig(z), r.db_per_v),
            ),
            SensitivityUnit::Db1W => f.add(
                Severity::Info,
                "sensitivity-reference-converted",
                format!("sensitivity {} dB @ 1 W/1 m at {} Ω is {:.2} dB @ 2.83 V/1 m (S_2.83V = S_1W + 10·log10(8 Ω/Z))", fmt_sig(r.value_db), fmt_sig(z), r.db_at_2_83v.unwrap_or(f64::NAN)),
            ),
            SensitivityUnit::Unknown => {
                let (a, b) = if speaker { ("dB @ 2.83 V/1 m", "dB @ 1 W/1 m") } else { ("dB/V", "dB/mW") };
                let alt = r.alternative_db_per_v.unwrap_or(r.db_per_v);
                let (va, vb) = if r.assumed_unit == Some(if speaker { SensitivityUnit::Db283V } else { SensitivityUnit::DbPerV }) { (r.db_per_v, alt) } else { (alt, r.db_per_v) };
                f.add(
                    Severity::Warning,
                    "sensitivity-unit-unknown",
                    format!(
                        "the sensitivity's reference is not known: {v} read as {a} is {va:.2} dB/V, read as {b} at {z} Ω it is {vb:.2} dB/V; assumed {assumed} (the lower reading, so loudness is not overstated); the safety checks also use the other reading",
                        v = fmt_sig(r.value_db),
                        z = fmt_sig(z),
                        assumed = r.assumed_unit.map(|u| u.to_string()).unwrap_or_default()
                    ),
                );
            }
            SensitivityUnit::DbPerV | SensitivityUnit::Db283V => {}
        },
        _ if load.sensitivity.is_none() => f.add(Severity::Info, "missing-sensitivity", "the load's sensitivity is unknown, so no SPL can be computed".into()),
        _ => f.add(Severity::Info, "missing-sensitivity", "the sensitivity refers to power but the impedance is unknown, so it cannot be turned into dB/V".into()),
    }

    // Required drive at the nominal impedance.
    let mut required = Required::default();
    if let Some(sv) = s_v {
        let v = undb20(target_spl - offset - sv);
        required.voltage_vrms = Some(v);
        if let Some(z) = z_nom {
            required.current_a = Some(v / z);
            required.power_w = Some(v * v / z);
        }
    }

    // Limits.
    let fit = output.fit();
    let gain_limited = output
        .gain_db
        .map(|g| settings.source_full_scale_vrms * undb20(g));
    let v_oc_fit = fit.open_circuit_voltage_vrms;
    let v_oc = match (v_oc_fit, gain_limited) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, Some(g)) => {
            f.add(
                Severity::Info,
                "assumption",
                format!("assumption: with no rating known, the output's maximum is taken as the full-scale source × gain, {} V open circuit (the amplifier may clip earlier, so loudness may be overstated and the safety findings are what a clean output could do)", fmt_sig(g)),
            );
            Some(g)
        }
    };
    let i_max = fit.current_limit_a;
    if output.ratings.is_empty() && output.current_limits.is_empty() && gain_limited.is_none() {
        f.add(Severity::Info, "missing-output-limits", format!("no power, voltage or current figure is known for the {} output, so its maximum level cannot be computed", output.name));
    } else if !fit.points.is_empty() {
        let pts: Vec<String> = fit
            .points
            .iter()
            .map(|p| match p.load_ohm {
                Some(z) => format!(
                    "{} V into {} Ω ({:+.1} %)",
                    fmt_sig(p.given_voltage_vrms),
                    fmt_sig(z),
                    p.residual_pct
                ),
                None => format!(
                    "{} V open circuit ({:+.1} %)",
                    fmt_sig(p.given_voltage_vrms),
                    p.residual_pct
                ),
            })
            .collect();
        f.add(
            Severity::Info,
            "limits-fit",
            format!(
                "limits fitted by least squares to {}: open-circuit {}{} V, current limit {}",
                pts.join(", "),
                if fit.open_circuit_is_lower_bound {
                    "≥ "
                } else {
                    ""
                },
                v_oc_fit.map_or("unknown".into(), fmt_sig),
                i_max.map_or("not reached at any rated load".into(), |i| format!(
                    "{} mA",
                    fmt_sig(i * 1000.0)
                ))
            ),
        );
    }
    if let (Some(g), Some(vg)) = (output.gain_db, gain_limited)
        && v_oc_fit.is_some_and(|v| vg < v)
    {
        f.add(
            Severity::Info,
            "gain-limits-voltage",
            format!("with a {} V full-scale source and {} dB gain the output reaches only {} V before the amplifier itself clips", fmt_sig(settings.source_full_scale_vrms), fmt_sig(g), fmt_sig(vg)),
        );
    }
    if let Some(c) = output.weakest_confidence()
        && c.is_weak()
    {
        let word = if c == crate::amplifier::Confidence::Low {
            "low-confidence"
        } else {
            "unverified"
        };
        f.add(Severity::Info, "weak-source", format!("some of the output's figures are {word} (see the fit's sources); treat the result as approximate"));
    }
    if zo.is_none() {
        f.add(Severity::Info, "missing-output-impedance", "the output impedance is unknown: no damping factor or response deviation; the limits assume 0 Ω".into());
    }

    // Maximum at the nominal impedance (a resistor of that value, through the chain at 1 kHz).
    let mut max = Max {
        open_circuit_voltage_vrms: v_oc_fit,
        current_limit_a: i_max,
        gain_limited_voltage_vrms: gain_limited,
        ..Max::default()
    };
    let mut limited_by = None;
    // The chain into the nominal impedance as a resistor, at 1 kHz: (H, Z_in).
    let nominal = z_nom.map(|z| chain.at(1000.0, Complex64::new(z, 0.0)));
    if let (Some(v), Some(z), Some((h, zin))) = (v_oc, z_nom, nominal) {
        let drive = i_max.map_or(v, |i| v.min(i * zin.norm()));
        let vl = drive * h.norm();
        max.voltage_vrms = Some(vl);
        max.current_a = Some(vl / z);
        max.power_w = Some(vl * vl / z);
        max.spl_db = s_v.map(|sv| sv + db20(vl) + offset);
        limited_by = Some(if drive < v {
            Limit::Current
        } else {
            Limit::Voltage
        });
        if i_max.is_none() && !fit.points.is_empty() {
            let lowest = fit
                .points
                .iter()
                .filter_map(|p| p.load_ohm)
                .fold(f64::INFINITY, f64::min);
            if z < lowest {
                f.add(
                    Severity::Info,
                    "current-limit-unknown",
                    format!("no rating shows a current limit and the load ({} Ω) is below the lowest rated load ({} Ω): the maximum assumes the voltage limit holds down to this load", fmt_sig(z), fmt_sig(lowest)),
                );
            }
        }
        if fit.open_circuit_is_lower_bound {
            f.add(Severity::Info, "voltage-limit-unknown", "no rating shows the voltage limit; the open-circuit voltage is taken as the highest the ratings imply (a lower bound)".into());
        }
    }
    let headroom = match (max.spl_db, s_v) {
        (Some(m), Some(_)) => Some(m - target_spl),
        _ => None,
    };

    // Curve.
    let grid = frequency_grid(settings.points_per_octave);
    let mut curve = Vec::with_capacity(grid.len());
    let mut held = false;
    let mut z_min = f64::INFINITY;
    let mut epdr_min: Option<(f64, f64)> = None;
    if let Some(m) = &model {
        let phase_known = m.phase_known();
        // Without phase a magnitude is taken as resistive at that frequency.
        let z_at = |fr: f64| {
            let at = m.at(fr);
            let z = if phase_known {
                at.z
            } else {
                Complex64::new(at.z.norm(), 0.0)
            };
            (z, at.held_at_edge)
        };
        let ref_level = zo.map(|_| db20(chain.at(1000.0, z_at(1000.0).0).0.norm()));
        for &fr in &grid {
            let (z, h_edge) = z_at(fr);
            held |= h_edge;
            z_min = z_min.min(z.norm());
            let (h, zin) = chain.at(fr, z);
            let deviation = ref_level.map(|r| db20(h.norm()) - r);
            let max_spl = match (v_oc, s_v) {
                (Some(v), Some(sv)) => {
                    let drive = i_max.map_or(v, |i| v.min(i * zin.norm()));
                    Some(sv + db20(drive * h.norm()) + offset)
                }
                _ => None,
            };
            if phase_known && !matches!(m, ImpedanceModel::Flat { .. }) {
                let e = epdr_ohm(z.norm(), z.arg());
                if epdr_min.is_none_or(|(m, _)| e < m) {
                    epdr_min = Some((e, fr));
                }
            }
            curve.push(CurvePoint {
                frequency_hz: fr,
                impedance_ohm: z.norm(),
                phase_deg: phase_known.then(|| z.arg().to_degrees()),
                deviation_db: deviation,
                max_spl_db: max_spl,
            });
        }
        if held && let ImpedanceModel::Measured(c) = m {
            let (lo, hi) = c.range_hz();
            f.add(Severity::Info, "curve-held-at-edge", format!("the measured curve covers {}–{} Hz; outside it the nearest measured value is held (not extrapolated)", fmt_sig(lo), fmt_sig(hi)));
        }
        if !phase_known {
            f.add(Severity::Info, "phase-unknown", "the measured curve has no phase; each point is treated as resistive for the deviation, and phase is reported as null".into());
        }
    }
    let min_impedance = z_min.is_finite().then_some(z_min);
    let deviation_spread = if curve.iter().all(|p| p.deviation_db.is_some()) && !curve.is_empty() {
        let (lo, hi) = curve
            .iter()
            .filter_map(|p| p.deviation_db)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), d| {
                (a.min(d), b.max(d))
            });
        Some(hi - lo)
    } else {
        None
    };

    // Damping and the 1/8 rule, against everything in series with the load.
    let series_ohm = zo.map(|o| o + chain.cable_ohm);
    let damping = match (z_nom, series_ohm) {
        (Some(z), Some(o)) if o > 0.0 => Some(z / o),
        _ => None,
    };
    if let (Some(z), Some(o)) = (z_nom, series_ohm)
        && o == 0.0
    {
        f.add(
            Severity::Info,
            "damping-factor",
            format!(
                "output impedance 0 Ω: damping factor unbounded for {} Ω",
                fmt_sig(z)
            ),
        );
    }
    let eighth = min_impedance.map(|zm| zm / 8.0);
    if let (Some(lim), Some(o)) = (eighth, series_ohm) {
        let zm = lim * 8.0;
        // A relative tolerance: log-interpolated curves reproduce their points to ~1e-15.
        if o <= lim * (1.0 + 1e-9) {
            f.add(Severity::Info, "eighth-rule", format!("source impedance {} Ω ≤ 1/8 of the load's minimum {} Ω: response deviation stays below 20·log10(9/8) = 1.02 dB", fmt_sig(o), fmt_sig(zm)));
        } else {
            f.add(Severity::Warning, "eighth-rule", format!("source impedance {} Ω exceeds 1/8 of the load's minimum impedance {} Ω ({} Ω): the source colours the response wherever the impedance moves", fmt_sig(o), fmt_sig(zm), fmt_sig(lim)));
        }
    }
    if let Some(d) = deviation_spread {
        if d > settings.deviation_limit_db {
            f.add(Severity::Warning, "response-deviation", format!("the source impedance shifts the response by {d:.2} dB across 20 Hz–20 kHz (above {} dB)", fmt_sig(settings.deviation_limit_db)));
        } else {
            f.add(
                Severity::Info,
                "response-deviation",
                format!(
                    "the source impedance shifts the response by {d:.2} dB across 20 Hz–20 kHz"
                ),
            );
        }
    }

    // Loudspeaker-specific: Qts with the source resistance, load difficulty, ratings.
    let mut qes_shifted = None;
    let mut qts_shifted = None;
    if let (Some(ts), Some(rs)) = (&load.thiele_small, series_ohm) {
        let (qes, qts) = ts.driver.shifted_q(rs);
        qes_shifted = Some(qes);
        qts_shifted = Some(qts);
        f.add(
            Severity::Info,
            "qts-shift",
            format!("{} Ω of source resistance raises Qes {} → {qes:.3} and Qts {:.3} → {qts:.3} (Qes' = Qes·(Re+Rs)/Re)", fmt_sig(rs), fmt_sig(ts.driver.qes), ts.driver.qts()),
        );
    }
    let stated_min = load.min_impedance_ohm;
    let lowest_z = match (min_impedance, stated_min) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let (Some(zmin), Some(min_load)) = (lowest_z, output.min_load_ohm)
        && zmin < min_load
    {
        f.add(Severity::Warning, "below-min-load", format!("the load dips to {} Ω, below the {} Ω the amplifier is rated for: expect protection, distortion or heat", fmt_sig(zmin), fmt_sig(min_load)));
    }
    if let Some((e, fr)) = epdr_min
        && speaker
    {
        let hard = output.class == Some(AmpClass::AB) && output.min_load_ohm.is_some_and(|m| e < m);
        f.add(
            if hard { Severity::Warning } else { Severity::Info },
            "epdr",
            format!("equivalent peak dissipation resistance falls to {} Ω at {} Hz: a class-B/AB output stage heats as if driving that resistor", fmt_sig(e), fmt_sig(fr)),
        );
    }
    let mut power_ratio = None;
    let mut unsafe_ = false;
    if speaker {
        match load.power_handling.and_then(|p| p.continuous().map(|c| (c, p.peak()))) {
            Some(((cont, how), peak)) => {
                if let Some(p) = max.power_w {
                    let r = p / cont;
                    power_ratio = Some(r);
                    let msg = format!("the amplifier gives {} W into {} Ω, {r:.2}× the speaker's {} W ({how})", fmt_sig(p), fmt_sig(z_nom.unwrap_or(f64::NAN)), fmt_sig(cont));
                    if r < 1.0 {
                        f.add(Severity::Warning, "amp-power-below-rating", format!("{msg}: pushed hard it clips, and clipping destroys tweeters sooner than clean power does; about 2× the rating is the recommendation"));
                    } else if r <= 4.0 {
                        f.add(Severity::Info, "amp-power-vs-rating", format!("{msg}: within 1–4×, about 2× is the recommendation (with a limiter above 1×)"));
                    } else {
                        f.add(Severity::Warning, "amp-power-vs-rating", format!("{msg}: above 4×, keep the level down or use a limiter"));
                    }
                    if let Some((pk, pk_how)) = peak
                        && p > pk
                    {
                        unsafe_ = true;
                        f.add(Severity::Critical, "exceeds-peak-rating", format!("at full output the amplifier delivers {} W, above the speaker's peak rating of {} W ({pk_how})", fmt_sig(p), fmt_sig(pk)));
                    }
                }
            }
            None => f.add(Severity::Info, "missing-power-rating", "the speaker has no power rating, so the amplifier's power cannot be compared with it (power_ratio_to_rating is null)".into()),
        }
        if let (Some(spec), Some(m)) = (load.spl_max_db, max.spl_db) {
            let at_1m = m - offset;
            if at_1m > spec {
                f.add(Severity::Warning, "exceeds-rated-max-spl", format!("full output would make {at_1m:.1} dB at 1 m, above the maker's {} dB maximum SPL: the speaker would be driven past what it is built for", fmt_sig(spec)));
            }
        }
    }

    // Noise at the listener.
    let mut noise_spl = None;
    match (output.noise, s_v) {
        (Some(n), Some(sv)) => {
            let h = nominal.map_or(1.0, |(h, _)| h.norm());
            let spl = sv + db20(n.noise_uv * 1e-6 * h) + offset;
            noise_spl = Some(spl);
            let weighting = match n.a_weighted {
                Some(true) => "A-weighted",
                Some(false) => "unweighted",
                None => "weighting not stated",
            };
            if spl >= settings.hiss_threshold_db_spl {
                f.add(Severity::Warning, "audible-hiss", format!("output noise {} µV ({weighting}) makes {spl:.1} dB SPL of hiss {place}, at or above the {} dB SPL threshold", fmt_sig(n.noise_uv), fmt_sig(settings.hiss_threshold_db_spl)));
            } else {
                f.add(Severity::Info, "hiss", format!("output noise {} µV ({weighting}) makes {spl:.1} dB SPL of hiss {place}, below the {} dB SPL threshold", fmt_sig(n.noise_uv), fmt_sig(settings.hiss_threshold_db_spl)));
            }
        }
        (None, _) => f.add(
            Severity::Info,
            "missing-noise",
            "the output noise is unknown: hiss cannot be judged".into(),
        ),
        _ => {}
    }
    let dynamic_range = match (max.spl_db, noise_spl) {
        (Some(m), Some(n)) => Some(m - n),
        _ => None,
    };

    // Volume knob.
    let mut volume = None;
    match (gain_limited, required.voltage_vrms, nominal) {
        (Some(vg), Some(vr), Some((h, _))) => {
            let full = vg * h.norm();
            let att = db20(vr / full);
            volume = Some(Volume {
                source_full_scale_vrms: settings.source_full_scale_vrms,
                attenuation_db: att,
            });
            if load.is_iem() && att < -settings.knob_bottom_attenuation_db {
                f.add(
                    Severity::Warning,
                    "volume-at-bottom",
                    format!("the target needs the volume {:.1} dB below maximum: with a {} V source this IEM is used at the bottom of the knob, where channel balance suffers; a lower gain setting or a less sensitive output helps", -att, fmt_sig(settings.source_full_scale_vrms)),
                );
            }
        }
        (None, _, _) => f.add(
            Severity::Info,
            "missing-gain",
            "the gain is unknown: the volume setting cannot be estimated".into(),
        ),
        _ => {}
    }

    // Power from the supply.
    let power_draw = output.class.and_then(|class| {
        let p_max = max.power_w?;
        let at_max = supply_power_w(class, p_max, p_max);
        let at_target = required
            .power_w
            .filter(|p| *p <= p_max)
            .and_then(|p| supply_power_w(class, p, p_max));
        at_max.map(|_| PowerDraw {
            class,
            at_target_w: at_target,
            at_max_w: at_max,
        })
    });

    // Safety: the damage limit and the threshold of pain at full output.
    if let (Some(pmax), Some(p)) = (load.max_input_power_w, max.power_w)
        && p > pmax
    {
        unsafe_ = true;
        f.add(Severity::Critical, "exceeds-max-input-power", format!("at full output the amplifier delivers {} mW, above the load's maximum input power of {} mW", fmt_sig(p * 1000.0), fmt_sig(pmax * 1000.0)));
    }
    if let (Some(m), Some(r)) = (max.spl_db, readings) {
        let worst = r
            .alternative_db_per_v
            .map_or(m, |alt| m.max(alt - r.db_per_v + m));
        if worst > settings.pain_threshold_db_spl {
            unsafe_ = true;
            f.add(
                Severity::Critical,
                "exceeds-pain-threshold",
                format!("at full output this pairing reaches {worst:.1} dB SPL {place}, past the {} dB threshold of pain: hearing damage in moments and a risk to the driver", fmt_sig(settings.pain_threshold_db_spl)),
            );
        } else if worst > settings.loud_warning_db_spl {
            f.add(Severity::Warning, "very-loud", format!("full output reaches {worst:.1} dB SPL {place}: keep the volume down (NIOSH: 85 dBA is the 8-hour limit, halved for each +3 dB)"));
        }
    }

    // Level.
    if let (Some(h), Some(m)) = (headroom, max.spl_db) {
        let lim = match limited_by {
            Some(Limit::Current) => "current",
            _ => "voltage",
        };
        if h < 0.0 {
            f.add(Severity::Critical, "insufficient-headroom", format!("maximum {m:.1} dB SPL {place} falls {:.1} dB short of the {} dB target ({lim}-limited)", -h, fmt_sig(target_spl)));
        } else if h < settings.marginal_headroom_db {
            f.add(Severity::Warning, "low-headroom", format!("maximum {m:.1} dB SPL {place} leaves only {h:.1} dB above the {} dB target ({lim}-limited)", fmt_sig(target_spl)));
        } else {
            f.add(Severity::Info, "headroom", format!("maximum {m:.1} dB SPL {place} leaves {h:.1} dB above the {} dB target ({lim}-limited)", fmt_sig(target_spl)));
        }
    }

    let hiss = f.0.iter().any(|x| x.rule == "audible-hiss");
    let verdict = if unsafe_ {
        Verdict::Unsafe
    } else {
        match headroom {
            None => Verdict::Unknown,
            Some(h) if h < 0.0 => Verdict::Insufficient,
            Some(h)
                if h < settings.marginal_headroom_db
                    || deviation_spread.is_some_and(|d| d > settings.deviation_limit_db)
                    || hiss =>
            {
                Verdict::Marginal
            }
            Some(_) => Verdict::Good,
        }
    };
    let mut findings = f.0;
    findings.sort_by_key(|x| std::cmp::Reverse(x.severity));

    let listening = speaker.then(|| {
        let (average, crest) = match target {
            Target::AverageWithCrest {
                average_spl_db,
                crest_factor_db,
            } => (Some(average_spl_db), Some(crest_factor_db)),
            Target::Peak { .. } => (None, None),
        };
        ListeningReport {
            distance_m: context.listening.distance_m,
            speakers: context.listening.speakers,
            room_gain_db: context.listening.room_gain_db,
            preset: context.preset,
            average_spl_db: average,
            headroom_db: crest,
            offset_db: offset,
        }
    });

    Report {
        amp: amp_name.to_string(),
        load: load.name.clone(),
        output: output.name.clone(),
        output_kind: output.kind,
        target_spl_db: target_spl,
        target,
        sensitivity: readings,
        nominal_impedance_ohm: z_nom,
        output_impedance_ohm: zo,
        impedance_model: model.as_ref().map(|m| m.describe()),
        required,
        max,
        headroom_db: headroom,
        limited_by,
        damping_factor: damping,
        deviation_spread_db: deviation_spread,
        min_impedance_ohm: min_impedance,
        eighth_rule_max_output_impedance_ohm: eighth,
        noise_spl_db: noise_spl,
        dynamic_range_db: dynamic_range,
        volume,
        fit,
        listening,
        power_ratio_to_rating: power_ratio,
        qes_shifted,
        qts_shifted,
        epdr_min_ohm: epdr_min.map(|(e, _)| e),
        cable_resistance_ohm: cable_ohm,
        power_draw,
        track: None,
        power_vs_load: v_oc.map_or_else(Vec::new, |v| {
            (0..=36)
                .map(|k| {
                    let z = 10f64.powf(k as f64 / 12.0);
                    let drive = i_max.map_or(v, |i| v.min(i * (z + zo.unwrap_or(0.0))));
                    let vl = drive * z / (z + zo.unwrap_or(0.0));
                    PowerPoint {
                        load_ohm: z,
                        power_w: vl * vl / z,
                        limited_by: if drive < v {
                            Limit::Current
                        } else {
                            Limit::Voltage
                        },
                    }
                })
                .collect()
        }),
        curve,
        verdict,
        findings,
    }
}

/// A track's loudness and peak, as measured (EBU R128).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackLevels {
    /// Integrated loudness, LUFS.
    pub integrated_lufs: f64,
    /// True peak, dBTP.
    pub true_peak_dbtp: f64,
}

/// What a track asks of the pairing at a listening level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackCheck {
    /// Integrated loudness, LUFS.
    pub integrated_lufs: f64,
    /// True peak, dBTP.
    pub true_peak_dbtp: f64,
    /// The SPL the listener sets for the track's integrated loudness, dB.
    pub listening_level_db: f64,
    /// listening level + (true peak − integrated loudness), dB.
    pub peak_spl_db: f64,
    /// √2 · V(peak_spl_db): the peak voltage the amplifier must deliver, V.
    pub required_peak_voltage_v: Option<f64>,
    /// max.spl_db − peak_spl_db: what is left above the track's peaks, dB.
    pub headroom_db: Option<f64>,
    /// The sample level above which the amplifier clips at this setting, dBFS.
    pub clip_level_dbfs: Option<f64>,
    /// The share of samples (all channels) above that level.
    pub clipped_fraction: Option<f64>,
}

impl TrackLevels {
    /// The peak target a track sets: listening level + peak-to-loudness ratio.
    pub fn target(&self, listening_level_db: f64) -> Target {
        Target::Peak {
            spl_db: listening_level_db + self.true_peak_dbtp - self.integrated_lufs,
        }
    }
}

/// Folds a track into `report` (analysed at [`TrackLevels::target`]): the peak voltage the
/// music needs, the headroom left, and — through `fraction_above(level_dbfs)`, the share of
/// the track's samples above a level — how much of it the amplifier would clip.
///
/// The track is calibrated so that its integrated loudness plays at the listening level,
/// the way a 1 kHz sine's peak level in dBFS equals its loudness in LUFS: a sample of
/// magnitude x (full scale 1) then reaches √2·V(L − I)·x volts, with V(L) the RMS sine
/// voltage for SPL L. It clips when that exceeds √2 × the maximum RMS voltage at the load,
/// i.e. above 20·log10(V_max) − (L − I − S_V − offset) dBFS.
pub fn fold_track(
    report: &mut Report,
    levels: TrackLevels,
    listening_level_db: f64,
    fraction_above: &dyn Fn(f64) -> f64,
) {
    let peak_spl = listening_level_db + levels.true_peak_dbtp - levels.integrated_lufs;
    let s_v = report.sensitivity.map(|s| s.db_per_v);
    let offset = report.listening.map_or(0.0, |l| l.offset_db);
    let required = s_v.map(|sv| std::f64::consts::SQRT_2 * undb20(peak_spl - offset - sv));
    let headroom = report.max.spl_db.map(|m| m - peak_spl);
    let clip_level = match (report.max.voltage_vrms, s_v) {
        (Some(v), Some(sv)) => {
            Some(db20(v) - (listening_level_db - levels.integrated_lufs - sv - offset))
        }
        _ => None,
    };
    let clipped = clip_level.map(fraction_above);
    match (clipped, clip_level) {
        (Some(c), Some(l)) if c > 0.0 => report.findings.insert(
            0,
            Finding {
                severity: Severity::Warning,
                rule: "track-clips",
                message: format!(
                    "at {} dB for this track the amplifier clips every sample above {l:.1} dBFS: {:.4} % of the samples",
                    fmt_sig(listening_level_db),
                    100.0 * c
                ),
            },
        ),
        (Some(_), Some(l)) => report.findings.push(Finding {
            severity: Severity::Info,
            rule: "track-clips",
            message: format!("no sample of the track reaches the clipping level ({l:.1} dBFS) at {} dB", fmt_sig(listening_level_db)),
        }),
        _ => {}
    }
    report.track = Some(TrackCheck {
        integrated_lufs: levels.integrated_lufs,
        true_peak_dbtp: levels.true_peak_dbtp,
        listening_level_db,
        peak_spl_db: peak_spl,
        required_peak_voltage_v: required,
        headroom_db: headroom,
        clip_level_dbfs: clip_level,
        clipped_fraction: clipped,
    });
}
