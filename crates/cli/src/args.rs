//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Can this amplifier drive that headphone, and how well? The physics, shown.
#[derive(Debug, Parser)]
#[command(name = "ampmatch", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check one amplifier output driving one load.
    Check(CheckArgs),
    /// Search and show the built-in catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Amplifier: catalog name, id, or a device file (.toml).
    #[arg(long)]
    pub amp: String,
    /// Load (headphone or IEM): catalog name, id, or a device file (.toml).
    #[arg(long)]
    pub load: String,
    /// Output of the amplifier to use (default: the one that suits the load).
    #[arg(long)]
    pub output: Option<String>,
    /// Peak SPL to reach at the ear, dB (default 110).
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
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Write an SVG of the load's impedance, the deviation and the maximum SPL.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Ranked fuzzy search over brand, model and id.
    Search {
        /// What to look for.
        text: String,
        /// Only amplifiers or only loads.
        #[arg(long, value_parser = ["amplifier", "load"])]
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
    /// Check a device file (or every built-in device when none is given).
    Validate {
        /// Device files.
        files: Vec<PathBuf>,
    },
}
