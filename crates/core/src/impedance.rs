//! Complex impedance: of loads (flat, a driver's resonance, a measured curve) and of
//! amplifier outputs.

use std::f64::consts::PI;

use num_complex::Complex64;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_positive, check_range};

/// A dynamic driver near its fundamental resonance, in free air: the Thiele-Small
/// electrical equivalent Z(s) = Re + s·Le + Zmot(s), Zmot = 1/(1/Res + s·Cmes + 1/(s·Lces)),
/// Res = Re·Qms/Qes, Cmes = Qes/(ωs·Re), Lces = Re/(ωs·Qes) (physics.md, "Thiele-Small
/// free-air impedance"; Small, JAES 1972).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DriverResonance {
    /// Voice-coil DC resistance Re, Ω.
    pub re_ohm: f64,
    /// Voice-coil inductance Le, H (0 when unknown).
    pub le_h: f64,
    /// Resonance frequency fs, Hz.
    pub fs_hz: f64,
    /// Mechanical Q, Qms.
    pub qms: f64,
    /// Electrical Q, Qes.
    pub qes: f64,
}

impl DriverResonance {
    /// Validates the parameters, naming the first one out of range.
    pub fn new(re_ohm: f64, le_h: f64, fs_hz: f64, qms: f64, qes: f64) -> Result<Self> {
        // Generous bounds: scraped catalogue rows can be far off and are still usable.
        check_positive("re_ohm", re_ohm, 10_000.0, "Ω")?;
        check_range("le_mh", le_h * 1000.0, 0.0, 1000.0, "mH")?;
        check_positive("fs_hz", fs_hz, 100_000.0, "Hz")?;
        check_positive("qms", qms, 1e9, "")?;
        check_positive("qes", qes, 1e9, "")?;
        Ok(Self {
            re_ohm,
            le_h,
            fs_hz,
            qms,
            qes,
        })
    }

    /// Res, the motional resistance at resonance, Ω.
    pub fn res_ohm(&self) -> f64 {
        self.re_ohm * self.qms / self.qes
    }

    /// Cmes, the capacitance that stands for the moving mass, F.
    pub fn cmes_f(&self) -> f64 {
        self.qes / (2.0 * PI * self.fs_hz * self.re_ohm)
    }

    /// Lces, the inductance that stands for the suspension compliance, H.
    pub fn lces_h(&self) -> f64 {
        self.re_ohm / (2.0 * PI * self.fs_hz * self.qes)
    }

    /// Z at `frequency_hz`, in free air.
    pub fn at(&self, frequency_hz: f64) -> Complex64 {
        self.in_box(&Enclosure::FreeAir, frequency_hz)
    }
}

/// The box a driver sits in, as it shows in the electrical impedance (physics.md,
/// "Sealed box", "Vented box"; Small, JAES 1972/73).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Enclosure {
    /// No box (an infinite baffle's electrical behaviour).
    FreeAir,
    /// A closed box: the box's air compliance appears as Lceb = Lces/α in parallel with the
    /// motional branch, α = Vas/Vb, so fc = fs·√(1+α).
    Sealed {
        /// Box volume, litres.
        vb_l: f64,
        /// α = Vas/Vb.
        alpha: f64,
    },
    /// A bass-reflex box: a series branch Rel + s·Lceb + 1/(s·Cep) in parallel with the
    /// motional branch, Lceb = Lces/α, Cep = 1/(ωb²·Lceb), Rel = ωb·Lceb/QL: two peaks with a
    /// minimum near fb.
    Vented {
        /// Box volume, litres.
        vb_l: f64,
        /// α = Vas/Vb.
        alpha: f64,
        /// Box tuning, Hz.
        fb_hz: f64,
        /// Box losses as a Q (7 is the usual assumption for a well-built box).
        ql: f64,
    },
}

impl Enclosure {
    /// A sealed box of `vb_l` litres for a driver of `vas_l` litres.
    pub fn sealed(vas_l: f64, vb_l: f64) -> Result<Self> {
        check_positive("vas_l", vas_l, 1e6, "L")?;
        check_positive("vb_l", vb_l, 1e6, "L")?;
        Ok(Enclosure::Sealed {
            vb_l,
            alpha: vas_l / vb_l,
        })
    }

    /// A vented box of `vb_l` litres tuned to `fb_hz` with loss `ql`.
    pub fn vented(vas_l: f64, vb_l: f64, fb_hz: f64, ql: f64) -> Result<Self> {
        check_positive("vas_l", vas_l, 1e6, "L")?;
        check_positive("vb_l", vb_l, 1e6, "L")?;
        check_positive("fb_hz", fb_hz, 10_000.0, "Hz")?;
        check_positive("ql", ql, 1000.0, "")?;
        Ok(Enclosure::Vented {
            vb_l,
            alpha: vas_l / vb_l,
            fb_hz,
            ql,
        })
    }
}

/// Lceb, the inductance that stands for the box's air compliance, H.
pub fn box_inductance_h(driver: &DriverResonance, alpha: f64) -> f64 {
    driver.lces_h() / alpha
}

/// The vented box's port branch elements (Rel Ω, Lceb H, Cep F).
pub fn port_branch(driver: &DriverResonance, alpha: f64, fb_hz: f64, ql: f64) -> (f64, f64, f64) {
    let lceb = box_inductance_h(driver, alpha);
    let wb = 2.0 * PI * fb_hz;
    (wb * lceb / ql, lceb, 1.0 / (wb * wb * lceb))
}

impl DriverResonance {
    /// Z at `frequency_hz` when mounted in `enclosure`.
    pub fn in_box(&self, enclosure: &Enclosure, frequency_hz: f64) -> Complex64 {
        PreparedDriver::new(self, enclosure).z(frequency_hz)
    }

    /// Qts = Qms·Qes/(Qms+Qes).
    pub fn qts(&self) -> f64 {
        self.qms * self.qes / (self.qms + self.qes)
    }

    /// Qes and Qts with a source resistance `rs_ohm` in series (amplifier output impedance
    /// plus cable): Qes' = Qes·(Re+Rs)/Re, Qts' = Qms·Qes'/(Qms+Qes') (physics.md).
    pub fn shifted_q(&self, rs_ohm: f64) -> (f64, f64) {
        let qes = self.qes * (self.re_ohm + rs_ohm) / self.re_ohm;
        (qes, self.qms * qes / (self.qms + qes))
    }
}

/// A driver in its box with the element values worked out once, so a sweep costs a few
/// real operations and one complex reciprocal per frequency:
/// Y = 1/Res + j(ω·Cmes − 1/(ω·Lces) − 1/(ω·Lceb)) [+ 1/(Rel + j(ω·Lceb − 1/(ω·Cep)))],
/// Z = Re + jω·Le + 1/Y.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PreparedDriver {
    re_ohm: f64,
    le_h: f64,
    g_es: f64,
    cmes_f: f64,
    /// 1/Lces + 1/Lceb (sealed), 1/H.
    inv_l_h: f64,
    /// Vented port branch (Rel, Lceb, Cep).
    port: Option<(f64, f64, f64)>,
}

impl PreparedDriver {
    /// Works out the element values of `driver` in `enclosure`.
    pub fn new(driver: &DriverResonance, enclosure: &Enclosure) -> Self {
        let mut inv_l_h = 1.0 / driver.lces_h();
        let mut port = None;
        match *enclosure {
            Enclosure::FreeAir => {}
            Enclosure::Sealed { alpha, .. } => inv_l_h += 1.0 / box_inductance_h(driver, alpha),
            Enclosure::Vented {
                alpha, fb_hz, ql, ..
            } => port = Some(port_branch(driver, alpha, fb_hz, ql)),
        }
        Self {
            re_ohm: driver.re_ohm,
            le_h: driver.le_h,
            g_es: 1.0 / driver.res_ohm(),
            cmes_f: driver.cmes_f(),
            inv_l_h,
            port,
        }
    }

    /// Z at `frequency_hz`.
    #[inline]
    pub fn z(&self, frequency_hz: f64) -> Complex64 {
        let w = 2.0 * PI * frequency_hz;
        let mut y = Complex64::new(self.g_es, w * self.cmes_f - self.inv_l_h / w);
        if let Some((rel, lceb, cep)) = self.port {
            let x = w * lceb - 1.0 / (w * cep);
            let d = rel * rel + x * x;
            y += Complex64::new(rel / d, -x / d);
        }
        let m = y.norm_sqr();
        Complex64::new(self.re_ohm + y.re / m, w * self.le_h - y.im / m)
    }
}

/// A loudspeaker driver's Thiele-Small parameters as published; the small-signal electrical
/// ones are in `driver`, the rest are kept for the report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThieleSmall {
    /// Re, Le, fs, Qms, Qes.
    pub driver: DriverResonance,
    /// Vas, litres.
    pub vas_l: Option<f64>,
    /// Bl, T·m.
    pub bl_tm: Option<f64>,
    /// Mms, g.
    pub mms_g: Option<f64>,
    /// Sd, cm².
    pub sd_cm2: Option<f64>,
    /// Xmax (one-way), mm.
    pub xmax_mm: Option<f64>,
}

/// Density of air, kg/m³ (20 °C, sea level): one set of air constants for every formula.
pub const AIR_DENSITY_KG_M3: f64 = 1.204;
/// Speed of sound in air, m/s (20 °C).
pub const SPEED_OF_SOUND_M_S: f64 = 343.0;
/// Reference sound pressure, Pa.
pub const P_REF_PA: f64 = 20e-6;

/// SPL at 1 m of 1 acoustic watt radiated into half space, from the same air constants:
/// I = W/(2π r²) and p² = ρ0·c·I give 10·log10(ρ0·c/(2π·p_ref²)) = 112.16 dB.
pub fn half_space_one_watt_spl_db() -> f64 {
    10.0 * (AIR_DENSITY_KG_M3 * SPEED_OF_SOUND_M_S / (2.0 * PI * P_REF_PA * P_REF_PA)).log10()
}

impl ThieleSmall {
    /// Reference efficiency η0 = (4π²/c³)·fs³·Vas/Qes (Small, JAES 1972).
    pub fn reference_efficiency(&self) -> Option<f64> {
        let vas_m3 = self.vas_l? / 1000.0;
        let c = SPEED_OF_SOUND_M_S;
        Some(4.0 * PI * PI / c.powi(3) * self.driver.fs_hz.powi(3) * vas_m3 / self.driver.qes)
    }

    /// Half-space sensitivity for 1 W into Re at 1 m: [`half_space_one_watt_spl_db`]
    /// (112.16 dB) + 10·log10(η0), with η0 and the reference from the same air constants.
    pub fn sensitivity_db_1w(&self) -> Option<f64> {
        self.reference_efficiency()
            .filter(|e| *e > 0.0)
            .map(|e| half_space_one_watt_spl_db() + 10.0 * e.log10())
    }
}

/// One point of a measured impedance curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ImpedancePoint {
    /// Frequency, Hz.
    pub frequency_hz: f64,
    /// |Z|, Ω.
    pub magnitude_ohm: f64,
    /// Phase, degrees (0 when the curve has no phase).
    pub phase_deg: f64,
}

/// A measured impedance curve, as read from a .zma file or similar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasuredCurve {
    points: Vec<ImpedancePoint>,
    /// False when the source gave magnitude only; the phase is then reported as unknown
    /// and the analysis treats the load as resistive at each frequency, and says so.
    pub phase_known: bool,
    /// True for a few stated points (a review's "305 Ω at 20 Hz, 480 Ω at 100 Hz…") rather
    /// than a full measurement: evidence, but weaker, and every report says so.
    #[serde(default)]
    pub sparse: bool,
}

/// Z at one frequency, with whether it came from outside the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImpedanceAt {
    /// The complex impedance.
    pub z: Complex64,
    /// True when the frequency lies outside a measured curve and the nearest end point's
    /// value was held.
    pub held_at_edge: bool,
}

impl MeasuredCurve {
    /// Builds a curve, checking that frequencies rise strictly and values are physical.
    pub fn new(points: Vec<ImpedancePoint>, phase_known: bool) -> Result<Self> {
        if points.len() < 2 {
            return Err(Error::Curve(format!(
                "{} point(s); a curve needs at least 2",
                points.len()
            )));
        }
        for (i, p) in points.iter().enumerate() {
            if !(p.frequency_hz.is_finite() && p.frequency_hz > 0.0) {
                return Err(Error::Curve(format!(
                    "point {}: frequency {} Hz must be a number above 0",
                    i + 1,
                    p.frequency_hz
                )));
            }
            if !(p.magnitude_ohm.is_finite() && p.magnitude_ohm > 0.0) {
                return Err(Error::Curve(format!(
                    "point {}: magnitude {} Ω must be a number above 0",
                    i + 1,
                    p.magnitude_ohm
                )));
            }
            if !(p.phase_deg.is_finite() && p.phase_deg.abs() <= 90.0) {
                return Err(Error::Curve(format!(
                    "point {}: phase {}° must lie within ±90° for a passive load",
                    i + 1,
                    p.phase_deg
                )));
            }
            if i > 0 && p.frequency_hz <= points[i - 1].frequency_hz {
                return Err(Error::Curve(format!(
                    "point {}: frequency {} Hz does not rise above the previous {} Hz",
                    i + 1,
                    p.frequency_hz,
                    points[i - 1].frequency_hz
                )));
            }
        }
        Ok(Self {
            points,
            phase_known,
            sparse: false,
        })
    }

    /// The points as given.
    pub fn points(&self) -> &[ImpedancePoint] {
        &self.points
    }

    /// Lowest and highest frequency of the data, Hz.
    pub fn range_hz(&self) -> (f64, f64) {
        (
            self.points[0].frequency_hz,
            self.points[self.points.len() - 1].frequency_hz,
        )
    }

    /// Z at `frequency_hz`: magnitude interpolated on log |Z| over log f, phase linearly
    /// over log f. Outside the data the end point is held and flagged.
    pub fn at(&self, frequency_hz: f64) -> ImpedanceAt {
        let pts = &self.points;
        let to_z = |mag: f64, ph: f64| Complex64::from_polar(mag, ph.to_radians());
        let (lo, hi) = self.range_hz();
        if frequency_hz <= lo || frequency_hz >= hi {
            let p = if frequency_hz <= lo {
                pts[0]
            } else {
                pts[pts.len() - 1]
            };
            let outside = frequency_hz < lo || frequency_hz > hi;
            return ImpedanceAt {
                z: to_z(p.magnitude_ohm, p.phase_deg),
                held_at_edge: outside,
            };
        }
        let j = pts.partition_point(|p| p.frequency_hz <= frequency_hz);
        let (a, b) = (pts[j - 1], pts[j]);
        let t = (frequency_hz / a.frequency_hz).ln() / (b.frequency_hz / a.frequency_hz).ln();
        // Log-linear in magnitude, linear in phase, written as a·(b/a)^t and a + (b−a)·t so
        // that equal neighbours give exactly their value (a flat curve deviates by 0, not
        // by rounding noise).
        let mag = a.magnitude_ohm * (b.magnitude_ohm / a.magnitude_ohm).powf(t);
        let ph = a.phase_deg + (b.phase_deg - a.phase_deg) * t;
        ImpedanceAt {
            z: to_z(mag, ph),
            held_at_edge: false,
        }
    }
}

/// How a load's impedance varies with frequency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case")]
pub enum ImpedanceModel {
    /// The same resistance at every frequency: what a spec sheet's nominal figure says
    /// when nothing else is known.
    Flat {
        /// The resistance, Ω.
        ohm: f64,
    },
    /// A dynamic driver's fundamental resonance, in free air.
    Resonance(DriverResonance),
    /// A loudspeaker driver in a box.
    Enclosed {
        /// The driver's electrical parameters.
        driver: DriverResonance,
        /// The box.
        enclosure: Enclosure,
    },
    /// A measured curve.
    Measured(MeasuredCurve),
}

impl ImpedanceModel {
    /// Z at `frequency_hz`.
    pub fn at(&self, frequency_hz: f64) -> ImpedanceAt {
        match self {
            ImpedanceModel::Flat { ohm } => ImpedanceAt {
                z: Complex64::new(*ohm, 0.0),
                held_at_edge: false,
            },
            ImpedanceModel::Enclosed { driver, enclosure } => ImpedanceAt {
                z: driver.in_box(enclosure, frequency_hz),
                held_at_edge: false,
            },
            ImpedanceModel::Resonance(r) => ImpedanceAt {
                z: r.at(frequency_hz),
                held_at_edge: false,
            },
            ImpedanceModel::Measured(c) => c.at(frequency_hz),
        }
    }

    /// Whether the phase of this model is known (false for magnitude-only measurements).
    pub fn phase_known(&self) -> bool {
        match self {
            ImpedanceModel::Measured(c) => c.phase_known,
            _ => true,
        }
    }

    /// A short description for reports.
    pub fn describe(&self) -> String {
        match self {
            ImpedanceModel::Flat { ohm } => {
                format!("flat {} Ω (no curve known)", crate::units::fmt_sig(*ohm))
            }
            ImpedanceModel::Resonance(r) => format!(
                "driver resonance model (Re {} Ω, fs {} Hz, Qms {}, Qes {})",
                r.re_ohm, r.fs_hz, r.qms, r.qes
            ),
            ImpedanceModel::Enclosed {
                driver: r,
                enclosure,
            } => format!(
                "Thiele-Small model (Re {} Ω, fs {} Hz, Qms {}, Qes {}) {}",
                r.re_ohm,
                r.fs_hz,
                r.qms,
                r.qes,
                match enclosure {
                    Enclosure::FreeAir => "in free air".to_string(),
                    Enclosure::Sealed { vb_l, alpha } => format!(
                        "in a {} L sealed box (α {:.2}, fc {:.1} Hz, Qtc {:.2})",
                        crate::units::fmt_sig(*vb_l),
                        alpha,
                        r.fs_hz * (1.0 + alpha).sqrt(),
                        r.qts() * (1.0 + alpha).sqrt()
                    ),
                    Enclosure::Vented {
                        vb_l, fb_hz, ql, ..
                    } => format!(
                        "in a {} L vented box tuned to {} Hz (QL {})",
                        crate::units::fmt_sig(*vb_l),
                        crate::units::fmt_sig(*fb_hz),
                        ql
                    ),
                }
            ),
            ImpedanceModel::Measured(c) => {
                let (lo, hi) = c.range_hz();
                format!(
                    "{}, {} points, {}–{} Hz{}",
                    if c.sparse {
                        "sparse curve through stated points, interpolated in log-frequency"
                    } else {
                        "measured curve"
                    },
                    c.points.len(),
                    crate::units::fmt_sig(lo),
                    crate::units::fmt_sig(hi),
                    if c.phase_known {
                        ""
                    } else {
                        ", magnitude only"
                    }
                )
            }
        }
    }
}

/// An amplifier's output (source) impedance. Resistive for now; the enum leaves room for a
/// frequency-dependent one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case")]
pub enum SourceImpedance {
    /// A plain resistance, Ω.
    Resistive {
        /// The resistance, Ω.
        ohm: f64,
    },
}

impl SourceImpedance {
    /// Z at `frequency_hz`.
    pub fn at(&self, _frequency_hz: f64) -> Complex64 {
        match self {
            SourceImpedance::Resistive { ohm } => Complex64::new(*ohm, 0.0),
        }
    }

    /// The figure a damping factor is computed against (the resistance at 1 kHz).
    pub fn nominal_ohm(&self) -> f64 {
        self.at(1000.0).norm()
    }
}
