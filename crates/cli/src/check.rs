//! `ampmatch check`.

use ampmatch_catalog::{Catalog, Device, DeviceKind};
use ampmatch_core::analysis::{Settings, Target, analyze};
use anyhow::{Context, Result, bail};

use crate::args::CheckArgs;
use crate::human;
use crate::write::write_atomic;

fn in_range(flag: &str, v: f64, lo: f64, hi: f64, unit: &str) -> Result<f64> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(v)
    } else {
        bail!("--{flag} {v}: allowed: a number from {lo} to {hi} {unit}")
    }
}

/// Builds the target and settings from the flags, checking each.
pub fn target_and_settings(a: &CheckArgs) -> Result<(Target, Settings)> {
    let target = match (a.target_spl, a.average_spl, a.crest_factor) {
        (Some(t), _, _) => Target::Peak {
            spl_db: in_range("target-spl", t, 0.0, 160.0, "dB SPL")?,
        },
        (None, Some(avg), Some(cf)) => Target::AverageWithCrest {
            average_spl_db: in_range("average-spl", avg, 0.0, 160.0, "dB SPL")?,
            crest_factor_db: in_range("crest-factor", cf, 0.0, 40.0, "dB")?,
        },
        _ => Target::default(),
    };
    let mut settings = Settings::default();
    if let Some(h) = a.hiss_threshold {
        settings.hiss_threshold_db_spl = in_range("hiss-threshold", h, -20.0, 60.0, "dB SPL")?;
    }
    if let Some(v) = a.source_vrms {
        settings.source_full_scale_vrms = in_range("source-vrms", v, 0.01, 100.0, "V rms")?;
    }
    Ok((target, settings))
}

pub fn run(a: &CheckArgs) -> Result<()> {
    let (target, settings) = target_and_settings(a)?;
    let catalog = Catalog::builtin();
    let Device::Amplifier(amp) = catalog
        .resolve(&a.amp, DeviceKind::Amplifier)
        .context("--amp")?
    else {
        unreachable!("resolve returns the requested side")
    };
    let Device::Load(load) = catalog
        .resolve(&a.load, DeviceKind::Load)
        .context("--load")?
    else {
        unreachable!("resolve returns the requested side")
    };
    let output = amp
        .amplifier
        .select_output(a.output.as_deref(), false)
        .context("--output")?;
    let report = analyze(&amp.amplifier.name, &output, &load.load, target, &settings);
    if let Some(path) = &a.plot {
        let svg = ampmatch_plot::report_svg(&report, 900, 900).context("--plot")?;
        write_atomic(path, svg.as_bytes())?;
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", human::report(&report, &amp.meta.id, &load.meta.id));
        if let Some(p) = &a.plot {
            println!("\nplot written to {}", p.display());
        }
    }
    Ok(())
}
