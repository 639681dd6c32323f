use std::process::ExitCode;

use binalog::cli;

/// A command's failure is said in the user's language on standard error,
/// and ends the process with its code (2 for a usage error, else 1).
fn main() -> ExitCode {
    let command = cli::parse();
    let lang = command.global.lang;
    cli::run(command).unwrap_or_else(|e| {
        e.tell(lang);
        e.exit_code()
    })
}
