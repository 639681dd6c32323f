//! The audit trail, for admins: every change, login, failed login and
//! lock, newest first. Filter by an officer's NIP and a range of days;
//! the selected record is shown in full on the last line.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Action, Context, Load, Loads, Page, leave};
use crate::domain::date::parse_date;
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::officer::{NIP_DIGITS, Nip};
use crate::i18n::{self, Lang, fill, text};
use crate::records::AuditAction;
use crate::records::{Actor, AuditFilter, Records, Result};
use crate::tui::bindings::{Binding, EDIT_KEYS, Hint, TYPING_LIST_KEYS, find, hints, hints_and_leave};
use crate::tui::data::{AuditData, AuditRow};
use crate::tui::keymap::{Key, list_nav};
use crate::tui::ui::{Ui, titled};
use crate::tui::widgets::field::{Label, labelled_input, problems};
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::list::{self, Selection};

const NIP_FIELD: usize = 0;
const FROM_FIELD: usize = 1;
const TO_FIELD: usize = 2;
/// Focus on the list rather than a filter field.
const LIST: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: AuditData,
    /// Officer NIP, first day, last day.
    pub filter: [TextInput; 3],
    pub focus: usize,
    pub selected: Selection,
    pub problems: Vec<String>,
    /// The filter the trail on screen was read with.
    pub applied: AuditFilter,
}

pub fn action_name(lang: Lang, action: AuditAction) -> &'static str {
    text(
        lang,
        match action {
            AuditAction::Initialised => "tui.audit_initialised",
            AuditAction::DemoLoaded => "tui.audit_demo_loaded",
            AuditAction::Migrated => "tui.audit_migrated",
            AuditAction::OfficerAdded => "tui.audit_officer_added",
            AuditAction::EntryAdded => "tui.audit_entry_added",
            AuditAction::EntryCorrected => "tui.audit_entry_corrected",
            AuditAction::EntryVoided => "tui.audit_entry_voided",
            AuditAction::Imported => "tui.audit_imported",
            AuditAction::LoginSucceeded => "tui.audit_login_succeeded",
            AuditAction::LoginFailed => "tui.audit_login_failed",
            AuditAction::LockedOut => "tui.audit_locked_out",
            AuditAction::EntryVerified => "tui.audit_entry_verified",
            AuditAction::OfficerUpdated => "tui.audit_officer_updated",
            AuditAction::ReferenceAdded => "tui.audit_reference_added",
            AuditAction::ReferenceUpdated => "tui.audit_reference_updated",
            AuditAction::Denied => "tui.audit_denied",
            AuditAction::BackupWritten => "tui.audit_backup_written",
            AuditAction::BackupFailed => "tui.audit_backup_failed",
        },
    )
}

impl State {
    pub fn new(data: AuditData) -> State {
        State {
            data,
            filter: [TextInput::new(NIP_DIGITS + 6), TextInput::new(10), TextInput::new(10)],
            focus: LIST,
            selected: Selection::default(),
            problems: Vec::new(),
            applied: AuditFilter::default(),
        }
    }

    pub fn refresh(&mut self, data: AuditData) {
        self.data = data;
        self.selected.reset();
    }

    /// Reads the filter; asks for the trail when every part reads.
    fn apply(&mut self, lang: Lang) -> Action {
        let mut found: Vec<Invalid> = Vec::new();
        let [nip, from, to] = &self.filter;
        let typed = |input: &TextInput| Some(input.text().trim().to_string()).filter(|t| !t.is_empty());
        let officer = typed(nip).and_then(|t| Nip::parse(&t).map_err(|e| found.push(e)).ok());
        let from = typed(from).and_then(|t| parse_date(&t).map_err(|e| found.push(e)).ok());
        let to = typed(to).and_then(|t| parse_date(&t).map_err(|e| found.push(e)).ok());
        self.problems = found.iter().map(|e| i18n::invalid(lang, e)).collect();
        if !found.is_empty() {
            return Action::None;
        }
        self.focus = LIST;
        self.applied = AuditFilter { officer, from, to };
        Action::Load(Load::Audit(self.applied.clone()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Type,
    Move,
    Next,
    Previous,
    Apply,
    Filter,
    Leave,
}

/// On the list.
const LIST_KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_scroll", Do::Move),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_scroll", Do::Move),
    Binding::shown(&[Key::Tab], "Tab", "tui.do_to_filter", Do::Next),
    Binding::in_help(&[Key::BackTab], "Shift-Tab", "tui.do_to_filter", Do::Previous),
    Binding::shown(&[Key::Char('f')], "f", "tui.do_filter", Do::Filter),
];

/// In a filter field, where letters type.
const FIELD_KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Enter], "Enter", "tui.do_apply", Do::Apply),
    Binding::shown(&[Key::Tab], "Tab", "tui.do_next", Do::Next),
    Binding::in_help(&[Key::BackTab], "Shift-Tab", "tui.do_previous", Do::Previous),
    Binding::shown(&[Key::Up, Key::Down, Key::PageUp, Key::PageDown], "tui.keyname_up_down", "tui.do_scroll", Do::Move),
    Binding::in_help(EDIT_KEYS, "tui.keyname_editing", "tui.do_edit_text", Do::Type),
    Binding::shown(&[Key::Esc], "Esc", "tui.do_back", Do::Leave),
];

impl State {
    fn keys(&self) -> &'static [Binding<Do>] {
        if self.focus == LIST { LIST_KEYS } else { FIELD_KEYS }
    }
}

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_audit").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_audit"
    }

    fn hints(&self) -> Vec<Hint> {
        if self.focus == LIST { hints_and_leave(LIST_KEYS) } else { hints(FIELD_KEYS) }
    }

    fn key(&mut self, key: Key, lang: Lang) -> Action {
        match find(self.keys(), key) {
            Some(Do::Move) => {
                if let Some(nav) = list_nav(key) {
                    self.selected.step(nav, self.data.rows.len());
                }
            }
            Some(Do::Next) => self.focus = (self.focus + 1) % 4,
            Some(Do::Previous) => self.focus = (self.focus + 3) % 4,
            Some(Do::Apply) => return self.apply(lang),
            Some(Do::Filter) => self.focus = NIP_FIELD,
            Some(Do::Leave) => return Action::Back,
            Some(Do::Type) | None if self.focus != LIST => {
                if self.filter[self.focus].edit(key) {
                    self.problems.clear();
                }
            }
            Some(Do::Type) | None => return leave(key),
        }
        Action::None
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Load> {
        Some(Load::Audit(self.applied.clone()))
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let mut cursor = None;
    // NIP, from, to on one row: 4 + 26, 6 + 14, 8 + 14 columns.
    let fields = [
        ("tui.label_audit_nip", NIP_FIELD, 4, 26),
        ("tui.label_from", FROM_FIELD, 6, 14),
        ("tui.label_to", TO_FIELD, 8, 14),
    ];
    let mut x = area.x;
    for (key, field, label_width, input_width) in fields {
        let label_width = label_width.max(crate::tui::theme::cells(text(lang, key)) as u16 + 2);
        let row = Rect { x, y: area.y, width: label_width + input_width, height: 1 };
        let label = Label { text: text(lang, key), width: label_width, focused: state.focus == field, faulty: false };
        cursor = labelled_input(frame, row, theme, label, &state.filter[field]).or(cursor);
        x += row.width + 1;
    }
    let rows = &state.data.rows;
    let title = fill(lang, "tui.audit_title", &[("count", Arg::Number(rows.len() as i64))]);
    let extra = if state.problems.is_empty() { 0 } else { 2 };
    let boxed = Rect { y: area.y + 1, height: area.height.saturating_sub(1 + extra), ..area };
    let block = titled(theme, &title);
    let inner = block.inner(boxed);
    frame.render_widget(block, boxed);
    if extra > 0 {
        let below = Rect { y: boxed.y + boxed.height, height: extra, ..area };
        problems(frame, below, theme, &state.problems);
    }
    if rows.is_empty() {
        frame.render_widget(Paragraph::new(text(lang, "tui.audit_empty")).wrap(Wrap { trim: true }), inner);
        return cursor;
    }
    let list_area = Rect { height: inner.height.saturating_sub(2), ..inner };
    let width = usize::from(inner.width).saturating_sub(2);
    list::render(frame, list_area, theme, rows.len(), Some(state.selected.row()), Some(state.selected.top()), |i| {
        let row = &rows[i];
        let r = &row.record;
        let officer = r.officer.as_ref().map(|n| n.to_string()).unwrap_or_else(|| "-".into());
        let line = format!(
            "{} {} {} {}",
            row.at.format("%d/%m/%Y %H:%M"),
            theme.pad(&officer, 18),
            theme.pad(action_name(lang, r.action), 18),
            shown_detail(lang, &r.detail, *row.at.offset())
        );
        Line::from(theme.fit(&line, width))
    });
    if let Some(row) = state.selected.of(rows) {
        let r = &row.record;
        let who = match &r.officer {
            Some(nip) => match state.data.names.get(nip) {
                Some(name) => format!("{name} ({nip})"),
                None => nip.to_string(),
            },
            None => "-".to_string(),
        };
        let entries: Vec<String> = r.entries.iter().map(|(id, rev)| format!("{id} rev. {rev}")).collect();
        let mut said = format!(
            "#{} {} {} {who}: {}",
            r.seq,
            row.at.format("%d/%m/%Y %H:%M:%S"),
            theme.separator().trim(),
            action_name(lang, r.action)
        );
        if !r.detail.is_empty() {
            said.push_str(&format!(" ({})", shown_detail(lang, &r.detail, *row.at.offset())));
        }
        if !entries.is_empty() {
            said.push_str(&format!(" {} {}", theme.separator().trim(), entries.join(", ")));
        }
        let at = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1, ..inner };
        frame
            .render_widget(Line::from(vec![Span::styled(theme.fit(&said, usize::from(inner.width)), theme.dim())]), at);
    }
    cursor
}

/// A stored detail in the officer's language. The records layer writes a
/// few details as short English phrases ("2133 entries", "until <RFC 3339
/// time>"); those are shown through the catalog, times as dd/mm/yyyy HH:MM
/// in the zone of the row's time. Anything else is shown as stored.
pub fn shown_detail(lang: Lang, detail: &str, zone: chrono::FixedOffset) -> String {
    if let Some(at) = detail.strip_prefix("until ")
        && let Ok(at) = chrono::DateTime::parse_from_rfc3339(at)
    {
        let at = at.with_timezone(&zone).format("%d/%m/%Y %H:%M").to_string();
        return fill(lang, "tui.audit_until", &[("at", Arg::Text(at))]);
    }
    // "N entries", alone or at the end of "name: N entries, M bytes".
    let mut out = Vec::new();
    for part in detail.split(", ") {
        let (head, tail) = part.rsplit_once(' ').map_or(("", part), |(h, t)| (h, t));
        let (prefix, number) = head.rsplit_once(' ').map_or(("", head), |(p, n)| (p, n));
        let key = match tail {
            "entries" => Some("tui.audit_entries"),
            "bytes" => Some("tui.audit_bytes"),
            _ => None,
        };
        match (key, number.parse::<i64>()) {
            (Some(key), Ok(n)) => {
                let said = fill(lang, key, &[("count", Arg::Number(n))]);
                out.push(if prefix.is_empty() { said } else { format!("{prefix} {said}") });
            }
            _ => out.push(part.to_string()),
        }
    }
    out.join(", ")
}

/// The audit trail as filtered, newest first.
impl Loads for State {
    type Query = AuditFilter;
    type Data = AuditData;

    fn fetch(records: &Records, actor: &Actor, filter: &AuditFilter) -> Result<AuditData> {
        let mut rows: Vec<AuditRow> = records
            .audit(actor, filter)?
            .into_iter()
            .map(|record| AuditRow { at: records.local_time(record.at), record })
            .collect();
        rows.reverse();
        Ok(AuditData { rows, names: records.officer_names()? })
    }

    fn take(&mut self, _filter: &AuditFilter, data: AuditData, _context: &Context) {
        self.refresh(data);
    }

    fn open(_filter: &AuditFilter, data: AuditData, _context: &Context) -> Option<State> {
        Some(State::new(data))
    }
}

#[cfg(test)]
mod detail_tests {
    use super::*;

    #[test]
    fn stored_english_details_read_in_the_language_with_local_times() {
        let wib = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
        assert_eq!(shown_detail(Lang::Id, "2133 entries", wib), "2133 catatan");
        assert_eq!(shown_detail(Lang::En, "1 entries", wib), "1 entry");
        assert_eq!(shown_detail(Lang::Id, "until 2026-12-01T13:45:27.230834728+00:00", wib), "sampai 01/12/2026 20:45");
        assert_eq!(
            shown_detail(Lang::Id, "daily-2026-12-01.binalog: 12 entries, 4096 bytes", wib),
            "daily-2026-12-01.binalog: 12 catatan, 4096 bita"
        );
        assert_eq!(shown_detail(Lang::En, "a reason, kept", wib), "a reason, kept");
    }
}
