//! First run: no officer exists yet, so the first administrator is created
//! here (NIP, name, PIN twice) before anyone can log in.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Action, Page};
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::officer::{Nip, PIN_MAX_DIGITS, check_name, check_pin};
use crate::domain::text::TextField;
use crate::i18n::{self, Lang, fill, text};
use crate::tui::bindings::{Binding, EDIT_KEYS, Hint, find, hints};
use crate::tui::keymap::Key;
use crate::tui::ui::Ui;
use crate::tui::widgets::field::{Label, labelled_input, problems};
use crate::tui::widgets::input::TextInput;

const NIP: usize = 0;
const NAME: usize = 1;
const PIN: usize = 2;
const PIN_AGAIN: usize = 3;
const FIELDS: usize = 4;

/// Counts of the reference data, shown so the officer knows it is there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reference {
    pub sites: usize,
    pub partners: usize,
    pub agreements: usize,
    pub programs: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub fields: [TextInput; FIELDS],
    pub focus: usize,
    /// Field index and message of each problem found.
    pub problems: Vec<(usize, String)>,
    pub reference: Reference,
}

impl State {
    pub fn new(reference: Reference) -> State {
        State {
            fields: [
                TextInput::new(24),
                TextInput::for_field(TextField::OfficerName),
                TextInput::masked(PIN_MAX_DIGITS),
                TextInput::masked(PIN_MAX_DIGITS),
            ],
            focus: NIP,
            problems: Vec::new(),
            reference,
        }
    }

    /// This screen in place of a login drawn before the database said it
    /// holds no officer yet (a cold start draws the login at once): the
    /// NIP typed there is the first administrator's, kept, and the name is
    /// next once it was entered. A PIN typed for a login is not a new PIN:
    /// it is dropped.
    pub fn after_login(mut self, login: &super::login::State) -> State {
        self.fields[NIP].set(login.nip.text());
        if login.on_pin {
            self.focus = NAME;
        }
        self
    }

    /// Checks every field; asks for the administrator only when all are right.
    fn submit(&mut self, lang: Lang) -> Action {
        let [nip, name, pin, again] = &self.fields;
        let mut found: Vec<(usize, Invalid)> = Vec::new();
        if let Err(e) = Nip::parse(nip.text()) {
            found.push((NIP, e));
        }
        if let Err(e) = check_name(name.text()) {
            found.push((NAME, e));
        }
        if let Err(e) = check_pin(pin.text()) {
            found.push((PIN, e));
        } else if pin.text() != again.text() {
            found.push((PIN_AGAIN, Invalid::PinMismatch));
        }
        self.problems = found.iter().map(|(field, e)| (*field, i18n::invalid(lang, e))).collect();
        if let Some((field, _)) = found.first() {
            self.focus = *field;
            if *field >= PIN {
                self.fields[PIN_AGAIN].clear();
            }
            return Action::None;
        }
        Action::CreateAdmin { nip: nip.text().to_string(), name: name.text().to_string(), pin: pin.text().to_string() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Type,
    Next,
    Previous,
    Enter,
    Quit,
}

const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Tab, Key::Down], "Tab", "tui.do_next", Do::Next),
    Binding::in_help(&[Key::BackTab, Key::Up], "Shift-Tab", "tui.do_previous", Do::Previous),
    Binding::shown(&[Key::Enter], "Enter", "tui.do_next_or_create", Do::Enter),
    Binding::in_help(EDIT_KEYS, "tui.keyname_editing", "tui.do_edit_text", Do::Type),
    Binding::shown(&[Key::Esc], "Esc", "tui.do_quit", Do::Quit),
];

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_setup").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_setup"
    }

    fn hints(&self) -> Vec<Hint> {
        hints(KEYS)
    }

    fn key(&mut self, key: Key, lang: Lang) -> Action {
        match find(KEYS, key) {
            Some(Do::Quit) => Action::Quit,
            Some(Do::Next) => {
                self.focus = (self.focus + 1) % FIELDS;
                Action::None
            }
            Some(Do::Previous) => {
                self.focus = (self.focus + FIELDS - 1) % FIELDS;
                Action::None
            }
            Some(Do::Enter) if self.focus < PIN_AGAIN => {
                self.focus += 1;
                Action::None
            }
            Some(Do::Enter) => self.submit(lang),
            Some(Do::Type) | None => {
                let field = &mut self.fields[self.focus];
                field.edit(key);
                if let Some(message) = field.refusal(lang) {
                    self.problems.retain(|(f, _)| *f != self.focus);
                    self.problems.push((self.focus, message));
                }
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
    let block = crate::tui::ui::dialog(ui.theme, text(lang, "tui.setup_title"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let n = |v: usize| Arg::Number(v as i64);
    let r = state.reference;
    let intro = vec![
        Line::from(text(lang, "tui.setup_intro")),
        Line::from(fill(
            lang,
            "tui.setup_reference",
            &[
                ("sites", n(r.sites)),
                ("partners", n(r.partners)),
                ("agreements", n(r.agreements)),
                ("programs", n(r.programs)),
            ],
        )),
    ];
    let pad = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    frame.render_widget(Paragraph::new(intro).wrap(Wrap { trim: true }), Rect { height: 4, ..pad });
    let labels = ["tui.label_nip", "tui.label_name", "tui.label_pin", "tui.label_pin_again"];
    let mut cursor = None;
    for (i, key) in labels.into_iter().enumerate() {
        let row = Rect { y: pad.y + 5 + i as u16, height: 1, width: pad.width.min(64), ..pad };
        let label = Label {
            text: text(lang, key),
            width: 22,
            focused: state.focus == i,
            faulty: state.problems.iter().any(|(f, _)| *f == i),
        };
        cursor = labelled_input(frame, row, ui.theme, label, &state.fields[i]).or(cursor);
    }
    let hint = Rect { y: pad.y + 10, height: 2, ..pad };
    frame.render_widget(Paragraph::new(text(lang, "tui.setup_hint")).wrap(Wrap { trim: true }), hint);
    let messages: Vec<String> = state.problems.iter().map(|(_, m)| m.clone()).collect();
    let below = Rect { y: pad.y + 13, height: inner.height.saturating_sub(14), ..pad };
    problems(frame, below, ui.theme, &messages);
    cursor
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(state: &mut State, text: &str) {
        for c in text.chars() {
            state.key(Key::Char(c), Lang::Id);
        }
    }

    #[test]
    fn creates_the_administrator_only_when_every_field_is_right() {
        let mut state = State::new(Reference::default());
        typed(&mut state, "1980 0101 2005 011001");
        state.key(Key::Enter, Lang::Id);
        typed(&mut state, "Siti Rahma");
        state.key(Key::Tab, Lang::Id);
        typed(&mut state, "123456");
        state.key(Key::Enter, Lang::Id);
        typed(&mut state, "123465");
        assert_eq!(state.key(Key::Enter, Lang::Id), Action::None);
        assert_eq!(state.problems.len(), 1);
        assert_eq!(state.problems[0].0, PIN_AGAIN);
        assert_eq!(state.focus, PIN_AGAIN);
        assert_eq!(state.fields[NAME].text(), "Siti Rahma", "typed text stays");
        typed(&mut state, "123456");
        let action = state.key(Key::Enter, Lang::Id);
        assert_eq!(
            action,
            Action::CreateAdmin {
                nip: "1980 0101 2005 011001".into(),
                name: "Siti Rahma".into(),
                pin: "123456".into()
            }
        );
    }

    #[test]
    fn marks_every_faulty_field() {
        let mut state = State::new(Reference::default());
        typed(&mut state, "123");
        state.focus = PIN_AGAIN;
        state.key(Key::Enter, Lang::En);
        let faulty: Vec<usize> = state.problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(faulty, vec![NIP, NAME, PIN]);
        assert_eq!(state.focus, NIP);
    }
}
