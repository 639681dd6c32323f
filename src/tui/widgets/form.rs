//! A form of labelled fields for the admin screens: text, a choice of one
//! option, or a set of checkboxes; a Save button after the last field.
//! Editing is plain state, tested without a terminal.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::field::{Label, label_line, labelled_input, problems};
use super::input::TextInput;
use crate::domain::text::TextField;
use crate::i18n::text;
use crate::tui::bindings::{Binding, DISCARD, EDIT_KEYS, Hint, find, hints};
use crate::tui::keymap::Key;
use crate::tui::ui::Ui;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Text(TextInput),
    /// One of `options`; `ids` says what each stands for.
    Choice {
        options: Vec<String>,
        ids: Vec<u32>,
        selected: usize,
    },
    /// Any of `options`, ticked with Space.
    Checks {
        options: Vec<String>,
        ids: Vec<u32>,
        checked: Vec<bool>,
        cursor: usize,
    },
}

impl Input {
    /// A field for short typed values that are not stored text (a date,
    /// a NIP): cut at `max`.
    pub fn text(max: usize, value: &str) -> Input {
        Input::Text(TextInput::new(max).with_text(value))
    }

    /// A field for stored text, under the domain's rules for `field`.
    pub fn stored_text(field: TextField, value: &str) -> Input {
        Input::Text(TextInput::for_field(field).with_text(value))
    }

    pub fn masked(max: usize) -> Input {
        Input::Text(TextInput::masked(max))
    }

    pub fn choice(options: Vec<(u32, String)>, selected_id: Option<u32>) -> Input {
        let selected = selected_id.and_then(|id| options.iter().position(|(i, _)| *i == id)).unwrap_or(0);
        let (ids, options) = options.into_iter().unzip();
        Input::Choice { options, ids, selected }
    }

    pub fn checks(options: Vec<(u32, String)>, ticked: &[u32]) -> Input {
        let checked = options.iter().map(|(id, _)| ticked.contains(id)).collect();
        let (ids, options) = options.into_iter().unzip();
        Input::Checks { options, ids, checked, cursor: 0 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Catalog key of the label.
    pub label: &'static str,
    pub input: Input,
}

impl Field {
    pub fn new(label: &'static str, input: Input) -> Field {
        Field { label, input }
    }
}

/// What a key did to the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    None,
    /// Enter on Save.
    Submit,
    /// Esc on an untouched form, or discarding after being asked.
    Cancel,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub fields: Vec<Field>,
    /// The focused field; `fields.len()` is the Save button.
    pub focus: usize,
    /// What to fix, each with the field it is about when that is known.
    pub problems: Vec<(Option<usize>, String)>,
    pub confirm_discard: bool,
    pristine: Vec<Input>,
}

impl Form {
    pub fn new(fields: Vec<Field>) -> Form {
        let pristine = fields.iter().map(|f| f.input.clone()).collect();
        Form { fields, focus: 0, problems: Vec::new(), confirm_discard: false, pristine }
    }

    /// Whether anything differs from how the form opened.
    pub fn dirty(&self) -> bool {
        self.fields.iter().zip(&self.pristine).any(|(f, p)| match (&f.input, p) {
            (Input::Text(a), Input::Text(b)) => a.text() != b.text(),
            (Input::Choice { selected: a, .. }, Input::Choice { selected: b, .. }) => a != b,
            (Input::Checks { checked: a, .. }, Input::Checks { checked: b, .. }) => a != b,
            _ => true,
        })
    }

    pub fn text(&self, field: usize) -> &str {
        match &self.fields[field].input {
            Input::Text(t) => t.text(),
            _ => "",
        }
    }

    /// The id of the chosen option.
    pub fn choice(&self, field: usize) -> u32 {
        match &self.fields[field].input {
            Input::Choice { ids, selected, .. } => ids.get(*selected).copied().unwrap_or_default(),
            _ => 0,
        }
    }

    /// The focused field and why it just refused a typed character.
    pub fn refusal(&self, lang: crate::i18n::Lang) -> Option<(usize, String)> {
        match &self.fields.get(self.focus)?.input {
            Input::Text(t) => t.refusal(lang).map(|e| (self.focus, e)),
            _ => None,
        }
    }

    /// The ids of the ticked options.
    pub fn checked(&self, field: usize) -> Vec<u32> {
        match &self.fields[field].input {
            Input::Checks { ids, checked, .. } => {
                ids.iter().zip(checked).filter(|(_, c)| **c).map(|(id, _)| *id).collect()
            }
            _ => vec![],
        }
    }

    pub fn clear(&mut self, field: usize) {
        if let Input::Text(t) = &mut self.fields[field].input {
            t.clear();
        }
    }

    /// Shows what to fix; the first faulty field gets the focus.
    pub fn refuse(&mut self, found: Vec<(Option<usize>, String)>) {
        if let Some(field) = found.iter().find_map(|(f, _)| *f) {
            self.focus = field;
        }
        self.problems = found;
    }

    fn faulty(&self, field: usize) -> bool {
        self.problems.iter().any(|(f, _)| *f == Some(field))
    }

    /// The keys in force: a question, or the focused field's.
    fn keys(&self) -> Vec<Binding<Do>> {
        let on_save = self.focus == self.fields.len();
        let input = self.fields.get(self.focus).map(|f| &f.input);
        let wanted = |b: &&Binding<Do>| match b.action {
            Do::Submit => on_save,
            Do::Choose => matches!(input, Some(Input::Choice { .. })),
            Do::MoveCheck | Do::Tick => matches!(input, Some(Input::Checks { .. })),
            Do::Type => matches!(input, Some(Input::Text(_))),
            _ => true,
        };
        KEYS.iter().filter(wanted).copied().collect()
    }

    pub fn hints(&self) -> Vec<Hint> {
        if self.confirm_discard { hints(DISCARD) } else { hints(&self.keys()) }
    }

    pub fn key(&mut self, key: Key) -> Outcome {
        let count = self.fields.len() + 1;
        let focus = self.focus;
        if self.confirm_discard {
            match find(DISCARD, key) {
                Some(true) => return Outcome::Cancel,
                Some(false) => self.confirm_discard = false,
                None => {}
            }
            return Outcome::None;
        }
        let (found, dirty) = (find(&self.keys(), key), self.dirty());
        let changed = match (found, self.fields.get_mut(focus).map(|f| &mut f.input)) {
            (Some(Do::Cancel), _) if dirty => {
                self.confirm_discard = true;
                false
            }
            (Some(Do::Cancel), _) => return Outcome::Cancel,
            (Some(Do::Submit), _) => return Outcome::Submit,
            (Some(Do::Next), _) => {
                self.focus = (focus + 1) % count;
                false
            }
            (Some(Do::Previous), _) => {
                self.focus = (focus + count - 1) % count;
                false
            }
            (Some(Do::Choose), Some(Input::Choice { options, selected, .. })) => {
                let n = options.len().max(1);
                *selected = if key == Key::Left { (*selected + n - 1) % n } else { (*selected + 1) % n };
                true
            }
            (Some(Do::MoveCheck), Some(Input::Checks { options, cursor, .. })) => {
                *cursor = if key == Key::Left {
                    cursor.saturating_sub(1)
                } else {
                    (*cursor + 1).min(options.len().saturating_sub(1))
                };
                true
            }
            (Some(Do::Tick), Some(Input::Checks { checked, cursor, .. })) => {
                if let Some(c) = checked.get_mut(*cursor) {
                    *c = !*c;
                }
                true
            }
            (Some(Do::Type) | None, Some(Input::Text(t))) => t.edit(key),
            _ => false,
        };
        if changed {
            // The officer is fixing this field: its old message no longer applies.
            self.problems.retain(|(f, _)| *f != Some(focus));
        }
        Outcome::None
    }

    /// Draws the fields from the top of `area`, the Save button, then the
    /// problems; returns where the cursor belongs.
    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, label_width: u16) -> Option<Position> {
        let (lang, theme) = (ui.lang, ui.theme);
        let mut cursor = None;
        for (i, field) in self.fields.iter().enumerate() {
            let row = Rect { y: area.y + i as u16, height: 1, ..area };
            if row.y >= area.y + area.height {
                break;
            }
            let label = Label {
                text: text(lang, field.label),
                width: label_width,
                focused: self.focus == i,
                faulty: self.faulty(i),
            };
            let value = Rect { x: row.x + label_width, width: row.width.saturating_sub(label_width), ..row };
            match &field.input {
                Input::Text(input) => {
                    let width = (label_width + input_width(input)).min(row.width);
                    cursor = labelled_input(frame, Rect { width, ..row }, theme, label, input).or(cursor);
                }
                Input::Choice { options, selected, .. } => {
                    frame.render_widget(label_line(theme, label), row);
                    let (open, close) = theme.choice();
                    let shown = options.get(*selected).map_or("", String::as_str);
                    // Not bold with the focus: the label shows it (a Tab sends less).
                    let shown = theme.fit(shown, usize::from(value.width).saturating_sub(4));
                    frame.render_widget(Line::from(format!("{open}{shown}{close}")), value);
                }
                Input::Checks { options, checked, cursor: at, .. } => {
                    frame.render_widget(label_line(theme, label), row);
                    let mut spans = Vec::new();
                    for (n, (option, on)) in options.iter().zip(checked).enumerate() {
                        let mark = if *on { "[x] " } else { "[ ] " };
                        let style =
                            if label.focused && n == *at { theme.selected() } else { ratatui::style::Style::new() };
                        spans.push(Span::styled(format!("{mark}{option}"), style));
                        spans.push(Span::raw(" "));
                    }
                    frame.render_widget(Line::from(spans), value);
                }
            }
        }
        let save_y = area.y + self.fields.len() as u16 + 1;
        if save_y < area.y + area.height {
            let focused = self.focus == self.fields.len();
            let button = format!("[ {} ]", text(lang, "tui.form_save"));
            let style = if focused { theme.selected().patch(theme.strong()) } else { theme.strong() };
            let marker = if focused { ">" } else { " " };
            let at = Rect {
                x: area.x + label_width - 1,
                y: save_y,
                width: area.width.saturating_sub(label_width),
                height: 1,
            };
            frame.render_widget(Line::from(vec![Span::raw(marker), Span::styled(button, style)]), at);
        }
        let below_y = save_y + 2;
        if below_y < area.y + area.height {
            let below = Rect { y: below_y, height: area.y + area.height - below_y, ..area };
            let messages: Vec<String> = self.problems.iter().map(|(_, m)| m.clone()).collect();
            problems(frame, below, theme, &messages);
        }
        if self.confirm_discard {
            confirm(frame, area, ui, text(lang, "tui.confirm_discard"));
            return None;
        }
        cursor
    }
}

/// Room a text field gets: short fields stay short.
fn input_width(input: &TextInput) -> u16 {
    match input.max() {
        0..=12 => 16,
        13..=24 => 28,
        _ => 50,
    }
}

/// A small box over the middle of `area` asking y or n.
pub fn confirm(frame: &mut Frame, area: Rect, ui: &Ui, question: &str) {
    let (lang, theme) = (ui.lang, ui.theme);
    let width = 60.min(area.width);
    let lines = (crate::tui::theme::cells(question) as u16).div_ceil(width.saturating_sub(2).max(1));
    let boxed = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height / 3,
        width,
        height: (lines + 3).min(area.height),
    };
    let block = crate::tui::ui::dialog(theme, text(lang, "tui.confirm_please"));
    let inner = block.inner(boxed);
    frame.render_widget(Clear, boxed);
    frame.render_widget(block, boxed);
    let body = vec![Line::from(question.to_string()), Line::styled(text(lang, "tui.confirm_yes_no"), theme.key())];
    frame.render_widget(ratatui::widgets::Paragraph::new(body).wrap(ratatui::widgets::Wrap { trim: true }), inner);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Type,
    Next,
    Previous,
    Choose,
    MoveCheck,
    Tick,
    Submit,
    Cancel,
}

/// A form's keys; `keys()` keeps those of the focused field.
const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Enter], "Enter", "tui.do_save", Do::Submit),
    Binding::shown(&[Key::Tab, Key::Enter, Key::Down], "Tab/Enter", "tui.do_next", Do::Next),
    Binding::shown(&[Key::Left, Key::Right, Key::Char(' ')], "tui.keyname_left_right", "tui.do_choose", Do::Choose),
    Binding::shown(&[Key::Left, Key::Right], "tui.keyname_left_right", "tui.do_move_in_boxes", Do::MoveCheck),
    Binding::shown(&[Key::Char(' '), Key::Char('x'), Key::Char('X')], "tui.keyname_space", "tui.do_tick", Do::Tick),
    Binding::in_help(EDIT_KEYS, "tui.keyname_editing", "tui.do_edit_text", Do::Type),
    Binding::shown(&[Key::Esc], "Esc", "tui.do_cancel", Do::Cancel),
    // Last: the first the footer leaves out when the field offers more.
    Binding::shown(&[Key::BackTab, Key::Up], "Shift-Tab", "tui.do_previous", Do::Previous),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form::new(vec![
            Field::new("tui.label_name", Input::text(20, "Lapas")),
            Field::new(
                "tui.label_role",
                Input::choice(vec![(1, "a".into()), (2, "b".into()), (3, "c".into())], Some(2)),
            ),
            Field::new("tui.label_sites", Input::checks(vec![(7, "x".into()), (8, "y".into())], &[8])),
        ])
    }

    #[test]
    fn fields_edit_choose_and_tick() {
        let mut f = form();
        assert!(!f.dirty());
        f.key(Key::Char('!'));
        assert_eq!(f.text(0), "Lapas!");
        f.key(Key::Tab);
        assert_eq!(f.choice(1), 2);
        f.key(Key::Right);
        f.key(Key::Right);
        assert_eq!(f.choice(1), 1, "wraps round");
        f.key(Key::Down);
        f.key(Key::Char(' '));
        assert_eq!(f.checked(2), vec![7, 8]);
        f.key(Key::Right);
        f.key(Key::Char(' '));
        assert_eq!(f.checked(2), vec![7]);
        assert!(f.dirty());
        assert_eq!(f.key(Key::Enter), Outcome::None);
        assert_eq!(f.focus, 3, "on Save");
        assert_eq!(f.key(Key::Enter), Outcome::Submit);
    }

    #[test]
    fn esc_asks_only_when_something_changed() {
        let mut f = form();
        assert_eq!(f.key(Key::Esc), Outcome::Cancel);
        f.key(Key::Backspace);
        assert_eq!(f.key(Key::Esc), Outcome::None);
        assert!(f.confirm_discard);
        assert_eq!(f.key(Key::Char('n')), Outcome::None);
        assert_eq!(f.text(0), "Lapa");
        f.key(Key::Esc);
        assert_eq!(f.key(Key::Char('y')), Outcome::Cancel);
    }

    #[test]
    fn a_refusal_focuses_the_first_faulty_field_and_editing_clears_it() {
        let mut f = form();
        f.focus = 3;
        f.refuse(vec![(None, "general".into()), (Some(0), "name".into())]);
        assert_eq!(f.focus, 0);
        f.key(Key::Char('a'));
        assert_eq!(f.problems, vec![(None, "general".into())]);
    }
}
