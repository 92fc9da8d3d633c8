//! `ampmatch track`: loudness, loudness range and true peak of files and folders.

use crate::out::outln;
use std::io::IsTerminal;

use ampmatch_audio::{
    Filtering, Isolation, TrackReport, WorkerCommand, analyze_batch, collect_files,
};
use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::TrackArgs;

fn opt(v: Option<f64>, unit: &str) -> String {
    v.map_or("—".into(), |x| format!("{x:.1} {unit}"))
}

/// Decoding happens in worker processes (this binary, `decode-worker`): a file that
/// crashes the decoder costs only its own result.
pub fn isolation() -> Result<Isolation> {
    let program = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot find this program to start decoders: {e}"))?;
    Ok(Isolation::Workers(WorkerCommand {
        program,
        args: vec!["decode-worker".into()],
        timeout_base: ampmatch_audio::worker::DEFAULT_TIMEOUT_BASE,
    }))
}

pub use ampmatch_app::track::{eq_factory, graphic_fit_db, graphic_fit_note};

/// An EQ preset file made ready to measure tracks through.
pub fn filtering(path: &std::path::Path) -> Result<Filtering> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("--eq {}: cannot read: {e}", path.display()))?;
    let name = path.file_name().map_or(path.display().to_string(), |n| {
        n.to_string_lossy().into_owned()
    });
    ampmatch_app::track::filtering(&text, &name, &path.display().to_string())
        .map_err(|e| anyhow::anyhow!("--eq: {e}"))
}

/// The hidden `decode-worker` subcommand.
pub fn worker() -> Result<()> {
    ampmatch_audio::worker::serve(&|text| eq_factory(text, "eq"))?;
    Ok(())
}

pub fn run(a: &TrackArgs) -> Result<()> {
    let files = collect_files(&a.paths);
    if files.is_empty() {
        bail!(
            "no audio files found in {}",
            a.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // A progress bar only for a person watching a terminal.
    let bar = if !a.json && std::io::stderr().is_terminal() && files.len() > 1 {
        let b = ProgressBar::new(files.len() as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let on_done = |r: &TrackReport| {
        if let Some(b) = &bar {
            b.set_message(r.path.clone());
            b.inc(1);
        }
    };
    let isolation = if a.decode_in_process {
        Isolation::InProcess
    } else {
        isolation()?
    };
    let filter = a.eq.as_deref().map(filtering).transpose()?;
    let batch = analyze_batch(&files, &isolation, filter.as_ref(), &on_done);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // A graphic preset is run through fitted filters: say how close they are.
    let fit = filter.as_ref().and_then(|f| graphic_fit_db(&f.text));
    if a.json {
        let mut v = serde_json::to_value(&batch)?;
        if let Some(db) = fit {
            v["eq_fit_db"] = serde_json::json!(db);
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        outln!(
            "{:>10} {:>9} {:>10} {:>10} {:>8} {:>9}  file",
            "integrated",
            "range",
            "true peak",
            "sample pk",
            "PLR",
            "duration"
        );
        for f in &batch.files {
            match &f.error {
                Some(e) => outln!("{:>62}  {} — error: {e}", "", f.path),
                None => outln!(
                    "{:>10} {:>9} {:>10} {:>10} {:>8} {:>9}  {}",
                    opt(f.integrated_lufs, "LUFS"),
                    opt(f.loudness_range_lu, "LU"),
                    opt(f.true_peak_dbtp, "dBTP"),
                    opt(f.sample_peak_dbfs, "dBFS"),
                    opt(f.plr_db, "dB"),
                    opt(f.duration_s, "s"),
                    f.path
                ),
            }
        }
        let al = &batch.album;
        outln!(
            "\nalbum ({} file(s)): {} integrated, {} range, {} true peak, PLR {}, {:.1} s",
            al.files,
            opt(al.integrated_lufs, "LUFS"),
            opt(al.loudness_range_lu, "LU"),
            opt(al.true_peak_dbtp, "dBTP"),
            opt(al.plr_db, "dB"),
            al.duration_s
        );
        if let (Some(db), Some(f)) = (fit, &filter) {
            outln!("\n{}", graphic_fit_note(&f.name, db));
        }
    }
    if batch.album.files == 0 {
        bail!("no file could be analysed");
    }
    Ok(())
}
