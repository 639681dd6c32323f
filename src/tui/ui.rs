//! What every screen draws with: the language, the theme, today, and the
//! ways numbers, amounts and times are written.

use chrono::{DateTime, FixedOffset, NaiveDate};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::Block;

use super::theme::Theme;
use crate::domain::Amount;
use crate::domain::entry::Quantity;
use crate::domain::unit::Unit;
use crate::i18n::Lang;

/// The design size; below it a notice asks for a larger window.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// What every screen draws with.
#[derive(Clone, Copy, Debug)]
pub struct Ui {
    pub lang: Lang,
    pub theme: Theme,
    pub today: NaiveDate,
}

pub fn titled(theme: Theme, title: &str) -> Block<'static> {
    theme.section().title(Line::styled(format!(" {title} "), theme.title().add_modifier(Modifier::REVERSED)))
}

/// A titled box drawn over the screen (theme.rs `dialog`).
pub fn dialog(theme: Theme, title: &str) -> Block<'static> {
    theme.dialog().title(Line::styled(format!(" {title} "), theme.title()))
}

/// An amount as people read it in the language: `1.250,5` or `1,250.5`.
pub fn amount(lang: Lang, value: Amount) -> String {
    value.format_grouped(lang.decimal_mark(), lang.group_mark())
}

/// A count (of animals) as an amount, to be grouped like every other:
/// saturating, as head counts are, so a damaged store cannot overflow it.
pub fn whole(count: i64) -> Amount {
    Amount::from_milli(count.saturating_mul(Amount::whole(1).milli()))
}

/// `12,5 kg cabai`, `Rp 8.250.000`, joined with commas.
pub fn quantities(lang: Lang, quantities: &[Quantity]) -> String {
    let one = |q: &Quantity| {
        let measured = match q.unit {
            Unit::Rp => format!("Rp {}", amount(lang, q.value)),
            unit => format!("{} {}", amount(lang, q.value), unit.label()),
        };
        if q.item.is_empty() { measured } else { format!("{measured} {}", q.item) }
    };
    quantities.iter().map(one).collect::<Vec<_>>().join(", ")
}

/// `10/03/2026 09:00 WIB`: Indonesia's zones by name, others as an offset.
pub fn local_time(at: DateTime<FixedOffset>) -> String {
    let zone = match at.offset().local_minus_utc() {
        25_200 => "WIB".to_string(),
        28_800 => "WITA".to_string(),
        32_400 => "WIT".to_string(),
        _ => at.format("%:z").to_string(),
    };
    format!("{} {zone}", at.format("%d/%m/%Y %H:%M"))
}
