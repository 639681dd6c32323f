//! Tests of the interface without a terminal: the update logic on its own,
//! and every screen drawn into a 80x24 test buffer from a database in a
//! temporary folder with the clock stopped at 10 March 2026, 09:00 WIB.

mod admin;
mod bindings;
mod drafts;
mod export;
mod flow;
mod lock;
mod parts;
mod pushed;
mod quantities;
mod queue;
mod revisions;
mod search;
mod snapshots;
mod update;
mod widths;
mod wire;

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::App;
use super::event_loop::dispatch;
use super::keymap::Key;
use super::msg::{Cmd, Msg};
use super::theme::Theme;
use super::view;
use crate::clock::FixedClock;
use crate::domain::date::wib;
use crate::i18n::Lang;
use crate::records::OpenMode;
use crate::records::Records;

pub const ADMIN: &str = "198001012005011001";
pub const OPERATOR: &str = "199001012015031002";
pub const SUPERVISOR: &str = "198705052010012003";
pub const PIN: &str = "123456";

/// A database, the model over it, and keys to press.
pub struct Harness {
    pub records: Records,
    pub app: App,
    pub theme: Theme,
    _dir: tempfile::TempDir,
}

impl Harness {
    pub fn new(lang: Lang, demo: bool) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let now = wib().with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap().with_timezone(&Utc);
        let records = Records::open(dir.path(), OpenMode::CreateIfMissing, Box::new(FixedClock(now)), wib()).unwrap();
        records.init(demo).unwrap();
        let app = super::start(&records, lang).unwrap();
        Harness { records, app, theme: Theme { color: true, ascii: false }, _dir: dir }
    }

    pub fn key(&mut self, key: Key) -> &mut Harness {
        dispatch(&self.records, &mut self.app, Msg::Key(key));
        self
    }

    pub fn keys(&mut self, keys: &[Key]) -> &mut Harness {
        for key in keys {
            self.key(*key);
        }
        self
    }

    pub fn typed(&mut self, text: &str) -> &mut Harness {
        for c in text.chars() {
            self.key(Key::Char(c));
        }
        self
    }

    /// Logs the operator in, landing on the home screen.
    pub fn logged_in(lang: Lang) -> Harness {
        Harness::logged_in_as(lang, OPERATOR)
    }

    /// Logs an officer of the demo data in, landing on the home screen.
    pub fn logged_in_as(lang: Lang, nip: &str) -> Harness {
        let mut h = Harness::new(lang, true);
        h.login(nip);
        h
    }

    /// Types NIP and PIN on the login screen.
    pub fn login(&mut self, nip: &str) -> &mut Harness {
        self.typed(nip).key(Key::Enter).typed(PIN).key(Key::Enter);
        assert_eq!(
            self.app.actor.as_ref().map(|a| a.nip().to_string()),
            Some(nip.to_string()),
            "{:?}",
            self.app.notice
        );
        self
    }

    /// Runs a command as if a screen had asked for it, and feeds the answer back.
    pub fn run(&mut self, cmd: Cmd) -> &mut Harness {
        let answer = super::effects::run(&self.records, cmd);
        dispatch(&self.records, &mut self.app, answer);
        self
    }

    /// Reads a screen's records as the logged-in officer, as a key would.
    pub fn load(&mut self, what: super::screens::Load) -> &mut Harness {
        let actor = self.app.actor.clone().expect("an officer logged in");
        self.run(Cmd::Load { actor, load: what })
    }

    /// Tabs to a field of the entry form on screen.
    pub fn focus_field(&mut self, field: super::screens::entry_form::FormField) -> &mut Harness {
        for _ in 0..20 {
            match &self.app.screen {
                super::screens::Screen::EntryForm(form) if form.focus == field => return self,
                super::screens::Screen::EntryForm(_) => self.key(Key::Tab),
                other => panic!("not the form: {other:?}"),
            };
        }
        panic!("no {field:?} in the form");
    }

    /// Replaces the text of the focused field.
    pub fn retype(&mut self, text: &str) -> &mut Harness {
        self.key(Key::End);
        for _ in 0..40 {
            self.key(Key::Backspace);
        }
        self.typed(text)
    }

    /// Something else happened at `at` (the idle lock's clock): no key.
    pub fn idle_until(&mut self, at: std::time::Instant) -> &mut Harness {
        dispatch(&self.records, &mut self.app, Msg::IdleAt(at));
        self
    }

    pub fn screen_at(&self, width: u16, height: u16) -> String {
        drawn(&self.app, self.theme, width, height)
    }

    /// The screen as an officer at an 80x24 terminal sees it.
    pub fn screen(&self) -> String {
        self.screen_at(80, 24)
    }
}

/// The model drawn on a terminal of `width` x `height`, as text.
pub fn drawn(app: &App, theme: Theme, width: u16, height: u16) -> String {
    let buffer = &buffer_of(app, theme, width, height);
    let mut text = String::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// The model drawn at 80x24 with every cell's style: what colour and
/// NO_COLOR change, which the plain text of `drawn` does not show.
pub fn drawn_styled(app: &App, theme: Theme) -> String {
    format!("{:?}", buffer_of(app, theme, 80, 24))
}

fn buffer_of(app: &App, theme: Theme, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view::draw(app, theme, frame)).unwrap();
    terminal.backend().buffer().clone()
}
