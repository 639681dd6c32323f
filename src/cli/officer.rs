//! `binalog officer add`.

use std::io::BufRead;
use std::process::ExitCode;

use super::Context;
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::officer::{Role, check_pin};
use crate::i18n::{self, text};
use crate::records::Error;
use crate::store::OpenMode;

pub fn add(ctx: &Context, nip: &str, name: &str, role: &str, pin_stdin: bool) -> ExitCode {
    let lang = ctx.lang();
    let role = match Role::parse(role) {
        Ok(r) => r,
        Err(e) => return ctx.fail(&Error::from(e)),
    };
    let pin = match if pin_stdin { pin_from_stdin() } else { pin_from_terminal(ctx) } {
        Ok(pin) => pin,
        Err(e) => return ctx.fail(&e),
    };
    let result = ctx.open(OpenMode::Existing).and_then(|records| records.add_officer(None, nip, name, role, &pin));
    match result {
        Ok(officer) => {
            let args = [
                ("name", Arg::Text(officer.name.clone())),
                ("nip", Arg::Text(officer.nip.to_string())),
                ("role", Arg::Text(officer.role.code().into())),
            ];
            println!("{}", i18n::fill(lang, "cli.officer_added", &args));
            ExitCode::SUCCESS
        }
        Err(e) => ctx.fail(&e),
    }
}

fn pin_from_stdin() -> Result<String, Error> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|_| Error::PinUnreadable)?;
    let pin = line.trim_end_matches(['\r', '\n']).to_string();
    check_pin(&pin)?;
    Ok(pin)
}

/// Asks twice without echo, on the terminal itself (not standard input).
fn pin_from_terminal(ctx: &Context) -> Result<String, Error> {
    let lang = ctx.lang();
    let ask = |key| rpassword::prompt_password(text(lang, key)).map_err(|_| Error::PinUnreadable);
    let first = ask("cli.pin_prompt")?;
    check_pin(&first)?;
    let second = ask("cli.pin_again")?;
    if first != second {
        return Err(Error::from(Invalid::PinMismatch));
    }
    Ok(first)
}
