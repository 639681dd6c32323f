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

/// Where the record `chosen` (by its identity) is among `rows` after a
/// reload; the same row number, kept inside the list, when it is gone.
/// A pushed update inserts and removes rows: a row number alone would
/// move the selection to another record.
pub fn reselect<T, K: PartialEq>(rows: &[T], chosen: Option<K>, row: usize, id: impl Fn(&T) -> K) -> usize {
    chosen
        .and_then(|chosen| rows.iter().position(|r| id(r) == chosen))
        .unwrap_or_else(|| row.min(rows.len().saturating_sub(1)))
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

    #[test]
    fn the_selection_follows_its_record_and_else_keeps_its_row() {
        let before = 20;
        assert_eq!(reselect(&[30, 20, 10], Some(before), 1, |r| *r), 1);
        assert_eq!(reselect(&[40, 30, 20, 10], Some(before), 1, |r| *r), 2, "a newer record came on top");
        assert_eq!(reselect(&[40, 30, 10], Some(before), 1, |r| *r), 1, "gone: the same row");
        assert_eq!(reselect(&[40], Some(before), 3, |r| *r), 0, "gone: a row still in the list");
        assert_eq!(reselect::<i32, i32>(&[], Some(before), 3, |r| *r), 0);
    }
}
