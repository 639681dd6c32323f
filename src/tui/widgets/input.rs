//! A one-line text field. Editing is plain state, so forms are tested
//! without a terminal; drawing shows the end near the cursor when the text
//! is wider than the field.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use crate::tui::keymap::Key;
use crate::tui::theme::Theme;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// In characters, not bytes: officers type names with accents.
    cursor: usize,
    max: usize,
    masked: bool,
}

impl TextInput {
    pub fn new(max: usize) -> TextInput {
        TextInput { text: String::new(), cursor: 0, max, masked: false }
    }

    pub fn masked(max: usize) -> TextInput {
        TextInput { masked: true, ..TextInput::new(max) }
    }

    pub fn with_text(mut self, text: &str) -> TextInput {
        self.set(text);
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The most characters the field takes.
    pub fn max(&self) -> usize {
        self.max
    }

    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    pub fn set(&mut self, text: &str) {
        self.text = text.chars().take(self.max).collect();
        self.cursor = self.text.chars().count();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text.char_indices().nth(char_index).map_or(self.text.len(), |(i, _)| i)
    }

    /// Applies an editing key; false when the key is not an edit, so the
    /// screen can use it (Enter, Tab, arrows up and down...).
    pub fn edit(&mut self, key: Key) -> bool {
        let len = self.text.chars().count();
        match key {
            Key::Char(c) if !c.is_control() => {
                if len < self.max {
                    let at = self.byte_at(self.cursor);
                    self.text.insert(at, c);
                    self.cursor += 1;
                }
            }
            Key::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            Key::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            Key::Backspace | Key::Delete => {}
            Key::Left => self.cursor = self.cursor.saturating_sub(1),
            Key::Right => self.cursor = (self.cursor + 1).min(len),
            Key::Home => self.cursor = 0,
            Key::End => self.cursor = len,
            _ => return false,
        }
        true
    }

    /// Draws `[text]` in `area` (one row); returns where the terminal's
    /// cursor belongs when the field has focus.
    pub fn render(&self, frame: &mut Frame, area: Rect, theme: Theme, focused: bool) -> Option<Position> {
        if area.width < 3 || area.height == 0 {
            return None;
        }
        let inner = usize::from(area.width - 2);
        let shown: Vec<char> = if self.masked {
            std::iter::repeat_n(theme.mask(), self.text.chars().count()).collect()
        } else {
            self.text.chars().collect()
        };
        // Keep the cursor inside the field: show the tail when it is past the width.
        let start = (self.cursor + 1).saturating_sub(inner);
        let visible: String = shown.iter().skip(start).take(inner).collect();
        let style = if focused { theme.strong() } else { ratatui::style::Style::new() };
        let line = Line::from(vec![Span::raw("["), Span::styled(format!("{visible:<inner$}"), style), Span::raw("]")]);
        frame.render_widget(line, area);
        focused.then(|| Position::new(area.x + 1 + (self.cursor - start) as u16, area.y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(input: &mut TextInput, text: &str) {
        for c in text.chars() {
            input.edit(Key::Char(c));
        }
    }

    #[test]
    fn edits_at_the_cursor_by_character() {
        let mut input = TextInput::new(20);
        typed(&mut input, "cabé");
        input.edit(Key::Left);
        input.edit(Key::Backspace);
        assert_eq!(input.text(), "caé");
        input.edit(Key::Home);
        input.edit(Key::Delete);
        typed(&mut input, "K");
        assert_eq!(input.text(), "Kaé");
        assert!(!input.edit(Key::Enter));
        assert!(!input.edit(Key::Up));
    }

    #[test]
    fn stops_at_its_length() {
        let mut input = TextInput::masked(6);
        typed(&mut input, "12345678");
        assert_eq!(input.text(), "123456");
    }
}
