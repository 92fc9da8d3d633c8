//! Track analysis: decode any common audio file with symphonia, streamed packet by packet
//! into an EBU R128 meter (ebur128): integrated loudness (LUFS), loudness range (LU),
//! true peak (dBTP, 4× oversampled per ITU-R BS.1770), sample peak (dBFS), and a histogram
//! of sample magnitudes from which the share of samples above any level follows. Memory
//! does not grow with a track's length: nothing holds more than one packet of audio.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod decode;
mod histogram;
mod mp4edit;
mod truepeak;

use std::path::{Path, PathBuf};

use ebur128::{EbuR128, Mode};
use rayon::prelude::*;
use serde::Serialize;

pub use histogram::MagnitudeHistogram;

/// What can go wrong analysing a file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The file cannot be opened or read.
    #[error("{path}: cannot read: {message}")]
    Read {
        /// The file.
        path: String,
        /// What the system said.
        message: String,
    },
    /// The container or codec is not one we decode.
    #[error("{path}: unsupported: {message}")]
    Unsupported {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The data is damaged.
    #[error("{path}: corrupt: {message}")]
    Corrupt {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// The loudness meter refused the stream (e.g. too many channels).
    #[error("{path}: {message}")]
    Meter {
        /// The file.
        path: String,
        /// What the meter said.
        message: String,
    },
}

/// Result with the audio [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// File extensions a directory scan picks up.
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "flac", "wav", "wave", "mp3", "m4a", "mp4", "aac", "ogg", "oga", "aif", "aiff", "caf", "mka",
    "mkv", "webm",
];

/// The measurement of one file.
#[derive(Debug, Serialize)]
pub struct TrackReport {
    /// The file.
    pub path: String,
    /// Integrated loudness, LUFS (null for silence).
    pub integrated_lufs: Option<f64>,
    /// Loudness range, LU (null for silence or a file shorter than one 3 s window).
    pub loudness_range_lu: Option<f64>,
    /// Highest true peak over the channels, dBTP.
    pub true_peak_dbtp: Option<f64>,
    /// Highest sample peak over the channels, dBFS.
    pub sample_peak_dbfs: Option<f64>,
    /// Peak-to-loudness ratio, true peak − integrated loudness, dB.
    pub plr_db: Option<f64>,
    /// Duration, s.
    pub duration_s: Option<f64>,
    /// Null, or why the file could not be analysed.
    pub error: Option<String>,
    #[serde(skip)]
    meter: Option<Box<EbuR128>>,
    #[serde(skip)]
    histogram: Option<Box<MagnitudeHistogram>>,
}

impl TrackReport {
    /// The share of samples (over all channels) whose magnitude exceeds `level_dbfs`.
    pub fn fraction_above(&self, level_dbfs: f64) -> Option<f64> {
        self.histogram
            .as_ref()
            .map(|h| h.fraction_above(level_dbfs))
    }

    fn failed(path: &Path, error: Error) -> Self {
        Self {
            path: path.display().to_string(),
            integrated_lufs: None,
            loudness_range_lu: None,
            true_peak_dbtp: None,
            sample_peak_dbfs: None,
            plr_db: None,
            duration_s: None,
            error: Some(error.to_string()),
            meter: None,
            histogram: None,
        }
    }
}

/// The album: all files' gated blocks together.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlbumReport {
    /// Files analysed without error.
    pub files: usize,
    /// Album integrated loudness from every file's gating blocks, LUFS.
    pub integrated_lufs: Option<f64>,
    /// Album loudness range, LU.
    pub loudness_range_lu: Option<f64>,
    /// Highest true peak of any file, dBTP.
    pub true_peak_dbtp: Option<f64>,
    /// Highest sample peak of any file, dBFS.
    pub sample_peak_dbfs: Option<f64>,
    /// True peak − integrated loudness, dB.
    pub plr_db: Option<f64>,
    /// Total duration, s.
    pub duration_s: f64,
}

/// Files and album.
#[derive(Debug, Serialize)]
pub struct Batch {
    /// One entry per file, in the order given.
    pub files: Vec<TrackReport>,
    /// The album summary.
    pub album: AlbumReport,
}

fn db(x: f64) -> Option<f64> {
    (x > 0.0 && x.is_finite()).then(|| 20.0 * x.log10())
}

fn finite(x: std::result::Result<f64, ebur128::Error>) -> Option<f64> {
    x.ok().filter(|v| v.is_finite())
}

/// Analyses one file. Errors are returned in the report (`error`), never as a panic.
pub fn analyze_file(path: &Path) -> TrackReport {
    match measure(path) {
        Ok(r) => r,
        Err(e) => TrackReport::failed(path, e),
    }
}

fn measure(path: &Path) -> Result<TrackReport> {
    let label = path.display().to_string();
    let mut meter: Option<EbuR128> = None;
    let mut histogram = MagnitudeHistogram::new();
    let mut true_peak_meter: Option<truepeak::TruePeakMeter> = None;
    let stream = decode::decode(path, |spec, samples| {
        let m = match &mut meter {
            Some(m) => m,
            None => {
                // True peak is ours (truepeak.rs): the meter's 4× estimate over-reads
                // clipped material by about 0.5 dB.
                let mode = Mode::I | Mode::LRA | Mode::SAMPLE_PEAK | Mode::HISTOGRAM;
                let mut m = EbuR128::new(spec.channels as u32, spec.rate, mode).map_err(|e| {
                    Error::Meter {
                        path: label.clone(),
                        message: format!("{e:?}"),
                    }
                })?;
                if let Some(map) = &spec.map {
                    m.set_channel_map(map).map_err(|e| Error::Meter {
                        path: label.clone(),
                        message: format!("{e:?}"),
                    })?;
                }
                meter.insert(m)
            }
        };
        m.add_frames_f32(samples).map_err(|e| Error::Meter {
            path: label.clone(),
            message: format!("{e:?}"),
        })?;
        histogram.add(samples);
        true_peak_meter
            .get_or_insert_with(|| truepeak::TruePeakMeter::new(spec.channels))
            .add(samples);
        Ok(())
    })?;
    let Some(meter) = meter else {
        return Err(Error::Corrupt {
            path: label,
            message: "no audio frames could be decoded".into(),
        });
    };
    let channels = meter.channels();
    let peak = |f: &dyn Fn(u32) -> std::result::Result<f64, ebur128::Error>| {
        (0..channels)
            .filter_map(|c| f(c).ok())
            .fold(0.0f64, f64::max)
    };
    let true_peak = db(true_peak_meter
        .map(|t| t.finish().into_iter().fold(0.0, f64::max))
        .unwrap_or(0.0));
    let sample_peak = db(peak(&|c| meter.sample_peak(c)));
    let integrated = finite(meter.loudness_global());
    let duration = stream.frames as f64 / stream.rate as f64;
    // BS.1770's loudness range needs at least one 3 s short-term window.
    let lra = if duration >= 3.0 && integrated.is_some() {
        finite(meter.loudness_range())
    } else {
        None
    };
    Ok(TrackReport {
        path: label,
        integrated_lufs: integrated,
        loudness_range_lu: lra,
        true_peak_dbtp: true_peak,
        sample_peak_dbfs: sample_peak,
        plr_db: match (true_peak, integrated) {
            (Some(t), Some(i)) => Some(t - i),
            _ => None,
        },
        duration_s: Some(duration),
        error: None,
        meter: Some(Box::new(meter)),
        histogram: Some(Box::new(histogram)),
    })
}

/// The audio files named by `inputs`: files as given, directories scanned recursively for
/// [`AUDIO_EXTENSIONS`], sorted within each directory.
pub fn collect_files(inputs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// Analyses `files` in parallel over the cores; `on_done` is called as each finishes.
pub fn analyze_batch(files: &[PathBuf], on_done: &(dyn Fn(&TrackReport) + Sync)) -> Batch {
    let reports: Vec<TrackReport> = files
        .par_iter()
        .map(|p| {
            let r = analyze_file(p);
            on_done(&r);
            r
        })
        .collect();
    let meters: Vec<&EbuR128> = reports.iter().filter_map(|r| r.meter.as_deref()).collect();
    let integrated = if meters.is_empty() {
        None
    } else {
        finite(EbuR128::loudness_global_multiple(meters.iter().copied()))
    };
    let lra = if meters.is_empty() {
        None
    } else {
        finite(EbuR128::loudness_range_multiple(meters.iter().copied()))
    };
    let max_of = |f: fn(&TrackReport) -> Option<f64>| reports.iter().filter_map(f).reduce(f64::max);
    let true_peak = max_of(|r| r.true_peak_dbtp);
    let album = AlbumReport {
        files: meters.len(),
        integrated_lufs: integrated,
        loudness_range_lu: lra
            .filter(|_| reports.iter().filter_map(|r| r.duration_s).sum::<f64>() >= 3.0),
        true_peak_dbtp: true_peak,
        sample_peak_dbfs: max_of(|r| r.sample_peak_dbfs),
        plr_db: match (true_peak, integrated) {
            (Some(t), Some(i)) => Some(t - i),
            _ => None,
        },
        duration_s: reports.iter().filter_map(|r| r.duration_s).sum(),
    };
    Batch {
        files: reports,
        album,
    }
}
