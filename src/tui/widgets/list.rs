//! Drawing a list with a selection. Only the visible rows are built, so a
//! register of ten thousand entries costs what a page does.

use std::cell::Cell;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::keymap::{Nav, apply};
use crate::tui::theme::Theme;

/// The first row shown by a list that moves a page at a time (the form's
/// short pop-up lists and its fields).
pub fn page_start(selected: usize, height: usize) -> usize {
    selected.checked_div(height).map_or(0, |page| page * height)
}

/// The first row shown by a list that scrolls line by line: the window
/// that showed from `top` moves only as far as the selection needs, so a
/// step past the edge moves it by one line and the row just left stays in
/// view (the terminal scrolls it with a scrolling region, see backend.rs).
/// It never leaves empty lines below the end of the list.
pub fn scrolled_top(top: usize, selected: usize, height: usize, len: usize) -> usize {
    if height == 0 {
        return 0;
    }
    let top = if selected < top {
        selected
    } else if selected >= top + height {
        selected + 1 - height
    } else {
        top
    };
    top.min(len.saturating_sub(height))
}

/// Draws rows `0..len` with `row(i)` building each visible one. The selected
/// row is marked with `>` in reverse video, so it shows without colour.
/// Only the mark is reversed, not the whole row: a step then rewrites two
/// cells instead of two whole rows (about 25 bytes on the wire instead of
/// 100 to 230, issue 12), and the row keeps its own colours.
/// With `top` (a list's `Selection::top`) the list scrolls line by line
/// and remembers where its window is; without, it moves a page at a time.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
    len: usize,
    selected: Option<usize>,
    top: Option<&Cell<usize>>,
    row: impl Fn(usize) -> Line<'static>,
) {
    let height = usize::from(area.height);
    let start = match top {
        Some(top) => {
            top.set(scrolled_top(top.get(), selected.unwrap_or(0), height, len));
            top.get()
        }
        None => page_start(selected.unwrap_or(0), height),
    };
    for (n, i) in (start..len.min(start + height)).enumerate() {
        let line = row(i);
        let is_selected = selected == Some(i);
        let mut spans =
            if is_selected { vec![Span::styled(">", theme.selected()), Span::raw(" ")] } else { vec![Span::raw("  ")] };
        spans.extend(line.spans);
        let line = Line::from(spans);
        let at = Rect { y: area.y + n as u16, height: 1, ..area };
        frame.render_widget(line, at);
    }
}

/// The selected row of a list, shared by every list screen. After a
/// reload it stays on its record, found by identity, not by row number: a
/// pushed update inserts and removes rows, and a row number alone would
/// move the selection to another record (Enter would open the wrong one).
#[derive(Clone, Debug, Default)]
pub struct Selection(usize, Window);

/// The first row the list showed when last drawn. Only drawing knows the
/// list's height, and drawing sees the state read-only: hence a `Cell`.
/// It is where the view is, not what is chosen, so two selections of the
/// same row are equal wherever their windows are.
#[derive(Clone, Debug, Default)]
struct Window(Cell<usize>);

impl PartialEq for Selection {
    fn eq(&self, other: &Selection) -> bool {
        self.0 == other.0
    }
}

impl Eq for Selection {}

impl Selection {
    pub fn row(&self) -> usize {
        self.0
    }

    /// Where the list's window is, for `render`.
    pub fn top(&self) -> &Cell<usize> {
        &self.1.0
    }

    /// The selected record of `rows`.
    pub fn of<'a, T>(&self, rows: &'a [T]) -> Option<&'a T> {
        rows.get(self.0)
    }

    /// A move in a list of `len` rows.
    pub fn step(&mut self, nav: Nav, len: usize) {
        self.0 = apply(nav, self.0, len);
    }

    /// Back to the first row (a new filter).
    pub fn reset(&mut self) {
        self.0 = 0;
    }

    /// The rows change from `old` to `new`: the selection follows its record.
    pub fn follow<T, K: PartialEq>(&mut self, old: &[T], new: &[T], id: impl Fn(&T) -> K) {
        let chosen = old.get(self.0).map(&id);
        self.follow_to(new, chosen, id);
    }

    /// Selects the record `chosen` among `rows`; the same row number, kept
    /// inside the list, when it is not there.
    pub fn follow_to<T, K: PartialEq>(&mut self, rows: &[T], chosen: Option<K>, id: impl Fn(&T) -> K) {
        self.0 = chosen
            .and_then(|chosen| rows.iter().position(|r| id(r) == chosen))
            .unwrap_or_else(|| self.0.min(rows.len().saturating_sub(1)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list of rows in colour, `selected` marked, drawn on `term`;
    /// what the backend wrote for it.
    fn drawn(term: &mut ratatui::Terminal<crate::tui::backend::LeanBackend<Vec<u8>>>, selected: usize) -> Vec<u8> {
        use ratatui::style::{Color, Style};
        term.backend_mut().writer_mut().clear();
        let theme = Theme { color: true, ascii: false };
        term.draw(|f| {
            render(f, f.area(), theme, 6, Some(selected), None, |i| {
                Line::from(vec![
                    Span::raw(format!("{i:02}/11/2026 Panen ")),
                    Span::styled("12,5 kg cabai", Style::new().fg(Color::Green)),
                ])
            })
        })
        .unwrap();
        term.backend().writer().clone()
    }

    #[test]
    fn a_step_rewrites_the_two_marks_only_and_shows_what_a_fresh_screen_does() {
        use crate::tui::backend::LeanBackend;
        let term = || ratatui::Terminal::new(LeanBackend::with_size(Vec::new(), 40, 6)).unwrap();
        let (mut stepped, mut screen) = (term(), vt100::Parser::new(6, 40, 0));
        screen.process(&drawn(&mut stepped, 1));
        let step = drawn(&mut stepped, 2);
        screen.process(&step);
        let written = String::from_utf8(step).unwrap();
        // To the old mark, the style reset to plain, a space over it, down a
        // line, reverse video, the new mark: 15 bytes, the rows untouched.
        assert_eq!(written, "\x1b[2H\x1b[m \r\n\x1b[7m>", "{written:?}");
        let mut fresh = vt100::Parser::new(6, 40, 0);
        fresh.process(&drawn(&mut term(), 2));
        assert_eq!(screen.screen().contents(), fresh.screen().contents());
        for row in 0..6 {
            for col in 0..40 {
                let (a, b) = (screen.screen().cell(row, col).unwrap(), fresh.screen().cell(row, col).unwrap());
                assert_eq!(a.inverse(), b.inverse(), "at {row},{col}");
                // A space shows no foreground colour unless in reverse video.
                if !a.contents().trim().is_empty() || a.inverse() {
                    assert_eq!(a.fgcolor(), b.fgcolor(), "at {row},{col}");
                }
            }
        }
        assert!(fresh.screen().cell(2, 0).unwrap().inverse() && !fresh.screen().cell(2, 2).unwrap().inverse());
    }

    #[test]
    fn pages_turn_whole() {
        assert_eq!(page_start(0, 10), 0);
        assert_eq!(page_start(9, 10), 0);
        assert_eq!(page_start(10, 10), 10);
        assert_eq!(page_start(25, 10), 20);
        assert_eq!(page_start(3, 0), 0);
    }

    #[test]
    fn lists_scroll_line_by_line_keeping_the_row_just_left_in_view() {
        // A window of 5 over 20 rows: stepping down inside it moves nothing.
        assert_eq!(scrolled_top(0, 4, 5, 20), 0);
        // One past the edge: the window moves by one, the row just left
        // (4) is still shown, one line above the selection.
        assert_eq!(scrolled_top(0, 5, 5, 20), 1);
        assert_eq!(scrolled_top(1, 6, 5, 20), 2);
        // Back up inside the window: it stays; above it, it moves by one.
        assert_eq!(scrolled_top(2, 3, 5, 20), 2);
        assert_eq!(scrolled_top(2, 1, 5, 20), 1);
        // A jump (End) shows the last rows; a list that shrank leaves no
        // empty lines below its end.
        assert_eq!(scrolled_top(0, 19, 5, 20), 15);
        assert_eq!(scrolled_top(15, 3, 5, 4), 0);
        assert_eq!(scrolled_top(3, 0, 0, 20), 0);
    }

    #[test]
    fn the_selection_follows_its_record_and_else_keeps_its_row() {
        let old = [30, 20, 10];
        let follow = |row: usize, new: &[i32]| {
            let mut s = Selection(row, Window::default());
            s.follow(&old, new, |r| *r);
            s.row()
        };
        assert_eq!(follow(1, &[30, 20, 10]), 1);
        assert_eq!(follow(1, &[40, 30, 20, 10]), 2, "a newer record came on top");
        assert_eq!(follow(1, &[40, 30, 10]), 1, "gone: the same row");
        assert_eq!(follow(2, &[40]), 0, "gone: a row still in the list");
        assert_eq!(follow(2, &[]), 0);
        let mut s = Selection::default();
        s.step(Nav::Last, 3);
        assert_eq!(s.of(&old), Some(&10));
    }
}
