//! What the command line itself can fail at, beside what the records API
//! refuses: flags that leave out what a command needs, files named on the
//! command line, standard output, a PIN that cannot be read, the national
//! database of `push`. Language-free like every layer's error; the catalog
//! words it (`i18n::Message`), and main.rs turns it into the exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::domain::invalid::{Arg, Invalid};
use crate::i18n::{Lang, Message, fill};
use crate::records;
use crate::report::import::LineProblem;

#[derive(Debug)]
pub enum Error {
    /// The records API refused or failed (records/error.rs).
    Records(records::Error),
    /// The flags leave out what the command needs: a usage error, exit 2
    /// as clap's own. `key` is the catalog's sentence saying what to add.
    Usage { key: &'static str },
    /// No PIN could be read from the terminal or standard input.
    PinUnreadable,
    /// A file named on the command line cannot be opened or read.
    FileUnreadable { path: PathBuf, detail: String },
    /// A file named on the command line cannot be written.
    FileUnwritable { path: PathBuf, detail: String },
    /// Standard output failed for another reason than a reader that went
    /// away (that ends a command quietly, cli/out.rs).
    WriteFailed { detail: String },
    /// An import file's lines broke rules; nothing was stored.
    ImportRefused { problems: Vec<LineProblem> },
    /// `push --postgres-file`: the file cannot be read.
    ConninfoUnreadable { path: PathBuf, detail: String },
    /// `push --postgres-file`: others may read the file (it may hold a
    /// password); `mode` is its permission bits.
    ConninfoOpenToOthers { path: PathBuf, mode: u32 },
    /// PostgreSQL could not be reached or refused a statement: its words.
    Postgres { detail: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<records::Error> for Error {
    fn from(e: records::Error) -> Error {
        Error::Records(e)
    }
}

/// A rule the command line checks itself (a PIN typed twice, a role's
/// name) reads as the records API would say it.
impl From<Invalid> for Error {
    fn from(e: Invalid) -> Error {
        Error::Records(e.into())
    }
}

impl From<crate::national::PushError> for Error {
    fn from(e: crate::national::PushError) -> Error {
        match e {
            crate::national::PushError::Records(e) => Error::Records(e),
            crate::national::PushError::Postgres(detail) => Error::Postgres { detail },
        }
    }
}

impl Error {
    pub fn file_unreadable(path: &Path, e: &std::io::Error) -> Error {
        Error::FileUnreadable { path: path.to_path_buf(), detail: e.to_string() }
    }

    pub fn file_unwritable(path: &Path, e: &std::io::Error) -> Error {
        Error::FileUnwritable { path: path.to_path_buf(), detail: e.to_string() }
    }

    /// The process's exit code for it: 2 for a usage error, as clap exits
    /// on a flag it does not know; 1 for everything else.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }

    fn code(&self) -> u8 {
        match self {
            Error::Usage { .. } => 2,
            _ => 1,
        }
    }

    /// Says it on standard error in `lang`, stored text escaped (a message
    /// may quote another officer's revision or a file's cells).
    pub fn tell(&self, lang: Lang) {
        super::out::complain(&self.render(lang));
    }
}

impl Message for Error {
    fn key(&self) -> &'static str {
        match self {
            Error::Records(e) => e.key(),
            Error::Usage { key } => key,
            Error::PinUnreadable => "cli.pin_missing",
            Error::FileUnreadable { .. } => "cli.file_unreadable",
            Error::FileUnwritable { .. } => "cli.file_unwritable",
            Error::WriteFailed { .. } => "cli.write_failed",
            Error::ImportRefused { .. } => "cli.import_refused",
            Error::ConninfoUnreadable { .. } => "push.conninfo_unreadable",
            Error::ConninfoOpenToOthers { .. } => "push.conninfo_open_to_others",
            Error::Postgres { .. } => "push.postgres_failed",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        let path = |p: &Path| Arg::Text(p.display().to_string());
        let text = |s: &str| Arg::Text(s.to_string());
        match self {
            Error::Records(e) => e.args(),
            Error::Usage { .. } | Error::PinUnreadable => vec![],
            Error::FileUnreadable { path: p, detail }
            | Error::FileUnwritable { path: p, detail }
            | Error::ConninfoUnreadable { path: p, detail } => vec![("path", path(p)), ("detail", text(detail))],
            Error::WriteFailed { detail } | Error::Postgres { detail } => vec![("detail", text(detail))],
            Error::ImportRefused { problems } => {
                let lines: std::collections::BTreeSet<u64> = problems.iter().map(|p| p.line).collect();
                vec![("count", Arg::Number(lines.len() as i64))]
            }
            Error::ConninfoOpenToOthers { path: p, mode } => {
                vec![("path", path(p)), ("mode", Arg::Text(format!("{:o}", mode & 0o777)))]
            }
        }
    }

    /// A records error as its layer words it; an import's refusal with
    /// each problem on its own line under it.
    fn render(&self, lang: Lang) -> String {
        match self {
            Error::Records(e) => e.render(lang),
            Error::ImportRefused { problems } => {
                let mut lines = vec![fill(lang, self.key(), &self.args())];
                for p in problems {
                    let message = fill(lang, p.key, &p.args);
                    let args = [("line", Arg::Number(p.line as i64)), ("message", Arg::Text(message))];
                    lines.push(format!("  {}", fill(lang, "cli.import_line", &args)));
                }
                lines.join("\n")
            }
            other => fill(lang, other.key(), &other.args()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A records error reads exactly as the records layer words it, in
    /// either language; the command line's own in its catalog lines.
    #[test]
    fn each_error_is_worded_in_the_users_language() {
        let refused = records::Error::OfficerUnknown { nip: "199001012020121001".into() };
        for lang in [Lang::Id, Lang::En] {
            assert_eq!(Error::from(refused.clone()).render(lang), refused.render(lang));
        }
        let e = Error::FileUnreadable { path: "/tmp/x.csv".into(), detail: "gone".into() };
        assert_eq!(e.render(Lang::En), "The file /tmp/x.csv cannot be read: gone");
        assert_ne!(e.render(Lang::Id), e.render(Lang::En));
        let e = Error::ConninfoOpenToOthers { path: "/etc/pg".into(), mode: 0o100644 };
        assert!(e.render(Lang::En).contains("644"), "{}", e.render(Lang::En));
    }

    /// Usage errors exit 2, as clap's; everything else 1.
    #[test]
    fn a_usage_error_exits_2_and_the_rest_1() {
        assert_eq!(Error::Usage { key: "cli.report_needs_period" }.code(), 2);
        assert_eq!(Error::PinUnreadable.code(), 1);
        assert_eq!(Error::from(records::Error::LoginFailed).code(), 1);
        assert_eq!(Error::WriteFailed { detail: "disk".into() }.code(), 1);
    }

    /// An import's refusal counts the lines with problems once each and
    /// lists every problem under it.
    #[test]
    fn an_import_refusal_lists_each_problem() {
        let problem = |line| LineProblem { line, key: "cli.import_empty", args: vec![] };
        let e = Error::ImportRefused { problems: vec![problem(2), problem(2), problem(5)] };
        let said = e.render(Lang::En);
        assert_eq!(said.lines().count(), 4, "{said}");
        assert!(said.lines().next().unwrap().contains("2 rows"), "{said}");
        assert!(said.lines().nth(3).unwrap().starts_with("  line 5: "), "{said}");
    }
}
