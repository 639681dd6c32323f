//! One programme: its register of entries, newest first, read a page at a
//! time as the officer scrolls back through the years; this month's and
//! this year's totals per item and unit; for livestock, today's head count.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use chrono::{Datelike, NaiveDate};

use super::{Action, Context, Load, Loads, Page, leave};
use crate::domain::date::{format_date, parse_date};
use crate::domain::entry::Entry;
use crate::domain::invalid::Arg;
use crate::domain::reference::ProgramId;
use crate::domain::sector::Kind;
use crate::domain::sector::Sector;
use crate::domain::unit::Unit;
use crate::i18n::{Lang, fill, kind_name, sector_name, text};
use crate::records::views::RegisterPage;
use crate::records::{Actor, EntryState, Error, Records, RegisterQuery, Result, Total, Update};
use crate::tui::bindings::{self, Binding, Hint, TYPED, TYPING_LIST_KEYS, hints};
use crate::tui::data::ProgramData;
use crate::tui::keymap::{Key, list_nav};
use crate::tui::ops::Op;
use crate::tui::ui::{Ui, amount, quantities, titled};
use crate::tui::widgets::asked::{Answer, Asked, next_choice};
use crate::tui::widgets::field::{Label, labelled_input};
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::list::{self, Selection};

/// How close to the end of what is loaded the selection may come before
/// the next older page is read: more than a page key moves.
pub const PREFETCH: usize = 40;

/// Cells a column of totals takes (item, this month, this year), and the
/// blank cells between two columns: two columns at 80.
pub const TOTALS_CELLS: u16 = 37;
pub const TOTALS_GAP: u16 = 2;

/// The totals take at most this share of the rows under the register's
/// head: the register, what an officer reads most, keeps the rest.
const TOTALS_SHARE: u16 = 3;

/// Cells of a register row's kind.
const KIND_CELLS: usize = 15;

/// Entries a register page asks for.
pub const PAGE_ENTRIES: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: ProgramData,
    pub selected: Selection,
    /// The entry to select when the next reload brings it: the one just saved.
    pub select_on_reload: Option<crate::domain::entry::EntryId>,
    /// What the register shows: the newest entries, or a search.
    pub query: RegisterQuery,
    /// A day or a text being typed for the search.
    pub prompt: Option<Prompt>,
}

/// The one-line question over the register: a day to go to, or a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub asks: Asks,
    pub asked: Asked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asks {
    Day,
    Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Move,
    View,
    Record,
    Report,
    Export,
    Day,
    Text,
    Kind,
    State,
    ClearOrBack,
}

const KEYS: &[Binding<Do>] = &[
    Binding::in_help(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_select", Do::Move),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_select", Do::Move),
    Binding::shown(&[Key::Enter], "Enter", "tui.do_view", Do::View),
    Binding::shown(&[Key::Char('t')], "t", "tui.do_new_entry", Do::Record),
    Binding::shown(&[Key::Char('g')], "g", "tui.do_go_to_day", Do::Day),
    Binding::in_help(&[Key::Char('r')], "r", "tui.do_report", Do::Report),
    Binding::in_help(&[Key::Char('e'), Key::Char('E')], "e/E", "tui.do_export", Do::Export),
    Binding::shown(&[Key::Char('/')], "/", "tui.do_find", Do::Text),
    Binding::in_help(&[Key::Char('f')], "f", "tui.do_filter_kind", Do::Kind),
    Binding::in_help(&[Key::Char('s')], "s", "tui.do_filter_state", Do::State),
    Binding::shown(&[Key::Esc], "Esc", "tui.do_clear_search_or_back", Do::ClearOrBack),
];

impl Page for State {
    fn title(&self, _lang: Lang) -> String {
        self.data.info.program.name.clone()
    }

    fn about(&self) -> &'static str {
        "tui.help_program"
    }

    fn hints(&self) -> Vec<Hint> {
        if self.prompt.is_some() {
            return hints(TYPED);
        }
        // Esc is the screen's own (it clears a search first).
        bindings::hints_and_leave_but_back(KEYS)
    }

    fn key(&mut self, key: Key, lang: Lang) -> Action {
        if self.prompt.is_some() {
            return self.prompt_key(key, lang);
        }
        match bindings::find(KEYS, key) {
            Some(Do::Move) => {
                if let Some(nav) = list_nav(key) {
                    self.selected.step(nav, self.data.register.len());
                }
                self.load_more()
            }
            Some(Do::View) => match self.selected.of(&self.data.register) {
                Some(entry) => Action::Load(Load::EntryView(entry.id)),
                None => Action::None,
            },
            Some(Do::Record) => Action::OpenForm,
            Some(Do::Report) => Action::Report(Some(self.id())),
            Some(Do::Export) => Action::Do(Op::ExportRegister {
                program: self.id(),
                query: self.query.clone(),
                excel: key == Key::Char('E'),
                folder: Default::default(),
            }),
            Some(Do::Day) => self.ask(Asks::Day),
            Some(Do::Text) => self.ask(Asks::Text),
            Some(Do::Kind) => {
                let kind = next_choice(self.data.info.program.sector.kinds(), self.query.kind);
                self.search(RegisterQuery { kind, ..self.query.clone() })
            }
            Some(Do::State) => {
                let state = next_choice(&EntryState::ALL, self.query.state);
                self.search(RegisterQuery { state, ..self.query.clone() })
            }
            Some(Do::ClearOrBack) if self.query != RegisterQuery::default() => self.search(RegisterQuery::default()),
            Some(Do::ClearOrBack) => Action::Back,
            None => leave(key),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Load> {
        Some(open(self.id(), false))
    }

    fn shows(&self, update: &Update) -> bool {
        matches!(update, Update::Entries { programs, .. } if programs.contains(&self.id()))
    }
}

impl State {
    pub fn new(data: ProgramData) -> State {
        State {
            data,
            selected: Selection::default(),
            select_on_reload: None,
            query: RegisterQuery::default(),
            prompt: None,
        }
    }

    fn ask(&mut self, asks: Asks) -> Action {
        let input = match asks {
            Asks::Day => TextInput::new(10),
            Asks::Text => TextInput::for_field(crate::domain::text::TextField::Item).with_text(&self.query.text),
        };
        self.prompt = Some(Prompt { asks, asked: Asked::new(input) });
        Action::None
    }

    fn prompt_key(&mut self, key: Key, lang: Lang) -> Action {
        let Some(prompt) = self.prompt.as_mut() else { return Action::None };
        let query = self.query.clone();
        let read = |typed: &str| match prompt.asks {
            Asks::Text => Ok(RegisterQuery { text: typed.to_string(), ..query }),
            Asks::Day if typed.is_empty() => Ok(RegisterQuery { through: None, ..query }),
            Asks::Day => parse_date(typed).map(|day| RegisterQuery { through: Some(day), ..query }),
        };
        match prompt.asked.key(key, lang, read) {
            Answer::Waiting => Action::None,
            Answer::Cancelled => {
                self.prompt = None;
                Action::None
            }
            Answer::Given(query) => {
                self.prompt = None;
                self.search(query)
            }
        }
    }

    /// Shows the register as `query` asks: its first page is read.
    fn search(&mut self, query: RegisterQuery) -> Action {
        self.query = query.clone();
        Action::Load(Load::Program(Query::Search { id: self.id(), query }))
    }

    /// The first page of the search on screen.
    fn found(&mut self, page: RegisterPage) {
        self.data.register = page.entries;
        self.data.verified = page.verified;
        self.data.older = page.older;
        self.selected.reset();
    }

    /// Whether the register shows a search rather than the newest entries.
    pub fn searching(&self) -> bool {
        self.query != RegisterQuery::default()
    }

    pub fn id(&self) -> u32 {
        self.data.info.program.id
    }

    /// Asks for the next older page when the selection nears the end.
    fn load_more(&self) -> Action {
        match self.data.older {
            Some(before) if self.selected.row() + PREFETCH >= self.data.register.len() => {
                Action::Load(Load::Program(Query::More { id: self.id(), query: self.query.clone(), before }))
            }
            _ => Action::None,
        }
    }

    /// New data for the same programme (another officer saved, or coming
    /// back): the selection stays on the entry it was on, wherever the
    /// reload put it; on the same row if that entry is gone.
    pub fn refresh(&mut self, mut data: ProgramData) {
        if self.searching() {
            // The search's rows stay; the totals and the rest are new.
            data.register = std::mem::take(&mut self.data.register);
            data.verified = std::mem::take(&mut self.data.verified);
            data.older = self.data.older;
        }
        let chosen = self.select_on_reload.take().or_else(|| self.selected.of(&self.data.register).map(|e| e.id));
        self.selected.follow_to(&data.register, chosen, |e| e.id);
        self.data = data;
    }

    fn append(&mut self, page: RegisterPage) {
        self.data.register.extend(page.entries);
        self.data.verified.extend(page.verified);
        self.data.older = page.older;
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let info = &state.data.info;
    let about =
        [sector_name(lang, info.program.sector), info.site.as_str(), info.partner.as_str()].join(theme.separator());
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let cursor = match &state.prompt {
        Some(prompt) => {
            let label = match prompt.asks {
                Asks::Day => text(lang, "tui.prompt_day"),
                Asks::Text => text(lang, "tui.prompt_text"),
            };
            let width = (crate::tui::theme::cells(label) + 2) as u16;
            let label = Label { text: label, width, focused: true, faulty: prompt.asked.problem.is_some() };
            labelled_input(frame, Rect { width: head.width.min(width + 44), ..head }, theme, label, &prompt.asked.input)
        }
        None => {
            frame.render_widget(Line::from(theme.fit(&about, usize::from(head.width))), head);
            None
        }
    };
    // The totals go under the register, which takes the whole width, so
    // that a scroll by one line moves whole lines (a scrolling region):
    // beside it, every row next to them was written again (345 bytes a
    // line where the budget is 250, issue 12).
    let lines = totals_lines(state, ui);
    let columns = usize::from((body.width + TOTALS_GAP) / (TOTALS_CELLS + TOTALS_GAP)).max(1);
    let room = usize::from((body.height / TOTALS_SHARE).saturating_sub(1)).max(1);
    let flowed = flow(&lines, columns, room, ui.lang);
    // And the section's title row, which carries the header.
    let height = flowed.iter().map(Vec::len).max().unwrap_or(0) as u16 + 1;
    let [register, totals] = Layout::vertical([Constraint::Min(0), Constraint::Length(height)]).areas(body);
    render_register(state, frame, register, ui);
    render_totals(&flowed, frame, totals, ui);
    cursor
}

/// The register's title: what it shows when it is a search.
fn register_title(state: &State, lang: Lang) -> String {
    if !state.searching() {
        return text(lang, "tui.register_title").to_string();
    }
    let query = &state.query;
    let mut parts = Vec::new();
    if let Some(day) = query.through {
        parts.push(fill(lang, "tui.register_through", &[("date", Arg::Date(day))]));
    }
    if let Some(kind) = query.kind {
        parts.push(kind_name(lang, kind).to_string());
    }
    if let Some(state) = query.state {
        parts.push(text(lang, state_key(state)).to_string());
    }
    if !query.text.is_empty() {
        parts.push(format!("\"{}\"", query.text));
    }
    fill(lang, "tui.register_found", &[("what", Arg::Text(parts.join(", ")))])
}

fn state_key(state: EntryState) -> &'static str {
    match state {
        EntryState::Done => "tui.state_done",
        EntryState::Pending => "tui.state_pending",
        EntryState::Voided => "tui.state_voided",
        EntryState::Unverified => "tui.state_unverified",
    }
}

fn render_register(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let title = theme.fit(&register_title(state, lang), usize::from(area.width).saturating_sub(4));
    let block = titled(theme, &title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = match state.prompt.as_ref().and_then(|p| p.asked.problem.as_ref()) {
        Some(problem) => {
            let line = theme.fit(&format!("! {problem}"), usize::from(inner.width));
            frame.render_widget(Line::styled(line, theme.error()), Rect { height: 1, ..inner });
            Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner }
        }
        None => inner,
    };
    let register = &state.data.register;
    if register.is_empty() {
        let key = if state.searching() { "tui.register_none_found" } else { "tui.register_empty" };
        frame.render_widget(Paragraph::new(text(lang, key)).wrap(Wrap { trim: true }), inner);
        return;
    }
    let width = usize::from(inner.width).saturating_sub(2);
    list::render(frame, inner, theme, register.len(), Some(state.selected.row()), Some(state.selected.top()), |i| {
        Line::from(theme.fit(&register_row(&register[i], state.data.verified.contains(&register[i].id), ui), width))
    });
}

/// A register row starts with its state's mark, read without colour too:
/// voided, verified, or a blank for neither.
fn register_row(entry: &Entry, verified: bool, ui: &Ui) -> String {
    // The longest kinds ("Sampah diterima", "Waste processed") whole: the
    // register has the screen's width.
    let kind = ui.theme.pad(kind_name(ui.lang, entry.draft.kind), KIND_CELLS);
    let mark = match (entry.voided, verified) {
        (true, _) => ui.theme.voided(),
        (false, true) => ui.theme.check(),
        (false, false) => " ",
    };
    let voided = if entry.voided { format!(" ({})", text(ui.lang, "tui.voided")) } else { String::new() };
    let date = format_date(entry.draft.date);
    // The notes come last: only a wider terminal has room for them.
    let notes = if entry.draft.notes.is_empty() { String::new() } else { format!(" · {}", entry.draft.notes) };
    format!("{mark} {date} {kind} {}{voided}{notes}", quantities(ui.lang, &entry.draft.quantities))
}

/// A line of the totals, with what flowing them into columns needs.
#[derive(Clone, Debug, PartialEq)]
struct TotalsLine {
    line: Line<'static>,
    /// A kind's name, or the herd's, over its lines.
    heading: bool,
    /// An amount this month and this year, under the header that says so.
    amount: bool,
}

/// The herd (livestock), then each kind's totals this month and this
/// year, a line each, every line within `TOTALS_CELLS`.
fn totals_lines(state: &State, ui: &Ui) -> Vec<TotalsLine> {
    let (lang, theme) = (ui.lang, ui.theme);
    let width = usize::from(TOTALS_CELLS);
    let mut lines = Vec::new();
    let mut push = |line: Line<'static>, heading: bool, amount: bool| lines.push(TotalsLine { line, heading, amount });
    if let Some(herd) = &state.data.herd {
        push(Line::styled(text(lang, "tui.herd_title"), theme.strong()), true, false);
        if herd.is_empty() {
            push(Line::from(format!(" {}", text(lang, "tui.never"))), false, false);
        }
        for (species, count) in herd {
            // Grouped as every other amount: 1.200 ekor, not 1200.
            let heads = amount(lang, crate::tui::ui::whole(*count));
            let said = format!(" {} {heads} {}", theme.pad_middle(species, 16), Unit::Ekor.label());
            if *count < 0 {
                // Marked in words too, so it reads without colour.
                push(Line::styled(theme.fit(&format!("!{}", &said[1..]), width), theme.error()), false, false);
                let why = format!("  {}", text(lang, "tui.herd_below_zero"));
                push(Line::styled(theme.fit(&why, width), theme.error()), false, false);
            } else {
                push(Line::from(said), false, false);
            }
        }
    }
    // A head count is a reset, not an amount: summing counts means nothing,
    // and the herd above already shows the count that matters.
    let year: Vec<&Total> = state.data.year.iter().filter(|t| t.kind != Kind::HeadCount).collect();
    if year.is_empty() {
        push(Line::from(format!(" {}", text(lang, "tui.never"))), false, true);
    }
    let mut kind: Option<Kind> = None;
    for total in year {
        if kind != Some(total.kind) {
            kind = Some(total.kind);
            push(Line::styled(theme.fit(kind_name(lang, total.kind), width), theme.strong()), true, true);
        }
        let month = find(&state.data.month, total).map_or_else(|| "-".to_string(), |m| amount(lang, m.value));
        let item = item_label(theme, &total.item, total.unit.label(), ITEM_CELLS);
        let line = Line::from(vec![
            Span::raw(format!(" {}", theme.pad_middle(&item, ITEM_CELLS))),
            Span::raw(format!(" {}", month_and_year(theme, &month, &amount(lang, total.value)))),
        ]);
        push(line, false, true);
    }
    lines
}

/// Cells of an amount line: a blank, the item, a blank, then this month
/// and this year (`month_and_year`).
const ITEM_CELLS: usize = 11;
const MONTH_CELLS: usize = 10;
const YEAR_CELLS: usize = 12;
/// Cells before "this month": the blank and the item's, and the blank after.
const HEADER_INDENT: u16 = ITEM_CELLS as u16 + 2;

/// This month's and this year's cells, right-aligned, a blank between:
/// the amounts and the header over them line up.
fn month_and_year(theme: crate::tui::theme::Theme, month: &str, year: &str) -> String {
    format!("{} {}", theme.pad_left(month, MONTH_CELLS), theme.pad_left(year, YEAR_CELLS))
}

/// "This month, this year", over the amounts' columns.
fn totals_header(ui: &Ui) -> Line<'static> {
    let (lang, theme) = (ui.lang, ui.theme);
    let said = month_and_year(theme, text(lang, "tui.totals_month"), text(lang, "tui.totals_year"));
    Line::styled(said, theme.strong())
}

/// The totals flowed into at most `columns` columns of at most `rows`
/// lines, in as few rows as they fit. A column that goes on with a kind
/// starts with its name again, and no column ends with a name. What does
/// not fit ends with a line saying how many amounts are left out.
fn flow(lines: &[TotalsLine], columns: usize, rows: usize, lang: Lang) -> Vec<Vec<TotalsLine>> {
    if let Some(fitted) = (1..=rows).find_map(|height| fill_columns(lines, height).filter(|f| f.len() <= columns)) {
        return fitted;
    }
    let mut flowed = fill_columns(lines, rows).unwrap_or_default();
    flowed.truncate(columns);
    if let Some(last) = flowed.last_mut()
        && last.len() == rows
    {
        last.pop();
    }
    let counted = |l: &&TotalsLine| !l.heading;
    let left_out = lines.iter().filter(counted).count() - flowed.iter().flatten().filter(counted).count();
    if let Some(last) = flowed.last_mut() {
        let said = fill(lang, "tui.totals_more", &[("count", Arg::Number(left_out as i64))]);
        last.push(TotalsLine { line: Line::from(format!(" {said}")), heading: false, amount: false });
    }
    flowed
}

/// The lines in columns of `height`, as many columns as it takes; `None`
/// when a column cannot hold a repeated kind's name and a line under it.
fn fill_columns(lines: &[TotalsLine], height: usize) -> Option<Vec<Vec<TotalsLine>>> {
    let mut flowed: Vec<Vec<TotalsLine>> = vec![Vec::new()];
    let mut heading: Option<&TotalsLine> = None;
    for (i, line) in lines.iter().enumerate() {
        let column = flowed.last_mut().expect("one column at least");
        // A heading never ends a column: its lines follow in the next.
        let orphan = line.heading && column.len() + 1 == height && i + 1 < lines.len();
        if column.len() == height || orphan {
            let goes_on = heading.filter(|_| !line.heading).cloned();
            if goes_on.is_some() && height < 2 {
                return None;
            }
            flowed.push(goes_on.into_iter().collect());
        }
        if line.heading {
            heading = Some(line);
        }
        flowed.last_mut().expect("one column at least").push(line.clone());
    }
    Some(flowed)
}

/// The totals' section: its title, the header on the title's row over
/// each column that holds amounts, then the columns.
fn render_totals(columns: &[Vec<TotalsLine>], frame: &mut Frame, area: Rect, ui: &Ui) {
    let block = titled(ui.theme, text(ui.lang, "tui.totals_title"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let header = totals_header(ui);
    for (n, column) in columns.iter().enumerate() {
        let x = inner.x + n as u16 * (TOTALS_CELLS + TOTALS_GAP);
        if x + HEADER_INDENT >= inner.x + inner.width {
            break;
        }
        let width = TOTALS_CELLS.min(inner.x + inner.width - x);
        if column.iter().any(|l| l.amount) {
            let at = Rect { x: x + HEADER_INDENT, y: area.y, width: width - HEADER_INDENT, height: 1 };
            frame.render_widget(header.clone(), at);
        }
        let lines: Vec<Line<'static>> = column.iter().map(|l| l.line.clone()).collect();
        frame.render_widget(Paragraph::new(lines), Rect { x, width, ..inner });
    }
}

/// `item unit` in `width` cells. The item is cut in its middle, before
/// the unit, so items sharing a start (or an end) stay apart; the unit too
/// when there is no room for both.
fn item_label(theme: crate::tui::theme::Theme, item: &str, unit: &str, width: usize) -> String {
    let room = width.saturating_sub(crate::tui::theme::cells(unit) + 1);
    if item.is_empty() {
        return theme.fit(unit, width);
    }
    if room >= 5 {
        return format!("{} {unit}", theme.fit_middle(item, room));
    }
    theme.fit_middle(&format!("{item} {unit}"), width)
}

fn find<'a>(totals: &'a [Total], like: &Total) -> Option<&'a Total> {
    totals.iter().find(|t| t.kind == like.kind && t.unit == like.unit && t.item == like.item)
}

/// A programme opened, with its form after it when `form`.
pub fn open(id: ProgramId, form: bool) -> Load {
    Load::Program(Query::Open { id, form })
}

/// What the programme screen asks of the records API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    /// The programme: its register's newest page, its totals, its items;
    /// with `form`, its entry form opens after.
    Open { id: ProgramId, form: bool },
    /// The first page of a search of its register.
    Search { id: ProgramId, query: RegisterQuery },
    /// The next older page of what the register shows (`query`: its
    /// search, or none), of the days before `before`.
    More { id: ProgramId, query: RegisterQuery, before: NaiveDate },
}

#[derive(Clone, Debug)]
pub enum Data {
    Program(Box<ProgramData>),
    Page(RegisterPage),
}

impl Loads for State {
    type Query = Query;
    type Data = Data;

    fn fetch(records: &Records, _actor: &Actor, query: &Query) -> Result<Data> {
        match query {
            Query::Open { id, .. } => Ok(Data::Program(Box::new(read(records, *id)?))),
            Query::Search { id, query } => Ok(Data::Page(records.search_register(*id, query, PAGE_ENTRIES)?)),
            Query::More { id, query, before } if *query == RegisterQuery::default() => {
                let program = records.program(*id)?;
                Ok(Data::Page(records.register_page(&program, Some(*before), PAGE_ENTRIES)?))
            }
            Query::More { id, query, before } => {
                let query = RegisterQuery { through: before.pred_opt(), ..query.clone() };
                Ok(Data::Page(records.search_register(*id, &query, PAGE_ENTRIES)?))
            }
        }
    }

    /// A page counts only for the search still on screen, and the next
    /// older page only once: it is appended where the register ends.
    fn takes(&self, query: &Query) -> bool {
        match query {
            Query::Open { id, .. } => *id == self.id(),
            Query::Search { id, query } => *id == self.id() && *query == self.query,
            Query::More { id, query, before } => {
                *id == self.id() && *query == self.query && self.data.older == Some(*before)
            }
        }
    }

    fn take(&mut self, query: &Query, data: Data, _context: &Context) {
        match (query, data) {
            (Query::Open { .. }, Data::Program(data)) => self.refresh(*data),
            (Query::Search { .. }, Data::Page(page)) => self.found(page),
            (Query::More { .. }, Data::Page(page)) => self.append(page),
            _ => {}
        }
    }

    fn open(_query: &Query, data: Data, _context: &Context) -> Option<State> {
        match data {
            Data::Program(data) => Some(State::new(*data)),
            Data::Page(_) => None,
        }
    }

    fn then(query: &Query) -> Action {
        match query {
            Query::Open { form: true, .. } => Action::OpenForm,
            _ => Action::None,
        }
    }
}

/// The programme with its register's newest page, the month's and year's
/// totals, the items used and, for livestock, the head counts.
pub fn read(records: &Records, id: ProgramId) -> Result<ProgramData> {
    let infos = crate::tui::reads::infos(records)?;
    let info = infos.into_iter().find(|i| i.program.id == id).ok_or(Error::ProgramUnknown { id })?;
    let program = &info.program;
    let today = records.today();
    let page = records.register_page(program, None, PAGE_ENTRIES)?;
    let (month_from, month_to) = Records::month_of(today);
    let year_from = today.with_ordinal(1).unwrap_or(today);
    let year_to = year_from.with_year(today.year() + 1).and_then(|d| d.pred_opt()).unwrap_or(today);
    let month = records.totals(id, month_from, month_to)?;
    let year = records.totals(id, year_from, year_to)?;
    let herd = if program.sector == Sector::Peternakan { Some(records.herd_at(id, today)?) } else { None };
    let items = records.items_used(id)?;
    Ok(ProgramData {
        register: page.entries,
        older: page.older,
        verified: page.verified,
        month,
        year,
        herd,
        items,
        info,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A heading (`#name`) or an amount line, as `totals_lines` makes them.
    fn lines(names: &[&str]) -> Vec<TotalsLine> {
        names
            .iter()
            .map(|n| match n.strip_prefix('#') {
                Some(heading) => TotalsLine { line: Line::from(heading.to_string()), heading: true, amount: true },
                None => TotalsLine { line: Line::from(n.to_string()), heading: false, amount: true },
            })
            .collect()
    }

    fn texts(flowed: &[Vec<TotalsLine>]) -> Vec<Vec<String>> {
        flowed.iter().map(|c| c.iter().map(|l| l.line.to_string()).collect()).collect()
    }

    #[test]
    fn totals_fill_the_fewest_rows_and_a_column_goes_on_under_its_kinds_name() {
        let all = lines(&["#Panen", "cabai", "kangkung", "terong", "tomat", "#Tanam", "cabai m2"]);
        let flowed = flow(&all, 2, 6, Lang::Id);
        assert_eq!(
            texts(&flowed),
            [vec!["Panen", "cabai", "kangkung", "terong"], vec!["Panen", "tomat", "Tanam", "cabai m2"]]
        );
    }

    #[test]
    fn no_column_ends_with_a_kinds_name() {
        let all = lines(&["#Panen", "cabai", "kangkung", "#Tanam", "cabai m2", "#Sarana", "pupuk"]);
        for flowed in [fill_columns(&all, 3).unwrap(), fill_columns(&all, 4).unwrap()] {
            for column in &flowed {
                assert!(!column.last().unwrap().heading, "{:?}", texts(&flowed));
            }
        }
    }

    #[test]
    fn totals_that_do_not_fit_say_how_many_are_left_out() {
        let all = lines(&["#Panen", "a", "b", "c", "d", "e", "f", "g", "h", "i"]);
        let flowed = flow(&all, 2, 3, Lang::En);
        let shown = texts(&flowed);
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(shown.iter().all(|c| c.len() <= 3), "{shown:?}");
        // Four amounts shown (a, b, then Panen again, c), the last row says the rest.
        assert_eq!(shown[1].last().map(String::as_str), Some(" … and 6 more totals"), "{shown:?}");
        let kept = shown.iter().flatten().filter(|l| l.len() == 1).count();
        assert_eq!(kept + 6, 9, "{shown:?}");
    }
}
