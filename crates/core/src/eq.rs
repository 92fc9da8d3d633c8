//! Equalisers as people already have them: parametric presets (Equalizer APO / AutoEq
//! `ParametricEQ.txt`) as cookbook biquads, graphic presets (`GraphicEQ.txt`) as an
//! interpolated magnitude.
//!
//! Biquads per the Audio EQ Cookbook (R. Bristow-Johnson), as Equalizer APO implements
//! them: with A = 10^(G/40), w0 = 2π·f0/fs, α = sin(w0)/(2Q), peaking
//! b = [1 + αA, −2cos w0, 1 − αA], a = [1 + α/A, −2cos w0, 1 − α/A], shelves and passes as
//! in the cookbook; Equalizer APO's `Q` on a shelf is the cookbook's shelf Q. The response
//! of a preset is its digital response at a sample rate (48 kHz unless said otherwise).

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_range};

/// The sample rate a preset's response is computed at unless another is given, Hz.
pub const DEFAULT_EQ_RATE_HZ: f64 = 48_000.0;
/// Q of a shelf or pass given without one: Butterworth, 1/√2 (a shelf slope S = 1).
pub const DEFAULT_Q: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// The kind of one parametric filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FilterKind {
    /// Peaking (PK, PEQ).
    Peaking,
    /// Second-order low shelf (LSC, LS, LS 12dB).
    LowShelf,
    /// Second-order high shelf (HSC, HS, HS 12dB).
    HighShelf,
    /// First-order low shelf (LS 6dB).
    LowShelfFirstOrder,
    /// First-order high shelf (HS 6dB).
    HighShelfFirstOrder,
    /// Second-order low pass (LP, LPQ).
    LowPass,
    /// Second-order high pass (HP, HPQ).
    HighPass,
}

/// One parametric filter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// What it does.
    pub kind: FilterKind,
    /// Centre or corner frequency, Hz.
    pub fc_hz: f64,
    /// Gain, dB (0 for passes).
    pub gain_db: f64,
    /// Quality factor.
    pub q: f64,
}

/// Normalised biquad coefficients (a0 = 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Biquad {
    /// Feed-forward.
    pub b: [f64; 3],
    /// Feedback a1, a2.
    pub a: [f64; 2],
}

impl Biquad {
    fn normalised(b: [f64; 3], a: [f64; 3]) -> Self {
        Self {
            b: [b[0] / a[0], b[1] / a[0], b[2] / a[0]],
            a: [a[1] / a[0], a[2] / a[0]],
        }
    }

    /// |H(e^{jω})| in dB at `frequency_hz` for sample rate `rate_hz`.
    pub fn response_db(&self, frequency_hz: f64, rate_hz: f64) -> f64 {
        let w = 2.0 * PI * frequency_hz / rate_hz;
        // H(z) at z = e^{jw}: (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²).
        let (c1, s1, c2, s2) = (w.cos(), w.sin(), (2.0 * w).cos(), (2.0 * w).sin());
        let [b0, b1, b2] = self.b;
        let [a1, a2] = self.a;
        let (nr, ni) = (b0 + b1 * c1 + b2 * c2, -(b1 * s1 + b2 * s2));
        let (dr, di) = (1.0 + a1 * c1 + a2 * c2, -(a1 * s1 + a2 * s2));
        10.0 * ((nr * nr + ni * ni) / (dr * dr + di * di)).log10()
    }
}

impl Filter {
    /// The filter's coefficients at `rate_hz`.
    pub fn biquad(&self, rate_hz: f64) -> Biquad {
        let a = 10f64.powf(self.gain_db / 40.0);
        let w0 = 2.0 * PI * self.fc_hz / rate_hz;
        let (cw, sw) = (w0.cos(), w0.sin());
        let alpha = sw / (2.0 * self.q);
        let sa = 2.0 * a.sqrt() * alpha;
        match self.kind {
            FilterKind::Peaking => Biquad::normalised(
                [1.0 + alpha * a, -2.0 * cw, 1.0 - alpha * a],
                [1.0 + alpha / a, -2.0 * cw, 1.0 - alpha / a],
            ),
            FilterKind::LowShelf => Biquad::normalised(
                [
                    a * ((a + 1.0) - (a - 1.0) * cw + sa),
                    2.0 * a * ((a - 1.0) - (a + 1.0) * cw),
                    a * ((a + 1.0) - (a - 1.0) * cw - sa),
                ],
                [
                    (a + 1.0) + (a - 1.0) * cw + sa,
                    -2.0 * ((a - 1.0) + (a + 1.0) * cw),
                    (a + 1.0) + (a - 1.0) * cw - sa,
                ],
            ),
            FilterKind::HighShelf => Biquad::normalised(
                [
                    a * ((a + 1.0) + (a - 1.0) * cw + sa),
                    -2.0 * a * ((a - 1.0) + (a + 1.0) * cw),
                    a * ((a + 1.0) + (a - 1.0) * cw - sa),
                ],
                [
                    (a + 1.0) - (a - 1.0) * cw + sa,
                    2.0 * ((a - 1.0) - (a + 1.0) * cw),
                    (a + 1.0) - (a - 1.0) * cw - sa,
                ],
            ),
            FilterKind::LowShelfFirstOrder | FilterKind::HighShelfFirstOrder => {
                // First-order shelf by the bilinear transform with the corner prewarped:
                // H(s) = (s + g·ωc)/(s + ωc) (low) or (g·s + ωc)/(s + ωc) (high), g the
                // linear gain, corner where the gain is half its dB value (√g).
                let g = 10f64.powf(self.gain_db / 20.0);
                let k = (w0 / 2.0).tan();
                let wc = k * if matches!(self.kind, FilterKind::LowShelfFirstOrder) {
                    1.0 / g.sqrt()
                } else {
                    g.sqrt()
                };
                let (n1, n0) = match self.kind {
                    FilterKind::LowShelfFirstOrder => (1.0, g * wc),
                    _ => (g, wc),
                };
                Biquad::normalised([n0 + n1, n0 - n1, 0.0], [wc + 1.0, wc - 1.0, 0.0])
            }
            FilterKind::LowPass => Biquad::normalised(
                [(1.0 - cw) / 2.0, 1.0 - cw, (1.0 - cw) / 2.0],
                [1.0 + alpha, -2.0 * cw, 1.0 - alpha],
            ),
            FilterKind::HighPass => Biquad::normalised(
                [(1.0 + cw) / 2.0, -(1.0 + cw), (1.0 + cw) / 2.0],
                [1.0 + alpha, -2.0 * cw, 1.0 - alpha],
            ),
        }
    }
}

/// The filters of a preset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Shape {
    /// Parametric: biquads in series.
    Parametric {
        /// The enabled filters, in order.
        filters: Vec<Filter>,
    },
    /// Graphic: gains at frequencies, interpolated linearly in dB over log frequency and
    /// held beyond the ends (as Equalizer APO does).
    Graphic {
        /// (frequency Hz, gain dB), frequency rising.
        points: Vec<(f64, f64)>,
    },
}

/// An equaliser preset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Eq {
    /// A name for reports (the file's).
    pub name: String,
    /// The preamp the preset states, dB (usually ≤ 0).
    pub preamp_db: f64,
    /// Its filters.
    pub shape: Shape,
}

/// Largest |gain| of a filter or point, dB: beyond, a preset is not a correction but a
/// mistake, and the biquads lose precision.
pub const MAX_GAIN_DB: f64 = 30.0;

impl Eq {
    /// A validated preset.
    pub fn new(name: &str, preamp_db: f64, shape: Shape) -> Result<Self> {
        check_range("preamp_db", preamp_db, -60.0, MAX_GAIN_DB, "dB")?;
        match &shape {
            Shape::Parametric { filters } => {
                for f in filters {
                    check_range("fc_hz", f.fc_hz, 1.0, 30_000.0, "Hz")?;
                    check_range("gain_db", f.gain_db, -MAX_GAIN_DB, MAX_GAIN_DB, "dB")?;
                    check_range("q", f.q, 0.01, 100.0, "")?;
                }
            }
            Shape::Graphic { points } => {
                if points.is_empty() {
                    return Err(Error::Eq("a graphic EQ needs at least one point".into()));
                }
                for &(f, g) in points {
                    check_range("frequency_hz", f, 1.0, 100_000.0, "Hz")?;
                    check_range("gain_db", g, -2.0 * MAX_GAIN_DB, 2.0 * MAX_GAIN_DB, "dB")?;
                }
                if let Some(w) = points.windows(2).find(|w| w[1].0 <= w[0].0) {
                    return Err(Error::Eq(format!(
                        "frequency {} Hz does not rise above {} Hz",
                        w[1].0, w[0].0
                    )));
                }
            }
        }
        Ok(Self {
            name: name.to_string(),
            preamp_db,
            shape,
        })
    }

    /// The preset's gain at `frequency_hz`, dB, preamp excluded; biquads at `rate_hz`.
    pub fn gain_db(&self, frequency_hz: f64, rate_hz: f64) -> f64 {
        match &self.shape {
            Shape::Parametric { filters } => filters
                .iter()
                // Above Nyquist a digital filter has no response to speak of.
                .filter(|f| f.fc_hz < rate_hz / 2.0)
                .map(|f| {
                    f.biquad(rate_hz)
                        .response_db(frequency_hz.min(rate_hz * 0.4999), rate_hz)
                })
                .sum(),
            Shape::Graphic { points } => graphic_gain(points, frequency_hz),
        }
    }

    /// The biquads to run audio through at `rate_hz`: a parametric preset's own; for a
    /// graphic preset, the one-third-octave stand-in of [`crate::graphic_fit`].
    pub fn biquads(&self, rate_hz: f64) -> Vec<Biquad> {
        match &self.shape {
            Shape::Parametric { filters } => filters
                .iter()
                .filter(|f| f.fc_hz < rate_hz / 2.0)
                .map(|f| f.biquad(rate_hz))
                .collect(),
            Shape::Graphic { points } => crate::graphic_fit::fit_graphic(points, rate_hz)
                .filters
                .iter()
                .map(|f| f.biquad(rate_hz))
                .collect(),
        }
    }

    /// For a graphic preset: how far the filters audio runs through stray from it at
    /// `rate_hz` (the largest error, dB, 20 Hz – 20 kHz); none for a parametric one.
    pub fn run_error_db(&self, rate_hz: f64) -> Option<f64> {
        match &self.shape {
            Shape::Parametric { .. } => None,
            Shape::Graphic { points } => {
                Some(crate::graphic_fit::fit_graphic(points, rate_hz).max_error_db)
            }
        }
    }

    /// True for a parametric preset.
    pub fn is_parametric(&self) -> bool {
        matches!(self.shape, Shape::Parametric { .. })
    }
}

/// (Hz, dB) points at `f`: linear in dB over log frequency, held beyond the ends (a
/// graphic EQ's gain, a measured response). `points` must not be empty.
pub fn graphic_gain(points: &[(f64, f64)], f: f64) -> f64 {
    let (first, last) = (points[0], points[points.len() - 1]);
    if f <= first.0 {
        return first.1;
    }
    if f >= last.0 {
        return last.1;
    }
    let j = points.partition_point(|p| p.0 <= f);
    let (a, b) = (points[j - 1], points[j]);
    let t = (f / a.0).ln() / (b.0 / a.0).ln();
    a.1 + (b.1 - a.1) * t
}

/// A GraphicEQ that applies `gain_db` at each of `frequencies_hz`, in Equalizer APO's
/// `GraphicEQ.txt` form.
pub fn graphic_eq_text(points: &[(f64, f64)]) -> String {
    let body: Vec<String> = points
        .iter()
        .map(|(f, g)| format!("{} {:.2}", crate::units::fmt_sig(*f), g))
        .collect();
    format!("GraphicEQ: {}\n", body.join("; "))
}

/// Runs interleaved audio through biquads in series, per channel, in 64-bit (direct form
/// I), keeping the state across calls.
///
/// A biquad is latency-bound — each output waits for the previous one — so the form is
/// chosen for its short dependency chain: in direct form I only `− a1·y[n−1]` waits on the
/// last output, everything else is computed ahead. Stage by stage over a whole packet (the
/// state stays in registers), both channels of a stereo stream in one loop (two chains the
/// CPU overlaps).
#[derive(Debug, Clone)]
pub struct Processor {
    stages: Vec<Biquad>,
    gain: f64,
    channels: usize,
    /// Per stage, per channel: (x[n−1], x[n−2], y[n−1], y[n−2]).
    state: Vec<[f64; 4]>,
    scratch: Vec<f64>,
}

impl Processor {
    /// A processor for `channels` channels: the preset's filters at `rate_hz` and its
    /// preamp.
    pub fn new(eq: &Eq, rate_hz: f64, channels: usize) -> Self {
        let stages = eq.biquads(rate_hz);
        let channels = channels.max(1);
        Self {
            state: vec![[0.0; 4]; stages.len() * channels],
            stages,
            gain: 10f64.powf(eq.preamp_db / 20.0),
            channels,
            scratch: Vec::new(),
        }
    }

    /// Filters `samples` (interleaved) in place.
    pub fn process(&mut self, samples: &mut [f32]) {
        let ch = self.channels;
        self.scratch.clear();
        self.scratch
            .extend(samples.iter().map(|&s| f64::from(s) * self.gain));
        for (k, q) in self.stages.iter().enumerate() {
            let st = &mut self.state[k * ch..(k + 1) * ch];
            let [b0, b1, b2] = q.b;
            let [a1, a2] = q.a;
            if ch == 2 {
                let [mut lx1, mut lx2, mut ly1, mut ly2] = st[0];
                let [mut rx1, mut rx2, mut ry1, mut ry2] = st[1];
                for frame in self.scratch.chunks_exact_mut(2) {
                    let (xl, xr) = (frame[0], frame[1]);
                    let tl = b0 * xl + b1 * lx1 + b2 * lx2 - a2 * ly2;
                    let tr = b0 * xr + b1 * rx1 + b2 * rx2 - a2 * ry2;
                    let yl = tl - a1 * ly1;
                    let yr = tr - a1 * ry1;
                    (lx2, lx1, ly2, ly1) = (lx1, xl, ly1, yl);
                    (rx2, rx1, ry2, ry1) = (rx1, xr, ry1, yr);
                    frame[0] = yl;
                    frame[1] = yr;
                }
                st[0] = [lx1, lx2, ly1, ly2];
                st[1] = [rx1, rx2, ry1, ry2];
            } else {
                for (c, s) in st.iter_mut().enumerate() {
                    let [mut x1, mut x2, mut y1, mut y2] = *s;
                    for x in self.scratch.iter_mut().skip(c).step_by(ch) {
                        let y = b0 * *x + b1 * x1 + b2 * x2 - a2 * y2 - a1 * y1;
                        (x2, x1, y2, y1) = (x1, *x, y1, y);
                        *x = y;
                    }
                    *s = [x1, x2, y1, y2];
                }
            }
        }
        for (out, x) in samples.iter_mut().zip(&self.scratch) {
            *out = *x as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shelf_is_half_its_gain_at_the_corner() {
        // Cookbook shelves: at f0 the gain is G/2 in dB (A at the corner, A² far below).
        let f = Filter {
            kind: FilterKind::LowShelf,
            fc_hz: 100.0,
            gain_db: 10.0,
            q: DEFAULT_Q,
        };
        let b = f.biquad(48_000.0);
        assert!((b.response_db(100.0, 48_000.0) - 5.0).abs() < 0.01);
        assert!((b.response_db(10.0, 48_000.0) - 10.0).abs() < 0.05);
        assert!(b.response_db(5_000.0, 48_000.0).abs() < 0.01);
    }

    #[test]
    fn processing_a_sine_gives_the_response() {
        // A 1 kHz peak of +6 dB (exactly +6 dB at its centre), preamp −6 dB: a 1 kHz sine
        // comes out at its own amplitude once the filter has settled; the stereo and the
        // generic paths agree.
        let eq = Eq::new(
            "pk",
            -6.0,
            Shape::Parametric {
                filters: vec![Filter {
                    kind: FilterKind::Peaking,
                    fc_hz: 1000.0,
                    gain_db: 6.0,
                    q: 1.0,
                }],
            },
        )
        .unwrap();
        let n = 48_000;
        let sine: Vec<f32> = (0..n)
            .map(|i| (0.5 * (2.0 * PI * 1000.0 * i as f64 / 48_000.0).sin()) as f32)
            .collect();
        let mut stereo: Vec<f32> = sine.iter().flat_map(|&s| [s, s]).collect();
        let mut mono = sine.clone();
        let mut p2 = Processor::new(&eq, 48_000.0, 2);
        for chunk in stereo.chunks_mut(1000) {
            p2.process(chunk);
        }
        Processor::new(&eq, 48_000.0, 1).process(&mut mono);
        let peak = |v: &[f32]| v.iter().fold(0f32, |m, x| m.max(x.abs()));
        let gain = 20.0 * (peak(&mono[n / 2..]) as f64 / 0.5).log10();
        assert!((gain - (6.0 - 6.0)).abs() < 0.01, "{gain}");
        let left: Vec<f32> = stereo.iter().step_by(2).copied().collect();
        assert!(left.iter().zip(&mono).all(|(a, b)| (a - b).abs() < 1e-6));
    }

    #[test]
    fn first_order_shelf_is_half_its_gain_at_the_corner() {
        for kind in [
            FilterKind::LowShelfFirstOrder,
            FilterKind::HighShelfFirstOrder,
        ] {
            let f = Filter {
                kind,
                fc_hz: 1000.0,
                gain_db: 6.0,
                q: DEFAULT_Q,
            };
            let b = f.biquad(48_000.0);
            assert!(
                (b.response_db(1000.0, 48_000.0) - 3.0).abs() < 0.01,
                "{kind:?}"
            );
        }
    }
}
