//! Home: today at a glance. Each site's programmes with what they logged
//! today, the newest entries, and agreements that end within 180 days.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use std::collections::BTreeMap;

use super::{Action, Context, Load, Loads, Page};
use crate::domain::invalid::Arg;
use crate::domain::officer::Role;
use crate::domain::reference::ProgramId;
use crate::domain::sector::Kind;
use crate::i18n::{Lang, fill, kind_name, text};
use crate::records::{Actor, Records, Result, Update};
use crate::tui::bindings::{Binding, Hint, TYPING_LIST_KEYS, find, hints};
use crate::tui::data::{BackupNotice, EndingRow, HomeData, LatestRow, TodayRow};
use crate::tui::keymap::{Key, list_nav};
use crate::tui::screens::Screen;
use crate::tui::theme::cells;
use crate::tui::ui::{Ui, quantities, titled};
use crate::tui::widgets::ledger::date_and_program;
use crate::tui::widgets::list::{self, Selection};

/// How far ahead the home screen warns of agreements ending.
pub const ENDING_WITHIN_DAYS: i64 = 180;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: HomeData,
    /// Among `data.today`.
    pub selected: Selection,
    /// The logged-in officer's role: which keys the screen offers.
    pub role: Role,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Move,
    Open,
    Record,
    Find,
    Report,
    Verify,
    Admin,
    Switch,
    Quit,
}

const KEYS: &[Binding<Do>] = &[
    Binding::in_help(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_select", Do::Move),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_select", Do::Move),
    Binding::shown(&[Key::Enter], "Enter", "tui.do_open", Do::Open),
    Binding::shown(&[Key::Char('t')], "t", "tui.do_record", Do::Record),
    Binding::shown(&[Key::Char('p')], "p", "tui.do_find_program", Do::Find),
    Binding::shown(&[Key::Char('r')], "r", "tui.do_report", Do::Report),
    Binding::shown(&[Key::Char('v')], "v", "tui.do_verify_queue", Do::Verify),
    Binding::shown(&[Key::Char('a')], "a", "tui.do_admin", Do::Admin),
    Binding::shown(&[Key::Char('x')], "x", "tui.do_switch", Do::Switch),
    Binding::shown(&[Key::Char('q')], "q", "tui.do_quit", Do::Quit),
];

/// Home as the officer of `role` sees it: the backups' state only for
/// supervisors and admins (the server refuses it to operators).
pub fn load(role: Role) -> Load {
    Load::Home(Query { backups: role >= Role::Supervisor })
}

impl State {
    pub fn new(data: HomeData, role: Role) -> State {
        State { data, selected: Selection::default(), role }
    }

    /// New data for the same screen (after a save, or coming back).
    pub fn refresh(&mut self, data: HomeData) {
        self.selected.follow(&self.data.today, &data.today, |row| row.info.program.id);
        self.data = data;
    }

    /// Each role sees the keys it may use.
    fn keys(&self) -> Vec<Binding<Do>> {
        let allowed = |b: &&Binding<Do>| match b.action {
            Do::Verify => self.role >= Role::Supervisor,
            Do::Admin => self.role == Role::Admin,
            _ => true,
        };
        KEYS.iter().filter(allowed).copied().collect()
    }
}

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_home").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_home"
    }

    fn hints(&self) -> Vec<Hint> {
        hints(&self.keys())
    }

    fn key(&mut self, key: Key, _lang: Lang) -> Action {
        let chosen = self.selected.of(&self.data.today).map(|row| row.info.program.id);
        match (find(&self.keys(), key), chosen) {
            (Some(Do::Move), _) => {
                if let Some(nav) = list_nav(key) {
                    self.selected.step(nav, self.data.today.len());
                }
                Action::None
            }
            (Some(Do::Open), Some(id)) => Action::Load(super::program::open(id, false)),
            (Some(Do::Record), Some(id)) => Action::Load(super::program::open(id, true)),
            (Some(Do::Find), _) => Action::Load(Load::Programs(())),
            (Some(Do::Report), _) => Action::Report(None),
            (Some(Do::Verify), _) => Action::Load(Load::Queue(Default::default())),
            (Some(Do::Admin), _) => {
                Action::Push(Box::new(Screen::AdminMenu(crate::tui::screens::admin::Menu::default())))
            }
            (Some(Do::Switch), _) => Action::Switch,
            (Some(Do::Quit), _) => Action::Quit,
            _ => Action::None,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Load> {
        Some(load(self.role))
    }

    fn shows(&self, update: &Update) -> bool {
        matches!(update, Update::Entries { .. } | Update::Reference)
    }
}

enum Row {
    Site(String),
    Program(usize),
}

/// How many of the latest entries the home screen lists.
pub const LATEST_SHOWN: usize = 8;

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let data = &state.data;
    let mut rows = Vec::new();
    for (i, row) in data.today.iter().enumerate() {
        if i == 0 || data.today[i - 1].info.program.site != row.info.program.site {
            rows.push(Row::Site(row.info.site.clone()));
        }
        rows.push(Row::Program(i));
    }
    let area = match &data.backup {
        Some(notice) => {
            let [line, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
            render_backup_notice(notice, frame, line, ui);
            rest
        }
        None => area,
    };
    let wanted = rows.len().max(2) as u16 + 2;
    let [top, bottom] =
        Layout::vertical([Constraint::Length(wanted.min(area.height.saturating_sub(8))), Constraint::Min(0)])
            .areas(area);
    let block = titled(theme, text(lang, "tui.home_today"));
    let inner = block.inner(top);
    frame.render_widget(block, top);
    if rows.is_empty() {
        let said = Paragraph::new(text(lang, "tui.home_no_sites")).style(theme.missing()).wrap(Wrap { trim: true });
        frame.render_widget(said, inner);
    }
    let selected_row = rows.iter().position(|r| matches!(r, Row::Program(i) if *i == state.selected.row()));
    let name_width = 34;
    let status_width = usize::from(inner.width).saturating_sub(name_width + 3 + SPARK_WIDTH + 1);
    list::render(frame, inner, theme, rows.len(), selected_row, Some(state.selected.top()), |r| match &rows[r] {
        Row::Site(site) => Line::styled(theme.fit(site, usize::from(inner.width) - 2), theme.strong()),
        Row::Program(i) => {
            let row = &data.today[*i];
            let name = theme.pad(&format!(" {}", row.info.program.name), name_width);
            let status = if row.logged.is_empty() {
                Span::styled(
                    theme.fit(&format!("{} {}", theme.cross(), text(lang, "tui.home_not_logged")), status_width),
                    theme.missing(),
                )
            } else {
                let kinds: Vec<String> =
                    row.logged.iter().map(|(k, n)| format!("{} {n}", kind_name(lang, *k))).collect();
                let said = format!("{} {}", theme.check(), kinds.join(", "));
                Span::styled(theme.fit(&said, status_width), theme.done())
            };
            // The week and today in one colour: one style change a line.
            let spark = Span::styled(theme.pad(&sparkline(&row.week, theme), SPARK_WIDTH), theme.done());
            Line::from(vec![Span::raw(name), Span::raw(" "), spark, Span::raw(" "), status])
        }
    });
    let ending_rows = state.data.ending.len().clamp(1, 3) as u16;
    let [latest, ending] = Layout::vertical([Constraint::Min(0), Constraint::Length(ending_rows + 2)]).areas(bottom);
    render_latest(state, frame, latest, ui);
    render_ending(state, frame, ending, ui);
    None
}

/// Cells a programme's week takes on home.
const SPARK_WIDTH: usize = 7;

/// A day a cell, as high as that day's entries beside the busiest day; a
/// day without an entry is blank. Plain signs under `--ascii`.
pub fn sparkline(counts: &[i64], theme: crate::tui::theme::Theme) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    const ASCII: [char; 8] = ['.', '.', ':', ':', '-', '=', '+', '#'];
    let levels = if theme.ascii { ASCII } else { BARS };
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    counts
        .iter()
        .map(|&n| if n <= 0 { ' ' } else { levels[usize::try_from((n * 8 - 1) / most).unwrap_or(0).min(7)] })
        .collect()
}

/// One line, marked with `!` so that it reads without colour too.
fn render_backup_notice(notice: &BackupNotice, frame: &mut Frame, area: Rect, ui: &Ui) {
    let said = match notice.last_good {
        Some((day, days)) => {
            let args = [("days", Arg::Number(days)), ("date", Arg::Date(day))];
            fill(ui.lang, "tui.home_backup_stale", &args)
        }
        None => text(ui.lang, "tui.home_backup_none").to_string(),
    };
    let line = ui.theme.fit(&format!("! {said}"), usize::from(area.width));
    frame.render_widget(Paragraph::new(Line::styled(line, ui.theme.missing())), area);
}

fn render_latest(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let block = titled(theme, text(lang, "tui.home_latest"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.data.latest.is_empty() {
        frame.render_widget(Paragraph::new(text(lang, "tui.home_no_entries")).wrap(Wrap { trim: true }), inner);
        return;
    }
    let width = usize::from(inner.width);
    let mut above: Option<&LatestRow> = None;
    let mut lines: Vec<Line> = Vec::new();
    for row in state.data.latest.iter().take(usize::from(inner.height)) {
        let draft = &row.entry.draft;
        let said = format!(
            "{} {} {}",
            date_and_program(theme, above.map(|a| &a.entry), &row.entry, &row.program, 26),
            theme.pad(kind_name(lang, draft.kind), 15),
            quantities(lang, &draft.quantities)
        );
        lines.push(Line::from(theme.fit(&said, width)));
        above = Some(row);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_ending(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let title = fill(lang, "tui.home_ending", &[("days", Arg::Number(ENDING_WITHIN_DAYS))]);
    let block = titled(theme, &title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.data.ending.is_empty() {
        frame.render_widget(Paragraph::new(text(lang, "tui.home_none_ending")).wrap(Wrap { trim: true }), inner);
        return;
    }
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    for row in &state.data.ending {
        let left = (row.agreement.end - ui.today).num_days();
        let args = [("date", Arg::Date(row.agreement.end)), ("days", Arg::Number(left))];
        let ends = fill(lang, "tui.home_ends_on", &args);
        let room = width.saturating_sub(cells(&row.agreement.number) + cells(&ends) + 2);
        lines.push(Line::from(vec![
            Span::styled(row.agreement.number.clone(), theme.strong()),
            Span::raw(format!(" {} ", theme.pad(&row.partner, room))),
            Span::styled(ends, theme.missing()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// What home asks: with `backups`, whether the daily backups stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Query {
    pub backups: bool,
}

/// Days home's sparklines cover.
const SPARK_DAYS: i64 = 7;

/// Latest entries read for home: enough that the ones at an officer's own
/// sites still fill the list after the others are left out.
const LATEST_READ: usize = 8 * LATEST_SHOWN;

impl Loads for State {
    type Query = Query;
    type Data = HomeData;
    const ROOT: bool = true;

    fn fetch(records: &Records, _actor: &Actor, query: &Query) -> Result<HomeData> {
        read(records, query.backups)
    }

    fn take(&mut self, _query: &Query, data: HomeData, context: &Context) {
        let (data, role) = as_seen(data, context);
        self.refresh(data);
        self.role = role;
    }

    fn open(_query: &Query, data: HomeData, context: &Context) -> Option<State> {
        let (data, role) = as_seen(data, context);
        Some(State::new(data, role))
    }
}

/// Operators and supervisors see the sites they work at (the programmes
/// list, p, still finds every programme).
fn as_seen(mut data: HomeData, context: &Context) -> (HomeData, Role) {
    let role = context.officer.map_or(Role::Operator, |o| o.role);
    if let Some(officer) = context.officer.filter(|o| o.role != Role::Admin) {
        data.today.retain(|row| officer.sites.contains(&row.info.program.site));
        let shown: Vec<_> = data.today.iter().map(|row| row.info.program.id).collect();
        data.latest.retain(|row| shown.contains(&row.entry.draft.program));
    }
    data.latest.truncate(LATEST_SHOWN);
    (data, role)
}

fn read(records: &Records, backups: bool) -> Result<HomeData> {
    let infos = crate::tui::reads::infos(records)?;
    // The newest entries are named from the programmes just read.
    let names: BTreeMap<ProgramId, String> = infos.iter().map(|i| (i.program.id, i.program.name.clone())).collect();
    let mut logged = records.logged_on(records.today())?;
    let week_from = records.today() - chrono::Duration::days(SPARK_DAYS - 1);
    let mut weeks = records.entries_a_day(week_from, records.today())?;
    let today = infos
        .into_iter()
        .map(|info| {
            let mut kinds: Vec<(Kind, usize)> = Vec::new();
            for entry in logged.remove(&info.program.id).unwrap_or_default() {
                match kinds.iter_mut().find(|(k, _)| *k == entry.draft.kind) {
                    Some((_, n)) => *n += 1,
                    None => kinds.push((entry.draft.kind, 1)),
                }
            }
            let week = weeks.remove(&info.program.id).unwrap_or_default();
            TodayRow { info, logged: kinds, week }
        })
        .collect();
    let latest = records
        .latest_entries(LATEST_READ)?
        .into_iter()
        .map(|entry| LatestRow { program: names.get(&entry.draft.program).cloned().unwrap_or_default(), entry })
        .collect();
    let partners: BTreeMap<u32, String> = records.partners()?.into_iter().map(|p| (p.id, p.name)).collect();
    let ending = records
        .agreements_ending(ENDING_WITHIN_DAYS)?
        .into_iter()
        .map(|agreement| EndingRow {
            partner: partners.get(&agreement.partner).cloned().unwrap_or_default(),
            agreement,
        })
        .collect();
    let backup = if backups { backup_notice(records)? } else { None };
    Ok(HomeData { today, latest, ending, backup })
}

/// Whether the daily backups stopped, and since when (domain/backup_plan.rs).
fn backup_notice(records: &Records) -> Result<Option<BackupNotice>> {
    let last_good = records.backup_status()?.last_good;
    if !crate::domain::backup_plan::is_stale(records.now(), last_good) {
        return Ok(None);
    }
    let last_good = last_good.map(|at| {
        let day = records.local_time(at).date_naive();
        (day, (records.today() - day).num_days())
    });
    Ok(Some(BackupNotice { last_good }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::Theme;

    #[test]
    fn a_week_is_a_cell_a_day_scaled_to_its_busiest_day() {
        let unicode = Theme { color: false, ascii: false };
        assert_eq!(sparkline(&[0, 1, 2, 4, 0, 8, 3], unicode), " ▁▂▄ █▃");
        assert_eq!(sparkline(&[0; 7], unicode), "       ");
        let ascii = Theme { color: false, ascii: true };
        assert_eq!(sparkline(&[0, 1, 2, 4, 0, 8, 3], ascii), " ..: #:");
    }
}
