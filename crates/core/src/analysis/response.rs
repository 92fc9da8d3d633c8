//! Response step: the load's impedance over 20 Hz–20 kHz through the chain — the response
//! deviation the source impedance causes, the maximum SPL per frequency, EPDR — and the
//! damping factor and 1/8 rule against everything in series with the load.

use num_complex::Complex64;

use super::checks::{Check, Status};
use super::{CurvePoint, Findings, Rule, Severity, frequency_grid};
use crate::chain::epdr_ohm;
use crate::impedance::ImpedanceModel;
use crate::units::{db20, fmt_sig};

use super::pair::Pair;

/// What the curve shows.
pub(super) struct Response {
    pub curve: Vec<CurvePoint>,
    /// Lowest |Z| over the band, Ω.
    pub min_impedance_ohm: Option<f64>,
    /// Lowest EPDR and where, (Ω, Hz).
    pub epdr_min: Option<(f64, f64)>,
    /// Max − min deviation, dB (null when the output impedance or the curve is unknown).
    pub deviation_spread_db: Option<f64>,
}

pub(super) fn curve(p: &Pair, f: &mut Findings) -> Response {
    let grid = frequency_grid(p.settings.points_per_octave);
    let mut curve = Vec::with_capacity(grid.len());
    let mut held = false;
    let mut z_min = f64::INFINITY;
    let mut epdr_min: Option<(f64, f64)> = None;
    if let Some(m) = &p.model {
        let phase_known = m.phase_known();
        // A flat model stands in for an unknown curve: no deviation can be read from it.
        let curve_known = !matches!(m, ImpedanceModel::Flat { .. });
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
        let ref_level =
            p.zo.filter(|_| curve_known)
                .map(|_| db20(p.chain.at(1000.0, z_at(1000.0).0).0.norm()));
        for &fr in &grid {
            let (z, h_edge) = z_at(fr);
            held |= h_edge;
            z_min = z_min.min(z.norm());
            let (h, _) = p.chain.at(fr, z);
            let deviation = ref_level
                .map(|r| db20(h.norm()) - r)
                .filter(|d| d.is_finite());
            let available = p.max_through(z, h).map(|at| at.voltage_vrms);
            let max_spl = match (available, p.s_v) {
                (Some(v), Some(sv)) => Some(sv + db20(v) + p.offset),
                _ => None,
            }
            .filter(|x| x.is_finite());
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
                eq_gain_db: None,
                required_voltage_vrms: None,
                // Kept for the EQ step (which compares it with what the EQ asks); cleared
                // from reports without an EQ.
                available_voltage_vrms: available,
                fr_db: None,
                heard_db: None,
            });
        }
        if held && let ImpedanceModel::Measured(c) = m {
            let (lo, hi) = c.range_hz();
            f.add(Severity::Info, Rule::CurveHeldAtEdge, format!("the measured curve covers {}–{} Hz; outside it the nearest measured value is held (not extrapolated)", fmt_sig(lo), fmt_sig(hi)));
        }
        if !phase_known {
            f.add(Severity::Info, Rule::PhaseUnknown, "the measured curve has no phase; each point is treated as resistive for the deviation, and phase is reported as null".into());
        }
    }
    let deviation_spread_db =
        if curve.iter().all(|pt| pt.deviation_db.is_some()) && !curve.is_empty() {
            let (lo, hi) = curve
                .iter()
                .filter_map(|pt| pt.deviation_db)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), d| {
                    (a.min(d), b.max(d))
                });
            Some(hi - lo)
        } else {
            None
        };
    Response {
        curve,
        min_impedance_ohm: z_min.is_finite().then_some(z_min),
        epdr_min,
        deviation_spread_db,
    }
}

/// Damping factor and the 1/8 rule against output impedance + cable, and the deviation in
/// words. Returns (damping factor, largest source impedance the 1/8 rule allows).
pub(super) fn damping(p: &Pair, r: &Response, f: &mut Findings) -> (Option<f64>, Option<f64>) {
    let damping = match (p.z_nom, p.series_ohm) {
        (Some(z), Some(o)) if o > 0.0 => Some(z / o),
        _ => None,
    };
    if let (Some(z), Some(o)) = (p.z_nom, p.series_ohm)
        && o == 0.0
    {
        f.add(
            Severity::Info,
            Rule::DampingFactor,
            format!(
                "output impedance 0 Ω: damping factor unbounded for {} Ω",
                fmt_sig(z)
            ),
        );
    }
    // The lowest |Z| known: the curve's, or a stated minimum when it is lower (a flat
    // nominal "curve" knows nothing of the dips).
    let lowest = match (r.min_impedance_ohm, p.load.min_impedance_ohm) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let eighth = lowest.map(|zm| zm / 8.0);
    if let (Some(lim), Some(o)) = (eighth, p.series_ohm) {
        let zm = lim * 8.0;
        // A relative tolerance: log-interpolated curves reproduce their points to ~1e-15.
        if o <= lim * (1.0 + 1e-9) {
            f.add(Severity::Info, Rule::EighthRule, format!("source impedance {} Ω ≤ 1/8 of the load's minimum {} Ω: response deviation stays below 20·log10(9/8) = 1.02 dB", fmt_sig(o), fmt_sig(zm)));
        } else {
            f.add(Severity::Warning, Rule::EighthRule, format!("source impedance {} Ω exceeds 1/8 of the load's minimum impedance {} Ω ({} Ω): the source colours the response wherever the impedance moves", fmt_sig(o), fmt_sig(zm), fmt_sig(lim)));
        }
    }
    if let Some(d) = r.deviation_spread_db {
        let limit = p.settings.deviation_limit_db;
        if d > limit {
            f.add(Severity::Warning, Rule::ResponseDeviation, format!("the source impedance shifts the response by {d:.2} dB across 20 Hz–20 kHz (above {} dB)", fmt_sig(limit)));
        } else {
            f.add(
                Severity::Info,
                Rule::ResponseDeviation,
                format!(
                    "the source impedance shifts the response by {d:.2} dB across 20 Hz–20 kHz"
                ),
            );
        }
    }
    (damping, eighth)
}

/// The response check: the deviation over a known impedance curve (measured, or a
/// Thiele-Small or resonance model) — ok up to the deviation limit (1 dB), caution up to
/// 3 dB, problem above. Without a curve or an output impedance it is unknown (a flat
/// nominal impedance is no evidence of a flat curve), except that an IEM whose drivers may
/// swing, behind more than 1/8 of its nominal impedance, is a caution.
pub(super) fn check(p: &Pair, r: &Response, f: &mut Findings) -> Check {
    let zo = p.series_ohm;
    if let (Some(d), Some(o)) = (r.deviation_spread_db, zo) {
        let (status, how) = if d <= p.settings.deviation_limit_db {
            (Status::Ok, "inaudible")
        } else if d <= 3.0 {
            (Status::Caution, "audible on a careful listen")
        } else {
            (Status::Problem, "clearly audible")
        };
        let sparse = match &p.model {
            Some(ImpedanceModel::Measured(c)) if c.sparse => {
                format!(
                    "; the curve is drawn through {} stated points",
                    c.points().len()
                )
            }
            _ => String::new(),
        };
        return Check::new(
            status,
            Rule::ResponseDeviation,
            format!(
                "{} Ω of source impedance bends this load's response by {d:.2} dB across 20 Hz–20 kHz ({how}{sparse})",
                fmt_sig(o)
            ),
            Some(d),
            "dB",
        );
    }
    let bound = |o: f64| {
        format!(
            "it stays within 1.02 dB if the load never dips below 8 × Zout = {} Ω",
            fmt_sig(8.0 * o)
        )
    };
    // No curve, but stated extremes bound the deviation: the divider Z/(Z+Zo) can differ by
    // no more than between the lowest and the highest |Z| (the highest unknown: unbounded).
    if let (Some(o), Some(lo)) = (zo, p.load.min_impedance_ohm) {
        let top = p.load.max_impedance_ohm.map_or(1.0, |hi| hi / (hi + o));
        let bound = db20(top / (lo / (lo + o)));
        let extremes = match p.load.max_impedance_ohm {
            Some(hi) => format!("between its stated {} Ω and {} Ω", fmt_sig(lo), fmt_sig(hi)),
            None => format!("never below its stated {} Ω", fmt_sig(lo)),
        };
        let (status, how) = if bound <= p.settings.deviation_limit_db {
            (Status::Ok, "inaudible")
        } else {
            (
                Status::Caution,
                "the curve would say how much of it is real",
            )
        };
        let check = Check::new(
            status,
            Rule::ResponseDeviation,
            format!(
                "no impedance curve, but with the load {extremes}, {} Ω of source impedance bends the response by at most {bound:.2} dB ({how})",
                fmt_sig(o)
            ),
            Some(bound),
            "dB",
        );
        f.0.push(check.finding());
        return check;
    }
    let check = match (zo, p.z_nom) {
        (Some(o), Some(z)) if p.load.is_iem() && p.load.driver.may_swing() && o > z / 8.0 => {
            Check::new(
                Status::Caution,
                Rule::MultiDriverIem,
                format!(
                    "{} Ω of source impedance is above 1/8 of this IEM's {} Ω: multi-driver IEMs swing in impedance, so expect audible colouring (no impedance curve to say how much)",
                    fmt_sig(o),
                    fmt_sig(z)
                ),
                Some(o),
                "Ω",
            )
        }
        (Some(o), _) => Check::unknown(
            Rule::ResponseUnknown,
            format!(
                "no impedance curve is known for this load, so the deviation cannot be computed; {}",
                bound(o)
            ),
            "an impedance curve of the load",
        ),
        (None, _) => Check::unknown(
            Rule::ResponseUnknown,
            "the output impedance is not known, so the response deviation cannot be computed"
                .into(),
            "the output impedance",
        ),
    };
    f.0.push(check.finding());
    check
}
