//! The lock: after no key for a while (or Ctrl-L) the terminal shows only
//! who it is locked for, never record data. Their PIN returns them to their
//! screen exactly as it was; Tab or x lets another officer log in instead.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Action, Page};
use crate::domain::invalid::Arg;
use crate::domain::officer::PIN_MAX_DIGITS;
use crate::i18n::{Lang, fill, text};
use crate::tui::bindings::{Binding, Global, Hint, find, global_in_footer, hints};
use crate::tui::keymap::Key;
use crate::tui::theme::cells;
use crate::tui::ui::{Ui, dialog};
use crate::tui::widgets::field::{Label, labelled_input};
use crate::tui::widgets::input::TextInput;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// The officer whose screens wait behind the lock.
    pub nip: String,
    pub name: String,
    pub pin: TextInput,
}

impl State {
    pub fn new(nip: &str, name: &str) -> State {
        State { nip: nip.to_string(), name: name.to_string(), pin: TextInput::masked(PIN_MAX_DIGITS) }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Type,
    Unlock,
    Switch,
}

const KEYS: &[Binding<Do>] = &[
    Binding::in_help(&[], "tui.keyname_digits", "tui.do_type_pin", Do::Type),
    Binding::shown(&[Key::Enter], "Enter", "tui.do_unlock", Do::Unlock),
    Binding::shown(&[Key::Tab, Key::BackTab, Key::Char('x'), Key::Char('X')], "Tab", "tui.do_switch", Do::Switch),
];

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_lock").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_lock"
    }

    /// Ctrl-C is answered everywhere (update.rs); the locked screen offers
    /// no other way out, so its footer says so.
    fn hints(&self) -> Vec<Hint> {
        let mut all = hints(KEYS);
        all.extend(global_in_footer(Global::Quit));
        all
    }

    fn key(&mut self, key: Key, _lang: Lang) -> Action {
        match find(KEYS, key) {
            Some(Do::Unlock) => {
                let cmd = Action::Login { nip: self.nip.clone(), pin: self.pin.text().to_string() };
                // The PIN is not kept once it has been sent, right or wrong.
                self.pin.clear();
                cmd
            }
            Some(Do::Switch) => Action::Switch,
            Some(Do::Type) | None => {
                self.pin.edit(key);
                Action::None
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let lang = ui.lang;
    let width = 62.min(area.width);
    let height = 10.min(area.height);
    let boxed = Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 3, width, height };
    let block = dialog(ui.theme, text(lang, "tui.lock_title"));
    let inner = block.inner(boxed);
    frame.render_widget(block, boxed);
    let pad = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    // A long name is shortened to keep its line to one, so the way in for
    // another officer below is never pushed out of the box.
    let for_whom = |name: &str| {
        fill(lang, "tui.lock_for", &[("name", Arg::Text(name.to_string())), ("nip", Arg::Text(state.nip.clone()))])
    };
    let room = usize::from(pad.width).saturating_sub(cells(&for_whom("")));
    let lines = vec![
        Line::styled(for_whom(&ui.theme.fit(&state.name, room)), ui.theme.strong()),
        Line::from(text(lang, "tui.lock_intro")),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), Rect { height: 4, ..pad });
    let row = Rect { y: pad.y + 5, height: 1, width: pad.width.min(48), ..pad };
    let label = Label { text: text(lang, "tui.label_pin"), width: 20, focused: true, faulty: false };
    labelled_input(frame, row, ui.theme, label, &state.pin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_unlocks_with_the_pin_and_tab_lets_another_officer_in() {
        let mut state = State::new("199001012015031002", "Operator Demo");
        for c in "123456".chars() {
            state.key(Key::Char(c), Lang::Id);
        }
        let action = state.key(Key::Enter, Lang::Id);
        assert_eq!(action, Action::Login { nip: "199001012015031002".into(), pin: "123456".into() });
        assert_eq!(state.pin.text(), "", "the PIN is forgotten once sent");
        assert_eq!(state.key(Key::Tab, Lang::Id), Action::Switch);
        assert_eq!(state.key(Key::Char('x'), Lang::Id), Action::Switch);
        assert_eq!(state.key(Key::Esc, Lang::Id), Action::None, "Esc does not quit and lose the locked work");
    }
}
