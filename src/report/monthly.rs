//! A report (`domain::report::Report`) as people and programs read it: the
//! monthly report (Laporan Bulanan) in the style of government performance
//! reports (target, realisation, achievement in percent) as aligned text
//! or Markdown in the user's language, with the language's decimal comma;
//! or as CSV and JSON with plain numbers and language-free column names.
//! The command line prints it; an interface can write the same to a file.

use serde_json::{Value, json};

use super::safe::{csv_text, escape_json_strings};
use crate::domain::Amount;
use crate::domain::date::format_date;
use crate::domain::invalid::Arg;
use crate::domain::report::{GroupFigures, GroupKey, Percent, PeriodKind, Report};
use crate::domain::text::escape_forbidden;
use crate::i18n::{Lang, fill, kind_name, sector_name, text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Csv,
    Json,
}

/// Numbers for people (grouped, the language's marks) or machines (plain).
#[derive(Clone, Copy)]
enum Numbers {
    Human(Lang),
    Plain,
}

impl Numbers {
    fn amount(self, a: Amount) -> String {
        match self {
            Numbers::Human(lang) => a.format_grouped(lang.decimal_mark(), lang.group_mark()),
            Numbers::Plain => a.to_plain(),
        }
    }

    fn count(self, n: i64) -> String {
        self.amount(Amount::whole(n))
    }

    fn percent(self, p: Option<Percent>) -> String {
        match (p, self) {
            (None, Numbers::Human(_)) => "-".into(),
            (None, Numbers::Plain) => String::new(),
            (Some(p), Numbers::Human(lang)) => p.format(lang.decimal_mark()),
            (Some(p), Numbers::Plain) => p.format('.'),
        }
    }
}

/// One table of the report: a title and rows under language-free column
/// codes (CSV and JSON) or catalog labels (text and Markdown).
struct Table {
    /// Catalog keys of the columns' labels; the part after `report.col.` is
    /// the machine name.
    columns: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

const LINE_COLUMNS: &[&str] = &[
    "report.col.kind",
    "report.col.item",
    "report.col.unit",
    "report.col.target",
    "report.col.realisation",
    "report.col.achievement",
    "report.col.previous",
    "report.col.change",
    "report.col.change_percent",
    "report.col.year_target",
    "report.col.year_to_date",
    "report.col.year_achievement",
];

const STOCK_COLUMNS: &[&str] = &[
    "report.col.month",
    "report.col.item",
    "report.col.stock",
    "report.col.births",
    "report.col.purchases",
    "report.col.deaths",
    "report.col.sales",
    "report.col.warning",
];

const TRAINING_COLUMNS: &[&str] = &[
    "report.col.period",
    "report.col.sessions",
    "report.col.participants",
    "report.col.participant_hours",
    "report.col.officers",
    "report.col.cadets",
];

const AGREEMENT_COLUMNS: &[&str] =
    &["report.col.agreement", "report.col.partner", "report.col.end", "report.col.days_left"];

fn machine(column: &str) -> &str {
    column.strip_prefix("report.col.").unwrap_or(column)
}

fn group_label(lang: Lang, group: &GroupFigures) -> String {
    match group.key {
        GroupKey::Sector(sector) => sector_name(lang, sector).to_string(),
        _ => group.label.clone(),
    }
}

fn kind_text(lang: Lang, numbers: Numbers, kind: crate::domain::Kind) -> String {
    match numbers {
        Numbers::Human(_) => kind_name(lang, kind).to_string(),
        Numbers::Plain => kind.code().to_string(),
    }
}

fn lines(group: &GroupFigures, lang: Lang, n: Numbers) -> Table {
    let rows = group
        .lines
        .iter()
        .map(|l| {
            let t = l.target.as_ref();
            let or_blank = |s: Option<String>| {
                s.unwrap_or_else(|| if matches!(n, Numbers::Plain) { String::new() } else { "-".into() })
            };
            vec![
                kind_text(lang, n, l.kind),
                l.item.clone(),
                l.unit.code().to_string(),
                or_blank(t.map(|t| n.amount(t.period_target))),
                n.amount(l.value),
                n.percent(t.and_then(|t| t.period_percent)),
                n.amount(l.previous),
                n.amount(l.change),
                n.percent(l.change_percent),
                or_blank(t.map(|t| n.amount(t.year_target))),
                or_blank(t.map(|t| n.amount(t.year_to_date))),
                n.percent(t.and_then(|t| t.year_percent)),
            ]
        })
        .collect();
    Table { columns: LINE_COLUMNS, rows }
}

fn stock(group: &GroupFigures, lang: Lang, n: Numbers) -> Table {
    let rows = group
        .livestock
        .iter()
        .map(|s| {
            let warning = if s.went_below_zero() {
                match n {
                    Numbers::Human(_) => text(lang, "report.below_zero").to_string(),
                    Numbers::Plain => "below_zero".into(),
                }
            } else {
                String::new()
            };
            vec![
                s.from.format("%Y-%m").to_string(),
                s.item.clone(),
                n.count(s.stock),
                n.count(s.births),
                n.count(s.purchases),
                n.count(s.deaths),
                n.count(s.sales),
                warning,
            ]
        })
        .collect();
    Table { columns: STOCK_COLUMNS, rows }
}

fn training(group: &GroupFigures, lang: Lang, n: Numbers) -> Table {
    let Some(t) = group.training else { return Table { columns: TRAINING_COLUMNS, rows: vec![] } };
    let row = |key: &'static str, code: &str, a: crate::domain::report::Attendance| {
        let label = match n {
            Numbers::Human(_) => text(lang, key).to_string(),
            Numbers::Plain => code.to_string(),
        };
        vec![
            label,
            n.count(a.sessions),
            n.count(a.participants),
            n.amount(a.participant_hours),
            n.count(a.officers),
            n.count(a.cadets),
        ]
    };
    Table {
        columns: TRAINING_COLUMNS,
        rows: vec![
            row("report.this_period", "current", t.current),
            row("report.previous_period", "previous", t.previous),
        ],
    }
}

fn agreements(report: &Report, n: Numbers) -> Table {
    let rows = report
        .agreements
        .iter()
        .map(|a| {
            let end = match n {
                Numbers::Human(_) => format_date(a.end),
                Numbers::Plain => a.end.format("%Y-%m-%d").to_string(),
            };
            vec![a.number.clone(), a.partner.clone(), end, n.count(a.days_left)]
        })
        .collect();
    Table { columns: AGREEMENT_COLUMNS, rows }
}

fn heading(report: &Report, lang: Lang) -> Vec<String> {
    let spec = &report.spec;
    let title = if spec.period.kind == PeriodKind::Month { "report.title_month" } else { "report.title" };
    let dates = [
        ("from", Arg::Date(spec.period.from)),
        ("to", Arg::Date(spec.period.to)),
        ("previous_from", Arg::Date(report.previous.from)),
        ("previous_to", Arg::Date(report.previous.to)),
    ];
    vec![
        text(lang, title).to_string(),
        fill(lang, "report.period", &dates),
        fill(lang, "report.grouped_by", &[("by", Arg::Label(grouping_key(spec.by)))]),
        fill(lang, "report.made_on", &[("date", Arg::Date(report.made_on))]),
    ]
}

fn grouping_key(by: crate::domain::report::Grouping) -> &'static str {
    use crate::domain::report::Grouping;
    match by {
        Grouping::Site => "report.by_site",
        Grouping::Program => "report.by_program",
        Grouping::Sector => "report.by_sector",
        Grouping::Partner => "report.by_partner",
    }
}

/// The report in `format`; text and Markdown in `lang`.
pub fn render(report: &Report, lang: Lang, format: Format) -> String {
    match format {
        Format::Text => human(report, lang, false),
        Format::Markdown => human(report, lang, true),
        Format::Csv => csv(report),
        Format::Json => json_of(report),
    }
}

fn human(report: &Report, lang: Lang, markdown: bool) -> String {
    let n = Numbers::Human(lang);
    let mut out = String::new();
    let head = heading(report, lang);
    if markdown {
        out.push_str(&format!("# {}\n\n", md_cell(&head[0])));
        for line in &head[1..] {
            out.push_str(&format!("{}  \n", md_cell(line)));
        }
    } else {
        out.push_str(&format!("{}\n{}\n", head[0], "=".repeat(head[0].chars().count())));
        for line in &head[1..] {
            out.push_str(&format!("{line}\n"));
        }
    }
    if report.groups.is_empty() {
        out.push_str(&format!("\n{}\n", text(lang, "report.no_programs")));
    }
    for group in &report.groups {
        let title = escape_forbidden(&group_label(lang, group)).into_owned();
        out.push_str(&if markdown {
            format!("\n## {}\n", md_cell(&title))
        } else {
            format!("\n{title}\n{}\n", "-".repeat(title.chars().count()))
        });
        let sections = [
            (None, lines(group, lang, n)),
            (Some("report.livestock"), stock(group, lang, n)),
            (Some("report.training"), training(group, lang, n)),
        ];
        for (title, table) in sections {
            if table.rows.is_empty() {
                if title.is_none() {
                    out.push_str(&format!("{}\n", text(lang, "report.no_entries")));
                }
                continue;
            }
            if let Some(title) = title {
                out.push_str(&if markdown {
                    format!("\n### {}\n", text(lang, title))
                } else {
                    format!("\n{}\n", text(lang, title))
                });
            }
            out.push_str(&table_text(&table, lang, markdown));
        }
        if group.livestock.iter().any(|s| s.went_below_zero()) {
            out.push_str(&format!("{}\n", text(lang, "report.below_zero_note")));
        }
    }
    let table = agreements(report, n);
    if !table.rows.is_empty() {
        let title = text(lang, "report.agreements");
        out.push_str(&if markdown {
            format!("\n## {title}\n")
        } else {
            format!("\n{title}\n{}\n", "-".repeat(title.chars().count()))
        });
        out.push_str(&table_text(&table, lang, markdown));
    }
    out
}

/// A Markdown cell: a pipe would end it, a line break would end the row.
fn md_cell(s: &str) -> String {
    escape_forbidden(s).replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Columns aligned (numbers to the right from the fourth column of a
/// totals table on), or a Markdown table.
fn table_text(table: &Table, lang: Lang, markdown: bool) -> String {
    let labels: Vec<String> = table.columns.iter().map(|c| text(lang, c).to_string()).collect();
    let cells: Vec<Vec<String>> =
        table.rows.iter().map(|r| r.iter().map(|c| escape_forbidden(c).into_owned()).collect()).collect();
    if markdown {
        let mut out = format!("| {} |\n|{}|\n", labels.join(" | "), vec!["---"; labels.len()].join("|"));
        for row in &cells {
            out.push_str(&format!("| {} |\n", row.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")));
        }
        return out;
    }
    let mut widths: Vec<usize> = labels.iter().map(|c| c.chars().count()).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let numeric = |i: usize| table.columns.get(i).is_some_and(|c| !NOT_NUMBERS.contains(c));
    let line = |row: &[String]| {
        let padded: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| if numeric(i) { format!("{c:>w$}") } else { format!("{c:<w$}") })
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(&labels);
    for row in &cells {
        out.push_str(&line(row));
    }
    out
}

/// Columns of text, aligned left; every other column is a number.
const NOT_NUMBERS: &[&str] = &[
    "report.col.kind",
    "report.col.item",
    "report.col.unit",
    "report.col.month",
    "report.col.warning",
    "report.col.period",
    "report.col.agreement",
    "report.col.partner",
    "report.col.end",
];

fn group_code(group: &GroupFigures) -> String {
    match group.key {
        GroupKey::Site(id) => format!("site:{id}"),
        GroupKey::Program(id) => format!("program:{id}"),
        GroupKey::Sector(s) => format!("sector:{}", s.code()),
        GroupKey::Partner(id) => format!("partner:{id}"),
    }
}

/// One CSV of the totals, one row per group, kind, unit and item, with the
/// group's code and name first: what a spreadsheet sums and filters.
/// Stock, training and agreements are in the JSON form.
fn csv(report: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["period_from", "period_to", "group", "group_name"];
    header.extend(LINE_COLUMNS.iter().map(|c| machine(c)));
    w.write_record(&header).expect("writing CSV to memory");
    for group in &report.groups {
        for row in lines(group, Lang::En, Numbers::Plain).rows {
            let mut record = vec![
                report.spec.period.from.format("%Y-%m-%d").to_string(),
                report.spec.period.to.format("%Y-%m-%d").to_string(),
                group_code(group),
                csv_text(&group.label).into_owned(),
            ];
            // The item is stored text; the rest are codes and plain numbers,
            // which must stay numbers (a leading minus is not a formula here).
            record
                .extend(row.iter().enumerate().map(|(i, c)| if i == 1 { csv_text(c).into_owned() } else { c.clone() }));
            w.write_record(&record).expect("writing CSV to memory");
        }
    }
    String::from_utf8(w.into_inner().expect("flushing to memory")).expect("CSV of UTF-8 cells is UTF-8")
}

fn objects(table: &Table) -> Value {
    Value::Array(
        table
            .rows
            .iter()
            .map(|row| {
                Value::Object(
                    table
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| (machine(c).to_string(), Value::from(v.clone())))
                        .collect(),
                )
            })
            .collect(),
    )
}

/// Everything, numbers as plain strings so no reader rounds them.
fn json_of(report: &Report) -> String {
    let n = Numbers::Plain;
    let groups: Vec<Value> = report
        .groups
        .iter()
        .map(|g| {
            json!({
                "group": group_code(g),
                "name": g.label,
                "sector": match g.key { GroupKey::Sector(s) => Some(s.code()), _ => None::<&str> },
                "programs": g.programs,
                "totals": objects(&lines(g, Lang::En, n)),
                "livestock": objects(&stock(g, Lang::En, n)),
                "training": objects(&training(g, Lang::En, n)),
            })
        })
        .collect();
    let mut value = json!({
        "period": {
            "kind": format!("{:?}", report.spec.period.kind).to_lowercase(),
            "from": report.spec.period.from.format("%Y-%m-%d").to_string(),
            "to": report.spec.period.to.format("%Y-%m-%d").to_string(),
        },
        "previous": {
            "from": report.previous.from.format("%Y-%m-%d").to_string(),
            "to": report.previous.to.format("%Y-%m-%d").to_string(),
        },
        "by": report.spec.by.code(),
        "made_on": report.made_on.format("%Y-%m-%d").to_string(),
        "groups": groups,
        "agreements": objects(&agreements(report, n)),
    });
    escape_json_strings(&mut value);
    format!("{}\n", serde_json::to_string_pretty(&value).expect("JSON of plain values"))
}
