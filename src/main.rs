use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    binalog::cli::run(binalog::cli::Cli::parse())
}
