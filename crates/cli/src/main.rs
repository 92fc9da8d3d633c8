//! `ampmatch`: can this amplifier drive that load, and how well?
#![forbid(unsafe_code)]

mod adapter;
mod args;
mod catalog_cmd;
mod check;
mod colour;
mod explain;
mod matrix;
mod measure;
mod out;
mod rank;
mod serve;
mod track;
mod write;

use std::process::ExitCode;

use clap::Parser;

/// Exit code for bad input (unknown device, invalid file or option), as in the README.
const EXIT_BAD_INPUT: u8 = 2;

/// A reader that stops early (`ampmatch catalog search a | head -1`) closes our stdout; the
/// next print then fails with a broken pipe. That is the reader's choice, not an error:
/// end quietly with success instead of a Rust panic message. Every other panic keeps the
/// default report.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.contains("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let cli = args::Cli::parse();
    match cli.color.as_str() {
        "always" => anstream::ColorChoice::Always.write_global(),
        "never" => anstream::ColorChoice::Never.write_global(),
        _ => {}
    }
    let result = match cli.command {
        args::Command::Check(a) => check::run(&a),
        args::Command::Matrix(a) => matrix::run(&a),
        args::Command::Rank(a) => rank::run(&a),
        args::Command::Track(a) => track::run(&a),
        args::Command::Serve { addr } => serve::run(addr),
        args::Command::Catalog { command } => catalog_cmd::run(&command),
        args::Command::Measure { command } => measure::run(&command),
        args::Command::Adapter(a) => adapter::run(&a),
        args::Command::Explain { json } => explain::run(json),
        args::Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = args::Cli::command();
            clap_complete::generate(shell, &mut cmd, "ampmatch", &mut std::io::stdout());
            Ok(())
        }
        args::Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(args::Cli::command())
                .render(&mut std::io::stdout())
                .map_err(Into::into)
        }
        args::Command::DecodeWorker => track::worker(),
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
