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
///
/// A database that is already there is opened on a thread of its own while
/// its login screen is drawn and the officer types their NIP and PIN: on a
/// million entries sled's open alone takes a third of a second and more
/// (BENCHMARKS.md, "Scale"). Keys go to that screen as they come; the PIN
/// check (a records call) waits in the worker's queue for the open. An
/// open that fails ends the interface with the error it gave, as before;
/// a database with no officer yet shows its setup instead.
pub fn run(ctx: &FrontEnd) -> Result<()> {
    // The interface stays open all shift, with the database in this
    // process under `--direct`: memory goes back when freed, as in the
    // server (src/allocator.rs).
    crate::allocator::give_back_at_once();
    let theme = theme::Theme::from_env(ctx.ascii);
    let (mut app, opening) = if database_exists(ctx) {
        let today = crate::clock::from_env().today(ctx.tz);
        let app = App::new(ctx.lang, today, Screen::Login(login::State::new()));
        (app, event_loop::Opening::Pending(open_in_background(ctx.clone())))
    } else {
        let opened = open_for_interface(ctx)?;
        let screen = opened.screen.unwrap_or_else(|| Screen::Login(login::State::new()));
        let app = App::new(ctx.lang, opened.records.today(), screen);
        (app, event_loop::Opening::Open(opened.records))
    };
    app.idle_lock = ctx.idle_lock;
    // What was typed since the form was last kept goes to the server on
    // the way out, however the process ends (tui/drafts.rs): the hook is
    // set once the records are open (`event_loop::Opening`).
    let unsent = app.drafts.unsent.clone();
    let kept = unsent.clone();
    let opened = std::sync::Arc::new(std::sync::OnceLock::new());
    let slot = opened.clone();
    let on_open = move |records: &std::sync::Arc<Records>| {
        let keeper = records.clone();
        terminal::before_exit(move || drafts::send_unsent(&keeper, &kept));
        let _ = slot.set(records.clone());
    };
    let io = |e: std::io::Error| Error::Io { detail: e.to_string() };
    let result = terminal::exit_on_signals().map_err(io).and_then(|()| {
        let mut term = terminal::enter().map_err(io)?;
        let size = term.size().map_err(io)?;
        app.size = (size.width, size.height);
        event_loop::run(&mut term, opening, &mut app, theme, on_open)
    });
    terminal::restore();
    // After quitting nothing waits (quitting sends the form); a terminal
    // that is gone may leave the last keys unsent.
    if let Some(records) = opened.get() {
        drafts::send_unsent(records, &unsent);
    }
    result
}

/// Whether the database folder holds a database (sled's files): then its
/// login screen can be drawn before it is open. A new one is made first,
/// and its first screen (setup) needs the reference data.
fn database_exists(ctx: &FrontEnd) -> bool {
    ctx.db.join("db").exists() || ctx.db.join("conf").exists()
}

/// Opens the records as the interface needs them: set up if new, and the
/// first screen if it is not the login.
fn open_for_interface(ctx: &FrontEnd) -> Result<event_loop::Opened> {
    let records = ctx.open(OpenMode::CreateIfMissing)?;
    // Reference data is created once; afterwards `init` is not asked at all
    // (a server answers it only before the first officer exists).
    if !records.is_initialised()? {
        records.init(false)?;
    }
    let screen = match start(&records, ctx.lang)?.screen {
        Screen::Login(_) => None,
        other => Some(other),
    };
    Ok(event_loop::Opened { records: std::sync::Arc::new(records), screen })
}

/// The same on a thread of its own; the answer comes on the channel.
fn open_in_background(ctx: FrontEnd) -> std::sync::mpsc::Receiver<Result<event_loop::Opened>> {
    let (done, answer) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("open".into()).spawn(move || {
        wait_for_release_in_tests();
        let _ = done.send(open_for_interface(&ctx));
    });
    if let Err(e) = spawned {
        // No thread: the loop hears the failure as the open's.
        let (done, failed) = std::sync::mpsc::channel();
        let _ = done.send(Err(Error::Io { detail: e.to_string() }));
        return failed;
    }
    answer
}

/// Debug builds (the tests) only: with `BINALOG_OPEN_AFTER` naming a FIFO,
/// the open waits until something opens that FIFO for writing, so a test
/// can type into the login screen while the database is certainly not yet
/// open, with no sleep. A release build never reads it.
pub const OPEN_AFTER_ENV: &str = "BINALOG_OPEN_AFTER";

fn wait_for_release_in_tests() {
    #[cfg(debug_assertions)]
    if let Some(fifo) = std::env::var_os(OPEN_AFTER_ENV) {
        // Opening a FIFO for reading blocks until a writer opens it.
        let _ = std::fs::File::open(fifo);
    }
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
