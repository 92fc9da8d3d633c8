//! Track analysis: decode any common audio file with symphonia, streamed packet by packet
//! into an EBU R128 meter (ebur128): integrated loudness (LUFS), loudness range (LU),
//! true peak (dBTP, 4× oversampled per ITU-R BS.1770), sample peak (dBFS), and a histogram
//! of sample magnitudes from which the share of samples above any level follows. Memory
//! does not grow with a track's length: nothing holds more than one packet of audio.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod blocks;
mod decode;
mod histogram;
mod mp4edit;
mod truepeak;
pub mod worker;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ebur128::{EbuR128, Mode};
use serde::{Deserialize, Serialize};

pub use blocks::{AlbumBlocks, FileBlocks};
use decode::{Input, Spec};
pub use histogram::MagnitudeHistogram;
pub use worker::{Isolation, WorkerCommand};

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
    /// The decoder crashed on the file (a panic, or its worker process died).
    #[error("{path}: cannot decode: {message}")]
    Crashed {
        /// The file.
        path: String,
        /// How it ended.
        message: String,
    },
    /// A directory could not be listed.
    #[error("{path}: cannot list the folder: {message}")]
    Unlistable {
        /// The directory.
        path: String,
        /// What the system said.
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

/// Makes the per-file filter for a stream of `rate` Hz and `channels` channels: it runs on
/// the interleaved samples in place, before they are measured.
pub type FilterFactory = dyn Fn(u32, usize) -> Box<Filter> + Send + Sync;

/// One stream's filter: runs on interleaved samples in place, keeping its state.
pub type Filter = dyn FnMut(&mut [f32]) + Send;

/// A filter to measure tracks through (an EQ preset): its text, which is what crosses to a
/// decoder worker, its name for reports, and the factory built from it in this process.
pub struct Filtering {
    /// The name reports carry in `eq` (the preset's file name).
    pub name: String,
    /// The preset's text, sent to decoder workers (which build their own factory).
    pub text: String,
    /// The filter for a stream.
    pub make: Box<FilterFactory>,
}

/// The measurement of one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// The EQ preset the figures were measured through (absent without one).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub eq: Option<String>,
    #[serde(skip)]
    blocks: FileBlocks,
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

    /// A report that says only why `path` could not be analysed.
    pub fn failed(path: &str, error: &Error) -> Self {
        Self {
            path: path.to_string(),
            integrated_lufs: None,
            loudness_range_lu: None,
            true_peak_dbtp: None,
            sample_peak_dbfs: None,
            plr_db: None,
            duration_s: None,
            error: Some(error.to_string()),
            eq: None,
            blocks: FileBlocks::default(),
            histogram: None,
        }
    }

    /// Drops what only the album or `fraction_above` need, once they have had it.
    fn slim(&mut self) {
        self.blocks = FileBlocks::default();
        self.histogram = None;
    }
}

/// The album: all files' gated blocks together.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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

/// Analyses one file in this process, keeping what `fraction_above` needs. Errors, and a
/// panic inside the decoder, come back in the report (`error`); an allocation failure in
/// the decoder would still end the process, which is why the CLI decodes through
/// [`worker`] processes.
pub fn analyze_file(path: &Path) -> TrackReport {
    analyze(&Input::Path(path), None)
}

/// As [`analyze_file`], measuring the samples after `filter` (an EQ).
pub fn analyze_file_filtered(path: &Path, filter: Option<&Filtering>) -> TrackReport {
    analyze(&Input::Path(path), filter)
}

/// Analyses a file's bytes (`ext`: its extension, the container hint), as
/// [`analyze_file`]: the fuzz target's way in.
pub fn analyze_bytes(data: &[u8], ext: Option<&str>) -> TrackReport {
    analyze(&Input::Bytes { data, ext }, None)
}

fn analyze(input: &Input, filter: Option<&Filtering>) -> TrackReport {
    let label = &input.label();
    let run = || {
        measure(input, filter).map(|mut r| {
            r.eq = filter.map(|f| f.name.clone());
            r
        })
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => TrackReport::failed(label, &e),
        Err(_) => TrackReport::failed(
            label,
            &Error::Crashed {
                path: label.to_string(),
                message: "the decoder failed on this file's data".into(),
            },
        ),
    }
}

/// The loudness meter fed in 100 ms pieces aligned with its own blocks, so that after each
/// piece its momentary (400 ms) and short-term (3 s) loudness are exactly the gating blocks
/// it just formed — the blocks the album pools.
struct Meter {
    meter: EbuR128,
    channels: usize,
    frames_per_100ms: u64,
    fed: u64,
    blocks: FileBlocks,
}

impl Meter {
    fn new(spec: &Spec, label: &str) -> Result<Self> {
        let err = |e: ebur128::Error| Error::Meter {
            path: label.to_string(),
            message: format!("{e:?}"),
        };
        // The meter filters and forms blocks; gating is ours (blocks.rs), exact to 0.01 LU
        // where the meter's histogram mode is 0.1 LU, and the same for a file and an
        // album. True peak is ours too (truepeak.rs): the meter's 4× estimate over-reads
        // clipped material by about 0.5 dB.
        let mode = Mode::S | Mode::SAMPLE_PEAK;
        let mut meter = EbuR128::new(spec.channels as u32, spec.rate, mode).map_err(err)?;
        if let Some(map) = &spec.map {
            meter.set_channel_map(map).map_err(err)?;
        }
        Ok(Self {
            meter,
            channels: spec.channels,
            // As libebur128 rounds it.
            frames_per_100ms: (spec.rate as u64 + 5) / 10,
            fed: 0,
            blocks: FileBlocks::default(),
        })
    }

    fn add(&mut self, mut samples: &[f32]) -> std::result::Result<(), ebur128::Error> {
        while !samples.is_empty() {
            let to_boundary = self.frames_per_100ms - self.fed % self.frames_per_100ms;
            let frames = to_boundary.min((samples.len() / self.channels) as u64) as usize;
            let (now, rest) = samples.split_at(frames * self.channels);
            self.meter.add_frames_f32(now)?;
            self.fed += frames as u64;
            samples = rest;
            if self.fed.is_multiple_of(self.frames_per_100ms) {
                // The meter forms a 400 ms block at every 100 ms from 400 ms on, and a 3 s
                // block at 3 s and every second after (libebur128's steps).
                let tenths = self.fed / self.frames_per_100ms;
                if tenths >= 4 {
                    self.blocks.push_momentary(self.meter.loudness_momentary()?);
                }
                if tenths >= 30 && (tenths - 30).is_multiple_of(10) {
                    self.blocks
                        .push_short_term(self.meter.loudness_shortterm()?);
                }
            }
            if frames == 0 {
                break;
            }
        }
        Ok(())
    }
}

fn measure(input: &Input, filtering: Option<&Filtering>) -> Result<TrackReport> {
    let label = input.label();
    let mut meter: Option<Meter> = None;
    let mut histogram = MagnitudeHistogram::new();
    let mut true_peak_meter: Option<truepeak::TruePeakMeter> = None;
    let mut filter: Option<Box<Filter>> = None;
    let mut filtered: Vec<f32> = Vec::new();
    let stream = decode::decode(input, |spec, samples| {
        let samples = match filtering {
            None => samples,
            Some(f) => {
                let run = filter.get_or_insert_with(|| (f.make)(spec.rate, spec.channels));
                filtered.clear();
                filtered.extend_from_slice(samples);
                run(&mut filtered);
                &filtered[..]
            }
        };
        let m = match &mut meter {
            Some(m) => m,
            None => meter.insert(Meter::new(spec, &label)?),
        };
        m.add(samples).map_err(|e| Error::Meter {
            path: label.clone(),
            message: format!("{e:?}"),
        })?;
        histogram.add(samples);
        true_peak_meter
            .get_or_insert_with(|| truepeak::TruePeakMeter::new(spec.channels))
            .add(samples);
        Ok(())
    })?;
    let Some(Meter { meter, blocks, .. }) = meter else {
        return Err(Error::Corrupt {
            path: label,
            message: "no audio frames could be decoded".into(),
        });
    };
    let channels = meter.channels();
    let sample_peak = (0..channels)
        .filter_map(|c| meter.sample_peak(c).ok())
        .fold(0.0f64, f64::max);
    // The true peak estimates the continuous signal's peak, which passes through every
    // sample: it is never below the sample peak (a one-sample file's interpolation can
    // fall short of it).
    let true_peak = true_peak_meter
        .map(|t| t.finish().into_iter().fold(0.0, f64::max))
        .unwrap_or(0.0)
        .max(sample_peak);
    let (true_peak, sample_peak) = (db(true_peak), db(sample_peak));
    let mut gated = AlbumBlocks::new();
    gated.add(&blocks);
    let integrated = gated.integrated_lufs();
    let duration = stream.frames as f64 / stream.rate as f64;
    // BS.1770's loudness range needs at least one 3 s short-term window.
    let lra = if duration >= 3.0 && integrated.is_some() {
        gated.loudness_range_lu()
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
        eq: None,
        blocks,
        histogram: Some(Box::new(histogram)),
    })
}

/// One thing a scan found: a file to analyse, or a folder it could not list.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// An audio file.
    File(PathBuf),
    /// A folder that could not be listed (it appears in the batch as an error).
    Unlistable {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        message: String,
    },
}

impl Item {
    /// The file, when this is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Item::File(p) => Some(p),
            Item::Unlistable { .. } => None,
        }
    }
}

fn is_audio(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// The audio files named by `inputs`: files as given, directories scanned recursively for
/// [`AUDIO_EXTENSIONS`], sorted within each directory. Each directory and file is visited
/// once however many links lead to it (canonical paths), so a symlink loop ends at once;
/// a directory that cannot be listed becomes an [`Item::Unlistable`].
pub fn collect_files(inputs: &[PathBuf]) -> Vec<Item> {
    struct Walk {
        seen: std::collections::HashSet<PathBuf>,
        out: Vec<Item>,
    }
    impl Walk {
        /// True the first time a path (by its canonical form) is met.
        fn first_visit(&mut self, p: &Path) -> bool {
            let key = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            self.seen.insert(key)
        }

        fn dir(&mut self, dir: &Path) {
            if !self.first_visit(dir) {
                return;
            }
            let rd = match std::fs::read_dir(dir) {
                Ok(rd) => rd,
                Err(e) => {
                    self.out.push(Item::Unlistable {
                        path: dir.to_path_buf(),
                        message: e.to_string(),
                    });
                    return;
                }
            };
            let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
            entries.sort();
            for p in entries {
                if p.is_dir() {
                    self.dir(&p);
                } else if is_audio(&p) && self.first_visit(&p) {
                    self.out.push(Item::File(p));
                }
            }
        }
    }
    let mut walk = Walk {
        seen: Default::default(),
        out: Vec::new(),
    };
    for p in inputs {
        if p.is_dir() {
            walk.dir(p);
        } else if walk.first_visit(p) {
            walk.out.push(Item::File(p.clone()));
        }
    }
    walk.out
}

/// Analyses one file as `isolation` says, keeping what [`TrackReport::fraction_above`]
/// needs.
pub fn analyze_one(path: &Path, isolation: &Isolation, filter: Option<&Filtering>) -> TrackReport {
    match isolation {
        Isolation::InProcess => analyze_file_filtered(path, filter),
        Isolation::Workers(cmd) => worker::Client::new(cmd.clone()).analyze(path, true, filter),
    }
}

/// The album as files finish: pooled blocks and running totals, never the files' meters.
#[derive(Default)]
struct Album {
    blocks: AlbumBlocks,
    files: usize,
    duration_s: f64,
    true_peak_dbtp: Option<f64>,
    sample_peak_dbfs: Option<f64>,
}

impl Album {
    fn add(&mut self, r: &TrackReport) {
        if r.error.is_some() {
            return;
        }
        self.blocks.add(&r.blocks);
        self.files += 1;
        self.duration_s += r.duration_s.unwrap_or(0.0);
        let max = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, y) => x.or(y),
        };
        self.true_peak_dbtp = max(self.true_peak_dbtp, r.true_peak_dbtp);
        self.sample_peak_dbfs = max(self.sample_peak_dbfs, r.sample_peak_dbfs);
    }

    fn report(&self) -> AlbumReport {
        let integrated = self.blocks.integrated_lufs();
        AlbumReport {
            files: self.files,
            integrated_lufs: integrated,
            loudness_range_lu: self
                .blocks
                .loudness_range_lu()
                .filter(|_| self.duration_s >= 3.0 && integrated.is_some()),
            true_peak_dbtp: self.true_peak_dbtp,
            sample_peak_dbfs: self.sample_peak_dbfs,
            plr_db: match (self.true_peak_dbtp, integrated) {
                (Some(t), Some(i)) => Some(t - i),
                _ => None,
            },
            duration_s: self.duration_s,
        }
    }
}

/// Analyses `items` over the cores (one worker process per core when `isolation` says
/// so); `on_done` is called as each finishes. Memory stays flat in the number of files:
/// each report is slimmed to its figures once the album has its blocks.
pub fn analyze_batch(
    items: &[Item],
    isolation: &Isolation,
    filter: Option<&Filtering>,
    on_done: &(dyn Fn(&TrackReport) + Sync),
) -> Batch {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<TrackReport>>> = Mutex::new(vec![None; items.len()]);
    let album = Mutex::new(Album::default());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut client = match isolation {
                    Isolation::Workers(cmd) => Some(worker::Client::new(cmd.clone())),
                    Isolation::InProcess => None,
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let mut r = match (item, &mut client) {
                        (Item::Unlistable { path, message }, _) => {
                            let label = path.display().to_string();
                            TrackReport::failed(
                                &label,
                                &Error::Unlistable {
                                    path: label.clone(),
                                    message: message.clone(),
                                },
                            )
                        }
                        (Item::File(p), Some(c)) => c.analyze(p, false, filter),
                        (Item::File(p), None) => analyze_file_filtered(p, filter),
                    };
                    if let Ok(mut a) = album.lock() {
                        a.add(&r);
                    }
                    r.slim();
                    on_done(&r);
                    if let Ok(mut s) = slots.lock() {
                        s[i] = Some(r);
                    }
                }
            });
        }
    });
    let files = slots
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect();
    let album = album.into_inner().unwrap_or_default().report();
    Batch { files, album }
}
