//! What an output can deliver into a load, from the evidence and no further: its maximum
//! voltage across a resistive load of any impedance, where that figure came from, and how
//! far it can be trusted (physics.md, "Amplifier limits").
//!
//! - **Evidence first.** At a load that a source rates, the maximum *is* that rating; where
//!   several sources rate the same load the most trustworthy one wins (measured > maker >
//!   notes) and the others are kept, marked outvoted — never averaged.
//! - **Between rated loads** the voltage is interpolated log–log in load impedance, which
//!   passes through every rated point and, since log P = 2·log V − log Z is then linear in
//!   log Z too, never exceeds the larger neighbour's power.
//! - **Outside the rated range**, conservatively: above the highest rated load the voltage
//!   there (or the stated open-circuit voltage through the output impedance, if higher);
//!   below the lowest, no more current than at the lowest rated point, unless a current
//!   limit is stated.
//! - **Gain is never a swing limit**; a known supply is a ceiling (a 5 V bus gives at most
//!   5/(2√2) = 1.77 Vrms single-ended, 3.54 Vrms bridged) unless a source states more.
//! - **Uncertainty**: a band in dB that is 0 at a measured load and widens with the distance
//!   in octaves of load impedance from the nearest rated point, with a floor for ratings
//!   that are not measurements. Calibrated by a cross-validated leave-one-out study over the
//!   catalog (docs/limits-study.md).

use serde::Serialize;

use crate::amplifier::{AmpOutput, OutputKind, Supply};
use crate::chain::Limit;
use crate::evidence::Confidence;

/// Widening of the uncertainty band per octave of load impedance away from the nearest
/// rated load, between rated loads and above the highest, dB. From the leave-one-out study
/// (docs/limits-study.md).
pub const BAND_DB_PER_OCTAVE: f64 = 2.8;
/// The same below the lowest rated load, where the current there is held (conservative, so
/// the truth is usually higher), dB per octave.
pub const BAND_DB_PER_OCTAVE_BELOW: f64 = 5.5;
/// The band's floor at a maker's rating (a specification, not a measurement), dB.
pub const BAND_FLOOR_MAKER_DB: f64 = 0.5;
/// The band's floor at a low-confidence or unverified figure, dB.
pub const BAND_FLOOR_WEAK_DB: f64 = 1.5;
/// Where an open-circuit voltage is taken to hold without question: a 300 Ω headphone draws
/// a few tens of mA at most. The band widens below it (at the below-the-rated-loads rate),
/// since an open-circuit figure says nothing about current.
pub const OPEN_CIRCUIT_REFERENCE_OHM: f64 = 300.0;
/// Two rated points whose currents agree this closely show a current-limited slope.
const SAME_CURRENT: f64 = 0.03;

/// Where a maximum comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A measurement at this load.
    Measured,
    /// A maker's (or other unmeasured) rating at this load.
    Rated,
    /// Between two rated loads.
    Interpolated,
    /// Beyond the rated loads, conservatively.
    Extrapolated,
    /// The supply's ceiling.
    SupplyBound,
    /// A stated open-circuit voltage or current limit.
    StatedLimit,
    /// Nothing to go on.
    #[default]
    Unknown,
}

/// The maximum voltage across one resistive load.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AtLoad {
    /// V rms across the load.
    pub voltage_vrms: f64,
    /// Where the figure comes from.
    pub basis: Basis,
    /// ± dB within which the true maximum is expected.
    pub uncertainty_db: f64,
    /// Which limit binds.
    pub limited_by: Limit,
    /// True when the true maximum cannot be higher — an open-circuit voltage or the supply
    /// bounds it — so the band only reaches down.
    pub ceiling: bool,
}

/// One figure of the evidence, used or outvoted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidencePoint {
    /// The load, Ω (`None` = open circuit).
    pub load_ohm: Option<f64>,
    /// The voltage across the load the figure implies, V rms.
    pub given_voltage_vrms: f64,
    /// The model's voltage there (the winning figure at this load), V rms.
    pub predicted_voltage_vrms: f64,
    /// (predicted − given)/given, % (0 for a used figure).
    pub residual_pct: f64,
    /// Which limit binds there.
    pub region: Limit,
    /// How trustworthy it is.
    pub confidence: Confidence,
    /// Where it came from.
    pub source: String,
    /// False when a more trustworthy source rates the same load.
    pub used: bool,
}

/// The limits of one output, from its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitFit {
    /// The stated open-circuit voltage, or the plateau two rated points show; null when the
    /// evidence shows none, V rms.
    pub open_circuit_voltage_vrms: Option<f64>,
    /// A stated current limit, or the current two rated points show; null when none, A rms.
    pub current_limit_a: Option<f64>,
    /// The output impedance the model used, Ω (0 when unknown).
    pub output_impedance_ohm: f64,
    /// Every figure, used or outvoted.
    pub points: Vec<EvidencePoint>,
    /// Stated current limits, A.
    pub current_claims_a: Vec<f64>,
    /// The stated current limit used (the most trustworthy claim), A rms.
    pub stated_current_a: Option<f64>,
    /// The supply's ceiling on the open-circuit voltage, V rms (null without a known supply,
    /// or when a source states more — a boost stage or charge pump).
    pub supply_bound_vrms: Option<f64>,
    /// True when a rating exceeds the supply's bound (believed, and said).
    pub exceeds_supply_bound: bool,
    /// The rated loads the model uses, sorted (derived from `points` once, since every
    /// frequency of a curve asks for a maximum).
    #[serde(skip)]
    rated: Vec<Rated>,
    /// The band's parameters: dB per octave (between and above rated loads, below them),
    /// floor for maker figures, floor for weak ones.
    pub band_db: [f64; 4],
}

/// The band's floor for a figure of this confidence.
pub fn floor_db(c: Confidence) -> f64 {
    match c {
        Confidence::High | Confidence::User => 0.0,
        Confidence::Medium => BAND_FLOOR_MAKER_DB,
        Confidence::Low | Confidence::Unverified => BAND_FLOOR_WEAK_DB,
    }
}

/// Two loads the same to within rounding (a rating "at 32 Ω" and a check at 32 Ω).
fn same_ohm(a: f64, b: f64) -> bool {
    (a / b - 1.0).abs() < 1e-9
}

fn octaves(a: f64, b: f64) -> f64 {
    (a / b).log2().abs()
}

/// A rated load the model uses: (Z, V, confidence).
type Rated = (f64, f64, Confidence);

/// The supply's ceiling on the output's rms swing: a single-ended stage on a rail of V volts
/// swings at most V/2 peak (V/(2√2) rms); a bridged one twice that.
pub fn supply_bound_vrms(output: &AmpOutput) -> Option<f64> {
    let bridged = output.kind == OutputKind::Balanced || output.bridged == Some(true);
    match output.supply {
        Some(Supply::Bus { voltage_v }) => {
            let se = voltage_v / (2.0 * std::f64::consts::SQRT_2);
            Some(if bridged { 2.0 * se } else { se })
        }
        _ => None,
    }
}

/// The loads a model uses, sorted: (Z, V, confidence) of each used, loaded figure.
fn rated_loads(points: &[EvidencePoint]) -> Vec<Rated> {
    let mut r: Vec<Rated> = points
        .iter()
        .filter(|p| p.used)
        .filter_map(|p| p.load_ohm.map(|z| (z, p.given_voltage_vrms, p.confidence)))
        .collect();
    r.sort_by(|a, b| a.0.total_cmp(&b.0));
    r
}

impl LimitFit {
    /// The limits `output`'s evidence supports.
    pub fn from_output(output: &AmpOutput) -> Self {
        let zo = output.output_impedance_ohm().unwrap_or(0.0);
        // The winner at each load: most trustworthy, first among equals.
        let mut order: Vec<usize> = (0..output.ratings.len()).collect();
        order.sort_by(|&a, &b| {
            let (ra, rb) = (&output.ratings[a], &output.ratings[b]);
            let za = ra.load_ohm.unwrap_or(f64::INFINITY);
            let zb = rb.load_ohm.unwrap_or(f64::INFINITY);
            za.total_cmp(&zb)
                .then(ra.confidence.trust_rank().cmp(&rb.confidence.trust_rank()))
                .then(a.cmp(&b))
        });
        let same_load = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(x), Some(y)) => same_ohm(x, y),
            (None, None) => true,
            _ => false,
        };
        let mut points: Vec<EvidencePoint> = Vec::new();
        let mut winner: Option<(Option<f64>, f64)> = None;
        for i in order {
            let r = &output.ratings[i];
            let used = winner.is_none_or(|(z, _)| !same_load(z, r.load_ohm));
            if used {
                winner = Some((r.load_ohm, r.voltage_vrms));
            }
            let predicted = winner.map_or(r.voltage_vrms, |(_, v)| v);
            points.push(EvidencePoint {
                load_ohm: r.load_ohm,
                given_voltage_vrms: r.voltage_vrms,
                predicted_voltage_vrms: predicted,
                residual_pct: 100.0 * (predicted - r.voltage_vrms) / r.voltage_vrms,
                region: Limit::Voltage,
                confidence: r.confidence,
                source: r.source.clone(),
                used,
            });
        }
        let claims: Vec<f64> = output.current_limits.iter().map(|c| c.current_a).collect();
        let stated_current = output
            .current_limits
            .iter()
            .min_by_key(|c| c.confidence.trust_rank())
            .map(|c| c.current_a);
        let bound = supply_bound_vrms(output);
        // A rating above the bound means the supply is not what limits (a boost stage or a
        // charge pump): believe the source.
        let exceeds = bound.is_some_and(|b| {
            points
                .iter()
                .any(|p| p.used && p.given_voltage_vrms > b * (1.0 + 1e-9))
        });
        let mut fit = LimitFit {
            open_circuit_voltage_vrms: None,
            current_limit_a: stated_current,
            output_impedance_ohm: zo,
            points,
            current_claims_a: claims,
            stated_current_a: stated_current,
            supply_bound_vrms: bound.filter(|_| !exceeds),
            exceeds_supply_bound: exceeds,
            rated: vec![],
            band_db: [
                BAND_DB_PER_OCTAVE,
                BAND_DB_PER_OCTAVE_BELOW,
                BAND_FLOOR_MAKER_DB,
                BAND_FLOOR_WEAK_DB,
            ],
        };
        fit.rated = rated_loads(&fit.points);
        let rated = &fit.rated;
        fit.open_circuit_voltage_vrms = fit.stated_open_circuit().map(|(v, _)| v).or_else(|| {
            // Two highest rated loads at the same voltage: a voltage plateau.
            match rated.as_slice() {
                [.., (_, va, _), (_, vb, _)] if (vb / va - 1.0).abs() < SAME_CURRENT => Some(*vb),
                _ => None,
            }
        });
        if fit.current_limit_a.is_none()
            && let [(za, va, _), (zb, vb, _), ..] = rated.as_slice()
            && ((vb / zb) / (va / za) - 1.0).abs() < SAME_CURRENT
        {
            fit.current_limit_a = Some(va / za);
        }
        let regions: Vec<Option<Limit>> = fit
            .points
            .iter()
            .map(|p| p.load_ohm.and_then(|z| fit.at(z)).map(|at| at.limited_by))
            .collect();
        for (p, r) in fit.points.iter_mut().zip(regions) {
            p.region = r.unwrap_or(Limit::Voltage);
        }
        fit
    }

    /// The stated open-circuit voltage (the winning one) and its confidence.
    fn stated_open_circuit(&self) -> Option<(f64, Confidence)> {
        self.points
            .iter()
            .find(|p| p.used && p.load_ohm.is_none())
            .map(|p| (p.given_voltage_vrms, p.confidence))
    }

    /// True when nothing bounds the output: no rating, no stated voltage, no supply.
    pub fn is_unknown(&self) -> bool {
        self.points.is_empty() && self.supply_bound_vrms.is_none()
    }

    /// The maximum voltage across a resistive load of `z_ohm`, or `None` when the evidence
    /// says nothing.
    pub fn at(&self, z_ohm: f64) -> Option<AtLoad> {
        if !(z_ohm.is_finite() && z_ohm > 0.0) {
            return None;
        }
        let z = z_ohm;
        let zo = self.output_impedance_ohm;
        let divider = z / (z + zo);
        let k = BAND_DB_PER_OCTAVE_BELOW;
        let rated = &self.rated;
        let oc = self.stated_open_circuit();
        let mut at = match (rated.first(), rated.last()) {
            (Some(&lo), Some(&hi)) => self.within_rated(z, rated, lo, hi, oc)?,
            _ => match (oc, self.supply_bound_vrms) {
                (Some((v, c)), _) => AtLoad {
                    voltage_vrms: v * divider,
                    basis: Basis::StatedLimit,
                    uncertainty_db: floor_db(c)
                        + k * (OPEN_CIRCUIT_REFERENCE_OHM / z).log2().max(0.0),
                    limited_by: Limit::Voltage,
                    ceiling: true,
                },
                (None, Some(b)) => AtLoad {
                    voltage_vrms: b * divider,
                    basis: Basis::SupplyBound,
                    uncertainty_db: BAND_FLOOR_WEAK_DB
                        + k * (OPEN_CIRCUIT_REFERENCE_OHM / z).log2().max(0.0),
                    limited_by: Limit::Voltage,
                    ceiling: true,
                },
                (None, None) => return None,
            },
        };
        // A stated current limit binds wherever it is lower, except where a rating says what
        // the output does at this very load.
        if let Some(i) = self.stated_current_a
            && i * z < at.voltage_vrms
            && !matches!(at.basis, Basis::Measured | Basis::Rated)
        {
            at.voltage_vrms = i * z;
            at.basis = Basis::StatedLimit;
            at.limited_by = Limit::Current;
            at.ceiling = true;
        }
        // The supply is a ceiling, never a floor.
        if let Some(b) = self.supply_bound_vrms
            && at.voltage_vrms > b * divider
        {
            at.voltage_vrms = b * divider;
            at.basis = Basis::SupplyBound;
            at.ceiling = true;
        }
        Some(at)
    }

    /// The maximum from rated loads `rated` (sorted, lowest `lo`, highest `hi`).
    fn within_rated(
        &self,
        z: f64,
        rated: &[Rated],
        lo: Rated,
        hi: Rated,
        oc: Option<(f64, Confidence)>,
    ) -> Option<AtLoad> {
        let k = BAND_DB_PER_OCTAVE;
        let weaker = |a: Confidence, b: Confidence| floor_db(a).max(floor_db(b));
        if let Some(&(_, v, c)) = rated.iter().find(|(zr, _, _)| same_ohm(z, *zr)) {
            let measured = matches!(c, Confidence::High | Confidence::User);
            return Some(AtLoad {
                voltage_vrms: v,
                basis: if measured {
                    Basis::Measured
                } else {
                    Basis::Rated
                },
                uncertainty_db: floor_db(c),
                limited_by: self.slope_limit(rated, z),
                ceiling: false,
            });
        }
        if z < lo.0 {
            // No more current than at the lowest rated load, unless a limit is stated.
            let i = self.stated_current_a.unwrap_or(lo.1 / lo.0);
            return Some(AtLoad {
                voltage_vrms: lo.1.min(i * z),
                basis: if self.stated_current_a.is_some() {
                    Basis::StatedLimit
                } else {
                    Basis::Extrapolated
                },
                uncertainty_db: floor_db(lo.2) + BAND_DB_PER_OCTAVE_BELOW * octaves(z, lo.0),
                limited_by: Limit::Current,
                ceiling: self.stated_current_a.is_some(),
            });
        }
        if z > hi.0 {
            let zo = self.output_impedance_ohm;
            let v = oc.map_or(hi.1, |(voc, _)| hi.1.max(voc * z / (z + zo)));
            return Some(AtLoad {
                voltage_vrms: v,
                basis: Basis::Extrapolated,
                uncertainty_db: floor_db(hi.2) + k * octaves(z, hi.0),
                limited_by: Limit::Voltage,
                // A stated open-circuit voltage bounds every load from above.
                ceiling: oc.is_some_and(|(voc, _)| v >= voc * z / (z + zo)),
            });
        }
        let w = rated.windows(2).find(|w| w[0].0 < z && z < w[1].0)?;
        let (a, b) = (w[0], w[1]);
        let t = (z / a.0).ln() / (b.0 / a.0).ln();
        let v = (a.1.ln() + t * (b.1 / a.1).ln()).exp();
        Some(AtLoad {
            voltage_vrms: v,
            basis: Basis::Interpolated,
            uncertainty_db: weaker(a.2, b.2) + k * octaves(z, a.0).min(octaves(z, b.0)),
            limited_by: self.slope_limit(rated, z),
            ceiling: false,
        })
    }

    /// Which limit binds at `z`: between two rated loads, current where the voltage rises in
    /// proportion to the load (log–log slope near 1); at a rated load, current when the
    /// voltage still rises markedly to the next rated load (slope above 0.15: the knee lies
    /// above it — the Objective2's 4.24 V at 33 Ω against 7.24 V at 300 Ω), else voltage.
    fn slope_limit(&self, rated: &[Rated], z: f64) -> Limit {
        let slope = |w: &[Rated]| (w[1].1 / w[0].1).ln() / (w[1].0 / w[0].0).ln();
        let at_point = |zr: f64| same_ohm(z, zr);
        for w in rated.windows(2) {
            if at_point(w[0].0) {
                return if slope(w) > 0.15 {
                    Limit::Current
                } else {
                    Limit::Voltage
                };
            }
            if w[0].0 < z && z < w[1].0 {
                return if slope(w) > 0.9 {
                    Limit::Current
                } else {
                    Limit::Voltage
                };
            }
        }
        Limit::Voltage
    }
}
