//! Fitting an output's open-circuit voltage and current limit to its rating points.
//!
//! The model (physics.md, "Amplifier limits"): into a load Z behind output impedance Zout
//! the output delivers V_load = min(V_oc, I_max·(Z+Zout))·Z/(Z+Zout). Above a crossover
//! impedance an output is voltage-limited (V_load rises with Z towards V_oc); below it,
//! current-limited (V_load = I_max·Z). Sorted by load, the points therefore split into a
//! current-limited low-impedance group and a voltage-limited high-impedance group. For
//! every split the least-squares estimate (on log voltage, so 1 % means the same
//! everywhere) is a weighted mean, and the split with the smallest residual wins.

use serde::Serialize;

use crate::chain::{Limit, limited_drive};
use crate::evidence::{Confidence, CurrentClaim, RatingPoint};

/// Parsimony margin: a current limit is only inferred from rating points when it lowers
/// the RMS log-residual by more than this (≈3 %, the scatter between published figures);
/// "220 mW @ 16 Ω, 120 mW @ 32 Ω" (1.88 V and 1.96 V) then stays voltage-limited.
const CURRENT_LIMIT_EVIDENCE_LN: f64 = 0.03;

/// A rating point with what the fitted model predicts for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FittedPoint {
    /// The load, Ω (`None` = open circuit / "maximum output voltage").
    pub load_ohm: Option<f64>,
    /// The voltage across the load the rating implies, V rms.
    pub given_voltage_vrms: f64,
    /// The fitted model's voltage there, V rms.
    pub predicted_voltage_vrms: f64,
    /// (predicted − given)/given, %.
    pub residual_pct: f64,
    /// Which limit binds there in the fit.
    pub region: Limit,
    /// How trustworthy the figure is.
    pub confidence: Confidence,
    /// Where the figure came from.
    pub source: String,
}

/// The fitted limits and how well they explain the points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitFit {
    /// Open-circuit voltage limit, V rms (`None` when nothing shows it).
    pub open_circuit_voltage_vrms: Option<f64>,
    /// True when no point shows the voltage limit and the figure above is only the largest
    /// open-circuit voltage the points imply (a lower bound).
    pub open_circuit_is_lower_bound: bool,
    /// Current limit, A rms sine (`None` when no point shows current limiting).
    pub current_limit_a: Option<f64>,
    /// The output impedance the fit assumed, Ω (0 when unknown).
    pub output_impedance_ohm: f64,
    /// Every point used, with its residual.
    pub points: Vec<FittedPoint>,
    /// Stated current limits used, A.
    pub current_claims_a: Vec<f64>,
    /// Root-mean-square residual over the points, %.
    pub rms_residual_pct: f64,
}

fn weight(c: Confidence) -> f64 {
    match c {
        Confidence::High | Confidence::User => 4.0,
        Confidence::Medium => 2.0,
        Confidence::Low | Confidence::Unverified => 1.0,
    }
}

/// V at a resistive load `z_load` behind `z_out` from the two limits.
pub fn load_voltage(v_oc: f64, i_max: Option<f64>, z_load: f64, z_out: f64) -> f64 {
    limited_drive(v_oc, i_max, z_load + z_out).0 * z_load / (z_load + z_out)
}

fn predict(v_oc: Option<f64>, i_max: Option<f64>, load: Option<f64>, zo: f64) -> f64 {
    match load {
        None => v_oc.unwrap_or(f64::INFINITY),
        Some(z) => load_voltage(v_oc.unwrap_or(f64::INFINITY), i_max, z, zo),
    }
}

fn weighted_mean(items: impl Iterator<Item = (f64, f64)>) -> Option<f64> {
    let (mut s, mut w) = (0.0, 0.0);
    for (x, wt) in items {
        s += x * wt;
        w += wt;
    }
    (w > 0.0).then(|| s / w)
}

/// Fits V_oc and I_max to `points` (plus any stated current limits) with output impedance
/// `z_out_ohm` (0 when unknown).
pub fn fit_limits(points: &[RatingPoint], claims: &[CurrentClaim], z_out_ohm: f64) -> LimitFit {
    let zo = z_out_ohm;
    let mut sorted: Vec<&RatingPoint> = points.iter().collect();
    sorted.sort_by(|a, b| {
        let za = a.load_ohm.unwrap_or(f64::INFINITY);
        let zb = b.load_ohm.unwrap_or(f64::INFINITY);
        za.total_cmp(&zb)
    });
    // Open-circuit points can only sit on the voltage limit.
    let n_loaded = sorted.iter().filter(|p| p.load_ohm.is_some()).count();
    let claim_ln_i = || {
        claims
            .iter()
            .map(|c| (c.current_a.ln(), weight(c.confidence)))
    };

    let evaluate = |k: usize| {
        let ln_i = weighted_mean(
            sorted[..k]
                .iter()
                .map(|p| {
                    (
                        (p.voltage_vrms / p.load_ohm.unwrap()).ln(),
                        weight(p.confidence),
                    )
                })
                .chain(claim_ln_i()),
        );
        let ln_v = weighted_mean(sorted[k..].iter().map(|p| {
            let divider = p.load_ohm.map_or(1.0, |z| z / (z + zo));
            ((p.voltage_vrms / divider).ln(), weight(p.confidence))
        }));
        let (v_oc, i_max) = (ln_v.map(f64::exp), ln_i.map(f64::exp));
        let (mut ssr, mut wsum) = (0.0, 0.0);
        for p in &sorted {
            let r = (predict(v_oc, i_max, p.load_ohm, zo) / p.voltage_vrms).ln();
            let r = if r.is_finite() { r } else { 0.0 };
            ssr += weight(p.confidence) * r * r;
            wsum += weight(p.confidence);
        }
        if let Some(i) = i_max {
            for c in claims {
                let r = (i / c.current_a).ln();
                ssr += weight(c.confidence) * r * r;
                wsum += weight(c.confidence);
            }
        }
        let rms = if wsum > 0.0 { (ssr / wsum).sqrt() } else { 0.0 };
        (v_oc, i_max, rms)
    };

    let base = evaluate(0);
    let mut best = (0usize, base);
    for k in 1..=n_loaded {
        let cand = evaluate(k);
        if cand.2 < best.1.2 - 1e-12 {
            best = (k, cand);
        }
    }
    if best.0 > 0 && claims.is_empty() && best.1.2 > base.2 - CURRENT_LIMIT_EVIDENCE_LN {
        best = (0, base);
    }
    let (_, (mut v_oc, i_max, _)) = best;
    let mut lower_bound = false;
    if v_oc.is_none() && !sorted.is_empty() {
        lower_bound = true;
        v_oc = sorted
            .iter()
            .map(|p| p.voltage_vrms * p.load_ohm.map_or(1.0, |z| (z + zo) / z))
            .reduce(f64::max);
    }

    let mut sq = 0.0;
    let fitted: Vec<FittedPoint> = sorted
        .iter()
        .map(|p| {
            let pred = predict(v_oc, i_max, p.load_ohm, zo);
            let region = match (p.load_ohm, v_oc) {
                (Some(z), Some(v)) => limited_drive(v, i_max, z + zo).1,
                _ => Limit::Voltage,
            };
            let residual = (pred - p.voltage_vrms) / p.voltage_vrms;
            sq += residual * residual;
            FittedPoint {
                load_ohm: p.load_ohm,
                given_voltage_vrms: p.voltage_vrms,
                predicted_voltage_vrms: pred,
                residual_pct: 100.0 * residual,
                region,
                confidence: p.confidence,
                source: p.source.clone(),
            }
        })
        .collect();
    let rms_residual_pct = if fitted.is_empty() {
        0.0
    } else {
        100.0 * (sq / fitted.len() as f64).sqrt()
    };
    LimitFit {
        open_circuit_voltage_vrms: v_oc,
        open_circuit_is_lower_bound: lower_bound,
        current_limit_a: i_max,
        output_impedance_ohm: zo,
        points: fitted,
        current_claims_a: claims.iter().map(|c| c.current_a).collect(),
        rms_residual_pct,
    }
}
