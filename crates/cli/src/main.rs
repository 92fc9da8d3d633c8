//! `ampmatch`: can this amplifier drive that load, and how well?
#![forbid(unsafe_code)]

mod args;
mod catalog_cmd;
mod check;
mod matrix;
mod measure;
mod rank;
mod serve;
mod track;
mod write;

use std::process::ExitCode;

use clap::Parser;

/// Exit code for bad input (unknown device, invalid file or option), as in the README.
const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Check(a) => check::run(&a),
        args::Command::Matrix(a) => matrix::run(&a),
        args::Command::Rank(a) => rank::run(&a),
        args::Command::Track(a) => track::run(&a),
        args::Command::Serve { addr } => serve::run(addr),
        args::Command::Catalog { command } => catalog_cmd::run(&command),
        args::Command::Measure { command } => measure::run(&command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<write::WriteError>().is_some() {
                ExitCode::FAILURE
            } else {
                ExitCode::from(EXIT_BAD_INPUT)
            }
        }
    }
}
