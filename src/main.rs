use std::process::ExitCode;

fn main() -> ExitCode {
    binalog::cli::run(binalog::cli::parse())
}
