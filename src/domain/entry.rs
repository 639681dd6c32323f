//! Activity entries (catatan kegiatan) and the rules a new one must meet.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::amount::Amount;
use super::invalid::Invalid;
use super::officer::Nip;
use super::reference::{Program, ProgramId};
use super::sector::{Kind, Sector};
use super::text::{TextField, check_text, clean_line, clean_text};
use super::unit::Unit;

pub type EntryId = u64;

/// More WBP than this in one day's activity is a typing slip.
pub const PARTICIPANTS_MAX: u32 = 5_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Quantity {
    pub value: Amount,
    pub unit: Unit,
    /// What was typed (`cabai`, `Domba`, `BBI Cilacap`), white space folded;
    /// grouped and matched by `text::item_key`, case aside. May be empty.
    pub item: String,
}

impl Quantity {
    /// Parses `VALUE UNIT [ITEM]`, e.g. `12,5 kg cabai merah`.
    pub fn parse(input: &str) -> Result<Quantity, Invalid> {
        let mut words = input.split_whitespace();
        let (Some(value), Some(unit)) = (words.next(), words.next()) else {
            return Err(Invalid::QuantityFormat { input: input.trim().to_string() });
        };
        let unit = Unit::from_code(unit).ok_or(Invalid::UnitUnknown { input: unit.to_string() })?;
        let item = words.collect::<Vec<_>>().join(" ");
        Quantity::new(value, unit, &item)
    }

    pub fn new(value: &str, unit: Unit, item: &str) -> Result<Quantity, Invalid> {
        Quantity::of(Amount::parse(value, unit)?, unit, item)
    }

    /// A quantity of a value already read (`new` reads it as typed).
    pub fn of(value: Amount, unit: Unit, item: &str) -> Result<Quantity, Invalid> {
        let item = clean_text(item, TextField::Item)?;
        Ok(Quantity { value, unit, item })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    Done,
    Pending,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Pending => "pending",
        }
    }

    pub fn parse(input: &str) -> Result<Status, Invalid> {
        match input.trim().to_lowercase().as_str() {
            "" | "done" | "selesai" => Ok(Status::Done),
            "pending" | "rencana" | "tertunda" => Ok(Status::Pending),
            _ => Err(Invalid::StatusUnknown { input: input.trim().to_string() }),
        }
    }
}

/// What an officer submits: everything but the bookkeeping the store adds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryDraft {
    pub program: ProgramId,
    pub date: NaiveDate,
    pub kind: Kind,
    pub quantities: Vec<Quantity>,
    /// Warga Binaan (inmates) who took part.
    pub participants: u32,
    /// For training: officers and cadets (taruna/taruni) who took part.
    pub officers: u32,
    pub cadets: u32,
    pub notes: String,
    pub status: Status,
}

/// The part of a draft a message is about, so a form can mark that field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Program,
    Date,
    Kind,
    Quantity(usize),
    Participants,
    Notes,
}

/// One revision of an entry as stored. Revisions are never changed or
/// removed: a correction or a void is a newer revision of the same id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    /// 1 for the first record, one more for each correction or void.
    pub revision: u32,
    /// The revision this one replaces.
    pub supersedes: Option<u32>,
    pub draft: EntryDraft,
    /// Set on a void: the entry no longer counts in any total.
    pub voided: bool,
    /// Why this revision was made (a correction or void); empty on the first.
    pub reason: String,
    pub recorded_by: Nip,
    pub recorded_at: DateTime<Utc>,
}

impl Entry {
    /// Whether this revision's quantities count in totals.
    pub fn counts(&self) -> bool {
        !self.voided
    }
}

#[cfg(test)]
impl EntryDraft {
    /// A done harvest of `qty` ("2 kg cabai") in `program` with three WBP:
    /// the draft the crate's tests start from.
    pub(crate) fn test_harvest(program: ProgramId, date: NaiveDate, qty: &str) -> EntryDraft {
        EntryDraft {
            program,
            date,
            kind: Kind::Harvest,
            quantities: vec![Quantity::parse(qty).expect("a valid test quantity")],
            participants: 3,
            officers: 0,
            cadets: 0,
            notes: String::new(),
            status: Status::Done,
        }
    }
}

impl EntryDraft {
    /// Cleans the free text and checks every rule that needs no stored data
    /// beyond the programme. Returns every problem, not just the first, so a
    /// form can mark all faulty fields at once. Every way in (the form, the
    /// CLI, an import, a request sent straight to the server) comes here.
    pub fn validate(mut self, program: &Program, today: NaiveDate) -> Result<EntryDraft, Vec<(Field, Invalid)>> {
        self.notes = clean_line(&self.notes);
        for q in &mut self.quantities {
            q.item = clean_line(&q.item);
        }
        let mut problems = Vec::new();
        if self.date > today {
            problems.push((Field::Date, Invalid::DateInFuture { date: self.date, today }));
        } else if self.date < program.start {
            problems.push((Field::Date, Invalid::DateBeforeStart { date: self.date, start: program.start }));
        } else if self.date > program.end {
            problems.push((Field::Date, Invalid::DateAfterEnd { date: self.date, end: program.end }));
        }
        problems.extend(self.value_problems(Some(program.sector)));
        if problems.is_empty() { Ok(self) } else { Err(problems) }
    }

    /// The rules on the draft's own values, taken as they stand (nothing is
    /// cleaned; no date rule, as those depend on the day): the kind in the
    /// programme's sector (when known), units for the kind, amounts within
    /// their unit's maximum, participants within theirs, and the text rules.
    /// `check` asks this of every stored revision.
    pub fn value_problems(&self, sector: Option<Sector>) -> Vec<(Field, Invalid)> {
        let mut problems = Vec::new();
        if let Some(sector) = sector.filter(|s| self.kind.sector() != *s) {
            problems.push((Field::Kind, Invalid::KindNotInSector { kind: self.kind, sector }));
        }
        if self.quantities.is_empty() {
            problems.push((Field::Quantity(0), Invalid::QuantityMissing));
        }
        for (i, q) in self.quantities.iter().enumerate() {
            let input = q.value.to_plain();
            let problem = if !self.kind.units().contains(&q.unit) {
                Some(Invalid::UnitNotForKind { unit: q.unit, kind: self.kind })
            } else if let Err(e) = q.value.check_for(q.unit, &input) {
                Some(e)
            } else if let Err(e) = check_text(&q.item, TextField::Item) {
                Some(e)
            } else if q.item.is_empty() && self.kind.needs_item() && q.unit != Unit::Rp {
                Some(Invalid::ItemMissing { kind: self.kind })
            } else {
                None
            };
            if let Some(p) = problem {
                problems.push((Field::Quantity(i), p));
            }
        }
        for count in [self.participants, self.officers, self.cadets] {
            if count > PARTICIPANTS_MAX {
                problems.push((Field::Participants, Invalid::ParticipantsTooMany { max: PARTICIPANTS_MAX }));
                break;
            }
        }
        if let Err(e) = check_text(&self.notes, TextField::Notes) {
            problems.push((Field::Notes, e));
        } else if self.kind.needs_reason() && self.notes.is_empty() {
            problems.push((Field::Notes, Invalid::ReasonMissing { kind: self.kind }));
        }
        problems
    }
}

/// A first revision recorded by one officer at a fixed instant, for the
/// unit tests of what reads entries (inventory, rollups).
#[cfg(test)]
pub(crate) fn test_entry(id: EntryId, date: NaiveDate, kind: Kind, quantity: Quantity) -> Entry {
    Entry {
        id,
        revision: 1,
        supersedes: None,
        draft: EntryDraft {
            program: 1,
            date,
            kind,
            quantities: vec![quantity],
            participants: 1,
            officers: 0,
            cadets: 0,
            notes: String::new(),
            status: Status::Done,
        },
        voided: false,
        reason: String::new(),
        recorded_by: Nip::parse("198503122010121001").expect("a valid NIP"),
        recorded_at: DateTime::UNIX_EPOCH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reference::ProgramStatus;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn program(sector: Sector) -> Program {
        Program {
            id: 1,
            name: "Domba".into(),
            sector,
            site: 1,
            partner: 1,
            agreement: 1,
            start: d(2025, 5, 19),
            end: d(2030, 5, 19),
            status: ProgramStatus::Active,
        }
    }

    fn draft(kind: Kind, qty: &str) -> EntryDraft {
        EntryDraft {
            program: 1,
            date: d(2026, 3, 2),
            kind,
            quantities: vec![Quantity::parse(qty).unwrap()],
            participants: 4,
            officers: 0,
            cadets: 0,
            notes: "  ".into(),
            status: Status::Done,
        }
    }

    #[test]
    fn parses_quantities() {
        let q = Quantity::parse("12,5 kg Cabai  Merah").unwrap();
        assert_eq!((q.value, q.unit, q.item.as_str()), (Amount::from_milli(12_500), Unit::Kg, "Cabai Merah"));
        assert!(matches!(Quantity::parse("12"), Err(Invalid::QuantityFormat { .. })));
        assert!(matches!(Quantity::parse("12 bushel"), Err(Invalid::UnitUnknown { .. })));
    }

    #[test]
    fn a_kind_outside_the_sector_is_refused() {
        let today = d(2026, 3, 2);
        let problems = draft(Kind::Harvest, "3 kg cabai").validate(&program(Sector::Peternakan), today);
        assert!(
            problems
                .unwrap_err()
                .iter()
                .any(|(f, e)| *f == Field::Kind && matches!(e, Invalid::KindNotInSector { .. }))
        );
    }

    #[test]
    fn dates_must_fall_inside_the_programme_and_not_in_the_future() {
        let p = program(Sector::Pertanian);
        let mut future = draft(Kind::Harvest, "3 kg cabai");
        future.date = d(2026, 3, 3);
        assert!(matches!(future.validate(&p, d(2026, 3, 2)).unwrap_err()[0].1, Invalid::DateInFuture { .. }));
        let mut early = draft(Kind::Harvest, "3 kg cabai");
        early.date = d(2025, 5, 18);
        assert!(matches!(early.validate(&p, d(2026, 3, 2)).unwrap_err()[0].1, Invalid::DateBeforeStart { .. }));
    }

    #[test]
    fn deaths_need_a_reason_and_animals_a_species() {
        let p = program(Sector::Peternakan);
        let problems = draft(Kind::Death, "1 ekor").validate(&p, d(2026, 3, 2)).unwrap_err();
        assert!(problems.iter().any(|(_, e)| matches!(e, Invalid::ReasonMissing { .. })));
        assert!(problems.iter().any(|(_, e)| matches!(e, Invalid::ItemMissing { .. })));
        let mut ok = draft(Kind::Death, "1 ekor domba");
        ok.notes = "sakit  kembung".into();
        assert_eq!(ok.validate(&p, d(2026, 3, 2)).unwrap().notes, "sakit kembung");
    }

    #[test]
    fn units_must_suit_the_kind() {
        let p = program(Sector::Konveksi);
        let problems = draft(Kind::PiecesSewn, "3 kg kaos").validate(&p, d(2026, 3, 2)).unwrap_err();
        assert!(matches!(problems[0], (Field::Quantity(0), Invalid::UnitNotForKind { .. })));
    }

    #[test]
    fn text_rules_hold_for_notes_and_items_and_name_the_field() {
        let p = program(Sector::Pertanian);
        let today = d(2026, 3, 2);
        let mut long = draft(Kind::Harvest, "3 kg cabai");
        long.notes = "x".repeat(1_000);
        assert!(long.clone().validate(&p, today).is_ok());
        long.notes.push('y');
        assert_eq!(
            long.validate(&p, today).unwrap_err(),
            vec![(Field::Notes, Invalid::TextTooLong { field: TextField::Notes, max: 1_000 })]
        );
        let mut escaped = draft(Kind::Harvest, "3 kg cabai");
        escaped.notes = "ok\u{1b}]0;owned\u{7}".into();
        escaped.quantities[0].item = "cabai\u{202e}".into();
        let problems = escaped.validate(&p, today).unwrap_err();
        assert!(
            problems
                .contains(&(Field::Notes, Invalid::TextForbidden { field: TextField::Notes, found: "\\x1b".into() }))
        );
        assert!(problems.contains(&(
            Field::Quantity(0),
            Invalid::TextForbidden { field: TextField::Item, found: "\\u{202e}".into() }
        )));
        let item = "a".repeat(81);
        assert_eq!(Quantity::new("3", Unit::Kg, &item), Err(Invalid::TextTooLong { field: TextField::Item, max: 80 }));
        assert!(Quantity::new("3", Unit::Kg, &"a".repeat(80)).is_ok());
        let e = Invalid::TextTooLong { field: TextField::Notes, max: 1_000 };
        assert_eq!(crate::i18n::invalid(crate::i18n::Lang::Id, &e), "Catatan: paling banyak 1.000 karakter.");
        assert_eq!(crate::i18n::invalid(crate::i18n::Lang::En, &e), "Notes: at most 1,000 characters.");
    }

    #[test]
    fn stored_values_are_checked_as_they_stand() {
        let mut stored = draft(Kind::Harvest, "3 kg cabai");
        stored.quantities[0].value = Amount::from_milli(-5_000_000);
        stored.quantities.push(Quantity { value: Amount::from_milli(1 << 62), unit: Unit::Kg, item: "x".into() });
        stored.quantities.push(Quantity { value: Amount::whole(1), unit: Unit::Jam, item: "x".into() });
        stored.participants = 999_999_999;
        stored.notes = " padded ".into();
        let problems = stored.value_problems(Some(Sector::Peternakan));
        let fields: Vec<Field> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [Field::Kind, Field::Quantity(0), Field::Quantity(1), Field::Quantity(2), Field::Participants]
        );
        assert!(matches!(problems[1].1, Invalid::ValueNegative { .. }));
        assert!(matches!(problems[2].1, Invalid::ValueTooLarge { .. }));
        assert!(matches!(problems[3].1, Invalid::UnitNotForKind { .. }));
    }
}
