//! The bottom line: the keys of the current screen, from its key table.
//! The key is drawn bold so it stands out without colour too. What does
//! not fit is left out from the end, but the last part (the help key)
//! always shows: the help lists everything.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::theme::{Theme, cells};

/// Cells between two parts.
const GAP: usize = 2;

/// The parts that fit in `width`, in order; the last part is kept.
pub fn fitting<'a>(parts: &[(&'a str, &'a str)], width: usize) -> Vec<(&'a str, &'a str)> {
    let size = |(key, words): &(&str, &str)| cells(key) + if words.is_empty() { 0 } else { 1 + cells(words) };
    let mut kept = parts.to_vec();
    let total = |kept: &[(&str, &str)]| kept.iter().map(size).sum::<usize>() + GAP * kept.len().saturating_sub(1);
    while kept.len() > 1 && total(&kept) > width {
        kept.remove(kept.len() - 2);
    }
    kept
}

pub fn render(frame: &mut Frame, area: Rect, theme: Theme, parts: &[(&str, &str)]) {
    let mut spans = Vec::new();
    for (i, (key, words)) in fitting(parts, usize::from(area.width)).into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" ".repeat(GAP)));
        }
        spans.push(Span::styled(key.to_string(), theme.key()));
        if !words.is_empty() {
            spans.push(Span::raw(format!(" {words}")));
        }
    }
    frame.render_widget(Line::from(spans), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_that_do_not_fit_go_from_the_end_but_help_stays() {
        let parts = [("Enter", "open"), ("t", "record"), ("q", "quit"), ("?", "help")];
        assert_eq!(fitting(&parts, 80), parts.to_vec());
        // "Enter open  t record  ? help" is 28 cells.
        assert_eq!(fitting(&parts, 28), vec![("Enter", "open"), ("t", "record"), ("?", "help")]);
        assert_eq!(fitting(&parts, 3), vec![("?", "help")]);
    }
}
