//! Why an input was refused. Language-free: `i18n` turns each case into a
//! sentence that says what to fix, in the officer's language.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::amount::Amount;
use super::sector::{Kind, Sector};
use super::text::TextField;
use super::unit::Unit;

/// A value that a message may mention; `i18n` formats it for the language
/// (decimal comma, dd/mm/yyyy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// Grouped in the language's way (`1.250,5`), for totals and maxima.
    Amount(Amount),
    /// Ungrouped, with the language's decimal mark (`1,25`), for a value
    /// the officer should type as shown.
    Decimal(Amount),
    /// As `Decimal`, written so that it cannot be read as a thousands
    /// group: the way to type a value with three decimals.
    DecimalToType(Amount),
    /// A catalog key, shown as its text in the language (a field's name).
    Label(&'static str),
    Date(NaiveDate),
    /// Shown by its name in the language, with the code one types.
    Kind(Kind),
    /// A kind by its name in the language alone, where the officer chose
    /// it by name (the form) rather than typed its code (the CLI).
    KindName(Kind),
    Sector(Sector),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Invalid {
    ValueMissing,
    ValueNegative {
        input: String,
    },
    ValueThousands {
        input: String,
    },
    /// `1.250`: a thousands group or three decimals; both readings given.
    ValueAmbiguous {
        input: String,
        thousands: Amount,
        decimal: Amount,
    },
    ValueNotNumber {
        input: String,
    },
    ValueTooPrecise {
        input: String,
    },
    ValueTooLarge {
        input: String,
        max: Amount,
        unit: Unit,
    },
    ValueNotWhole {
        input: String,
        unit: Unit,
    },
    UnitUnknown {
        input: String,
    },
    UnitNotForKind {
        unit: Unit,
        kind: Kind,
    },
    QuantityFormat {
        input: String,
    },
    QuantityMissing,
    ItemMissing {
        kind: Kind,
    },
    TextTooLong {
        field: TextField,
        max: usize,
    },
    /// `found` is the character in its escaped form (`\x1b`), safe to show.
    TextForbidden {
        field: TextField,
        found: String,
    },
    TextMissing {
        field: TextField,
    },
    DateMissing,
    DateFormat {
        input: String,
    },
    DateInFuture {
        date: NaiveDate,
        today: NaiveDate,
    },
    DateBeforeStart {
        date: NaiveDate,
        start: NaiveDate,
    },
    DateAfterEnd {
        date: NaiveDate,
        end: NaiveDate,
    },
    DateOutOfRange {
        date: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
    },
    KindUnknown {
        input: String,
    },
    KindMissing,
    KindNotInSector {
        kind: Kind,
        sector: Sector,
    },
    SectorUnknown {
        input: String,
    },
    ProgramUnknown {
        input: String,
    },
    ParticipantsNotNumber {
        input: String,
    },
    ParticipantsTooMany {
        max: u32,
    },
    ReasonMissing {
        kind: Kind,
    },
    ChangeReasonMissing,
    NipFormat {
        input: String,
    },
    PinTooShort {
        min: usize,
    },
    PinTooLong {
        max: usize,
    },
    PinNotDigits,
    PinMismatch,
    RoleUnknown {
        input: String,
    },
    StatusUnknown {
        input: String,
    },
    TimeZoneUnknown {
        input: String,
    },
    /// A report period typed in no form we read (`2026-11`, `2026`).
    PeriodFormat {
        input: String,
    },
    PeriodMonth {
        month: i64,
    },
    PeriodWeek {
        year: i64,
        week: i64,
    },
    PeriodYear {
        year: i64,
    },
    PeriodBackwards {
        from: NaiveDate,
        to: NaiveDate,
    },
    GroupingUnknown {
        input: String,
    },
    /// A yearly target of nothing: a target is something to reach.
    TargetZero,
}

impl Invalid {
    /// The catalog key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            Invalid::ValueMissing => "invalid.value_missing",
            Invalid::ValueNegative { .. } => "invalid.value_negative",
            Invalid::ValueThousands { .. } => "invalid.value_thousands",
            Invalid::ValueAmbiguous { .. } => "invalid.value_ambiguous",
            Invalid::ValueNotNumber { .. } => "invalid.value_not_number",
            Invalid::ValueTooPrecise { .. } => "invalid.value_too_precise",
            Invalid::ValueTooLarge { .. } => "invalid.value_too_large",
            Invalid::ValueNotWhole { .. } => "invalid.value_not_whole",
            Invalid::UnitUnknown { .. } => "invalid.unit_unknown",
            Invalid::UnitNotForKind { .. } => "invalid.unit_not_for_kind",
            Invalid::QuantityFormat { .. } => "invalid.quantity_format",
            Invalid::QuantityMissing => "invalid.quantity_missing",
            Invalid::ItemMissing { .. } => "invalid.item_missing",
            Invalid::TextTooLong { .. } => "invalid.text_too_long",
            Invalid::TextForbidden { .. } => "invalid.text_forbidden",
            Invalid::TextMissing { .. } => "invalid.text_missing",
            Invalid::DateMissing => "invalid.date_missing",
            Invalid::DateFormat { .. } => "invalid.date_format",
            Invalid::DateInFuture { .. } => "invalid.date_in_future",
            Invalid::DateBeforeStart { .. } => "invalid.date_before_start",
            Invalid::DateAfterEnd { .. } => "invalid.date_after_end",
            Invalid::DateOutOfRange { .. } => "invalid.date_out_of_range",
            Invalid::KindUnknown { .. } => "invalid.kind_unknown",
            Invalid::KindMissing => "invalid.kind_missing",
            Invalid::KindNotInSector { .. } => "invalid.kind_not_in_sector",
            Invalid::SectorUnknown { .. } => "invalid.sector_unknown",
            Invalid::ProgramUnknown { .. } => "invalid.program_unknown",
            Invalid::ParticipantsNotNumber { .. } => "invalid.participants_not_number",
            Invalid::ParticipantsTooMany { .. } => "invalid.participants_too_many",
            Invalid::ReasonMissing { .. } => "invalid.reason_missing",
            Invalid::ChangeReasonMissing => "invalid.change_reason_missing",
            Invalid::NipFormat { .. } => "invalid.nip_format",
            Invalid::PinTooShort { .. } => "invalid.pin_too_short",
            Invalid::PinTooLong { .. } => "invalid.pin_too_long",
            Invalid::PinNotDigits => "invalid.pin_not_digits",
            Invalid::PinMismatch => "invalid.pin_mismatch",
            Invalid::RoleUnknown { .. } => "invalid.role_unknown",
            Invalid::StatusUnknown { .. } => "invalid.status_unknown",
            Invalid::TimeZoneUnknown { .. } => "invalid.tz_unknown",
            Invalid::PeriodFormat { .. } => "invalid.period_format",
            Invalid::PeriodMonth { .. } => "invalid.period_month",
            Invalid::PeriodWeek { .. } => "invalid.period_week",
            Invalid::PeriodYear { .. } => "invalid.period_year",
            Invalid::PeriodBackwards { .. } => "invalid.period_backwards",
            Invalid::GroupingUnknown { .. } => "invalid.grouping_unknown",
            Invalid::TargetZero => "invalid.target_zero",
        }
    }

    /// The named values the message mentions.
    pub fn args(&self) -> Vec<(&'static str, Arg)> {
        let text = |s: &str| Arg::Text(s.to_string());
        match self {
            Invalid::ValueMissing
            | Invalid::QuantityMissing
            | Invalid::DateMissing
            | Invalid::PinNotDigits
            | Invalid::PinMismatch
            | Invalid::ChangeReasonMissing
            | Invalid::KindMissing
            | Invalid::TargetZero => vec![],
            Invalid::ValueNegative { input }
            | Invalid::ValueThousands { input }
            | Invalid::ValueNotNumber { input }
            | Invalid::ValueTooPrecise { input }
            | Invalid::UnitUnknown { input }
            | Invalid::QuantityFormat { input }
            | Invalid::DateFormat { input }
            | Invalid::KindUnknown { input }
            | Invalid::SectorUnknown { input }
            | Invalid::ProgramUnknown { input }
            | Invalid::ParticipantsNotNumber { input }
            | Invalid::NipFormat { input }
            | Invalid::RoleUnknown { input }
            | Invalid::StatusUnknown { input }
            | Invalid::TimeZoneUnknown { input }
            | Invalid::PeriodFormat { input }
            | Invalid::GroupingUnknown { input } => vec![("input", text(input))],
            Invalid::PeriodMonth { month } => vec![("month", Arg::Number(*month))],
            Invalid::PeriodYear { year } => vec![("year", Arg::Number(*year))],
            Invalid::PeriodWeek { year, week } => vec![("year", Arg::Number(*year)), ("week", Arg::Number(*week))],
            Invalid::PeriodBackwards { from, to } => vec![("from", Arg::Date(*from)), ("to", Arg::Date(*to))],
            Invalid::ValueTooLarge { input, max, unit } => {
                vec![("input", text(input)), ("max", Arg::Amount(*max)), ("unit", text(unit.label()))]
            }
            Invalid::ValueNotWhole { input, unit } => vec![("input", text(input)), ("unit", text(unit.label()))],
            Invalid::UnitNotForKind { unit, kind } => vec![
                ("unit", text(unit.label())),
                ("kind", text(kind.code())),
                ("units", text(&kind.units().iter().map(|u| u.code()).collect::<Vec<_>>().join(", "))),
            ],
            // Named in the language only: the form offers kinds by name.
            Invalid::ItemMissing { kind } | Invalid::ReasonMissing { kind } => vec![("kind", Arg::KindName(*kind))],
            // The maximum as an amount so it is grouped: "1.000 karakter".
            Invalid::TextTooLong { field, max } => vec![
                ("field", Arg::Label(field.label_key())),
                ("max", Arg::Amount(Amount::whole(i64::try_from(*max).unwrap_or(i64::MAX / 1000)))),
            ],
            Invalid::TextForbidden { field, found } => {
                vec![("field", Arg::Label(field.label_key())), ("found", text(found))]
            }
            Invalid::TextMissing { field } => vec![("field", Arg::Label(field.label_key()))],
            Invalid::ValueAmbiguous { input, thousands, decimal } => vec![
                ("input", text(input)),
                ("thousands", Arg::Decimal(*thousands)),
                ("decimal", Arg::DecimalToType(*decimal)),
            ],
            Invalid::DateInFuture { date, today } => vec![("date", Arg::Date(*date)), ("today", Arg::Date(*today))],
            Invalid::DateBeforeStart { date, start } => {
                vec![("date", Arg::Date(*date)), ("start", Arg::Date(*start))]
            }
            Invalid::DateAfterEnd { date, end } => vec![("date", Arg::Date(*date)), ("end", Arg::Date(*end))],
            Invalid::DateOutOfRange { date, from, to } => {
                vec![("date", Arg::Date(*date)), ("from", Arg::Date(*from)), ("to", Arg::Date(*to))]
            }
            Invalid::KindNotInSector { kind, sector } => vec![
                ("kind", Arg::Kind(*kind)),
                ("sector", Arg::Sector(*sector)),
                ("kinds", text(&sector.kinds().iter().map(|k| k.code()).collect::<Vec<_>>().join(", "))),
            ],
            Invalid::ParticipantsTooMany { max } => vec![("max", Arg::Number(i64::from(*max)))],
            Invalid::PinTooShort { min } => vec![("min", Arg::Number(*min as i64))],
            Invalid::PinTooLong { max } => vec![("max", Arg::Number(*max as i64))],
        }
    }
}
