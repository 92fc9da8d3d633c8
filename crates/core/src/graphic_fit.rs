//! A graphic preset made runnable: audio cannot go through "gain points", so a graphic EQ
//! is stood in for by peaking biquads (the Audio EQ Cookbook's) on the ISO 266 one-third-
//! octave centres up to 2 kHz and one-sixth-octave centres above, plus a low and a high
//! shelf, whose gains are fitted by least squares to the preset's curve on a 1/24-octave
//! grid. The fit is not exact; its
//! largest error over 20 Hz – 20 kHz (or Nyquist) is returned with it and reported, so a
//! loudness measured through it carries its uncertainty.

use crate::eq::{Filter, FilterKind, MAX_GAIN_DB, graphic_gain};

/// Q of the stand-in bands: broader than their one-third-octave spacing (Q 4.32) so that
/// neighbours overlap and a smooth curve has no ripple between centres.
pub const BAND_Q: f64 = 2.0;

/// Q of a one-third-octave band: 2^(1/6) / (2^(1/3) − 1).
pub const THIRD_OCTAVE_Q: f64 = 4.318_473_046_963_146;

/// The stand-in filters and how far they stray from the preset.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphicFit {
    /// Peaking filters, one per band below 0.45 × the sample rate, then a low and a high
    /// shelf.
    pub filters: Vec<Filter>,
    /// The largest |fitted − preset| over the grid, dB.
    pub max_error_db: f64,
}

/// The grid the fit is judged on: 1/24 octave from 20 Hz to 20 kHz or 0.45 × the rate.
fn grid(rate_hz: f64) -> Vec<f64> {
    let top = 20_000f64.min(0.45 * rate_hz);
    (0..)
        .map(|i| 20.0 * 2f64.powf(f64::from(i) / 24.0))
        .take_while(|f| *f <= top)
        .collect()
}

/// The filters' summed response on the grid, dB: each filter's coefficients computed once,
/// not once per grid point.
fn responses(filters: &[Filter], grid: &[f64], rate_hz: f64) -> Vec<f64> {
    let biquads: Vec<_> = filters.iter().map(|p| p.biquad(rate_hz)).collect();
    grid.iter()
        .map(|&f| biquads.iter().map(|q| q.response_db(f, rate_hz)).sum())
        .collect()
}

/// Solves the n × n system `m · x = v` by Gaussian elimination with partial pivoting
/// (`m` row-major); the system here is symmetric positive definite by construction.
fn solve(mut m: Vec<f64>, mut v: Vec<f64>) -> Vec<f64> {
    let n = v.len();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&a, &b| m[a * n + c].abs().total_cmp(&m[b * n + c].abs()))
            .unwrap_or(c);
        if p != c {
            for k in 0..n {
                m.swap(c * n + k, p * n + k);
            }
            v.swap(c, p);
        }
        let d = m[c * n + c];
        if d.abs() < 1e-300 {
            continue;
        }
        for r in c + 1..n {
            let f = m[r * n + c] / d;
            for k in c..n {
                m[r * n + k] -= f * m[c * n + k];
            }
            v[r] -= f * v[c];
        }
    }
    let mut x = vec![0.0; n];
    for c in (0..n).rev() {
        let s: f64 = (c + 1..n).map(|k| m[c * n + k] * x[k]).sum();
        let d = m[c * n + c];
        x[c] = if d.abs() < 1e-300 {
            0.0
        } else {
            (v[c] - s) / d
        };
    }
    x
}

/// Fits one-third-octave peaking filters to the graphic preset `points` at `rate_hz`.
///
/// The dB response of a peaking filter is nearly proportional to its gain, so the gains
/// solve the regularised normal equations (AᵀA + λI)·g = Aᵀ·t with A the 1 dB shapes on
/// the grid; three Gauss–Newton steps on the residual then absorb the non-linearity.
pub fn fit_graphic(points: &[(f64, f64)], rate_hz: f64) -> GraphicFit {
    // Peaking bands at the ISO centres, and a shelf at each end: near Nyquist the bilinear
    // transform squeezes a peaking filter, and a shelf follows a tilt there that the last
    // bands cannot.
    // Above 2 kHz, where corrections swing fastest (ear-canal and pinna resonances), the
    // bands are twice as dense and twice as narrow.
    let mut bases: Vec<(FilterKind, f64, f64)> = (-34..=26)
        .map(|k| (k, 1000.0 * 2f64.powf(f64::from(k) / 6.0)))
        .filter(|&(k, f)| (k % 2 == 0 || k > 6) && f < 0.45 * rate_hz)
        .map(|(k, f)| {
            (
                FilterKind::Peaking,
                f,
                if k > 6 { 2.0 * BAND_Q } else { BAND_Q },
            )
        })
        .collect();
    bases.push((FilterKind::LowShelf, 25.0, std::f64::consts::FRAC_1_SQRT_2));
    bases.push((
        FilterKind::HighShelf,
        14_000f64.min(0.3 * rate_hz),
        std::f64::consts::FRAC_1_SQRT_2,
    ));
    let band = |(kind, fc_hz, q): (FilterKind, f64, f64), gain_db: f64| Filter {
        kind,
        fc_hz,
        gain_db,
        q,
    };
    let fs = grid(rate_hz);
    let target: Vec<f64> = fs.iter().map(|&f| graphic_gain(points, f)).collect();
    let n = bases.len();
    // A: the response of each band at +1 dB, on the grid.
    let shape: Vec<Vec<f64>> = bases
        .iter()
        .map(|&b| {
            let q = band(b, 1.0).biquad(rate_hz);
            fs.iter().map(|&f| q.response_db(f, rate_hz)).collect()
        })
        .collect();
    let mut ata = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            ata[i * n + j] = shape[i].iter().zip(&shape[j]).map(|(a, b)| a * b).sum();
        }
    }
    let lambda = 1e-4 * (0..n).map(|i| ata[i * n + i]).sum::<f64>() / n.max(1) as f64;
    for i in 0..n {
        ata[i * n + i] += lambda;
    }
    let filters_of = |gains: &[f64]| -> Vec<Filter> {
        bases.iter().zip(gains).map(|(&b, &g)| band(b, g)).collect()
    };
    let mut gains = vec![0.0; n];
    for _ in 0..4 {
        let residual: Vec<f64> = responses(&filters_of(&gains), &fs, rate_hz)
            .iter()
            .zip(&target)
            .map(|(r, t)| t - r)
            .collect();
        let atr: Vec<f64> = shape
            .iter()
            .map(|s| s.iter().zip(&residual).map(|(a, r)| a * r).sum())
            .collect();
        for (g, d) in gains.iter_mut().zip(solve(ata.clone(), atr)) {
            *g = (*g + d).clamp(-MAX_GAIN_DB, MAX_GAIN_DB);
        }
    }
    let filters = filters_of(&gains);
    let max_error_db = responses(&filters, &fs, rate_hz)
        .iter()
        .zip(&target)
        .map(|(r, t)| (r - t).abs())
        .fold(0.0, f64::max);
    GraphicFit {
        filters,
        max_error_db,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_q_is_a_third_of_an_octave() {
        // Q = √(2^N)/(2^N − 1) for a bandwidth of N octaves; N = 1/3.
        let n: f64 = 1.0 / 3.0;
        assert!((THIRD_OCTAVE_Q - 2f64.powf(n).sqrt() / (2f64.powf(n) - 1.0)).abs() < 1e-12);
    }

    #[test]
    fn a_flat_lift_is_fitted_closely() {
        // +3 dB everywhere: the bands must sum to +3 dB between their centres too, and up
        // to the top of the band at either common rate.
        for rate in [44_100.0, 48_000.0] {
            let fit = fit_graphic(&[(20.0, 3.0), (20_000.0, 3.0)], rate);
            assert!(fit.max_error_db < 0.15, "{rate}: {}", fit.max_error_db);
        }
        // 21 bands a third of an octave apart up to 2 kHz, 20 a sixth apart above, 2 shelves.
        assert_eq!(fit_graphic(&[(20.0, 0.0)], 48_000.0).filters.len(), 43);
    }

    #[test]
    fn audio_through_the_fit_gets_the_preset_within_the_stated_error() {
        // An AutoEq-like correction with steep treble swings. A sine run through the
        // processor (the filters as audio meets them) must show the preset's gain at its
        // frequency within the error the fit states.
        let points = [
            (20.0, 6.0),
            (100.0, 6.0),
            (200.0, 2.0),
            (1000.0, 0.0),
            (3000.0, -4.0),
            (4000.0, 0.0),
            (6000.0, 3.0),
            (8000.0, -5.0),
            (10_000.0, 0.0),
            (20_000.0, -2.0),
        ];
        let rate = 48_000.0;
        let fit = fit_graphic(&points, rate);
        assert!(fit.max_error_db < 0.6, "{}", fit.max_error_db);
        let eq = crate::eq::Eq::new(
            "g",
            0.0,
            crate::eq::Shape::Graphic {
                points: points.to_vec(),
            },
        )
        .unwrap();
        for f in [
            40.0, 150.0, 700.0, 2500.0, 3500.0, 5000.0, 7000.0, 9000.0, 15_000.0,
        ] {
            let mut p = crate::eq::Processor::new(&eq, rate, 1);
            let n = rate as usize;
            let mut x: Vec<f32> = (0..n)
                .map(|i| (0.25 * (2.0 * std::f64::consts::PI * f * i as f64 / rate).sin()) as f32)
                .collect();
            p.process(&mut x);
            // RMS of the second half (the filters settled) against the input's 0.25/√2.
            let tail = &x[n / 2..];
            let rms = (tail.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / tail.len() as f64)
                .sqrt();
            let got = 20.0 * (rms / (0.25 / 2f64.sqrt())).log10();
            let want = graphic_gain(&points, f);
            assert!(
                (got - want).abs() <= fit.max_error_db + 0.05,
                "{f} Hz: {got:.2} dB through the filters, the preset {want:.2} dB, fit ±{:.2}",
                fit.max_error_db
            );
        }
    }

    #[test]
    fn the_solver_solves() {
        // [[4, 1], [1, 3]] · x = [1, 2] → x = (1/11, 7/11), by Cramer's rule.
        let x = solve(vec![4.0, 1.0, 1.0, 3.0], vec![1.0, 2.0]);
        assert!((x[0] - 1.0 / 11.0).abs() < 1e-12 && (x[1] - 7.0 / 11.0).abs() < 1e-12);
    }
}
