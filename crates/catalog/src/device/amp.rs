//! Building an amplifier from its schema: each output's figures gathered from every
//! source, range-checked, arbitrated ([`super::claims`]) and turned into rating points.

use ampmatch_core::amplifier::{
    AmpClass, AmpOutput, Amplifier, Confidence, CurrentClaim, GainMode, Noise, OutputFilter,
    OutputKind, RatingPoint, Supply,
};
use ampmatch_core::evidence::{Note, NoteKind};
use ampmatch_core::impedance::SourceImpedance;
use ampmatch_core::units::shorten;

use super::claims::{Claim, pick};
use super::locate::{Ctx, check_name, fmt_value};
use super::schema::{AmpFile, Figures, OutputFile, SupplyKind, Weighting};
use super::{AmpDevice, meta};
use crate::error::{Error, Result};

pub(super) fn build_amp(ctx: &Ctx, f: AmpFile) -> Result<AmpDevice> {
    let meta = meta(ctx, f.id.clone(), &f.brand, &f.model, f.source.clone())?;
    if f.outputs.is_empty() {
        return Err(ctx.field_error(
            "outputs",
            "[]".into(),
            "required: at least one [[outputs]] table".into(),
        ));
    }
    let class = amp_class(ctx, f.class.as_deref())?;
    let mut outputs: Vec<AmpOutput> = Vec::new();
    for (oi, o) in f.outputs.iter().enumerate() {
        let opath = format!("outputs[{oi}]");
        check_name(ctx, &format!("{opath}.name"), &o.name)?;
        if outputs.iter().any(|x| x.name.eq_ignore_ascii_case(&o.name)) {
            return Err(ctx.field_error(
                &format!("{opath}.name"),
                format!("{:?}", o.name),
                "allowed: a name no other output of this amplifier has".into(),
            ));
        }
        let mut out = build_output(ctx, &f, o, &opath, class)?;
        if let Some(why) = &f.suspect {
            out.notes.insert(
                0,
                Note::new(
                    NoteKind::Suspect,
                    format!("this record fails a plausibility check ({why}); it is used as given"),
                ),
            );
        }
        outputs.push(out);
    }
    Ok(AmpDevice {
        amplifier: Amplifier {
            name: meta.name(),
            outputs,
        },
        meta,
        category: f.category,
        class: f.class,
    })
}

fn amp_class(ctx: &Ctx, class: Option<&str>) -> Result<Option<AmpClass>> {
    Ok(match class {
        None => None,
        Some("A") => Some(AmpClass::A),
        Some("AB" | "B") => Some(AmpClass::AB),
        Some("D") => Some(AmpClass::D),
        Some("tube") => Some(AmpClass::Tube),
        Some(other) => {
            return Err(ctx.field_error(
                "class",
                format!("{other:?}"),
                "allowed: \"A\", \"AB\", \"B\", \"D\" or \"tube\"".into(),
            ));
        }
    })
}

/// One source's figures for an output: where they sit in the file, how far they can be
/// trusted, and who gave them.
struct FigureSet<'a> {
    path: String,
    figures: Figures<'a>,
    confidence: Confidence,
    source: &'a str,
}

/// The figures several sources give for one quantity, before arbitration.
#[derive(Default)]
struct Claims<'a> {
    output_impedance: Vec<Claim<'a>>,
    gain: Vec<Claim<'a>>,
    noise: Vec<(Claim<'a>, Option<Weighting>)>,
}

fn build_output(
    ctx: &Ctx,
    f: &AmpFile,
    o: &OutputFile,
    opath: &str,
    class: Option<AmpClass>,
) -> Result<AmpOutput> {
    let mut out = AmpOutput::new(&o.name, o.kind);
    out.class = class;
    out.volume_control = o.volume_control.unwrap_or(true);
    for (mi, m) in o.gain_modes.iter().flatten().enumerate() {
        let path = format!("{opath}.gain_modes[{mi}]");
        check_name(ctx, &format!("{path}.name"), &m.name)?;
        if out
            .gain_modes
            .iter()
            .any(|g| g.name.eq_ignore_ascii_case(&m.name))
        {
            return Err(ctx.field_error(
                &format!("{path}.name"),
                format!("{:?}", m.name),
                "allowed: a name no other gain setting of this output has".into(),
            ));
        }
        out.gain_modes.push(GainMode {
            name: m.name.clone(),
            gain_db: ctx.range(
                &format!("{path}.gain_db"),
                m.gain_db,
                -60.0,
                false,
                80.0,
                "dB",
            )?,
        });
    }
    out.bridged = o.bridged;
    if o.bridged.is_some() && o.kind != OutputKind::Speaker {
        return Err(ctx.field_error(
            &format!("{opath}.bridged"),
            format!("{}", o.bridged.unwrap_or_default()),
            "allowed only on a speaker output (kind = \"speaker\"); a balanced headphone output is kind = \"balanced\"".into(),
        ));
    }
    out.min_load_ohm = o
        .min_load_ohm
        .map(|z| {
            ctx.range(
                &format!("{opath}.min_load_ohm"),
                z,
                0.0,
                true,
                10_000.0,
                "Ω",
            )
        })
        .transpose()?;
    if let Some(fl) = &o.output_filter {
        let p = |k: &str| format!("{opath}.output_filter.{k}");
        out.output_filter = Some(OutputFilter {
            l_h: ctx.range(&p("l_uh"), fl.l_uh, 0.0, true, 1e5, "µH")? * 1e-6,
            c_f: ctx.range(&p("c_uf"), fl.c_uf, 0.0, true, 1e5, "µF")? * 1e-6,
            post_filter_feedback: fl.post_filter_feedback,
        });
    }
    let sets = figure_sets(f, o, opath);
    let mut claims = Claims::default();
    let mut notes = Vec::new();
    for set in &sets {
        read_figures(ctx, &o.name, set, &mut out, &mut claims, &mut notes)?;
    }
    arbitrate(&o.name, &claims, &mut out, &mut notes);
    if let Some(n) = &o.note {
        notes.push(Note::new(
            NoteKind::Source,
            format!("note on the {} output: {n}", o.name),
        ));
    }
    out.notes = notes;
    out.supply = supply(ctx, o, opath)?;
    if let Some(base) = &o.bridged_from {
        check_bridged_from(ctx, f, opath, base, !sets.is_empty())?;
        out.bridged_from = Some(base.to_string());
    }
    Ok(out)
}

/// The figures written on the output itself and in each of its `[[outputs.sources]]`.
fn figure_sets<'a>(f: &'a AmpFile, o: &'a OutputFile, opath: &str) -> Vec<FigureSet<'a>> {
    let file_conf = f.confidence.unwrap_or(Confidence::User);
    let file_source = f.source.as_deref().unwrap_or("device file");
    let mut sets = Vec::new();
    let direct = o.figures();
    if !direct.is_empty() {
        sets.push(FigureSet {
            path: opath.to_string(),
            confidence: direct.confidence.unwrap_or(file_conf),
            source: direct.source.unwrap_or(file_source),
            figures: direct,
        });
    }
    for (si, s) in o.sources.iter().flatten().enumerate() {
        let fig = s.figures();
        sets.push(FigureSet {
            path: format!("{opath}.sources[{si}]"),
            confidence: fig.confidence.unwrap_or(file_conf),
            source: fig.source.unwrap_or(file_source),
            figures: fig,
        });
    }
    sets
}

/// Range-checks one source's figures: limits become rating points and current claims on
/// `out`; output impedance, gain and noise are collected for arbitration.
fn read_figures<'a>(
    ctx: &Ctx,
    output: &str,
    set: &'a FigureSet<'a>,
    out: &mut AmpOutput,
    claims: &mut Claims<'a>,
    notes: &mut Vec<Note>,
) -> Result<()> {
    let (fig, conf, src) = (&set.figures, set.confidence, set.source);
    let p = |k: &str| format!("{}.{k}", set.path);
    let claim = |value| Claim {
        value,
        confidence: conf,
        source: src,
    };
    let thd = fig
        .thd_pct
        .map(|t| ctx.range(&p("thd_pct"), t, 0.0, true, 100.0, "%"))
        .transpose()?;
    if let Some(v) = fig.output_impedance_ohm {
        let v = ctx.range(&p("output_impedance_ohm"), v, 0.0, false, 10_000.0, "Ω")?;
        claims.output_impedance.push(claim(v));
    }
    if let Some(v) = fig.gain_db {
        claims.gain.push(claim(ctx.range(
            &p("gain_db"),
            v,
            -60.0,
            false,
            80.0,
            "dB",
        )?));
    }
    if let Some(v) = fig.noise_uv {
        let v = ctx.range(&p("noise_uv"), v, 0.0, true, 1e6, "µV")?;
        claims.noise.push((claim(v), fig.noise_weighting));
    }
    if let Some((uv, how)) = derived_noise(ctx, set, &p)? {
        claims.noise.push((claim(uv), fig.noise_weighting));
        notes.push(Note::new(
            NoteKind::Assumption,
            format!(
                "the {output} output's noise is derived: {how} = {} µV",
                ampmatch_core::units::fmt_sig(uv)
            ),
        ));
    }
    // The conditions travel with each point so a report can say what a figure means.
    let src_full = match fig.conditions {
        Some(c) => format!("{src} [{c}]"),
        None => src.to_string(),
    };
    if fig.bound {
        notes.push(Note::new(
            NoteKind::Source,
            format!("the {output} output's figures from {} are bounds (\"<\" for output impedance and noise, \">\" for power and voltage): each is used as that conservative value, and the truth is at least as good", shorten(src, 70)),
        ));
    }
    if let Some(v) = fig.max_voltage_vrms {
        let v = ctx.range(&p("max_voltage_vrms"), v, 0.0, true, 1000.0, "V rms")?;
        out.ratings.push(RatingPoint {
            load_ohm: None,
            voltage_vrms: v,
            confidence: conf,
            source: src_full.clone(),
        });
    }
    if let Some(v) = fig.max_current_ma {
        let v = ctx.range(&p("max_current_ma"), v, 0.0, true, 1e6, "mA")?;
        let source = match fig.current_note {
            Some(n) => format!("{src} ({n})"),
            None => src.to_string(),
        };
        out.current_limits.push(CurrentClaim {
            current_a: v / 1000.0,
            confidence: conf,
            source,
        });
    }
    for pi in 0..fig.power.len() {
        out.ratings.push(power_point(ctx, set, pi, thd, &src_full)?);
    }
    if let Some(t) = thd
        && t >= 10.0
        && !fig.power.is_empty()
    {
        notes.push(Note::new(
            NoteKind::Assumption,
            format!("the {output} output's power figures were taken at {t} % THD; each is divided by 1.25 (10 % THD ≈ +25 % power) to describe the onset of clipping"),
        ));
    }
    Ok(())
}

/// Output noise from the other ways sources state it: in dBV (re 1 V), in dBu (re 0.7746 V),
/// or as a signal-to-noise ratio with the level it refers to (V_ref/10^(SNR/20)). An SNR
/// without its reference level says nothing about the noise voltage and is refused.
fn derived_noise(
    ctx: &Ctx,
    set: &FigureSet,
    p: &dyn Fn(&str) -> String,
) -> Result<Option<(f64, String)>> {
    let fig = &set.figures;
    if let Some(dbv) = fig.noise_dbv {
        let dbv = ctx.range(&p("noise_dbv"), dbv, -200.0, false, 0.0, "dBV")?;
        return Ok(Some((
            1e6 * 10f64.powf(dbv / 20.0),
            format!("10^({dbv}/20) V"),
        )));
    }
    if let Some(dbu) = fig.noise_dbu {
        let dbu = ctx.range(&p("noise_dbu"), dbu, -200.0, false, 0.0, "dBu")?;
        return Ok(Some((
            1e6 * 0.774_596_669 * 10f64.powf(dbu / 20.0),
            format!("0.7746 V·10^({dbu}/20)"),
        )));
    }
    match (fig.snr_db, fig.snr_ref_vrms) {
        (Some(snr), Some(vref)) => {
            let snr = ctx.range(&p("snr_db"), snr, 0.0, false, 200.0, "dB")?;
            let vref = ctx.range(&p("snr_ref_vrms"), vref, 0.0, true, 1000.0, "V rms")?;
            Ok(Some((
                1e6 * vref / 10f64.powf(snr / 20.0),
                format!("{vref} V / 10^({snr}/20), from an SNR of {snr} dB re {vref} V"),
            )))
        }
        (Some(snr), None) => Err(ctx.field_error(
            &p("snr_db"),
            format!("{snr}"),
            "allowed only with snr_ref_vrms, the level the ratio refers to (an SNR alone says nothing about the noise voltage)".into(),
        )),
        (None, Some(v)) => Err(ctx.field_error(
            &p("snr_ref_vrms"),
            format!("{v}"),
            "allowed only with snr_db".into(),
        )),
        (None, None) => Ok(None),
    }
}

/// The rating point of `power[pi]`: exactly one of power_mw, power_w or voltage_vrms into
/// load_ohm, as the voltage across the load.
fn power_point(
    ctx: &Ctx,
    set: &FigureSet,
    pi: usize,
    thd: Option<f64>,
    src_full: &str,
) -> Result<RatingPoint> {
    let pt = &set.figures.power[pi];
    let pp = |k: &str| format!("{}.power[{pi}].{k}", set.path);
    let Some(z) = pt.load_ohm else {
        return Err(ctx.missing(
            &pp("load_ohm"),
            "the load in Ω that the power or voltage figure is for",
        ));
    };
    let z = ctx.range(&pp("load_ohm"), z, 0.0, true, 1e6, "Ω")?;
    let v = match (pt.power_mw, pt.power_w, pt.voltage_vrms) {
        (Some(mw), None, None) => {
            (ctx.range(&pp("power_mw"), mw, 0.0, true, 1e7, "mW")? / 1000.0 * z).sqrt()
        }
        (None, Some(w), None) => (ctx.range(&pp("power_w"), w, 0.0, true, 1e4, "W")? * z).sqrt(),
        (None, None, Some(v)) => ctx.range(&pp("voltage_vrms"), v, 0.0, true, 1000.0, "V rms")?,
        _ => {
            return Err(Error::Field {
                file: ctx.file.into(),
                line: ctx.line_of("load_ohm", Some(&fmt_value(z))),
                field: format!("{}.power[{pi}]", set.path),
                value: "(several or none of power_mw, power_w, voltage_vrms)".into(),
                allowed: "required: exactly one of power_mw, power_w or voltage_vrms".into(),
            });
        }
    };
    // Power rated at 10 % THD is about 25 % above the 1 % clipping onset the fit models
    // (physics.md, "Amp power ratings").
    let (v, source) = match thd {
        Some(t) if t >= 10.0 => (
            v / 1.25f64.sqrt(),
            format!("{src_full} (rated at {t} % THD: power ÷ 1.25 for the 1 % clipping onset)"),
        ),
        _ => (v, src_full.to_string()),
    };
    Ok(RatingPoint {
        load_ohm: Some(z),
        voltage_vrms: v,
        confidence: set.confidence,
        source,
    })
}

/// One figure per quantity from the most trustworthy source; the others become conflicts.
fn arbitrate(output: &str, claims: &Claims, out: &mut AmpOutput, notes: &mut Vec<Note>) {
    out.output_impedance = pick(
        &claims.output_impedance,
        "output impedance",
        "Ω",
        output,
        0.10,
        false,
        notes,
    )
    .map(|ohm| SourceImpedance::Resistive { ohm });
    out.gain_db = pick(&claims.gain, "gain", "dB", output, 1.0, true, notes);
    let noise_claims: Vec<Claim> = claims
        .noise
        .iter()
        .map(|(c, _)| Claim {
            value: c.value,
            confidence: c.confidence,
            source: c.source,
        })
        .collect();
    if let Some(uv) = pick(&noise_claims, "noise", "µV", output, 0.25, false, notes) {
        let weighting = claims
            .noise
            .iter()
            .find(|(c, _)| c.value == uv)
            .and_then(|(_, w)| *w);
        out.noise = Some(Noise {
            noise_uv: uv,
            a_weighted: weighting.map(|w| matches!(w, Weighting::A)),
        });
    }
}

fn supply(ctx: &Ctx, o: &OutputFile, opath: &str) -> Result<Option<Supply>> {
    Ok(match o.supply {
        Some(SupplyKind::Bus5v) => Some(Supply::Bus { voltage_v: 5.0 }),
        Some(SupplyKind::Battery) => Some(Supply::Battery {
            capacity_mah: o
                .battery_capacity_mah
                .map(|c| {
                    let path = format!("{opath}.battery_capacity_mah");
                    ctx.range(&path, c, 0.0, true, 1e6, "mAh")
                })
                .transpose()?,
            voltage_v: o
                .battery_voltage_v
                .map(|v| {
                    let path = format!("{opath}.battery_voltage_v");
                    ctx.range(&path, v, 1.0, false, 60.0, "V")
                })
                .transpose()?,
        }),
        Some(SupplyKind::Mains) => Some(Supply::Mains),
        Some(SupplyKind::Other) => Some(Supply::Other {
            description: o.supply_note.clone().unwrap_or_default(),
        }),
        None => None,
    })
}

/// A bridged output has no figures of its own and names another, unbridged output.
fn check_bridged_from(
    ctx: &Ctx,
    f: &AmpFile,
    opath: &str,
    base: &str,
    has_figures: bool,
) -> Result<()> {
    let field = format!("{opath}.bridged_from");
    if has_figures {
        return Err(ctx.field_error(&field, format!("{base:?}"), "allowed only on an output with no figures of its own (it is derived from the named one)".into()));
    }
    let bases = || f.outputs.iter().filter(|x| x.bridged_from.is_none());
    if !bases().any(|x| x.name.eq_ignore_ascii_case(base)) {
        let names: Vec<&str> = bases().map(|x| x.name.as_str()).collect();
        return Err(ctx.field_error(
            &field,
            format!("{base:?}"),
            format!(
                "allowed: the name of another output of this amplifier ({})",
                names.join(", ")
            ),
        ));
    }
    Ok(())
}
