//! A one-line question typed in over a screen (a day in the register, days
//! in the queue, a period in the report): Enter reads the answer, Esc
//! leaves it, the field answers every other key; an answer that does not
//! read stays, with the reason beside it.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;

use super::field::{Label, labelled_input};
use super::input::TextInput;
use crate::domain::invalid::Invalid;
use crate::i18n::Lang;
use crate::tui::bindings::{TYPED, Typed, find};
use crate::tui::keymap::Key;
use crate::tui::theme::{Theme, cells};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asked {
    pub input: TextInput,
    /// Why the last answer did not read, or the field refused a key.
    pub problem: Option<String>,
}

/// What a key made of the question.
pub enum Answer<T> {
    /// Still asking.
    Waiting,
    /// Esc: the question goes, nothing changes.
    Cancelled,
    Given(T),
}

impl Asked {
    pub fn new(input: TextInput) -> Asked {
        Asked { input, problem: None }
    }

    /// A key typed into the question; `read` turns the text into the answer.
    pub fn key<T>(&mut self, key: Key, lang: Lang, read: impl FnOnce(&str) -> Result<T, Invalid>) -> Answer<T> {
        match find(TYPED, key) {
            Some(Typed::Cancel) => return Answer::Cancelled,
            Some(Typed::Apply) => match read(self.input.text().trim()) {
                Ok(answer) => return Answer::Given(answer),
                Err(e) => self.problem = Some(crate::i18n::invalid(lang, &e)),
            },
            _ => {
                if self.input.edit(key) {
                    self.problem = self.input.refusal(lang);
                }
            }
        }
        Answer::Waiting
    }

    /// `label`, the field `field` cells wide, and the problem after it, on
    /// `line`; where the cursor goes.
    pub fn render(&self, frame: &mut Frame, line: Rect, theme: Theme, label: &str, field: u16) -> Option<Position> {
        let width = (cells(label) + 2) as u16;
        let label = Label { text: label, width, focused: true, faulty: self.problem.is_some() };
        let cursor =
            labelled_input(frame, Rect { width: line.width.min(width + field), ..line }, theme, label, &self.input);
        if let Some(problem) = &self.problem {
            let at =
                Rect { x: line.x + width + field + 1, width: line.width.saturating_sub(width + field + 1), ..line };
            frame.render_widget(
                Line::styled(theme.fit(&format!("! {problem}"), usize::from(at.width)), theme.error()),
                at,
            );
        }
        cursor
    }
}

/// The choice after `now` among `options` (`None` standing for all of
/// them), and `None` again after the last: how a key steps a filter.
pub fn next_choice<T: Copy + PartialEq>(options: &[T], now: Option<T>) -> Option<T> {
    match now.and_then(|n| options.iter().position(|&o| o == n)) {
        Some(at) => options.get(at + 1).copied(),
        None => options.first().copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_steps_through_its_choices_and_back_to_all() {
        let options = [3, 5, 8];
        assert_eq!(next_choice(&options, None), Some(3));
        assert_eq!(next_choice(&options, Some(5)), Some(8));
        assert_eq!(next_choice(&options, Some(8)), None);
        assert_eq!(next_choice::<u32>(&[], None), None);
    }
}
