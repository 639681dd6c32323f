//! `--help` in the officer's language. The English help lives beside each
//! argument (clap's doc comments); the Indonesian lives in
//! `i18n/help_id.rs`, keyed by the command path (`entry.add.qty`), and is
//! laid over the command tree before the arguments are parsed. A test
//! walks the whole tree so no command or option is left untranslated.

use std::ffi::OsString;

use clap::{Arg, ArgAction, Command};

use crate::i18n::{Lang, help_text};

/// The language asked for with `--lang` (or `--lang=`) or `BINALOG_LANG`,
/// read before parsing so the help itself can be in it.
pub fn requested_lang(args: &[OsString]) -> Lang {
    let mut words = args.iter().map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if let Some(value) = word.strip_prefix("--lang=") {
            return Lang::parse(value).unwrap_or_default();
        }
        if word == "--lang" {
            return words.next().and_then(|v| Lang::parse(&v)).unwrap_or_default();
        }
    }
    std::env::var("BINALOG_LANG").ok().and_then(|v| Lang::parse(&v)).unwrap_or_default()
}

/// The command tree with its help in `lang`.
pub fn localize(command: Command, lang: Lang) -> Command {
    match lang {
        Lang::En => command,
        Lang::Id => translate(command, ""),
    }
}

fn translate(mut command: Command, path: &str) -> Command {
    if let Some(about) = help_text(path) {
        command = command.about(about);
    }
    let args: Vec<(String, bool)> =
        command.get_arguments().map(|a| (a.get_id().to_string(), a.is_global_set())).collect();
    for (id, global) in args {
        let help = help_text(&join(path, &id));
        // Options of every command stand apart from the command's own.
        let heading = if global { "Opsi umum" } else { "Opsi" };
        command = command.mut_arg(id.as_str(), |arg| {
            let arg = arg.help_heading(heading);
            match help {
                Some(help) => arg.help(help),
                None => arg,
            }
        });
    }
    let subcommands: Vec<String> = command.get_subcommands().map(|c| c.get_name().to_string()).collect();
    for name in subcommands {
        let key = join(path, &name);
        command = command.mut_subcommand(name.as_str(), |sub| translate(sub, &key));
    }
    if path.is_empty() {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Tampilkan versi")
                .help_heading("Opsi"),
        );
    }
    // clap's own help flag and headings, in Indonesian too.
    command
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Tampilkan bantuan")
                .help_heading("Opsi"),
        )
        .subcommand_help_heading("Perintah")
        .subcommand_value_name("PERINTAH")
        .help_template("{about-with-newline}\nPenggunaan: {usage}\n\n{all-args}{after-help}")
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    /// Every command and option of the tree, as help keys.
    fn keys(command: &Command, path: &str, out: &mut Vec<String>) {
        if !path.is_empty() {
            out.push(path.to_string());
        }
        // Global options are defined once, on the top command.
        for arg in command.get_arguments() {
            out.push(join(path, arg.get_id().as_str()));
        }
        for sub in command.get_subcommands() {
            keys(sub, &join(path, sub.get_name()), out);
        }
    }

    #[test]
    fn every_command_and_option_has_indonesian_help() {
        let mut all = Vec::new();
        keys(&Cli::command(), "", &mut all);
        let missing: Vec<&String> = all.iter().filter(|k| help_text(k).is_none()).collect();
        assert_eq!(missing, Vec::<&String>::new());
    }

    #[test]
    fn help_is_indonesian_by_default_and_english_on_request() {
        let mut id = localize(Cli::command(), Lang::Id);
        let text = id.render_help().to_string();
        assert!(text.contains("Penggunaan:") && text.contains("Perintah:") && text.contains("Opsi umum:"), "{text}");
        let entry = id.find_subcommand_mut("entry").unwrap().find_subcommand_mut("add").unwrap();
        let text = entry.render_help().to_string();
        assert!(text.contains("Opsi:") && text.contains("Nomor program (lihat `binalog programs`)"), "{text}");
        assert!(text.contains("Tampilkan bantuan"), "{text}");
        let mut en = localize(Cli::command(), Lang::En);
        assert!(en.render_help().to_string().contains("Usage:"));
        let args: Vec<OsString> = ["binalog", "--lang", "en", "init"].iter().map(OsString::from).collect();
        assert_eq!(requested_lang(&args), Lang::En);
        let args: Vec<OsString> = ["binalog", "--lang=id"].iter().map(OsString::from).collect();
        assert_eq!(requested_lang(&args), Lang::Id);
    }
}
