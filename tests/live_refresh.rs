//! Live refresh through a real server: an entry saved by one officer
//! reaches the screen of another officer looking at that programme, and a
//! server that goes away leaves the typed form in place. The interface is
//! driven through its update logic (keys in, screen text out), on clients
//! of a real `binalog serve`.

mod common;

use std::time::Duration;

use binalog::domain::Kind;
use binalog::i18n::Lang;
use binalog::records::{Records, Update};
use binalog::tui::app::App;
use binalog::tui::event_loop::dispatch;
use binalog::tui::keymap::Key;
use binalog::tui::msg::Msg;
use binalog::tui::screens::Screen;
use binalog::tui::theme::Theme;
use binalog::tui::{start, view};
use common::serve::Served;
use common::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Long enough for a loaded machine; the test waits for a message, never
/// for the time itself.
const PATIENCE: Duration = Duration::from_secs(20);

fn press(records: &Records, app: &mut App, keys: &[Key]) {
    for key in keys {
        dispatch(records, app, Msg::Key(*key));
    }
}

fn typed(records: &Records, app: &mut App, text: &str) {
    for c in text.chars() {
        dispatch(records, app, Msg::Key(Key::Char(c)));
    }
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| view::draw(app, Theme { color: false, ascii: false }, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..24).map(|y| (0..80).map(|x| buffer[(x, y)].symbol()).collect::<String>() + "\n").collect()
}

/// The operator's interface on `records`, logged in, showing programme 1.
fn on_programme_one(records: &Records) -> App {
    let mut app = start(records, Lang::Id).unwrap();
    app.size = (80, 24);
    typed(records, &mut app, NIP);
    press(records, &mut app, &[Key::Enter]);
    typed(records, &mut app, PIN);
    press(records, &mut app, &[Key::Enter, Key::Enter]);
    assert!(matches!(app.screen, Screen::Program(_)), "{}", screen(&app));
    app
}

#[test]
fn another_officers_entry_appears_on_the_programme_screen() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let watcher = server.client();
    let updates = watcher.subscribe();
    let mut app = on_programme_one(&watcher);
    assert!(!screen(&app).contains("77 kg terong"));

    let writer = server.client();
    let operator = writer.login(NIP, PIN).unwrap();
    writer.add_entry(&operator, draft(1, day(2026, 3, 9), Kind::Harvest, "77 kg terong")).unwrap();

    let update = updates.recv_timeout(PATIENCE).expect("the server pushes the change");
    assert!(matches!(&update, Update::Entries { programs, .. } if programs == &vec![1]), "{update:?}");
    dispatch(&watcher, &mut app, Msg::Changed(update));
    assert!(screen(&app).contains("77 kg terong"), "{}", screen(&app));

    // A change elsewhere does not disturb a form being typed.
    press(&watcher, &mut app, &[Key::Char('t')]);
    typed(&watcher, &mut app, "12");
    let form = screen(&app);
    writer.add_entry(&operator, draft(1, day(2026, 3, 9), Kind::Harvest, "5 kg cabai")).unwrap();
    let update = updates.recv_timeout(PATIENCE).unwrap();
    dispatch(&watcher, &mut app, Msg::Changed(update));
    assert_eq!(screen(&app), form);
}

#[test]
fn a_stopped_server_keeps_the_form_and_the_next_action_reconnects() {
    let dir = prepared();
    let mut server = Served::start(dir.path(), &[]);
    let records = server.client();
    let updates = records.subscribe();
    let mut app = on_programme_one(&records);
    press(&records, &mut app, &[Key::Char('t'), Key::Tab, Key::Tab]);
    typed(&records, &mut app, "12,5");

    assert!(server.terminate().success());
    let update = updates.recv_timeout(PATIENCE).expect("the client hears the server go");
    assert_eq!(update, Update::Disconnected);
    dispatch(&records, &mut app, Msg::Changed(update));
    let shown = screen(&app);
    assert!(shown.contains("Sambungan ke server binalog terputus"), "{shown}");
    assert!(shown.contains("12,5"), "the typed value stays: {shown}");

    // The server is back; leaving the form (a read) reconnects and logs in again.
    let _again = Served::start(dir.path(), &[]);
    press(&records, &mut app, &[Key::Esc, Key::Char('y')]);
    let shown = screen(&app);
    assert!(matches!(app.screen, Screen::Program(_)), "{shown}");
    assert!(records.login(NIP, PIN).is_ok(), "connected again");
}
