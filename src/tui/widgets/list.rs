//! Drawing a list with a selection. Only the visible rows are built, so a
//! register of ten thousand entries costs what a page does.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::theme::Theme;

/// The first row shown. The list moves a page at a time: on a slow link one
/// full redraw per page is cheaper than a scroll on every step.
pub fn page_start(selected: usize, height: usize) -> usize {
    selected.checked_div(height).map_or(0, |page| page * height)
}

/// Draws rows `0..len` with `row(i)` building each visible one. The selected
/// row is marked with `>` and reverse video, so it shows without colour.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
    len: usize,
    selected: Option<usize>,
    row: impl Fn(usize) -> Line<'static>,
) {
    let height = usize::from(area.height);
    let start = page_start(selected.unwrap_or(0), height);
    for (n, i) in (start..len.min(start + height)).enumerate() {
        let line = row(i);
        let is_selected = selected == Some(i);
        let marker = if is_selected { "> " } else { "  " };
        let mut spans = vec![Span::raw(marker)];
        spans.extend(line.spans);
        let mut line = Line::from(spans);
        if is_selected {
            line = line.style(theme.selected());
        }
        let at = Rect { y: area.y + n as u16, height: 1, ..area };
        frame.render_widget(line, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_turn_whole() {
        assert_eq!(page_start(0, 10), 0);
        assert_eq!(page_start(9, 10), 0);
        assert_eq!(page_start(10, 10), 10);
        assert_eq!(page_start(25, 10), 20);
        assert_eq!(page_start(3, 0), 0);
    }
}
