//! One file per screen: its state, what its keys do, and how it is drawn.

pub mod admin;
pub mod admin_form;
pub mod audit;
pub mod entry_form;
pub mod entry_view;
pub mod help;
pub mod home;
pub mod lock;
pub mod login;
pub mod officers;
pub mod program;
pub mod programs;
pub mod queue;
pub mod reference;
pub mod report;
pub mod setup;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::bindings::{Hint, LEAVE, Leave, find};
use super::keymap::Key;
use super::msg::{Cmd, Op};
use super::theme::Theme;
use super::ui::Ui;
use super::widgets::input::TextInput;
use crate::i18n::Lang;
use crate::records::Update;

/// What a key on a screen asks of the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    None,
    /// Esc: back to the previous screen.
    Back,
    Quit,
    Run(Cmd),
    /// From a programme: its new entry form.
    OpenForm,
    /// A checked draft, ready for the records API.
    Save(crate::domain::entry::EntryDraft),
    /// Hand the terminal to the next officer, keeping this one's screens.
    Switch,
    /// Something done as the logged-in officer.
    Do(Op),
    /// From an entry: the form that corrects it.
    Correct,
    /// A screen on top of this one.
    Push(Box<Screen>),
    /// The report of the last complete month: of one programme, or of
    /// every programme the officer sees.
    Report(Option<crate::domain::reference::ProgramId>),
}

/// The keys every browsing screen shares once its own keys are matched:
/// Esc goes back, x switches officer, q quits; anything else does nothing.
pub fn leave(key: Key) -> Action {
    match find(LEAVE, key) {
        Some(Leave::Back) => Action::Back,
        Some(Leave::Switch) => Action::Switch,
        Some(Leave::Quit) => Action::Quit,
        None => Action::None,
    }
}

/// A field's label and how it stands.
#[derive(Clone, Copy, Debug)]
pub struct Label<'a> {
    pub text: &'a str,
    pub width: u16,
    pub focused: bool,
    pub faulty: bool,
}

/// Draws `label  [field]` on one row; the label is reversed when the field
/// has focus and starts with `!` when the field is at fault, so both show
/// without colour.
pub fn labelled_input(
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
    label: Label,
    input: &TextInput,
) -> Option<Position> {
    let label_area = Rect { width: label.width.min(area.width), height: 1, ..area };
    frame.render_widget(label_line(theme, label), label_area);
    let field = Rect { x: area.x + label.width, width: area.width.saturating_sub(label.width), height: 1, ..area };
    input.render(frame, field, theme, label.focused)
}

pub fn label_line(theme: Theme, label: Label) -> Line<'static> {
    let marker = match (label.focused, label.faulty) {
        (_, true) => "!",
        (true, false) => ">",
        (false, false) => " ",
    };
    let text = theme.fit(&format!("{marker}{}", label.text), usize::from(label.width).saturating_sub(1));
    let style = match (label.focused, label.faulty) {
        (true, true) => theme.error().patch(theme.selected()),
        (false, true) => theme.error(),
        (true, false) => theme.selected(),
        (false, false) => ratatui::style::Style::new(),
    };
    // The style covers the label's text, not the blanks after it: a Tab
    // then rewrites two short labels, not two padded ones (issue 12).
    let blanks = usize::from(label.width).saturating_sub(crate::tui::theme::cells(&text));
    Line::from(vec![Span::styled(text, style), Span::raw(" ".repeat(blanks))])
}

/// Messages that say what to fix, one paragraph each, wrapped to the width.
pub fn problems(frame: &mut Frame, area: Rect, theme: Theme, messages: &[String]) {
    use ratatui::widgets::{Paragraph, Wrap};
    let lines: Vec<Line> = messages.iter().map(|m| Line::styled(format!("! {m}"), theme.error())).collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

/// What every screen is: one module holding its state, its key table, how
/// it draws itself, and how it reads its data again. The interface's
/// `update`, `view` and help reach a screen only through this trait.
pub trait Page {
    /// The header's title.
    fn title(&self, lang: Lang) -> String;
    /// Catalog key of the help's first lines: what the screen shows.
    fn about(&self) -> &'static str;
    /// The keys in force now, from the screen's key table: the footer and
    /// the help are made from them, and `key` answers exactly these.
    fn hints(&self) -> Vec<Hint>;
    fn key(&mut self, key: Key, lang: Lang) -> Action;
    /// Draws the screen; where the cursor goes, if a field is being typed.
    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position>;
    /// Reading its data again: coming back to it, after an unlock, or when
    /// another officer's change is one it shows.
    fn reload(&self) -> Option<Action> {
        None
    }
    /// Whether another officer's change is one this screen shows.
    fn shows(&self, _update: &Update) -> bool {
        false
    }
    /// Whether it holds typed work that is not saved yet.
    fn unsaved(&self) -> bool {
        false
    }
    /// Whether it asks a yes-or-no question, where `?` must not open help.
    fn asking(&self) -> bool {
        false
    }
}

/// A boxed screen is the screen (large states are boxed in the enum).
impl<P: Page + ?Sized> Page for Box<P> {
    fn title(&self, lang: Lang) -> String {
        (**self).title(lang)
    }
    fn about(&self) -> &'static str {
        (**self).about()
    }
    fn hints(&self) -> Vec<Hint> {
        (**self).hints()
    }
    fn key(&mut self, key: Key, lang: Lang) -> Action {
        (**self).key(key, lang)
    }
    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        (**self).render(frame, area, ui)
    }
    fn reload(&self) -> Option<Action> {
        (**self).reload()
    }
    fn shows(&self, update: &Update) -> bool {
        (**self).shows(update)
    }
    fn unsaved(&self) -> bool {
        (**self).unsaved()
    }
    fn asking(&self) -> bool {
        (**self).asking()
    }
}

/// The screens, each once: the enum the model holds and its dispatch to
/// each screen's `Page`. A new screen is its module and one line here.
macro_rules! screens {
    ($($(#[$doc:meta])* $name:ident($state:ty),)*) => {
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Screen {
            $($(#[$doc])* $name($state),)*
        }

        impl Screen {
            pub fn page(&self) -> &dyn Page {
                match self {
                    $(Screen::$name(s) => s,)*
                }
            }

            pub fn page_mut(&mut self) -> &mut dyn Page {
                match self {
                    $(Screen::$name(s) => s,)*
                }
            }
        }
    };
}

screens! {
    Setup(setup::State),
    Login(login::State),
    Home(home::State),
    Programs(programs::State),
    Program(Box<program::State>),
    EntryForm(Box<entry_form::State>),
    EntryView(Box<entry_view::State>),
    /// The terminal locked after no key for a while: no record data shows.
    Lock(lock::State),
    Queue(Box<queue::State>),
    AdminMenu(admin::Menu),
    Officers(Box<officers::State>),
    Reference(Box<reference::State>),
    AdminForm(Box<admin_form::State>),
    Audit(Box<audit::State>),
    Report(Box<report::State>),
}

impl Screen {
    /// Whether the screen holds typed work that is not saved yet.
    pub fn unsaved(&self) -> bool {
        self.page().unsaved()
    }
}
