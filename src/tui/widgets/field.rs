//! A labelled field on one row, and the problems under a form: drawn the
//! same way by every form and question.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::input::TextInput;
use crate::tui::theme::Theme;

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
