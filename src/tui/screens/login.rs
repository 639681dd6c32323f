//! Login: NIP, then the PIN (masked). Enter on the PIN logs in. A refusal
//! never says whether the NIP or the PIN was wrong.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Action, Page};
use crate::domain::officer::PIN_MAX_DIGITS;
use crate::i18n::{Lang, text};
use crate::tui::bindings::{Binding, EDIT_KEYS, Hint, find, hints};
use crate::tui::keymap::Key;
use crate::tui::ui::Ui;
use crate::tui::widgets::field::{Label, labelled_input};
use crate::tui::widgets::input::TextInput;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub nip: TextInput,
    pub pin: TextInput,
    pub on_pin: bool,
}

impl State {
    pub fn new() -> State {
        State { nip: TextInput::new(24), pin: TextInput::masked(PIN_MAX_DIGITS), on_pin: false }
    }

    /// After the administrator was created: the NIP is known, the PIN is next.
    pub fn for_nip(nip: &str) -> State {
        State { nip: TextInput::new(24).with_text(nip), on_pin: true, ..State::new() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Type,
    Move,
    Enter,
    Quit,
}

const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Tab, Key::BackTab, Key::Up, Key::Down], "Tab", "tui.do_move_field", Do::Move),
    Binding::shown(&[Key::Enter], "Enter", "tui.do_log_in", Do::Enter),
    Binding::in_help(EDIT_KEYS, "tui.keyname_editing", "tui.do_edit_text", Do::Type),
    Binding::shown(&[Key::Esc], "Esc", "tui.do_quit", Do::Quit),
];

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_login").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_login"
    }

    fn hints(&self) -> Vec<Hint> {
        hints(KEYS)
    }

    fn key(&mut self, key: Key, _lang: Lang) -> Action {
        match find(KEYS, key) {
            Some(Do::Quit) => Action::Quit,
            Some(Do::Move) => {
                self.on_pin = !self.on_pin;
                Action::None
            }
            Some(Do::Enter) if !self.on_pin => {
                self.on_pin = true;
                Action::None
            }
            Some(Do::Enter) => {
                let cmd = Action::Login { nip: self.nip.text().to_string(), pin: self.pin.text().to_string() };
                // The PIN is not kept once it has been sent, right or wrong.
                self.pin.clear();
                cmd
            }
            Some(Do::Type) | None => {
                if self.on_pin {
                    self.pin.edit(key)
                } else {
                    self.nip.edit(key)
                };
                Action::None
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let lang = ui.lang;
    let width = 62.min(area.width);
    let height = 9.min(area.height);
    let boxed = Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 3, width, height };
    let block = crate::tui::ui::dialog(ui.theme, text(lang, "tui.login_title"));
    let inner = block.inner(boxed);
    frame.render_widget(Clear, boxed);
    frame.render_widget(block, boxed);
    let pad = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    let intro = Paragraph::new(text(lang, "tui.login_intro")).wrap(Wrap { trim: true });
    frame.render_widget(intro, Rect { height: 2, ..pad });
    let rows = [("tui.label_nip", &state.nip, !state.on_pin), ("tui.label_pin", &state.pin, state.on_pin)];
    let mut cursor = None;
    for (i, (key, input, focused)) in rows.into_iter().enumerate() {
        let row = Rect { y: pad.y + 3 + i as u16 * 2, height: 1, width: pad.width.min(48), ..pad };
        let label = Label { text: text(lang, key), width: 20, focused, faulty: false };
        cursor = labelled_input(frame, row, ui.theme, label, input).or(cursor);
    }
    cursor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_moves_to_the_pin_then_logs_in_and_forgets_the_pin() {
        let mut state = State::new();
        for c in "198001012005011001".chars() {
            state.key(Key::Char(c), Lang::Id);
        }
        assert_eq!(state.key(Key::Enter, Lang::Id), Action::None);
        assert!(state.on_pin);
        for c in "123456".chars() {
            state.key(Key::Char(c), Lang::Id);
        }
        let action = state.key(Key::Enter, Lang::Id);
        assert_eq!(action, Action::Login { nip: "198001012005011001".into(), pin: "123456".into() });
        assert_eq!(state.pin.text(), "");
        state.key(Key::BackTab, Lang::Id);
        assert!(!state.on_pin);
        state.key(Key::Char('q'), Lang::Id);
        assert_eq!(state.nip.text(), "198001012005011001q", "letters type in a field");
    }
}
