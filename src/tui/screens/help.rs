//! Help: what the screen underneath shows, every key it answers now (from
//! its key table, as its footer is), and the keys of every screen, drawn
//! over it so the officer sees where they will return to.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::Page;
use crate::i18n::text;
use crate::tui::bindings::{GLOBAL_KEYS, help_lines, hints};
use crate::tui::ui::{Ui, titled};

pub fn render(page: &dyn Page, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let boxed = area;
    let block = titled(theme, text(lang, "tui.help_title"));
    let inner = block.inner(boxed);
    frame.render_widget(Clear, boxed);
    frame.render_widget(block, boxed);
    let mut lines: Vec<Line> = text(lang, page.about()).lines().map(Line::from).collect();
    lines.push(Line::raw(""));
    lines.extend(help_lines(lang, &page.hints()).into_iter().map(Line::from));
    lines.push(Line::raw(""));
    lines.push(Line::styled(text(lang, "tui.help_everywhere_title"), theme.strong()));
    lines.extend(help_lines(lang, &hints(GLOBAL_KEYS)).into_iter().map(Line::from));
    lines.extend(text(lang, "tui.help_marks").lines().map(Line::from));
    let pad = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), pad);
}
