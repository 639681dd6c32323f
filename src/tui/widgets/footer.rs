//! The bottom line: the keys of the current screen. Catalog texts list them
//! as `key words|key words`; the key is drawn bold so it stands out without
//! colour too.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, theme: Theme, keys: &str) {
    let mut spans = Vec::new();
    for (i, part) in keys.split('|').enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        let (key, words) = part.split_once(' ').unwrap_or((part, ""));
        spans.push(Span::styled(key.to_string(), theme.key()));
        if !words.is_empty() {
            spans.push(Span::raw(format!(" {words}")));
        }
    }
    frame.render_widget(Line::from(spans), area);
}
