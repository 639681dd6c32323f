//! A one-line text field. Editing is plain state, so forms are tested
//! without a terminal; drawing shows the end near the cursor when the text
//! is wider than the field.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use crate::domain::invalid::{Arg, Invalid};
use crate::domain::text::{TextField, escape_forbidden, is_forbidden};
use crate::i18n::{Lang, fill};
use crate::tui::keymap::Key;
use crate::tui::theme::Theme;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// In characters, not bytes: officers type names with accents.
    cursor: usize,
    max: usize,
    masked: bool,
    /// The stored text this field edits, whose rules it applies as typed.
    field: Option<TextField>,
    /// Why the last typed character was not taken; cleared by the next edit.
    /// Boxed: a screen holds many fields, and a refusal is rare.
    refused: Option<Box<Invalid>>,
    /// The last typed character was not taken because the field is full
    /// (a field without stored-text rules: a date, a value, a count).
    full: bool,
}

impl TextInput {
    pub fn new(max: usize) -> TextInput {
        TextInput { text: String::new(), cursor: 0, max, masked: false, field: None, refused: None, full: false }
    }

    /// A field for stored text: its length and characters are the domain's
    /// rules for `field`, and a character they refuse is refused here with
    /// the domain's message (see `refused`), never cut silently.
    pub fn for_field(field: TextField) -> TextInput {
        TextInput { field: Some(field), ..TextInput::new(field.max()) }
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

    /// Why the last character typed was not taken (the field is full, or
    /// the character is one no stored text may hold), for the screen to
    /// show; `None` once an edit is taken.
    pub fn refused(&self) -> Option<&Invalid> {
        self.refused.as_deref()
    }

    /// Why the last key typed nothing, in the officer's language: the
    /// domain's message for stored text, or that the field is full. A key
    /// is never dropped without a word.
    pub fn refusal(&self, lang: Lang) -> Option<String> {
        match (&self.refused, self.full) {
            (Some(e), _) => Some(crate::i18n::invalid(lang, e)),
            (None, true) => Some(fill(lang, "tui.field_full", &[("max", Arg::Number(self.max as i64))])),
            (None, false) => None,
        }
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
    /// screen can use it (Enter, Tab, arrows up and down...). The keys of a
    /// shell line: Ctrl-U clears to the start, Ctrl-W deletes the word
    /// before the cursor, Ctrl-A and Ctrl-E go to the start and the end.
    pub fn edit(&mut self, key: Key) -> bool {
        let len = self.text.chars().count();
        if matches!(key, Key::Char(_) | Key::Backspace | Key::Delete | Key::ClearToStart | Key::DeleteWord) {
            self.refused = None;
            self.full = false;
        }
        match key {
            Key::Char(c) if !c.is_control() => {
                if let Some(field) = self.field.filter(|_| is_forbidden(c)) {
                    let found = escape_forbidden(&c.to_string()).into_owned();
                    self.refused = Some(Box::new(Invalid::TextForbidden { field, found }));
                } else if len >= self.max {
                    self.refused = self.field.map(|field| Box::new(Invalid::TextTooLong { field, max: self.max }));
                    self.full = self.refused.is_none();
                } else {
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
            Key::ClearToStart => self.delete_before(0),
            Key::DeleteWord => {
                // Spaces before the cursor, then the word before them.
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                self.delete_before(start);
            }
            Key::Left => self.cursor = self.cursor.saturating_sub(1),
            Key::Right => self.cursor = (self.cursor + 1).min(len),
            Key::Home => self.cursor = 0,
            Key::End => self.cursor = len,
            _ => return false,
        }
        true
    }

    /// Deletes from character `start` to the cursor.
    fn delete_before(&mut self, start: usize) {
        let (from, to) = (self.byte_at(start), self.byte_at(self.cursor));
        self.text.replace_range(from..to, "");
        self.cursor = start;
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
        // Keep the cursor inside the field: show the tail when it is past
        // the width. Widths are terminal cells: an emoji takes two.
        let width = |c: &char| unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
        let mut start = 0;
        while start < self.cursor && shown[start..self.cursor].iter().map(width).sum::<usize>() + 1 > inner {
            start += 1;
        }
        let mut used = 0;
        let visible: String = shown[start..]
            .iter()
            .take_while(|c| {
                used += width(c);
                used <= inner
            })
            .collect();
        let padded = format!("{visible}{}", " ".repeat(inner.saturating_sub(crate::tui::theme::cells(&visible))));
        // The same style focused or not: the label's mark and the cursor
        // show the focus, and a Tab need not send the text again (issue 12).
        let line = Line::from(vec![Span::raw("["), Span::raw(padded), Span::raw("]")]);
        frame.render_widget(line, area);
        let before: usize = shown[start..self.cursor.min(shown.len())].iter().map(width).sum();
        focused.then(|| Position::new(area.x + 1 + before as u16, area.y))
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

    #[test]
    fn a_text_field_refuses_the_character_past_its_maximum_with_the_domain_message() {
        let mut input = TextInput::for_field(TextField::Item);
        typed(&mut input, &"a".repeat(80));
        assert_eq!(input.refused(), None);
        assert!(input.edit(Key::Char('b')));
        assert_eq!(input.text(), "a".repeat(80));
        assert_eq!(input.refused(), Some(&Invalid::TextTooLong { field: TextField::Item, max: 80 }));
        let message = crate::i18n::invalid(crate::i18n::Lang::Id, input.refused().unwrap());
        assert_eq!(message, "Nama barang: paling banyak 80 karakter.");
        // Making room takes the message away and the next character in.
        input.edit(Key::Backspace);
        assert_eq!(input.refused(), None);
        typed(&mut input, "b");
        assert_eq!(input.text(), format!("{}b", "a".repeat(79)));
    }

    #[test]
    fn a_text_field_refuses_a_forbidden_character_and_keeps_the_rest() {
        let mut input = TextInput::for_field(TextField::Notes);
        assert_eq!(input.max(), 1_000);
        typed(&mut input, "ab\u{202e}c");
        assert_eq!(input.text(), "abc");
        typed(&mut input, "\u{200b}");
        assert_eq!(
            input.refused(),
            Some(&Invalid::TextForbidden { field: TextField::Notes, found: "\\u{200b}".into() })
        );
    }

    #[test]
    fn shell_line_keys_clear_to_the_start_and_delete_the_word_before_the_cursor() {
        let mut input = TextInput::new(40);
        typed(&mut input, "panen cabai merah");
        input.edit(Key::DeleteWord);
        assert_eq!(input.text(), "panen cabai ");
        input.edit(Key::DeleteWord);
        assert_eq!(input.text(), "panen ");
        typed(&mut input, "tomat");
        input.edit(Key::Left);
        input.edit(Key::Left);
        input.edit(Key::ClearToStart);
        assert_eq!(input.text(), "at", "only what is before the cursor goes");
        input.edit(Key::End);
        typed(&mut input, "!");
        assert_eq!(input.text(), "at!");
    }

    #[test]
    fn a_full_field_says_so_instead_of_dropping_keys_silently() {
        // The officer's case: a full date field, Backspace, then a whole date.
        let mut date = TextInput::new(10).with_text("01/12/2026");
        date.edit(Key::Backspace);
        typed(&mut date, "02/12/2026");
        assert_eq!(date.text(), "01/12/2020");
        let said = date.refusal(Lang::En).expect("a full field says so");
        assert!(said.contains("10"), "{said}");
        assert!(date.refusal(Lang::Id).is_some());
        // Ctrl-U clears it and the date goes in whole.
        date.edit(Key::ClearToStart);
        assert_eq!(date.refusal(Lang::En), None);
        typed(&mut date, "02/12/2026");
        assert_eq!(date.text(), "02/12/2026");
    }
}
