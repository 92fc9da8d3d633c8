//! `ampmatch check`, and the setup flags shared with `matrix` and `rank`.

use ampmatch_app::{
    DeviceRef, FieldId, FileAccess, Naming, Setup, SetupInput, resolve_amp, resolve_load,
};
use ampmatch_catalog::{AmpDevice, Catalog, LoadDevice};
use ampmatch_core::analysis::{Report, TrackLevels, fold_track};
use anyhow::{Context as _, Result, bail};

use crate::args::{CheckArgs, SetupArgs};
use crate::write::write_atomic;

/// The flags, as the app's setup input (an EQ preset read from its file).
fn input(a: &SetupArgs) -> Result<SetupInput> {
    let eq = match &a.eq {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read_to_string(path)
                .with_context(|| format!("--eq {}: cannot read", path.display()))?,
        )),
        None => None,
    };
    let fr = match &a.fr {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("--fr {}: cannot read", path.display()))?;
            Some(
                ampmatch_catalog::zma::parse_fr(&text, &path.display().to_string())
                    .context("--fr")?,
            )
        }
        None => None,
    };
    let mut i = SetupInput {
        preset: a.preset.clone(),
        enclosure: a.enclosure.clone(),
        gain: a.gain.clone(),
        eq,
        fr,
        ..SetupInput::default()
    };
    i.set(FieldId::TargetSpl, a.target_spl)
        .set(FieldId::AverageSpl, a.average_spl)
        .set(FieldId::CrestFactor, a.crest_factor)
        .set(FieldId::HissThreshold, a.hiss_threshold)
        .set(FieldId::SourceVrms, a.source_vrms)
        .set(FieldId::Distance, a.distance_m)
        .set(FieldId::Speakers, a.speakers.map(f64::from))
        .set(FieldId::RoomGain, a.room_gain_db)
        .set(FieldId::CableLength, a.cable_m)
        .set(FieldId::CableAwg, a.cable_awg)
        .set(FieldId::CableMm2, a.cable_mm2)
        .set(FieldId::CableOhm, a.cable_ohm)
        .set(FieldId::BoxVolume, a.vb_l)
        .set(FieldId::BoxTuning, a.fb_hz)
        .set(FieldId::BoxQl, a.ql)
        .set(FieldId::EqRate, a.eq_rate);
    Ok(i)
}

/// Reads and checks the setup flags (and a listening level).
pub fn setup(a: &SetupArgs, listening_level: Option<f64>) -> Result<Setup> {
    let mut i = input(a)?;
    i.set(FieldId::ListeningLevel, listening_level);
    Setup::from_input(&i).map_err(|e| anyhow::anyhow!(e.render(Naming::Cli).1))
}

/// An app error in the CLI's terms: which flag it is about.
pub fn explain(e: ampmatch_app::Error) -> anyhow::Error {
    use ampmatch_app::Error as E;
    match e {
        E::Output(m) => anyhow::anyhow!("--output: {m}"),
        E::Gain(m) => anyhow::anyhow!("--gain: {m}"),
        E::Enclosure(ampmatch_catalog::Error::Field {
            field,
            value,
            allowed,
            file,
            ..
        }) if file == "command line" => anyhow::anyhow!("--box: {field} = {value}: {allowed}"),
        E::Enclosure(other) => anyhow::anyhow!("--box: {other}"),
        E::Setup(s) => anyhow::anyhow!(s.render(Naming::Cli).1),
        E::Catalog(c @ ampmatch_catalog::Error::WrongSide { .. }) => {
            let flag = match &c {
                ampmatch_catalog::Error::WrongSide { is, .. } if is == "amplifier" => "--amp",
                _ => "--load",
            };
            anyhow::anyhow!("{c}; did you mean {flag}?")
        }
        E::Catalog(c) => c.into(),
    }
}

/// Resolves an amplifier name, id or file.
pub fn amp(catalog: &Catalog, name: &str) -> Result<AmpDevice> {
    resolve_amp(
        catalog,
        &DeviceRef::Name(name.into()),
        FileAccess::Allowed,
        name,
    )
    .map_err(explain)
}

/// Resolves a load name, id or file.
pub fn load(catalog: &Catalog, name: &str) -> Result<LoadDevice> {
    resolve_load(
        catalog,
        &DeviceRef::Name(name.into()),
        FileAccess::Allowed,
        name,
    )
    .map_err(explain)
}

/// The output to analyse: the one named, except through an adapter, where the adapted
/// output is the amplifier's only one.
fn analysed_output(a: &CheckArgs) -> Option<&str> {
    if a.adapter.is_some() {
        None
    } else {
        a.output.as_deref()
    }
}

pub fn run(a: &CheckArgs) -> Result<()> {
    let setup = setup(&a.setup, a.listening_level)?;
    let catalog = Catalog::builtin();
    let amp = amp(&catalog, &a.amp).context("--amp")?;
    let load = load(&catalog, &a.load).context("--load")?;
    let amp = match &a.adapter {
        None => amp,
        Some(text) => {
            let parts: Vec<f64> = text
                .split(',')
                .map(|p| p.trim().parse::<f64>())
                .collect::<std::result::Result<_, _>>()
                .ok()
                .filter(|v: &Vec<f64>| v.len() == 2)
                .ok_or_else(|| {
                    anyhow::anyhow!("--adapter {text:?}: expected SERIES,SHUNT in Ω, e.g. 100,10")
                })?;
            let r = ampmatch_core::adapter::Resistors::new(parts[0], parts[1])
                .map_err(|e| anyhow::anyhow!("--adapter: {e}"))?;
            ampmatch_app::adapter::through(&amp, a.output.as_deref(), r).context("--adapter")?
        }
    };
    let report = match (&a.track, setup.listening_level_db) {
        (Some(path), Some(level)) => track_report(&setup, &amp, &load, a, path, level)?,
        _ => setup
            .analyze(&amp, &load, analysed_output(a))
            .map_err(explain)?,
    };
    if let Some(path) = &a.plot {
        // The name decides the format; anything else would put one format under another's name.
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let svg = || ampmatch_plot::report_svg(&report, 900, 900).context("--plot");
        if ext.eq_ignore_ascii_case("svg") {
            write_atomic(path, svg()?.as_bytes())?;
        } else if ext.eq_ignore_ascii_case("png") {
            let png = ampmatch_plot::svg_to_png(&svg()?, 2.0).context("--plot")?;
            write_atomic(path, &png)?;
        } else {
            bail!(
                "--plot {}: allowed: a .svg or .png name (the name decides the format)",
                path.display()
            );
        }
    }
    if let Some(path) = &a.correction_eq {
        let Some(points) = ampmatch_core::analysis::eq::correction_points(&report.curve, 4) else {
            bail!(
                "--correction-eq: the response deviation is not known for this pair (it needs the load's impedance curve and the output impedance)"
            );
        };
        write_atomic(path, ampmatch_core::eq::graphic_eq_text(&points).as_bytes())?;
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        crate::out::print(&crate::colour::report(&ampmatch_plot::text::report(
            &report,
            &amp.meta.id,
            &load.meta.id,
        )));
        if let Some(p) = &a.plot {
            println!("\nplot written to {}", p.display());
        }
    }
    Ok(())
}

/// A check whose target is a track played at `level`, with what the track clips.
fn track_report(
    setup: &Setup,
    amp: &AmpDevice,
    load: &LoadDevice,
    a: &CheckArgs,
    path: &std::path::Path,
    level: f64,
) -> Result<Report> {
    // With an EQ the track is measured after it, as the listener hears it.
    let filter = a
        .setup
        .eq
        .as_deref()
        .map(crate::track::filtering)
        .transpose()?;
    let track = ampmatch_audio::analyze_one(path, &crate::track::isolation()?, filter.as_ref());
    if let Some(e) = &track.error {
        bail!("--track: {e}");
    }
    let (Some(integrated_lufs), Some(true_peak_dbtp)) =
        (track.integrated_lufs, track.true_peak_dbtp)
    else {
        bail!(
            "--track {}: the track is silent (no integrated loudness)",
            path.display()
        );
    };
    let levels = TrackLevels {
        integrated_lufs,
        true_peak_dbtp,
    };
    let mut setup = setup.clone();
    setup.target = Some(levels.target(level));
    let mut report = setup
        .analyze(amp, load, analysed_output(a))
        .map_err(explain)?;
    fold_track(
        &mut report,
        levels,
        level,
        Some(&|dbfs| track.fraction_above(dbfs).unwrap_or(0.0)),
    );
    if let Some(f) = &filter
        && let Some(db) = crate::track::graphic_fit_db(&f.text)
    {
        report.findings.push(ampmatch_core::analysis::Finding {
            severity: ampmatch_core::analysis::Severity::Info,
            rule: ampmatch_core::analysis::Rule::EqGraphicFit,
            message: crate::track::graphic_fit_note(&f.name, db),
        });
    }
    Ok(report)
}
