//! The report (issue 11): a month or a year of the programmes' figures
//! from the rollups, each line beside the previous period with the change
//! and, where a target is set, the achievement; livestock stock at the
//! month's end, training attendance, and the agreements' days left. From
//! a programme it also draws the programme's entries a day as a sparkline
//! and, for a year, its twelve months as bars. The figures are those of
//! `binalog report`, made by the records API.

use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::symbols;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Sparkline};

use super::{Action, Context, Load, Loads, Page, leave};
use crate::domain::Amount;
use crate::domain::invalid::Arg;
use crate::domain::report::{GroupKey, Grouping, Period, PeriodKind, ReportSpec};
use crate::i18n::{Lang, fill, kind_name, sector_name, text};
use std::collections::BTreeMap;

use crate::records::{Actor, Records, Result, Update};
use crate::tui::bindings::{Binding, Hint, TYPED, TYPING_LIST_KEYS, find, hints, hints_and_leave};
use crate::tui::data::ReportData;
use crate::tui::keymap::{Key, Nav, list_nav};
use crate::tui::ops::Op;
use crate::tui::ui::{Ui, amount, titled};
use crate::tui::widgets::asked::{Answer, Asked};
use crate::tui::widgets::input::TextInput;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: ReportData,
    /// The first line of the figures shown.
    pub scroll: usize,
    /// A period being typed, and what was wrong with the last one.
    pub asking: Option<Asked>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Scroll,
    Earlier,
    Later,
    MonthOrYear,
    Grouping,
    Export,
    Period,
}

const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_scroll", Do::Scroll),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_scroll", Do::Scroll),
    Binding::shown(&[Key::Char('['), Key::Left], "[ ]", "tui.do_period_earlier_later", Do::Earlier),
    Binding::in_help(&[Key::Char(']'), Key::Right], "]", "tui.do_period_later", Do::Later),
    Binding::shown(&[Key::Char('y')], "y", "tui.do_month_or_year", Do::MonthOrYear),
    Binding::shown(&[Key::Char('b')], "b", "tui.do_grouping", Do::Grouping),
    Binding::in_help(&[Key::Char('e'), Key::Char('E')], "e/E", "tui.do_export", Do::Export),
    Binding::shown(&[Key::Char('p')], "p", "tui.do_period", Do::Period),
];

impl State {
    pub fn new(data: ReportData) -> State {
        State { data, scroll: 0, asking: None }
    }

    pub fn refresh(&mut self, data: ReportData) {
        if data.report.spec != self.data.report.spec {
            self.scroll = 0;
        }
        self.data = data;
    }

    fn spec(&self) -> ReportSpec {
        self.data.report.spec
    }

    /// A programme's report keeps its grouping: one programme is one group.
    fn keys(&self) -> Vec<Binding<Do>> {
        let single = self.spec().program.is_some();
        KEYS.iter().filter(|b| !(single && b.action == Do::Grouping)).copied().collect()
    }

    fn load(&self, spec: ReportSpec) -> Action {
        Action::Load(Load::Report(spec))
    }

    fn period_key(&mut self, key: Key, lang: Lang) -> Action {
        let spec = self.spec();
        let Some(asked) = self.asking.as_mut() else { return Action::None };
        match asked.key(key, lang, Period::parse_any) {
            Answer::Waiting => Action::None,
            Answer::Cancelled => {
                self.asking = None;
                Action::None
            }
            Answer::Given(period) => {
                self.asking = None;
                self.load(ReportSpec { period, ..spec })
            }
        }
    }
}

/// The month or year before (`step` -1) or after (+1) `period`.
fn shifted(period: Period, step: i32) -> Option<Period> {
    let from = period.from;
    match period.kind {
        PeriodKind::Year => Period::year(from.year() + step).ok(),
        _ => {
            let months = from.year() * 12 + from.month0() as i32 + step;
            Period::month(months.div_euclid(12), months.rem_euclid(12) as u32 + 1).ok()
        }
    }
}

/// A month becomes its year; a year its last month.
fn month_or_year(period: Period) -> Option<Period> {
    match period.kind {
        PeriodKind::Year => Period::month(period.to.year(), 12).ok(),
        _ => Period::year(period.from.year()).ok(),
    }
}

fn next_grouping(by: Grouping) -> Grouping {
    match by {
        Grouping::Site => Grouping::Program,
        Grouping::Program => Grouping::Sector,
        Grouping::Sector => Grouping::Partner,
        Grouping::Partner => Grouping::Site,
    }
}

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_report").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_report"
    }

    fn hints(&self) -> Vec<Hint> {
        if self.asking.is_some() { hints(TYPED) } else { hints_and_leave(&self.keys()) }
    }

    fn key(&mut self, key: Key, lang: Lang) -> Action {
        if self.asking.is_some() {
            return self.period_key(key, lang);
        }
        let spec = self.spec();
        match find(&self.keys(), key) {
            Some(Do::Scroll) => {
                let last =
                    report_lines(&self.data, lang, crate::tui::theme::Theme { color: false, ascii: false }, usize::MAX)
                        .len()
                        .saturating_sub(1);
                self.scroll = match list_nav(key) {
                    Some(Nav::Up) => self.scroll.saturating_sub(1),
                    Some(Nav::Down) => (self.scroll + 1).min(last),
                    Some(Nav::PageUp) => self.scroll.saturating_sub(10),
                    Some(Nav::PageDown) => (self.scroll + 10).min(last),
                    Some(Nav::First) => 0,
                    Some(Nav::Last) => last,
                    None => self.scroll,
                };
                Action::None
            }
            Some(Do::Earlier) => {
                shifted(spec.period, -1).map_or(Action::None, |p| self.load(ReportSpec { period: p, ..spec }))
            }
            Some(Do::Later) => {
                shifted(spec.period, 1).map_or(Action::None, |p| self.load(ReportSpec { period: p, ..spec }))
            }
            Some(Do::MonthOrYear) => {
                month_or_year(spec.period).map_or(Action::None, |p| self.load(ReportSpec { period: p, ..spec }))
            }
            Some(Do::Grouping) => self.load(ReportSpec { by: next_grouping(spec.by), ..spec }),
            Some(Do::Period) => {
                self.asking = Some(Asked::new(TextInput::new(23)));
                Action::None
            }
            Some(Do::Export) => {
                Action::Do(Op::ExportReport { spec, lang, excel: key == Key::Char('E'), folder: Default::default() })
            }
            None => leave(key),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Load> {
        Some(Load::Report(self.spec()))
    }

    fn shows(&self, update: &Update) -> bool {
        matches!(update, Update::Entries { .. } | Update::Reference)
    }
}

fn grouping_key(by: Grouping) -> &'static str {
    match by {
        Grouping::Site => "report.by_site",
        Grouping::Program => "report.by_program",
        Grouping::Sector => "report.by_sector",
        Grouping::Partner => "report.by_partner",
    }
}

/// `12,5%`, or `-` where there is nothing to compare with.
fn percent(lang: Lang, p: Option<crate::domain::report::Percent>) -> String {
    p.map_or_else(|| "-".to_string(), |p| format!("{}%", p.format(lang.decimal_mark())))
}

fn whole(n: i64) -> Amount {
    crate::tui::ui::whole(n)
}

/// The figures as lines of text, at most `width` cells each: a table per
/// group (kind, item, unit, this period, the previous, the change, the
/// achievement), then stock, training and the agreements.
pub fn report_lines(
    data: &ReportData,
    lang: Lang,
    theme: crate::tui::theme::Theme,
    width: usize,
) -> Vec<(String, bool)> {
    let report = &data.report;
    let mut out: Vec<(String, bool)> = Vec::new();
    // Widths in display cells; the styles come later, line by line.
    let plain = crate::tui::theme::Theme { color: false, ascii: false };
    let cell = |t: &str, w: usize| plain.pad(t, w);
    let right = |t: &str, w: usize| plain.pad_left(t, w);
    let columns = |k: &str, i: &str, u: &str, v: &str, p: &str, c: &str, a: &str| {
        format!(
            "{} {} {} {} {} {} {}",
            cell(k, 13),
            cell(i, 14),
            cell(u, 6),
            right(v, 10),
            right(p, 10),
            right(c, 7),
            right(a, 7)
        )
    };
    if report.groups.is_empty() {
        out.push((text(lang, "report.no_programs").to_string(), false));
    }
    for group in &report.groups {
        let label = match group.key {
            GroupKey::Sector(s) => sector_name(lang, s).to_string(),
            _ => group.label.clone(),
        };
        out.push((String::new(), false));
        // The group's done entries a day over the period, beside its name.
        let days: Vec<i64> =
            group.programs.iter().filter_map(|p| data.days.get(p)).fold(Vec::new(), |mut sum, counts| {
                sum.resize(sum.len().max(counts.len()), 0);
                sum.iter_mut().zip(counts).for_each(|(s, c)| *s += c);
                sum
            });
        let label = if days.is_empty() { label } else { format!("{label}  {}", super::home::sparkline(&days, theme)) };
        out.push((label, true));
        if group.lines.is_empty() {
            out.push((format!(" {}", text(lang, "report.no_entries")), false));
        } else {
            out.push((
                columns(
                    text(lang, "report.col.kind"),
                    text(lang, "report.col.item"),
                    text(lang, "report.col.unit"),
                    text(lang, "tui.report_now"),
                    text(lang, "tui.report_before"),
                    text(lang, "tui.report_change"),
                    text(lang, "tui.report_achieved"),
                ),
                true,
            ));
        }
        for line in &group.lines {
            let achieved = line.target.as_ref().and_then(|t| t.period_percent);
            out.push((
                columns(
                    kind_name(lang, line.kind),
                    &line.item,
                    line.unit.label(),
                    &amount(lang, line.value),
                    &amount(lang, line.previous),
                    &percent(lang, line.change_percent),
                    &line.target.as_ref().map_or_else(|| "-".to_string(), |_| percent(lang, achieved)),
                ),
                false,
            ));
            // Under a line with a target: the year's target, realised so
            // far and achieved, and the period's share of the target.
            if let Some(t) = &line.target {
                let args = [
                    ("year_target", Arg::Amount(t.year_target)),
                    ("year_to_date", Arg::Amount(t.year_to_date)),
                    ("year_percent", Arg::Text(percent(lang, t.year_percent))),
                    ("period_target", Arg::Amount(t.period_target)),
                    ("unit", Arg::Text(line.unit.label().to_string())),
                ];
                out.push((format!("  {}", fill(lang, "tui.report_target", &args)), false));
            }
        }
        for month in &group.livestock {
            let mark = if month.went_below_zero() { "! " } else { "  " };
            let args = [
                ("month", Arg::Text(month.from.format("%m/%Y").to_string())),
                ("item", Arg::Text(month.item.clone())),
                ("stock", Arg::Amount(whole(month.stock))),
                ("births", Arg::Number(month.births)),
                ("purchases", Arg::Number(month.purchases)),
                ("deaths", Arg::Number(month.deaths)),
                ("sales", Arg::Number(month.sales)),
            ];
            let mut said = format!("{mark}{}", fill(lang, "tui.report_stock", &args));
            if month.went_below_zero() {
                said = format!("{said} {}", text(lang, "report.below_zero"));
            }
            out.push((said, month.went_below_zero()));
        }
        if let Some(training) = &group.training {
            let t = training.current;
            let args = [
                ("sessions", Arg::Number(t.sessions)),
                ("participants", Arg::Number(t.participants)),
                ("hours", Arg::Amount(t.participant_hours)),
                ("officers", Arg::Number(t.officers)),
                ("cadets", Arg::Number(t.cadets)),
            ];
            out.push((format!("  {}", fill(lang, "tui.report_training", &args)), false));
        }
    }
    if !report.agreements.is_empty() {
        out.push((String::new(), false));
        out.push((text(lang, "report.agreements").to_string(), true));
        for a in &report.agreements {
            let args = [("days", Arg::Number(a.days_left)), ("date", Arg::Date(a.end))];
            out.push((format!("  {} {} {}", a.number, a.partner, fill(lang, "tui.report_days_left", &args)), false));
        }
    }
    out.into_iter().map(|(l, strong)| (if width == usize::MAX { l } else { plain.fit(&l, width) }, strong)).collect()
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let report = &state.data.report;
    let spec = report.spec;
    let args = [
        ("from", Arg::Date(spec.period.from)),
        ("to", Arg::Date(spec.period.to)),
        ("previous_from", Arg::Date(report.previous.from)),
        ("previous_to", Arg::Date(report.previous.to)),
    ];
    let by = fill(lang, "report.grouped_by", &[("by", Arg::Label(grouping_key(spec.by)))]);
    let head = vec![
        Line::styled(theme.fit(&fill(lang, "report.period", &args), usize::from(area.width)), theme.strong()),
        Line::from(theme.fit(&by, usize::from(area.width))),
    ];
    frame.render_widget(Paragraph::new(head), Rect { height: 2.min(area.height), ..area });
    // A period being typed takes the grouping's line.
    let mut cursor = None;
    if let Some(asked) = &state.asking {
        let line = Rect { y: area.y + 1, height: 1, ..area };
        frame.render_widget(ratatui::widgets::Clear, line);
        cursor = asked.render(frame, line, theme, text(lang, "tui.report_period_prompt"), 26);
    }
    let mut y = area.y + 2;
    let bottom = area.y + area.height;
    // Pictures, for one programme: its entries a day, and a year's months.
    // A day a column: drawn when the period's days fit across (a month).
    let fits = state.data.daily.len() <= usize::from(area.width);
    if !state.data.daily.is_empty() && fits && bottom > y + 8 {
        let counts: Vec<u64> = state.data.daily.iter().map(|p| u64::from(p.entries)).collect();
        let most = counts.iter().copied().max().unwrap_or(0);
        let label = fill(lang, "tui.report_per_day", &[("most", Arg::Number(most as i64))]);
        frame.render_widget(Line::from(theme.fit(&label, usize::from(area.width))), Rect { y, height: 1, ..area });
        let bars = if theme.ascii { ASCII_BARS } else { symbols::bar::NINE_LEVELS };
        let width = (counts.len() as u16).min(area.width);
        let spark = Sparkline::default().data(&counts[..usize::from(width)]).bar_set(bars).style(theme.ok());
        frame.render_widget(spark, Rect { y: y + 1, height: 2, width, ..area });
        y += 3;
    }
    if state.data.months.len() == 12 && bottom > y + 12 {
        let bars: Vec<Bar> = state
            .data
            .months
            .iter()
            .map(|p| Bar::default().value(u64::from(p.entries)).label(Line::from(p.from.format("%m").to_string())))
            .collect();
        let set = if theme.ascii { ASCII_BARS } else { symbols::bar::NINE_LEVELS };
        let chart = BarChart::default()
            .block(titled(theme, text(lang, "tui.report_months")))
            .data(BarGroup::default().bars(&bars))
            .bar_width(4)
            .bar_gap(1)
            .bar_set(set)
            .value_style(theme.strong())
            .bar_style(Style::new());
        frame.render_widget(chart, Rect { y, height: 8, width: area.width.min(64), ..area });
        y += 8;
    }
    let rows = Rect { y, height: bottom.saturating_sub(y), ..area };
    let lines: Vec<Line> = report_lines(&state.data, lang, theme, usize::from(area.width))
        .into_iter()
        .skip(state.scroll)
        .take(usize::from(rows.height))
        .map(|(l, strong)| if strong { Line::styled(l, theme.strong()) } else { Line::from(l) })
        .collect();
    frame.render_widget(Paragraph::new(lines), rows);
    cursor
}

/// Bars that read on a terminal without Unicode: heights in plain signs.
const ASCII_BARS: symbols::bar::Set = symbols::bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "=",
    five_eighths: "=",
    half: "-",
    three_eighths: "-",
    one_quarter: ".",
    one_eighth: ".",
    empty: " ",
};

/// The longest period whose groups get a sparkline of a day a cell.
const SPARK_DAYS_MAX: i64 = 62;

/// The report, and for one programme its entries a day and, over a year,
/// its twelve months: counts of entries, which every unit shares.
impl Loads for State {
    type Query = ReportSpec;
    type Data = ReportData;

    fn fetch(records: &Records, actor: &Actor, spec: &ReportSpec) -> Result<ReportData> {
        let spec = *spec;
        let report = records.report(actor, spec)?;
        let (mut daily, mut months) = (Vec::new(), Vec::new());
        if let Some(program) = spec.program {
            daily = records.daily_totals(actor, program, spec.period, None, None)?;
            if spec.period.kind == PeriodKind::Year {
                months = records.monthly_totals(actor, program, spec.period.from.year(), None, None)?;
            }
        }
        // A day a cell beside each group: only where the days fit a line.
        let days = if spec.period.days() <= SPARK_DAYS_MAX {
            records.entries_a_day(spec.period.from, spec.period.to)?
        } else {
            BTreeMap::new()
        };
        Ok(ReportData { report, daily, months, days })
    }

    fn take(&mut self, _spec: &ReportSpec, data: ReportData, _context: &Context) {
        self.refresh(data);
    }

    fn open(_spec: &ReportSpec, data: ReportData, _context: &Context) -> Option<State> {
        Some(State::new(data))
    }
}
