//! The terminal interface: an officer logs in, finds the programme and
//! records the day's activity. Data flows one way: key -> `update` ->
//! `Cmd` -> records API -> `Msg` -> `update` -> `view` -> terminal.

pub mod app;
pub mod backend;
pub mod bindings;
pub mod data;
pub mod draft_sync;
pub mod drafts;
pub mod effects;
pub mod event_loop;
pub mod export;
pub mod keymap;
pub mod msg;
pub mod ops;
pub mod reads;
pub mod screens;
pub mod term_caps;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod update;
pub mod view;
pub mod widgets;

#[cfg(test)]
mod tests;

use crate::frontend::FrontEnd;
use crate::i18n::Lang;
use crate::records::OpenMode;
use crate::records::{Error, Records, Result};
use app::App;
use screens::Screen;
use screens::{login, setup};

/// Runs the interface until the officer quits; an error that ends it is
/// the caller's to show (the terminal is restored by then).
pub fn run(ctx: &FrontEnd) -> Result<()> {
    let records = ctx.open(OpenMode::CreateIfMissing)?;
    // Reference data is created once; afterwards `init` is not asked at all
    // (a server answers it only before the first officer exists).
    let setup = || if records.is_initialised()? { Ok(()) } else { records.init(false).map(|_| ()) };
    let mut app = setup().and_then(|_| start(&records, ctx.lang))?;
    app.idle_lock = ctx.idle_lock;
    let theme = theme::Theme::from_env(ctx.ascii);
    // What was typed since the form was last kept goes to the server on
    // the way out, however the process ends (tui/drafts.rs).
    let records = std::sync::Arc::new(records);
    let unsent = app.drafts.unsent.clone();
    let (keeper, kept) = (records.clone(), unsent.clone());
    terminal::before_exit(move || drafts::send_unsent(&keeper, &kept));
    let result = terminal::exit_on_signals().and_then(|()| {
        let mut term = terminal::enter()?;
        let size = term.size()?;
        app.size = (size.width, size.height);
        event_loop::run(&mut term, &records, &mut app, theme)
    });
    terminal::restore();
    // After quitting nothing waits (quitting sends the form); a terminal
    // that is gone may leave the last keys unsent.
    drafts::send_unsent(&records, &unsent);
    result.map_err(|e| Error::Io { detail: e.to_string() })
}

/// The first screen: setup while no officer exists, else login.
pub fn start(records: &Records, lang: Lang) -> Result<App> {
    let screen = if records.has_officers()? {
        Screen::Login(login::State::new())
    } else {
        Screen::Setup(setup::State::new(effects::reference(records)?))
    };
    Ok(App::new(lang, records.today(), screen))
}
