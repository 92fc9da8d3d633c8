//! `ampmatch check`, and the setup shared with `ampmatch matrix`.

use ampmatch_catalog::{
    AmpDevice, Catalog, Device, DeviceKind, EnclosureFile, LoadDevice, PairSetup,
};
use ampmatch_core::analysis::{Context, Report, Settings, Target, TrackLevels, fold_track};
use ampmatch_core::chain::Cable;
use ampmatch_core::listening::{Listening, Preset};
use anyhow::{Context as _, Result, bail};

use crate::args::{CheckArgs, SetupArgs};
use crate::human;
use crate::write::write_atomic;

fn in_range(flag: &str, v: f64, lo: f64, hi: f64, unit: &str) -> Result<f64> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(v)
    } else {
        bail!("--{flag} {v}: allowed: a number from {lo} to {hi} {unit}")
    }
}

/// Everything from the flags except the devices, validated.
pub struct Setup(pub PairSetup);

impl Setup {
    /// Reads and checks the flags.
    pub fn from_args(a: &SetupArgs) -> Result<Self> {
        let target = match (a.target_spl, a.average_spl, a.crest_factor) {
            (Some(t), _, _) => Some(Target::Peak {
                spl_db: in_range("target-spl", t, 0.0, 160.0, "dB SPL")?,
            }),
            (None, Some(avg), Some(cf)) => Some(Target::AverageWithCrest {
                average_spl_db: in_range("average-spl", avg, 0.0, 160.0, "dB SPL")?,
                crest_factor_db: in_range("crest-factor", cf, 0.0, 40.0, "dB")?,
            }),
            _ => None,
        };
        let mut settings = Settings::default();
        if let Some(h) = a.hiss_threshold {
            settings.hiss_threshold_db_spl = in_range("hiss-threshold", h, -20.0, 60.0, "dB SPL")?;
        }
        if let Some(v) = a.source_vrms {
            settings.source_full_scale_vrms = in_range("source-vrms", v, 0.01, 100.0, "V rms")?;
        }
        let d = Listening::default();
        let listening = Listening::new(
            in_range(
                "distance-m",
                a.distance_m.unwrap_or(d.distance_m),
                0.01,
                10_000.0,
                "m",
            )?,
            a.speakers.unwrap_or(d.speakers),
            in_range(
                "room-gain-db",
                a.room_gain_db.unwrap_or(d.room_gain_db),
                -20.0,
                20.0,
                "dB",
            )?,
        )
        .map_err(|e| anyhow::anyhow!("--speakers: {e}"))?;
        let cable = match (a.cable_ohm, a.cable_m, a.cable_awg, a.cable_mm2) {
            (Some(r), ..) => Some(Cable::from_resistance(r)?),
            (None, Some(len), Some(awg), None) => Some(Cable::copper_awg(len, awg)?),
            (None, Some(len), None, Some(mm2)) => Some(Cable::copper_mm2(len, mm2)?),
            (None, Some(_), None, None) => {
                bail!("--cable-m needs --cable-awg or --cable-mm2 (the conductor size)")
            }
            _ => None,
        };
        let enclosure = match &a.enclosure {
            Some(kind) => Some(EnclosureFile::new(kind, a.vb_l, a.fb_hz, a.ql)?),
            None if a.vb_l.is_some() || a.fb_hz.is_some() || a.ql.is_some() => {
                bail!("--vb-l, --fb-hz and --ql need --box sealed or --box vented")
            }
            None => None,
        };
        Ok(Self(PairSetup {
            target,
            preset: a.preset.as_deref().and_then(Preset::parse),
            context: Context {
                listening,
                preset: None,
                cable,
            },
            settings,
            enclosure,
        }))
    }

    /// Analyses one pairing (see [`PairSetup::analyze`]).
    pub fn analyze(
        &self,
        amp: &AmpDevice,
        load: &LoadDevice,
        output: Option<&str>,
    ) -> Result<Report> {
        self.0.analyze(amp, load, output).map_err(|e| match e {
            ampmatch_catalog::Error::Field { field, allowed, .. } if field == "output" => {
                anyhow::anyhow!("--output: {allowed}")
            }
            ampmatch_catalog::Error::Field {
                field,
                value,
                allowed,
                file,
                ..
            } if file == "command line" => anyhow::anyhow!("--box: {field} = {value}: {allowed}"),
            other => anyhow::anyhow!("--box: {other}"),
        })
    }
}

/// Resolves an amplifier name, id or file.
pub fn resolve_amp(catalog: &Catalog, name: &str) -> Result<AmpDevice> {
    match catalog.resolve(name, DeviceKind::Amplifier)? {
        Device::Amplifier(a) => Ok(a),
        Device::Load(_) => unreachable!("resolve returns the requested side"),
    }
}

/// Resolves a load name, id or file.
pub fn resolve_load(catalog: &Catalog, name: &str) -> Result<LoadDevice> {
    match catalog.resolve(name, DeviceKind::Load)? {
        Device::Load(l) => Ok(l),
        Device::Amplifier(_) => unreachable!("resolve returns the requested side"),
    }
}

pub fn run(a: &CheckArgs) -> Result<()> {
    let setup = Setup::from_args(&a.setup)?;
    let catalog = Catalog::builtin();
    let amp = resolve_amp(&catalog, &a.amp).context("--amp")?;
    let load = resolve_load(&catalog, &a.load).context("--load")?;
    let report = match (&a.track, a.listening_level) {
        (Some(path), Some(level)) => {
            let level = in_range("listening-level", level, 0.0, 140.0, "dB SPL")?;
            let track = ampmatch_audio::analyze_file(path);
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
            let mut setup = setup;
            setup.0.target = Some(levels.target(level));
            let mut report = setup.analyze(&amp, &load, a.output.as_deref())?;
            fold_track(&mut report, levels, level, &|dbfs| {
                track.fraction_above(dbfs).unwrap_or(0.0)
            });
            report
        }
        _ => setup.analyze(&amp, &load, a.output.as_deref())?,
    };
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
