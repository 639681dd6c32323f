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
pub mod setup;

use crate::tui::keymap::Key;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::msg::{Cmd, Op};
use super::theme::Theme;
use super::widgets::input::TextInput;

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
}

/// The keys every browsing screen shares once its own keys are matched:
/// Esc goes back, x switches officer, q quits; anything else does nothing.
pub fn leave(key: Key) -> Action {
    match key {
        Key::Esc => Action::Back,
        Key::Char('x') => Action::Switch,
        Key::Char('q') => Action::Quit,
        _ => Action::None,
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
    let text = theme.pad(&format!("{marker}{}", label.text), usize::from(label.width).saturating_sub(1));
    let style = match (label.focused, label.faulty) {
        (true, true) => theme.error().patch(theme.selected()),
        (false, true) => theme.error(),
        (true, false) => theme.selected(),
        (false, false) => ratatui::style::Style::new(),
    };
    Line::from(vec![Span::styled(text, style), Span::raw(" ")])
}

/// Messages that say what to fix, one paragraph each, wrapped to the width.
pub fn problems(frame: &mut Frame, area: Rect, theme: Theme, messages: &[String]) {
    use ratatui::widgets::{Paragraph, Wrap};
    let lines: Vec<Line> = messages.iter().map(|m| Line::styled(format!("! {m}"), theme.error())).collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
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
}

impl Screen {
    /// Whether the screen holds typed work that is not saved yet.
    pub fn unsaved(&self) -> bool {
        match self {
            Screen::EntryForm(form) => form.dirty(),
            Screen::AdminForm(form) => form.dirty(),
            _ => false,
        }
    }
}
