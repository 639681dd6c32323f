//! One programme: its register of entries, newest first, read a page at a
//! time as the officer scrolls back through the years; this month's and
//! this year's totals per item and unit; for livestock, today's head count.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Action, Page, leave};
use crate::domain::date::format_date;
use crate::domain::entry::Entry;
use crate::domain::sector::Kind;
use crate::domain::unit::Unit;
use crate::i18n::{Lang, kind_name, sector_name, text};
use crate::records::{Total, Update};
use crate::tui::bindings::{self, Binding, Hint, TYPING_LIST_KEYS, hints_and_leave};
use crate::tui::data::ProgramData;
use crate::tui::keymap::{Key, list_nav};
use crate::tui::msg::Cmd;
use crate::tui::ui::{Ui, amount, quantities, titled};
use crate::tui::widgets::list::{self, Selection};

/// How close to the end of what is loaded the selection may come before
/// the next older page is read: more than a page key moves.
pub const PREFETCH: usize = 40;

/// Entries a register page asks for.
pub const PAGE_ENTRIES: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: ProgramData,
    pub selected: Selection,
    /// The entry to select when the next reload brings it: the one just saved.
    pub select_on_reload: Option<crate::domain::entry::EntryId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Move,
    View,
    Record,
}

const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_select", Do::Move),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_select", Do::Move),
    Binding::shown(&[Key::Enter], "Enter", "tui.do_view", Do::View),
    Binding::shown(&[Key::Char('t')], "t", "tui.do_new_entry", Do::Record),
];

impl Page for State {
    fn title(&self, _lang: Lang) -> String {
        self.data.info.program.name.clone()
    }

    fn about(&self) -> &'static str {
        "tui.help_program"
    }

    fn hints(&self) -> Vec<Hint> {
        hints_and_leave(KEYS)
    }

    fn key(&mut self, key: Key, _lang: Lang) -> Action {
        match bindings::find(KEYS, key) {
            Some(Do::Move) => {
                if let Some(nav) = list_nav(key) {
                    self.selected.step(nav, self.data.register.len());
                }
                self.load_more()
            }
            Some(Do::View) => match self.selected.of(&self.data.register) {
                Some(entry) => Action::Run(Cmd::LoadEntry(entry.id)),
                None => Action::None,
            },
            Some(Do::Record) => Action::OpenForm,
            None => leave(key),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Action> {
        Some(Action::Run(Cmd::LoadProgram { id: self.id(), form: false }))
    }

    fn shows(&self, update: &Update) -> bool {
        matches!(update, Update::Entries { programs, .. } if programs.contains(&self.id()))
    }
}

impl State {
    pub fn new(data: ProgramData) -> State {
        State { data, selected: Selection::default(), select_on_reload: None }
    }

    pub fn id(&self) -> u32 {
        self.data.info.program.id
    }

    /// Asks for the next older page when the selection nears the end.
    fn load_more(&self) -> Action {
        match self.data.older {
            Some(before) if self.selected.row() + PREFETCH >= self.data.register.len() => {
                Action::Run(Cmd::LoadOlder { program: self.id(), before })
            }
            _ => Action::None,
        }
    }

    /// New data for the same programme (another officer saved, or coming
    /// back): the selection stays on the entry it was on, wherever the
    /// reload put it; on the same row if that entry is gone.
    pub fn refresh(&mut self, data: ProgramData) {
        let chosen = self.select_on_reload.take().or_else(|| self.selected.of(&self.data.register).map(|e| e.id));
        self.selected.follow_to(&data.register, chosen, |e| e.id);
        self.data = data;
    }

    pub fn append(&mut self, page: crate::records::views::RegisterPage) {
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
    frame.render_widget(Line::from(theme.fit(&about, usize::from(head.width))), head);
    let [left, right] = Layout::horizontal([Constraint::Length(42), Constraint::Min(0)]).areas(body);
    render_register(state, frame, left, ui);
    render_totals(state, frame, right, ui);
    None
}

fn render_register(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let block = titled(theme, text(lang, "tui.register_title"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let register = &state.data.register;
    if register.is_empty() {
        frame.render_widget(Paragraph::new(text(lang, "tui.register_empty")).wrap(Wrap { trim: true }), inner);
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
    let kind = ui.theme.pad(kind_name(ui.lang, entry.draft.kind), 10);
    let mark = match (entry.voided, verified) {
        (true, _) => ui.theme.voided(),
        (false, true) => ui.theme.check(),
        (false, false) => " ",
    };
    let voided = if entry.voided { format!(" ({})", text(ui.lang, "tui.voided")) } else { String::new() };
    let date = format_date(entry.draft.date);
    format!("{mark} {date} {kind} {}{voided}", quantities(ui.lang, &entry.draft.quantities))
}

fn render_totals(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) {
    let (lang, theme) = (ui.lang, ui.theme);
    let block = titled(theme, text(lang, "tui.totals_title"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    if let Some(herd) = &state.data.herd {
        lines.push(Line::styled(text(lang, "tui.herd_title"), theme.strong()));
        if herd.is_empty() {
            lines.push(Line::from(format!(" {}", text(lang, "tui.never"))));
        }
        for (species, count) in herd {
            // Grouped as every other amount: 1.200 ekor, not 1200.
            let heads = amount(lang, crate::tui::ui::whole(*count));
            let said = format!(" {} {heads} {}", theme.pad_middle(species, 16), Unit::Ekor.label());
            if *count < 0 {
                // Marked in words too, so it reads without colour.
                lines.push(Line::styled(theme.fit(&format!("!{}", &said[1..]), width), theme.error()));
                let why = format!("  {}", text(lang, "tui.herd_below_zero"));
                lines.push(Line::styled(theme.fit(&why, width), theme.error()));
            } else {
                lines.push(Line::from(said));
            }
        }
    }
    // Item, this month, this year: 12 + 11 + 13 columns fill the 36 inside the box.
    let header = format!(
        "{} {} {}",
        theme.pad("", 12),
        theme.pad_left(text(lang, "tui.totals_month"), 10),
        theme.pad_left(text(lang, "tui.totals_year"), 12)
    );
    lines.push(Line::styled(header, theme.strong()));
    // A head count is a reset, not an amount: summing counts means nothing,
    // and the herd above already shows the count that matters.
    let year: Vec<&Total> = state.data.year.iter().filter(|t| t.kind != Kind::HeadCount).collect();
    if year.is_empty() {
        lines.push(Line::from(format!(" {}", text(lang, "tui.never"))));
    }
    let mut kind: Option<Kind> = None;
    for total in year {
        if kind != Some(total.kind) {
            kind = Some(total.kind);
            lines.push(Line::styled(theme.fit(kind_name(lang, total.kind), width), theme.strong()));
        }
        let month = find(&state.data.month, total).map_or_else(|| "-".to_string(), |m| amount(lang, m.value));
        let item = item_label(theme, &total.item, total.unit.label(), 11);
        lines.push(Line::from(vec![
            Span::raw(format!(" {}", theme.pad_middle(&item, 11))),
            Span::raw(format!(" {} {}", theme.pad_left(&month, 10), theme.pad_left(&amount(lang, total.value), 12))),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
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
