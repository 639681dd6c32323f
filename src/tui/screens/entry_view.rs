//! One entry: every field, who recorded it and when, and each revision
//! (corrections and voids are new revisions; nothing is overwritten).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Action;
use crate::domain::date::format_date;
use crate::domain::entry::{Entry, Status};
use crate::domain::invalid::Arg;
use crate::domain::officer::Nip;
use crate::i18n::{Lang, fill, kind_name, text};
use crate::tui::app::EntryData;
use crate::tui::keymap::{Key, Nav, list_nav};
use crate::tui::view::{Ui, local_time, quantities, titled};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: EntryData,
    pub scroll: u16,
}

impl State {
    pub fn new(data: EntryData) -> State {
        State { data, scroll: 0 }
    }

    pub fn key(&mut self, key: Key) -> Action {
        if let Some(nav) = list_nav(key) {
            self.scroll = match nav {
                Nav::Up => self.scroll.saturating_sub(1),
                Nav::Down => self.scroll.saturating_add(1).min(self.lines_max()),
                Nav::PageUp => self.scroll.saturating_sub(10),
                Nav::PageDown => self.scroll.saturating_add(10).min(self.lines_max()),
                Nav::First => 0,
                Nav::Last => self.lines_max(),
            };
            return Action::None;
        }
        match key {
            Key::Esc => Action::Back,
            Key::Char('q') => Action::Quit,
            _ => Action::None,
        }
    }

    /// The furthest the text may scroll: the revisions are the part that grows.
    fn lines_max(&self) -> u16 {
        (self.data.history.len() as u16).saturating_mul(2)
    }
}

fn who(names: &std::collections::BTreeMap<Nip, String>, nip: &Nip) -> String {
    match names.get(nip) {
        Some(name) => format!("{name} ({nip})"),
        None => nip.to_string(),
    }
}

fn status(lang: Lang, entry: &Entry) -> &'static str {
    if entry.voided {
        return text(lang, "tui.voided");
    }
    match entry.draft.status {
        Status::Done => text(lang, "tui.status_done"),
        Status::Pending => text(lang, "tui.status_pending"),
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let data = &state.data;
    let entry = &data.entry;
    let draft = &entry.draft;
    let title = fill(lang, "tui.entry_title", &[("program", Arg::Text(data.program.clone()))]);
    let block = titled(theme, &title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = 18;
    let row = |key: &'static str, value: String| {
        Line::from(vec![Span::styled(theme.pad(text(lang, key), width), theme.strong()), Span::raw(value)])
    };
    let mut people = fill(lang, "tui.entry_participants", &[("count", Arg::Number(i64::from(draft.participants)))]);
    if draft.officers > 0 || draft.cadets > 0 {
        let args =
            [("officers", Arg::Number(i64::from(draft.officers))), ("cadets", Arg::Number(i64::from(draft.cadets)))];
        people = format!("{people}{}{}", theme.separator(), fill(lang, "tui.entry_training", &args));
    }
    let recorded_at = data.history.iter().find(|(e, _)| e.revision == entry.revision).map(|(_, at)| *at);
    let mut lines = vec![
        row("tui.label_date", format_date(draft.date)),
        row("tui.label_kind", kind_name(lang, draft.kind).to_string()),
        row("tui.label_quantities", quantities(lang, &draft.quantities)),
        row("tui.label_participants", people),
        row("tui.label_notes", if draft.notes.is_empty() { "-".into() } else { draft.notes.clone() }),
        row("tui.label_status", status(lang, entry).to_string()),
        row("tui.label_recorded_by", who(&data.names, &entry.recorded_by)),
        row("tui.label_recorded_at", recorded_at.map_or_else(String::new, local_time)),
        row("tui.label_id", format!("{} (rev. {})", entry.id, entry.revision)),
        Line::raw(""),
        Line::styled(text(lang, "tui.revisions_title"), theme.title()),
    ];
    for (revision, at) in &data.history {
        let what = match (revision.supersedes, revision.voided) {
            (None, _) => text(lang, "tui.revision_created").to_string(),
            (Some(_), true) => fill(lang, "tui.revision_voided", &[("reason", Arg::Text(revision.reason.clone()))]),
            (Some(_), false) => fill(lang, "tui.revision_corrected", &[("reason", Arg::Text(revision.reason.clone()))]),
        };
        let marker = if revision.revision == entry.revision { ">" } else { " " };
        lines.push(Line::from(format!(
            "{marker}{:>3}  {}  {}",
            revision.revision,
            local_time(*at),
            who(&data.names, &revision.recorded_by)
        )));
        lines.push(Line::from(format!("      {}", theme.fit(&what, usize::from(inner.width).saturating_sub(6)))));
    }
    frame.render_widget(Paragraph::new(lines).scroll((state.scroll, 0)), inner);
    None
}
