//! Supervisors' verification queue: entries others recorded at their sites
//! that nobody has verified yet, oldest first so nothing waits forever.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Action, Page, leave};
use crate::domain::date::format_date;
use crate::domain::invalid::Arg;
use crate::i18n::{Lang, fill, kind_name, text};
use crate::records::Update;
use crate::tui::bindings::{Binding, Hint, TYPING_LIST_KEYS, find, hints_and_leave};
use crate::tui::data::QueueData;
use crate::tui::keymap::{Key, list_nav};
use crate::tui::msg::{Cmd, Op};
use crate::tui::ui::{Ui, quantities, titled};
use crate::tui::widgets::list::{self, Selection};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: QueueData,
    pub selected: Selection,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Move,
    View,
    Verify,
}

const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_select", Do::Move),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_select", Do::Move),
    Binding::shown(&[Key::Enter], "Enter", "tui.do_view", Do::View),
    Binding::shown(&[Key::Char('v')], "v", "tui.do_verify", Do::Verify),
];

impl State {
    pub fn new(data: QueueData) -> State {
        State { data, selected: Selection::default() }
    }

    pub fn refresh(&mut self, data: QueueData) {
        self.selected.follow(&self.data.rows, &data.rows, |row| row.entry.id);
        self.data = data;
    }
}

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_queue").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_queue"
    }

    fn hints(&self) -> Vec<Hint> {
        hints_and_leave(KEYS)
    }

    fn key(&mut self, key: Key, _lang: Lang) -> Action {
        let chosen = self.selected.of(&self.data.rows).map(|r| &r.entry);
        match (find(KEYS, key), chosen) {
            (Some(Do::Move), _) => {
                if let Some(nav) = list_nav(key) {
                    self.selected.step(nav, self.data.rows.len());
                }
                Action::None
            }
            (Some(Do::View), Some(entry)) => Action::Run(Cmd::LoadEntry(entry.id)),
            (Some(Do::Verify), Some(entry)) => Action::Do(Op::Verify { id: entry.id, revision: entry.revision }),
            (Some(_), None) => Action::None,
            (None, _) => leave(key),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Action> {
        Some(Action::Do(Op::LoadQueue))
    }

    fn shows(&self, update: &Update) -> bool {
        matches!(update, Update::Entries { .. })
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
    list::render(frame, list_area, theme, rows.len(), Some(state.selected.row()), Some(state.selected.top()), |i| {
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
    if let Some(row) = state.selected.of(rows) {
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
