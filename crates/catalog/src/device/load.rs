//! Building loads (headphones, IEMs, loudspeakers, drivers) from their schema: every value
//! range-checked, Thiele-Small parameters completed, boxes and curves modelled.

use ampmatch_core::amplifier::Confidence;
use ampmatch_core::evidence::{Note, NoteKind};
use ampmatch_core::impedance::{
    DriverResonance, Enclosure, ImpedanceModel, ImpedancePoint, MeasuredCurve, ThieleSmall,
};
use ampmatch_core::load::{DriverTech, Load, LoadKind, PowerHandling};
use ampmatch_core::sensitivity::{Sensitivity, SensitivityUnit};

use super::locate::{Ctx, fmt_value};
use super::schema::{
    BoxType, CurveFile, DEFAULT_QL, EnclosureFile, HeadphoneFile, SensitivityRef, SpeakerFile,
    ThieleSmallFile,
};
use super::{LoadDevice, meta};
use crate::error::{Error, Result};

/// The lowest nominal impedance accepted, Ω: below it the model degenerates (a dB/mW figure
/// turns into thousands of dB/V), and no real headphone or loudspeaker comes near.
pub const MIN_LOAD_OHM: f64 = 0.1;
use crate::zma::parse_zma;

fn build_enclosure(ctx: &Ctx, e: &EnclosureFile, vas_l: Option<f64>) -> Result<Enclosure> {
    let need = |k: &str, v: Option<f64>, what: &str| {
        v.ok_or_else(|| ctx.missing(&format!("enclosure.{k}"), what))
    };
    match e.kind {
        BoxType::FreeAir => Ok(Enclosure::FreeAir),
        BoxType::Sealed | BoxType::Vented => {
            let vas = vas_l.ok_or_else(|| {
                ctx.missing(
                    "thiele_small.vas_l",
                    "Vas in litres, to put the driver in a box",
                )
            })?;
            let vb = ctx.range(
                "enclosure.vb_l",
                need("vb_l", e.vb_l, "the box volume in litres")?,
                0.0,
                true,
                1e5,
                "L",
            )?;
            if matches!(e.kind, BoxType::Sealed) {
                return Enclosure::sealed(vas, vb)
                    .map_err(|err| ctx.field_error("enclosure", "sealed".into(), err.to_string()));
            }
            let fb = ctx.range(
                "enclosure.fb_hz",
                need("fb_hz", e.fb_hz, "the box tuning in Hz")?,
                0.0,
                true,
                10_000.0,
                "Hz",
            )?;
            let ql = ctx.range(
                "enclosure.ql",
                e.ql.unwrap_or(DEFAULT_QL),
                0.0,
                true,
                1000.0,
                "",
            )?;
            Enclosure::vented(vas, vb, fb, ql)
                .map_err(|err| ctx.field_error("enclosure", "vented".into(), err.to_string()))
        }
    }
}

/// Thiele-Small parameters, completing Qes or Qms from Qts (1/Qts = 1/Qms + 1/Qes).
fn build_thiele_small(
    ctx: &Ctx,
    t: &ThieleSmallFile,
    notes: &mut Vec<Note>,
) -> Result<Option<ThieleSmall>> {
    // Scraped catalogue rows can be off by orders of magnitude (they carry a `suspect`
    // mark and are used as given), so only physically impossible values are refused — and
    // values so near zero that the model degenerates (a 1e-300 Ω voice coil, a Q of 1e-300
    // divide into infinities). The floors are far below any real driver's.
    let opt = |k: &str, v: Option<f64>, min: f64, max: f64, unit: &str| {
        v.map(|x| ctx.range(&format!("thiele_small.{k}"), x, min, false, max, unit))
            .transpose()
    };
    let re = opt("re_ohm", t.re_ohm, MIN_LOAD_OHM, 1000.0, "Ω")?;
    let fs = opt("fs_hz", t.fs_hz, 1.0, 100_000.0, "Hz")?;
    let mut qms = opt("qms", t.qms, 0.05, 1e9, "")?;
    let mut qes = opt("qes", t.qes, 0.01, 1e9, "")?;
    let qts = opt("qts", t.qts, 0.01, 1e9, "")?;
    let le_mh = t
        .le_mh
        .map(|x| ctx.range("thiele_small.le_mh", x, 0.0, false, 1000.0, "mH"))
        .transpose()?;
    let vas_l = opt("vas_l", t.vas_l, 1e-5, 1e9, "L")?;
    let bl_tm = opt("bl_tm", t.bl_tm, 0.01, 1e9, "T·m")?;
    let mms_g = opt("mms_g", t.mms_g, 0.001, 1e9, "g")?;
    let sd_cm2 = opt("sd_cm2", t.sd_cm2, 0.01, 1e9, "cm²")?;
    let xmax_mm = opt("xmax_mm", t.xmax_mm, 0.001, 1e9, "mm")?;
    match (qms, qes, qts) {
        (Some(m), None, Some(ts)) if m > ts => {
            qes = Some(ts * m / (m - ts));
            notes.push(Note::new(
                NoteKind::Source,
                format!(
                    "Qes derived from Qts and Qms: Qes = Qts·Qms/(Qms − Qts) = {:.3}",
                    qes.unwrap_or(f64::NAN)
                ),
            ));
        }
        (None, Some(e), Some(ts)) if e > ts => {
            qms = Some(ts * e / (e - ts));
            notes.push(Note::new(
                NoteKind::Source,
                format!(
                    "Qms derived from Qts and Qes: Qms = Qts·Qes/(Qes − Qts) = {:.3}",
                    qms.unwrap_or(f64::NAN)
                ),
            ));
        }
        _ => {}
    }
    let (Some(re), Some(fs), Some(qms), Some(qes)) = (re, fs, qms, qes) else {
        notes.push(Note::new(NoteKind::Source, "the Thiele-Small parameters are incomplete (Re, fs, Qms and Qes, or Qts with one of them, are needed), so no impedance model is built from them"));
        return Ok(None);
    };
    let driver = DriverResonance::new(re, le_mh.unwrap_or(0.0) / 1000.0, fs, qms, qes)
        .map_err(|e| ctx.field_error("thiele_small", "(parameters)".into(), e.to_string()))?;
    Ok(Some(ThieleSmall {
        driver,
        vas_l,
        bl_tm,
        mms_g,
        sd_cm2,
        xmax_mm,
    }))
}

pub(super) fn build_speaker(
    ctx: &Ctx,
    f: SpeakerFile,
    finished: bool,
    read_curve: &dyn Fn(&str) -> Result<String>,
) -> Result<LoadDevice> {
    let meta = meta(ctx, f.id, &f.brand, &f.model, f.source.clone())?;
    let mut load = Load::new(&meta.name(), LoadKind::Loudspeaker { finished });
    let mut notes = Vec::new();
    if let Some(why) = &f.suspect {
        notes.push(Note::new(
            NoteKind::Suspect,
            format!("this record fails a plausibility check ({why}); it is used as given"),
        ));
    }
    if let Some(fixes) = &f.unit_fixes {
        notes.push(Note::new(
            NoteKind::Source,
            format!("unit fixes applied on import: {fixes}"),
        ));
    }
    load.nominal_impedance_ohm = f
        .impedance_ohm
        .map(|z| ctx.range("impedance_ohm", z, MIN_LOAD_OHM, false, 10_000.0, "Ω"))
        .transpose()?;
    load.min_impedance_ohm = f
        .min_impedance_ohm
        .map(|z| ctx.range("min_impedance_ohm", z, 0.0, true, 10_000.0, "Ω"))
        .transpose()?;
    load.sensitivity = match (f.sensitivity_db, f.sensitivity_ref) {
        (Some(v), r) => Some(Sensitivity {
            value_db: ctx.range("sensitivity_db", v, 50.0, false, 150.0, "dB SPL")?,
            unit: match r {
                Some(SensitivityRef::V283) => SensitivityUnit::Db283V,
                Some(SensitivityRef::W1) => SensitivityUnit::Db1W,
                Some(SensitivityRef::Unknown) | None => SensitivityUnit::Unknown,
            },
        }),
        (None, Some(_)) => {
            return Err(ctx.field_error(
                "sensitivity_ref",
                "(without sensitivity_db)".into(),
                "allowed only together with sensitivity_db".into(),
            ));
        }
        (None, None) => None,
    };
    if let Some(p) = &f.power_handling {
        let w = |k: &str, v: Option<f64>| {
            v.map(|x| ctx.range(&format!("power_handling.{k}"), x, 0.0, true, 1e6, "W"))
                .transpose()
        };
        load.power_handling = Some(PowerHandling {
            continuous_w: w("continuous_w", p.continuous_w)?,
            program_w: w("program_w", p.program_w)?,
            peak_w: w("peak_w", p.peak_w)?,
        });
    }
    load.spl_max_db = f
        .spl_max_db
        .map(|x| ctx.range("spl_max_db", x, 50.0, false, 200.0, "dB SPL"))
        .transpose()?;
    load.thiele_small = match &f.thiele_small {
        Some(t) => build_thiele_small(ctx, t, &mut notes)?,
        None => None,
    };
    if load.sensitivity.is_none()
        && let Some(ts) = load.thiele_small
        && let Some(spl) = ts.sensitivity_db_1w()
    {
        // 1 W into Re takes √Re volts: S_V = S_1W(Re) − 10·log10(Re); stored at 2.83 V.
        let db_283 = spl - 10.0 * ts.driver.re_ohm.log10() + ampmatch_core::sensitivity::DB_2_83V;
        load.sensitivity = Some(Sensitivity {
            value_db: db_283,
            unit: SensitivityUnit::Db283V,
        });
        notes.push(Note::new(NoteKind::Assumption, format!(
            "no published sensitivity; {spl:.1} dB for 1 W into Re at 1 m (= {db_283:.1} dB @ 2.83 V/1 m) derived from the Thiele-Small parameters (η0 = 4π²·fs³·Vas/(c³·Qes) = {:.3} %, half space)",
            100.0 * ts.reference_efficiency().unwrap_or(f64::NAN)
        )));
    }
    let enclosure = match &f.enclosure {
        Some(e) => Some(build_enclosure(
            ctx,
            e,
            load.thiele_small.and_then(|t| t.vas_l),
        )?),
        None => None,
    };
    load.impedance = match (f.impedance_curve, load.thiele_small) {
        (Some(c), _) => Some(curve_model(ctx, c, read_curve, &mut notes)?),
        (None, Some(ts)) => Some(ImpedanceModel::Enclosed {
            driver: ts.driver,
            enclosure: enclosure.unwrap_or(Enclosure::FreeAir),
        }),
        (None, None) => None,
    };
    load.confidence = f.confidence.unwrap_or(Confidence::User);
    load.notes = notes;
    Ok(LoadDevice {
        meta,
        driver: f.driver_type.or(f.shape),
        load,
    })
}

impl LoadDevice {
    /// Puts the driver in `enclosure` (from the command line), replacing the impedance
    /// model with the Thiele-Small one in that box.
    pub fn put_in_box(&mut self, enclosure: &EnclosureFile) -> Result<()> {
        let ctx = Ctx {
            file: "command line",
            text: "",
        };
        let Some(ts) = self.load.thiele_small else {
            return Err(Error::Field {
                file: self.meta.path.clone(),
                line: 0,
                field: "thiele_small".into(),
                value: "(missing)".into(),
                allowed: format!(
                    "required to model {} in a box: Re, fs, Qms/Qes (or Qts) and Vas",
                    self.meta.name()
                ),
            });
        };
        let e = build_enclosure(&ctx, enclosure, ts.vas_l)?;
        if matches!(self.load.impedance, Some(ImpedanceModel::Measured(_))) {
            self.load.notes.push(Note::new(
                NoteKind::Source,
                "the measured (free-air) curve is replaced by the Thiele-Small model in the box",
            ));
        }
        self.load.impedance = Some(ImpedanceModel::Enclosed {
            driver: ts.driver,
            enclosure: e,
        });
        Ok(())
    }
}
pub(super) fn build_headphone(
    ctx: &Ctx,
    f: HeadphoneFile,
    read_curve: &dyn Fn(&str) -> Result<String>,
) -> Result<LoadDevice> {
    let meta = meta(ctx, f.id, &f.brand, &f.model, f.source.clone())?;
    let nominal = f
        .impedance_ohm
        .map(|z| ctx.range("impedance_ohm", z, MIN_LOAD_OHM, false, 100_000.0, "Ω"))
        .transpose()?;
    let sensitivity = match (f.sensitivity_db, f.sensitivity_unit) {
        (Some(v), Some(unit)) => Some(Sensitivity {
            value_db: ctx.range("sensitivity_db", v, 50.0, false, 150.0, "dB SPL")?,
            unit,
        }),
        (Some(v), None) => {
            return Err(Error::Field {
                file: ctx.file.into(),
                line: ctx.line_of("sensitivity_db", None),
                field: "sensitivity_unit".into(),
                value: format!("(missing, for sensitivity_db = {})", fmt_value(v)),
                allowed: "required with sensitivity_db: \"dB/mW\", \"dB/V\" or \"unknown\"".into(),
            });
        }
        (None, Some(_)) => {
            return Err(ctx.field_error(
                "sensitivity_unit",
                "(without sensitivity_db)".into(),
                "allowed only together with sensitivity_db".into(),
            ));
        }
        (None, None) => None,
    };
    let max_input_power_w = f
        .max_input_power_mw
        .map(|p| {
            ctx.range("max_input_power_mw", p, 0.0, true, 1e7, "mW")
                .map(|p| p / 1000.0)
        })
        .transpose()?;
    let mut notes = vec![];
    if let Some(why) = &f.suspect {
        notes.push(Note::new(
            NoteKind::Suspect,
            format!("this record fails a plausibility check ({why}); it is used as given"),
        ));
    }
    let impedance = match f.impedance_curve {
        None => None,
        Some(c) => Some(curve_model(ctx, c, read_curve, &mut notes)?),
    };
    let mut load = Load::headphone(&meta.name(), f.form);
    load.nominal_impedance_ohm = nominal;
    load.sensitivity = sensitivity;
    load.impedance = impedance;
    load.max_input_power_w = max_input_power_w;
    load.min_impedance_ohm = f
        .min_impedance_ohm
        .map(|z| ctx.range("min_impedance_ohm", z, 0.0, true, 100_000.0, "Ω"))
        .transpose()?;
    load.max_impedance_ohm = f
        .max_impedance_ohm
        .map(|z| ctx.range("max_impedance_ohm", z, 0.0, true, 100_000.0, "Ω"))
        .transpose()?;
    if let (Some(lo), Some(hi)) = (load.min_impedance_ohm, load.max_impedance_ohm)
        && hi < lo
    {
        return Err(ctx.field_error(
            "max_impedance_ohm",
            format!("{hi}"),
            format!("allowed: at least min_impedance_ohm ({lo} Ω)"),
        ));
    }
    load.plug = f.plug.unwrap_or_default();
    load.driver = f
        .driver
        .as_deref()
        .map_or(DriverTech::Unknown, DriverTech::parse);
    load.confidence = f.confidence.unwrap_or(Confidence::User);
    load.notes = notes;
    Ok(LoadDevice {
        meta,
        driver: f.driver,
        load,
    })
}

fn curve_model(
    ctx: &Ctx,
    c: CurveFile,
    read_curve: &dyn Fn(&str) -> Result<String>,
    notes: &mut Vec<Note>,
) -> Result<ImpedanceModel> {
    if let Some(text) = &c.points {
        if c.file.is_some() || c.model.is_some() {
            return Err(ctx.field_error(
                "impedance_curve.points",
                "(with file or model)".into(),
                "allowed: one of file, model or points".into(),
            ));
        }
        let curve = sparse_curve(ctx, text)?;
        let src = c.source.as_deref().unwrap_or("the device file");
        notes.push(Note::new(
            NoteKind::Source,
            format!(
                "impedance curve through {} stated points ({src}), interpolated in log-frequency and held flat beyond them: weaker evidence than a full measurement",
                curve.points().len()
            ),
        ));
        return Ok(ImpedanceModel::Measured(curve));
    }
    match (c.file, c.model.as_deref()) {
        (Some(file), None) => {
            let text = read_curve(&file).map_err(|e| {
                ctx.field_error(
                    "impedance_curve.file",
                    format!("{file:?}"),
                    format!(
                        "cannot be read ({e}); allowed: a .zma file, relative to this device file"
                    ),
                )
            })?;
            let mut curve = parse_zma(&text, &file)?;
            if c.phase_known == Some(false) {
                curve.phase_known = false;
            }
            if let Some(s) = c.source {
                notes.push(Note::new(
                    NoteKind::Source,
                    format!("impedance curve from {s}"),
                ));
            }
            Ok(ImpedanceModel::Measured(curve))
        }
        (None, Some("resonance")) => {
            let need = |k: &str, v: Option<f64>| {
                v.ok_or_else(|| {
                    ctx.missing(
                        &format!("impedance_curve.{k}"),
                        "a number (resonance model: re_ohm, fs_hz, qms, qes; le_mh optional)",
                    )
                })
            };
            let re = ctx.range(
                "impedance_curve.re_ohm",
                need("re_ohm", c.re_ohm)?,
                0.0,
                true,
                10_000.0,
                "Ω",
            )?;
            let fs = ctx.range(
                "impedance_curve.fs_hz",
                need("fs_hz", c.fs_hz)?,
                0.0,
                true,
                100_000.0,
                "Hz",
            )?;
            let qms = ctx.range(
                "impedance_curve.qms",
                need("qms", c.qms)?,
                0.0,
                true,
                1000.0,
                "",
            )?;
            let qes = ctx.range(
                "impedance_curve.qes",
                need("qes", c.qes)?,
                0.0,
                true,
                1000.0,
                "",
            )?;
            let le = ctx.range(
                "impedance_curve.le_mh",
                c.le_mh.unwrap_or(0.0),
                0.0,
                false,
                100.0,
                "mH",
            )?;
            let d = DriverResonance::new(re, le / 1000.0, fs, qms, qes).map_err(|e| {
                ctx.field_error("impedance_curve", "resonance".into(), e.to_string())
            })?;
            Ok(ImpedanceModel::Resonance(d))
        }
        (None, Some(other)) => Err(ctx.field_error(
            "impedance_curve.model",
            format!("{other:?}"),
            "allowed: \"resonance\" (or give file = \"curve.zma\")".into(),
        )),
        (Some(_), Some(_)) => Err(ctx.field_error(
            "impedance_curve.model",
            "(with file)".into(),
            "allowed: either file or model, not both".into(),
        )),
        (None, None) => Err(ctx.missing(
            "impedance_curve.file",
            "a .zma file path, model = \"resonance\" with its parameters, or points = \"f:ohm f:ohm …\"",
        )),
    }
}

/// A sparse curve from "freq_hz:ohm freq_hz:ohm …": at least two points, rising frequency.
fn sparse_curve(ctx: &Ctx, text: &str) -> Result<MeasuredCurve> {
    let allowed = "allowed: two or more \"freq_hz:ohm\" pairs separated by spaces, frequency rising, e.g. \"20:305 1000:320 20000:370\"";
    let bad = |why: &str| {
        ctx.field_error(
            "impedance_curve.points",
            format!("{text:?}"),
            format!("{why}; {allowed}"),
        )
    };
    let mut pts = vec![];
    for pair in text.split_whitespace() {
        let (f, z) = pair
            .split_once(':')
            .ok_or_else(|| bad(&format!("{pair:?} is not freq_hz:ohm")))?;
        let (Ok(f), Ok(z)) = (f.parse::<f64>(), z.parse::<f64>()) else {
            return Err(bad(&format!("{pair:?} is not two numbers")));
        };
        if !(f.is_finite() && f > 0.0 && f <= 1e6 && z.is_finite() && z > 0.0 && z <= 1e6) {
            return Err(bad(&format!("{pair:?} is out of range")));
        }
        pts.push(ImpedancePoint {
            frequency_hz: f,
            magnitude_ohm: z,
            phase_deg: 0.0,
        });
    }
    let mut curve = MeasuredCurve::new(pts, false).map_err(|e| bad(&e.to_string()))?;
    curve.sparse = true;
    Ok(curve)
}
