//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Can this amplifier drive that headphone, and how well? The physics, shown.
#[derive(Debug, Parser)]
#[command(
    name = "ampmatch",
    version,
    about = "Can this amplifier drive that headphone, IEM or speaker, and how well? The physics, shown."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour on terminals: auto (when stdout is a terminal and NO_COLOR is unset),
    /// always, or never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto",
          value_parser = ["auto", "always", "never"])]
    pub color: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check one amplifier output driving one load.
    Check(CheckArgs),
    /// Measure tracks: EBU R128 loudness, loudness range, true peak, PLR (files or folders).
    Track(TrackArgs),
    /// Serve the web page and the JSON API.
    Serve {
        /// Address to listen on (loopback by default; use 0.0.0.0:PORT to open it up).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
    },
    /// Rank the catalog: amplifiers for a load (--load), or loads for an amplifier (--amp).
    Rank(RankArgs),
    /// Verdicts of every amplifier × load pair, as a table.
    Matrix(MatrixArgs),
    /// Search and show the built-in catalog; validate, import or start your own device files.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Turn multimeter readings into device-file figures (output impedance, maximum output).
    Measure {
        #[command(subcommand)]
        command: MeasureCommand,
    },
    /// Headphone amps vs speaker amps, recomputed from the catalog: classes, claims, who
    /// drives what.
    Explain {
        /// Print one JSON object: {"classes", "loads", "claims", "drive"}.
        #[arg(long)]
        json: bool,
    },
    /// Design a resistor adapter (series + shunt) to run headphones from a speaker amplifier.
    Adapter(AdapterArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout: `ampmatch man > ampmatch.1`.
    Man,
    /// Internal: decode the files named on stdin, one JSON line each (what `track` and
    /// `check --track` start so that a file that crashes the decoder costs only itself).
    #[command(hide = true)]
    DecodeWorker,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Amplifier: catalog name, id, or a device file (.toml).
    #[arg(long)]
    pub amp: String,
    /// Load (headphone, IEM, loudspeaker or driver): catalog name, id, or a device file (.toml).
    #[arg(long)]
    pub load: String,
    /// Output of the amplifier to use (default: the one that suits the load).
    #[arg(long)]
    pub output: Option<String>,
    #[command(flatten)]
    pub setup: SetupArgs,
    /// A track (FLAC, WAV, MP3, AAC/M4A, Ogg Vorbis) whose loudness and true peak set the
    /// target: the level you play it at plus its peak-to-loudness ratio.
    #[arg(long, value_name = "FILE", requires = "listening_level", conflicts_with_all = ["target_spl", "average_spl"])]
    pub track: Option<PathBuf>,
    /// The SPL you set for the track's integrated loudness (at the ear, or at the seat).
    #[arg(long, value_name = "DB", requires = "track")]
    pub listening_level: Option<f64>,
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Write the charts (impedance, deviation, maximum SPL…) as SVG or PNG, by the name's extension.
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    pub plot: Option<PathBuf>,
    /// Analyse the output through a resistor adapter: SERIES,SHUNT in Ω (see `adapter`).
    #[arg(long, value_name = "SERIES,SHUNT")]
    pub adapter: Option<String>,
    /// Write a GraphicEQ (Equalizer APO) that cancels the response deviation this output
    /// impedance causes with this load (needs a known impedance curve and output impedance).
    #[arg(long, value_name = "FILE.txt")]
    pub correction_eq: Option<PathBuf>,
}

/// `ampmatch track`.
#[derive(Debug, Args)]
pub struct TrackArgs {
    /// Audio files or folders (scanned recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print one JSON object: {"files": [...], "album": {...}}.
    #[arg(long)]
    pub json: bool,
    /// Measure through an EQ preset (ParametricEQ.txt): loudness and true peak after its
    /// filters and preamp, at each file's own sample rate.
    #[arg(long, value_name = "FILE")]
    pub eq: Option<PathBuf>,
    /// Decode in this process instead of worker processes (for measuring what the
    /// isolation costs; a file that crashes the decoder then ends the whole run).
    #[arg(long, hide = true)]
    pub decode_in_process: bool,
}

/// `ampmatch adapter`.
#[derive(Debug, Args)]
pub struct AdapterArgs {
    /// The speaker amplifier: catalog name, id, or a device file (.toml).
    #[arg(long)]
    pub amp: String,
    /// The headphone: catalog name, id, or a device file (.toml).
    #[arg(long)]
    pub load: String,
    /// The amplifier output to use (default: its speaker output).
    #[arg(long)]
    pub output: Option<String>,
    /// The loudest full output may be at the ear, dB SPL peak (with the headphone's higher
    /// sensitivity reading).
    #[arg(long, value_name = "DB", default_value_t = 120.0)]
    pub max_spl: f64,
    /// The source impedance to aim for, Ω (default: 1/8 of the headphone's lowest
    /// impedance).
    #[arg(long, value_name = "OHM")]
    pub source_ohm: Option<f64>,
    /// Print the design as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ampmatch rank`.
#[derive(Debug, Args)]
pub struct RankArgs {
    /// Rank the catalog's loads for this amplifier.
    #[arg(long, conflicts_with = "load", required_unless_present = "load")]
    pub amp: Option<String>,
    /// Rank the catalog's amplifiers for this load.
    #[arg(long)]
    pub load: Option<String>,
    /// Only loads of this type (with --amp).
    #[arg(long, value_parser = ["headphone", "speaker", "driver"], requires = "amp")]
    pub kind: Option<String>,
    /// Also outputs not meant for the load's kind (speaker terminals for a headphone,
    /// headphone jacks for a loudspeaker); by default they are left out.
    #[arg(long)]
    pub all_outputs: bool,
    /// How many to show.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[command(flatten)]
    pub setup: SetupArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ampmatch matrix`: every amplifier against every load.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Amplifiers (repeat the flag).
    #[arg(long = "amp", required = true)]
    pub amps: Vec<String>,
    /// Loads (repeat the flag).
    #[arg(long = "load", required = true)]
    pub loads: Vec<String>,
    #[command(flatten)]
    pub setup: SetupArgs,
    /// Print JSON: one object per pair with the verdict and key figures.
    #[arg(long)]
    pub json: bool,
}

/// Target, listening context, cable, box and thresholds; shared by check and matrix.
#[derive(Debug, Args, Clone)]
pub struct SetupArgs {
    /// Peak SPL to reach: at the ear for headphones (default 110), at the seat for
    /// loudspeakers (default: the preset's average + headroom).
    #[arg(long, value_name = "DB", conflicts_with_all = ["average_spl", "crest_factor"])]
    pub target_spl: Option<f64>,
    /// Average listening level, dB SPL (with --crest-factor instead of --target-spl).
    #[arg(long, value_name = "DB", requires = "crest_factor")]
    pub average_spl: Option<f64>,
    /// Peak-to-average ratio of the music, dB (with --average-spl).
    #[arg(long, value_name = "DB", requires = "average_spl")]
    pub crest_factor: Option<f64>,
    /// Hiss at or above this SPL counts as audible, dB SPL (default 10).
    #[arg(long, value_name = "DB")]
    pub hiss_threshold: Option<f64>,
    /// Full-scale output of the source feeding the amplifier, V rms (default 2).
    #[arg(long, value_name = "VRMS")]
    pub source_vrms: Option<f64>,
    /// Loudspeakers: listening distance, m (default 2.5).
    #[arg(long, value_name = "M", allow_negative_numbers = true)]
    pub distance_m: Option<f64>,
    /// Loudspeakers: number of speakers playing (default 2).
    #[arg(long, value_name = "N")]
    pub speakers: Option<u32>,
    /// Loudspeakers: room/boundary gain, dB (default 3; 0 = free field).
    #[arg(long, value_name = "DB", allow_negative_numbers = true)]
    pub room_gain_db: Option<f64>,
    /// Loudspeakers: average level + headroom at the seat (default music = 85 + 17 dB).
    #[arg(long, value_parser = ["background", "music", "cinema", "party"])]
    pub preset: Option<String>,
    /// Speaker cable length (one way), m; with --cable-awg or --cable-mm2.
    #[arg(long, value_name = "M", allow_negative_numbers = true)]
    pub cable_m: Option<f64>,
    /// Speaker cable gauge, AWG.
    #[arg(
        long,
        value_name = "AWG",
        requires = "cable_m",
        conflicts_with = "cable_mm2"
    )]
    pub cable_awg: Option<f64>,
    /// Speaker cable conductor cross-section, mm².
    #[arg(long, value_name = "MM2", requires = "cable_m")]
    pub cable_mm2: Option<f64>,
    /// Speaker cable loop resistance, Ω (instead of length and gauge).
    #[arg(long, value_name = "OHM", conflicts_with_all = ["cable_m", "cable_awg", "cable_mm2"])]
    pub cable_ohm: Option<f64>,
    /// Drivers: put the driver in a box (uses its Thiele-Small parameters).
    #[arg(long = "box", value_name = "TYPE", value_parser = ["free-air", "sealed", "vented"])]
    pub enclosure: Option<String>,
    /// Box volume, litres (sealed or vented).
    #[arg(long, value_name = "L", allow_negative_numbers = true)]
    pub vb_l: Option<f64>,
    /// Vented box tuning, Hz.
    #[arg(long, value_name = "HZ", allow_negative_numbers = true)]
    pub fb_hz: Option<f64>,
    /// Vented box loss Q (default 7).
    #[arg(long, value_name = "Q")]
    pub ql: Option<f64>,
    /// The gain setting to use, by name, for an output with a gain switch (default: the
    /// lowest that still reaches the target).
    #[arg(long, value_name = "NAME")]
    pub gain: Option<String>,
    /// An EQ preset (Equalizer APO / AutoEq ParametricEQ.txt or GraphicEQ.txt): what its
    /// boosts cost the amplifier at every frequency.
    #[arg(long, value_name = "FILE")]
    pub eq: Option<std::path::PathBuf>,
    /// Sample rate the EQ's biquads run at, Hz (default 48000).
    #[arg(long, value_name = "HZ", requires = "eq")]
    pub eq_rate: Option<f64>,
    /// The load's measured frequency response (AutoEq CSV `frequency,raw`, .frd or
    /// two-column text): the report shows it as this output delivers it.
    #[arg(long, value_name = "FILE")]
    pub fr: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Ranked fuzzy search over brand, model and id, grouped by type.
    Search {
        /// What to look for.
        text: String,
        /// Only amplifiers, loads, or one type of device (drivers are listed only with
        /// `--kind driver`, or when nothing else matches).
        #[arg(long, value_parser = ["amplifier", "load", "headphone", "speaker", "driver"])]
        kind: Option<String>,
        /// How many results at most.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one device: its figures, sources and (for amplifiers) the fitted limits.
    Show {
        /// Name, id or device file.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import a measurement or driver file: WinISD .wdr → device file (.toml);
    /// .zma / .frd / REW text export → a clean .zma or .frd. Written to --out (atomically)
    /// or printed.
    Import {
        /// The file to import.
        file: PathBuf,
        /// Where to write (.toml for a .wdr; .zma or .frd for a curve).
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// For a REW text export printed to the terminal: read it as an impedance or a
        /// response curve (otherwise taken from --out's extension).
        #[arg(long = "as", value_parser = ["impedance", "response"])]
        kind: Option<String>,
        /// Print JSON: {"file", "format", "out", "text"} (text only when not written).
        #[arg(long)]
        json: bool,
    },
    /// Check device files (or every built-in device when none is given); every file is
    /// checked and each error reported.
    Validate {
        /// Device files.
        files: Vec<PathBuf>,
        /// Print JSON: {"valid", "invalid", "files": [{"file", "error"}]}.
        #[arg(long)]
        json: bool,
    },
    /// Print a commented device-file template to fill in (or write it with -o).
    New {
        /// What to describe.
        #[arg(value_parser = ["amp", "amplifier", "headphone", "iem", "speaker"])]
        kind: String,
        /// Write the template here (atomically) instead of printing it.
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Print JSON: {"type", "out", "text"} (text only when not written).
        #[arg(long)]
        json: bool,
    },
}

/// `ampmatch measure`: multimeter readings into the figures a device file takes.
#[derive(Debug, Subcommand)]
pub enum MeasureCommand {
    /// Output impedance from the open-circuit voltage and the voltage across a known load
    /// resistor (same signal, same volume): Zout = R·(V_open/V_loaded − 1).
    Zout {
        /// AC voltage with nothing connected, V rms.
        #[arg(long, value_name = "V")]
        open_v: f64,
        /// AC voltage across the load resistor, V rms.
        #[arg(long, value_name = "V")]
        loaded_v: f64,
        /// The load resistor, Ω.
        #[arg(long, value_name = "OHM")]
        load_ohm: f64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A maximum-output reading: the highest clean voltage across a load resistor (just
    /// before clipping) as a rating point: P = V²/R.
    Max {
        /// AC voltage across the load at the onset of clipping, V rms.
        #[arg(long, value_name = "V")]
        loaded_v: f64,
        /// The load resistor, Ω.
        #[arg(long, value_name = "OHM")]
        load_ohm: f64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}
