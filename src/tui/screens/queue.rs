//! Supervisors' verification queue: entries others recorded at their sites
//! that nobody has verified yet, oldest first so nothing waits forever.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use std::collections::BTreeMap;

use super::{Action, Context, Load, Loads, Page, leave};
use crate::domain::date::{format_date, parse_date};
use crate::domain::entry::EntryId;
use crate::domain::invalid::Arg;
use crate::domain::officer::Role;
use crate::domain::reference::{ProgramId, SiteId};
use crate::i18n::{Lang, fill, kind_name, text};
use crate::records::{Actor, QueueFilter, Records, Result, Update};
use crate::tui::bindings::{Binding, Hint, TYPED, TYPING_LIST_KEYS, YES_NO, find, hints, hints_and_leave};
use crate::tui::data::{QueueData, QueueRow};
use crate::tui::keymap::{Key, Nav, list_nav};
use crate::tui::ops::Op;
use crate::tui::ui::{Ui, quantities, titled};
use crate::tui::widgets::asked::{Answer, Asked, next_choice};
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::ledger::date_and_program;
use crate::tui::widgets::list::{self, Selection};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: QueueData,
    pub selected: Selection,
    /// Entries marked to be verified at once, with the revision shown.
    pub marked: BTreeMap<EntryId, u32>,
    /// Asking whether to verify the marked entries.
    pub confirming: bool,
    /// Days being typed for the filter: `dd/mm/yyyy` or `dd/mm/yyyy-dd/mm/yyyy`.
    pub days: Option<Asked>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Move,
    View,
    Verify,
    Mark,
    MarkAll,
    VerifyMarked,
    Site,
    Program,
    Days,
}

const KEYS: &[Binding<Do>] = &[
    Binding::in_help(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_select", Do::Move),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_select", Do::Move),
    Binding::shown(&[Key::Enter], "Enter", "tui.do_view", Do::View),
    Binding::shown(&[Key::Char('v')], "v", "tui.do_verify", Do::Verify),
    Binding::shown(&[Key::Char(' ')], "tui.keyname_space", "tui.do_mark", Do::Mark),
    Binding::in_help(&[Key::Char('a')], "a", "tui.do_mark_all", Do::MarkAll),
    Binding::shown(&[Key::Char('V')], "V", "tui.do_verify_marked", Do::VerifyMarked),
    Binding::in_help(&[Key::Char('l')], "l", "tui.do_filter_site", Do::Site),
    Binding::in_help(&[Key::Char('p')], "p", "tui.do_filter_program", Do::Program),
    Binding::in_help(&[Key::Char('d')], "d", "tui.do_filter_days", Do::Days),
];

impl State {
    pub fn new(data: QueueData) -> State {
        State { data, selected: Selection::default(), marked: BTreeMap::new(), confirming: false, days: None }
    }

    pub fn refresh(&mut self, data: QueueData) {
        self.selected.follow(&self.data.rows, &data.rows, |row| row.entry.id);
        // Marks stay on entries still waiting at the revision marked.
        self.marked.retain(|id, revision| data.rows.iter().any(|r| r.entry.id == *id && r.entry.revision == *revision));
        self.confirming = false;
        self.data = data;
    }

    fn load(&self, filter: QueueFilter) -> Action {
        Action::Load(Load::Queue(filter))
    }

    fn days_key(&mut self, key: Key, lang: Lang) -> Action {
        let Some(asked) = self.days.as_mut() else { return Action::None };
        let read = |typed: &str| {
            let (from, to) = typed.split_once('-').unwrap_or((typed, typed));
            let day = |t: &str| if t.trim().is_empty() { Ok(None) } else { parse_date(t.trim()).map(Some) };
            Ok((day(from)?, day(to)?))
        };
        match asked.key(key, lang, read) {
            Answer::Waiting => Action::None,
            Answer::Cancelled => {
                self.days = None;
                Action::None
            }
            Answer::Given((from, to)) => {
                self.days = None;
                self.load(QueueFilter { from, to, ..self.data.filter.clone() })
            }
        }
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
        if self.confirming {
            return hints(YES_NO);
        }
        if self.days.is_some() {
            return hints(TYPED);
        }
        hints_and_leave(KEYS)
    }

    fn key(&mut self, key: Key, lang: Lang) -> Action {
        if self.confirming {
            return match find(YES_NO, key) {
                Some(true) => {
                    self.confirming = false;
                    Action::Do(Op::VerifyRange(self.marked.iter().map(|(id, rev)| (*id, *rev)).collect()))
                }
                Some(false) => {
                    self.confirming = false;
                    Action::None
                }
                None => Action::None,
            };
        }
        if self.days.is_some() {
            return self.days_key(key, lang);
        }
        let chosen = self.selected.of(&self.data.rows).map(|r| &r.entry);
        let filter = self.data.filter.clone();
        match (find(KEYS, key), chosen) {
            (Some(Do::Move), _) => {
                if let Some(nav) = list_nav(key) {
                    self.selected.step(nav, self.data.rows.len());
                }
                Action::None
            }
            (Some(Do::View), Some(entry)) => Action::Load(Load::EntryView(entry.id)),
            (Some(Do::Verify), Some(entry)) => Action::Do(Op::Verify { id: entry.id, revision: entry.revision }),
            (Some(Do::Mark), Some(entry)) => {
                if self.marked.remove(&entry.id).is_none() {
                    self.marked.insert(entry.id, entry.revision);
                }
                self.selected.step(Nav::Down, self.data.rows.len());
                Action::None
            }
            (Some(Do::MarkAll), _) => {
                let all = self.data.rows.iter().all(|r| self.marked.contains_key(&r.entry.id));
                if all {
                    self.marked.clear();
                } else {
                    self.marked = self.data.rows.iter().map(|r| (r.entry.id, r.entry.revision)).collect();
                }
                Action::None
            }
            (Some(Do::VerifyMarked), _) => {
                self.confirming = !self.marked.is_empty();
                Action::None
            }
            (Some(Do::Site), _) => {
                let sites: Vec<SiteId> = self.data.sites.iter().map(|(id, _)| *id).collect();
                self.load(QueueFilter { site: next_choice(&sites, filter.site), program: None, ..filter })
            }
            (Some(Do::Program), _) => {
                let programs: Vec<ProgramId> = self.data.programs.iter().map(|(id, _)| *id).collect();
                self.load(QueueFilter { program: next_choice(&programs, filter.program), ..filter })
            }
            (Some(Do::Days), _) => {
                self.days = Some(Asked::new(TextInput::new(23)));
                Action::None
            }
            (Some(_), _) => Action::None,
            (None, _) if key == Key::Esc && filter != QueueFilter::default() => self.load(QueueFilter::default()),
            (None, _) => leave(key),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Load> {
        Some(Load::Queue(self.data.filter.clone()))
    }

    fn shows(&self, update: &Update) -> bool {
        matches!(update, Update::Entries { .. })
    }

    fn asking(&self) -> bool {
        self.confirming
    }
}

/// What the queue is filtered by, in words; empty for nothing.
fn filter_words(data: &QueueData) -> String {
    let f = &data.filter;
    let name = |list: &[(u32, String)], id: Option<u32>| {
        id.and_then(|id| list.iter().find(|(i, _)| *i == id)).map(|(_, n)| n.clone())
    };
    let mut parts: Vec<String> =
        [name(&data.sites, f.site), name(&data.programs, f.program)].into_iter().flatten().collect();
    match (f.from, f.to) {
        (Some(a), Some(b)) if a == b => parts.push(format_date(a)),
        (a, b) if a.is_some() || b.is_some() => {
            let day = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "…".to_string(), format_date);
            parts.push(format!("{}-{}", day(a), day(b)));
        }
        _ => {}
    }
    parts.join(", ")
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let rows = &state.data.rows;
    let mut title = fill(lang, "tui.queue_title", &[("count", Arg::Number(rows.len() as i64))]);
    let words = filter_words(&state.data);
    if !words.is_empty() {
        title = format!("{title} · {words}");
    }
    if !state.marked.is_empty() {
        let marked = fill(lang, "tui.queue_marked", &[("count", Arg::Number(state.marked.len() as i64))]);
        title = format!("{title} · {marked}");
    }
    let title = theme.fit(&title, usize::from(area.width).saturating_sub(4));
    let block = titled(theme, &title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The question or the days being typed take the first line.
    let (cursor, inner) = match (&state.days, state.confirming) {
        (Some(asked), _) => {
            let line = Rect { height: 1, ..inner };
            let cursor = asked.render(frame, line, theme, text(lang, "tui.queue_days_prompt"), 26);
            (cursor, Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner })
        }
        (None, true) => {
            let said = fill(lang, "tui.queue_confirm", &[("count", Arg::Number(state.marked.len() as i64))]);
            let line = Rect { height: 1, ..inner };
            frame.render_widget(Line::styled(theme.fit(&said, usize::from(line.width)), theme.strong()), line);
            (None, Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner })
        }
        (None, false) => (None, inner),
    };
    if rows.is_empty() {
        frame.render_widget(Paragraph::new(text(lang, "tui.queue_empty")).wrap(Wrap { trim: true }), inner);
        return cursor;
    }
    // Date, programme, kind, quantities, recorded by: the selected entry's
    // recorder in full on the last line.
    let list_area = Rect { height: inner.height.saturating_sub(2), ..inner };
    let width = usize::from(inner.width).saturating_sub(2);
    let top = state.selected.top();
    list::render(frame, list_area, theme, rows.len(), Some(state.selected.row()), Some(top), |i| {
        let row = &rows[i];
        let draft = &row.entry.draft;
        // `*` marks an entry to verify with the others: read without colour.
        let mark = if state.marked.contains_key(&row.entry.id) { "*" } else { " " };
        // The window's first row is set before any row is built.
        let above = (i > top.get()).then(|| &rows[i - 1].entry);
        let line = format!(
            "{mark}{} {} {}",
            date_and_program(theme, above, &row.entry, &row.program, 24),
            theme.pad(kind_name(lang, draft.kind), 12),
            quantities(lang, &draft.quantities)
        );
        Line::from(theme.fit(&line, width))
    });
    if let Some(row) = state.selected.of(rows) {
        // Who recorded it, by name at a glance: the NIP is in the entry's
        // view (Enter), as is its history; a revision is named only when
        // the entry was corrected, so corrections stand out.
        let nip = &row.entry.recorded_by;
        let name = state.data.names.get(nip).cloned().unwrap_or_else(|| nip.to_string());
        let args = [
            ("name", Arg::Text(name)),
            ("at", Arg::Text(crate::tui::ui::local_time(row.at))),
            ("revision", Arg::Number(i64::from(row.entry.revision))),
        ];
        let key = if row.entry.revision > 1 { "tui.queue_revised" } else { "tui.queue_recorded" };
        let said = fill(lang, key, &args);
        let at = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1, ..inner };
        frame
            .render_widget(Line::from(vec![Span::styled(theme.fit(&said, usize::from(inner.width)), theme.dim())]), at);
    }
    cursor
}

/// The entries waiting for verification at the officer's sites, as
/// filtered, with the sites and programmes the filters step through.
impl Loads for State {
    type Query = QueueFilter;
    type Data = QueueData;

    fn fetch(records: &Records, actor: &Actor, filter: &QueueFilter) -> Result<QueueData> {
        let officer = actor.officer();
        let here = |site: u32| officer.role == Role::Admin || officer.sites.contains(&site);
        let all = records.programs()?;
        let names: BTreeMap<ProgramId, String> = all.iter().map(|p| (p.id, p.name.clone())).collect();
        let programs = all.iter().filter(|p| here(p.site)).map(|p| (p.id, p.name.clone())).collect();
        let sites = records.sites()?.into_iter().filter(|s| here(s.id)).map(|s| (s.id, s.name)).collect();
        let rows = records
            .verification_queue_in(actor, filter)?
            .into_iter()
            .map(|entry| QueueRow {
                program: names.get(&entry.draft.program).cloned().unwrap_or_default(),
                at: records.local_time(entry.recorded_at),
                entry,
            })
            .collect();
        Ok(QueueData { rows, names: records.officer_names()?, filter: filter.clone(), sites, programs })
    }

    fn take(&mut self, _filter: &QueueFilter, data: QueueData, _context: &Context) {
        self.refresh(data);
    }

    fn open(_filter: &QueueFilter, data: QueueData, _context: &Context) -> Option<State> {
        Some(State::new(data))
    }
}
