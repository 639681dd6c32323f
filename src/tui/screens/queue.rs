//! Supervisors' verification queue: entries others recorded at their sites
//! that nobody has verified yet, oldest first so nothing waits forever.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Action;
use super::leave;
use crate::domain::date::format_date;
use crate::domain::invalid::Arg;
use crate::i18n::{fill, kind_name, text};
use crate::tui::data::QueueData;
use crate::tui::keymap::{Key, apply, list_nav};
use crate::tui::msg::{Cmd, Op};
use crate::tui::ui::{Ui, quantities, titled};
use crate::tui::widgets::list;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: QueueData,
    pub selected: usize,
}

impl State {
    pub fn new(data: QueueData) -> State {
        State { data, selected: 0 }
    }

    pub fn refresh(&mut self, data: QueueData) {
        // The selection stays on its entry, not its row number.
        let chosen = self.data.rows.get(self.selected).map(|row| row.entry.id);
        self.selected = crate::tui::widgets::list::reselect(&data.rows, chosen, self.selected, |row| row.entry.id);
        self.data = data;
    }

    pub fn key(&mut self, key: Key) -> Action {
        if let Some(nav) = list_nav(key) {
            self.selected = apply(nav, self.selected, self.data.rows.len());
            return Action::None;
        }
        let chosen = self.data.rows.get(self.selected).map(|r| &r.entry);
        match (key, chosen) {
            (Key::Enter, Some(entry)) => Action::Run(Cmd::LoadEntry(entry.id)),
            (Key::Char('v'), Some(entry)) => Action::Do(Op::Verify { id: entry.id, revision: entry.revision }),
            (other, _) => leave(other),
        }
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let rows = &state.data.rows;
    let title = fill(lang, "tui.queue_title", &[("count", Arg::Number(rows.len() as i64))]);
    let block = titled(theme, &title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if rows.is_empty() {
        frame.render_widget(Paragraph::new(text(lang, "tui.queue_empty")).wrap(Wrap { trim: true }), inner);
        return None;
    }
    // Date, programme, kind, quantities, recorded by: the selected entry's
    // recorder in full on the last line.
    let list_area = Rect { height: inner.height.saturating_sub(2), ..inner };
    let width = usize::from(inner.width).saturating_sub(2);
    list::render(frame, list_area, theme, rows.len(), Some(state.selected), |i| {
        let row = &rows[i];
        let draft = &row.entry.draft;
        let line = format!(
            "{} {} {} {}",
            format_date(draft.date),
            theme.pad(&row.program, 24),
            theme.pad(kind_name(lang, draft.kind), 12),
            quantities(lang, &draft.quantities)
        );
        Line::from(theme.fit(&line, width))
    });
    if let Some(row) = rows.get(state.selected) {
        let nip = &row.entry.recorded_by;
        let name = state.data.names.get(nip).cloned().unwrap_or_default();
        let args = [
            ("name", Arg::Text(name)),
            ("nip", Arg::Text(nip.to_string())),
            ("at", Arg::Text(crate::tui::ui::local_time(row.at))),
            ("revision", Arg::Number(i64::from(row.entry.revision))),
        ];
        let said = fill(lang, "tui.queue_recorded", &args);
        let at = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1, ..inner };
        frame
            .render_widget(Line::from(vec![Span::styled(theme.fit(&said, usize::from(inner.width)), theme.dim())]), at);
    }
    None
}
