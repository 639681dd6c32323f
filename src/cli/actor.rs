//! Acting as an officer on the command line: `--as NIP` and a PIN, asked
//! on the terminal without echo or, with `--pin-stdin`, read as lines of
//! standard input (the acting officer's PIN first, then any new PIN).

use super::{Context, Error, Result};
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::officer::check_pin;
use crate::i18n::{fill, text};
use crate::records::{Actor, Records};

fn stdin_line() -> Result<String> {
    let mut line = String::new();
    match std::io::stdin().read_line(&mut line) {
        Ok(n) if n > 0 => Ok(line.trim_end_matches(['\r', '\n']).to_string()),
        _ => Err(Error::PinUnreadable),
    }
}

fn prompt(message: &str) -> Result<String> {
    rpassword::prompt_password(message).map_err(|_| Error::PinUnreadable)
}

/// Logs in as the officer named by `--as`.
pub fn login(ctx: &Context, records: &Records, nip: &str) -> Result<Actor> {
    let pin = if ctx.global.pin_stdin {
        stdin_line()?
    } else {
        prompt(&fill(ctx.lang(), "cli.pin_for", &[("nip", Arg::Text(nip.to_string()))]))?
    };
    Ok(records.login(nip, &pin)?)
}

/// Logs in when `--as` was given; reads over `--direct` may go without.
pub fn login_if(ctx: &Context, records: &Records, nip: Option<&str>) -> Result<Option<Actor>> {
    nip.map(|nip| login(ctx, records, nip)).transpose()
}

/// A new PIN for an officer: asked twice on the terminal, or one line.
pub fn new_pin(ctx: &Context) -> Result<String> {
    if ctx.global.pin_stdin {
        let pin = stdin_line()?;
        check_pin(&pin)?;
        return Ok(pin);
    }
    let first = prompt(text(ctx.lang(), "cli.pin_prompt"))?;
    check_pin(&first)?;
    let second = prompt(text(ctx.lang(), "cli.pin_again"))?;
    if first != second {
        return Err(Error::from(Invalid::PinMismatch));
    }
    Ok(first)
}
