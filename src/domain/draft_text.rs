//! THE way typed text becomes an `EntryDraft`, whether it was typed into
//! the entry form, given on the command line (`--qty "12,5 kg cabai"`) or
//! read from a row of an imported file: every field is read by the same
//! rules, every problem is named with its field, and the draft is finished
//! by the same rule for prices (`name_prices`). Pure: no records, no I/O.
//! What a front end keeps for itself is which fields it has (a form hides
//! the training counts of other kinds; a correction on the command line
//! keeps what it does not mention).

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::date::parse_date;
use super::entry::{EntryDraft, Field, Quantity, Status};
use super::invalid::Invalid;
use super::reference::ProgramId;
use super::sector::Kind;
use super::unit::Unit;

/// One quantity as typed.
#[derive(Clone, Copy, Debug)]
pub enum TypedQuantity<'a> {
    /// `VALUE UNIT [ITEM]` in one piece, e.g. `12,5 kg cabai merah`.
    Line(&'a str),
    /// The value, the unit's code and the item apart (a form's row, a
    /// file's columns).
    Parts { value: &'a str, unit: &'a str, item: &'a str },
}

/// The fields of an entry as typed; `None` keeps the base draft's value.
#[derive(Clone, Debug, Default)]
pub struct TypedDraft<'a> {
    pub program: Option<&'a str>,
    pub date: Option<&'a str>,
    /// A kind's code (`harvest`, `head_count`, ...).
    pub kind: Option<&'a str>,
    /// A new entry must name its kind.
    pub kind_required: bool,
    /// `Some` replaces the base's quantities.
    pub quantities: Option<Vec<TypedQuantity<'a>>>,
    /// Counts of people; a blank one is 0.
    pub participants: Option<&'a str>,
    pub officers: Option<&'a str>,
    pub cadets: Option<&'a str>,
    pub notes: Option<&'a str>,
    /// `done` or `pending` (or their Indonesian words); blank is done.
    pub status: Option<&'a str>,
}

/// What the text made: the draft (a field that could not be read keeps the
/// base's value), every problem with its field, and which typed quantities
/// (by their place in `quantities`) are in the draft, in its order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub draft: EntryDraft,
    pub problems: Vec<(Field, Invalid)>,
    pub kept: Vec<usize>,
}

impl Parsed {
    /// The draft, or every problem found.
    pub fn into_result(self) -> Result<EntryDraft, Vec<(Field, Invalid)>> {
        if self.problems.is_empty() { Ok(self.draft) } else { Err(self.problems) }
    }
}

/// A draft with nothing typed yet: a harvest, done, on `date`.
pub fn blank(program: ProgramId, date: NaiveDate) -> EntryDraft {
    EntryDraft {
        program,
        date,
        kind: Kind::Harvest,
        quantities: vec![],
        participants: 0,
        officers: 0,
        cadets: 0,
        notes: String::new(),
        status: Status::Done,
    }
}

impl TypedDraft<'_> {
    /// Lays the typed fields over `base`, collecting every problem at once.
    pub fn parse(&self, base: EntryDraft) -> Parsed {
        let mut draft = base;
        let mut problems = Vec::new();
        let mut kept = Vec::new();
        if let Some(text) = self.program {
            match text.trim().parse() {
                Ok(id) => draft.program = id,
                Err(_) => problems.push((Field::Program, Invalid::ProgramUnknown { input: text.to_string() })),
            }
        }
        if let Some(text) = self.date {
            match parse_date(text) {
                Ok(date) => draft.date = date,
                Err(e) => problems.push((Field::Date, e)),
            }
        }
        match self.kind {
            Some(code) => match Kind::from_code(code) {
                Some(kind) => draft.kind = kind,
                None => problems.push((Field::Kind, Invalid::KindUnknown { input: code.to_string() })),
            },
            None if self.kind_required => problems.push((Field::Kind, Invalid::KindMissing)),
            None => {}
        }
        if let Some(typed) = &self.quantities {
            draft.quantities.clear();
            for (i, quantity) in typed.iter().enumerate() {
                match quantity.parse() {
                    Ok(q) => {
                        draft.quantities.push(q);
                        kept.push(i);
                    }
                    Err(e) => problems.push((Field::Quantity(i), e)),
                }
            }
            name_prices(&mut draft.quantities);
        }
        for (typed, count) in [
            (self.participants, &mut draft.participants),
            (self.officers, &mut draft.officers),
            (self.cadets, &mut draft.cadets),
        ] {
            let Some(text) = typed else { continue };
            match count_of(text) {
                Ok(n) => *count = n,
                Err(e) => problems.push((Field::Participants, e)),
            }
        }
        if let Some(notes) = self.notes {
            draft.notes = notes.to_string();
        }
        if let Some(text) = self.status {
            match Status::parse(text) {
                Ok(status) => draft.status = status,
                Err(e) => problems.push((Field::Notes, e)),
            }
        }
        Parsed { draft, problems, kept }
    }
}

impl TypedQuantity<'_> {
    pub fn parse(&self) -> Result<Quantity, Invalid> {
        match *self {
            TypedQuantity::Line(text) => Quantity::parse(text),
            TypedQuantity::Parts { value, unit, item } => {
                let unit = Unit::from_code(unit).ok_or(Invalid::UnitUnknown { input: unit.trim().to_string() })?;
                Quantity::new(value, unit, item)
            }
        }
    }
}

/// A count of people: blank is none.
fn count_of(text: &str) -> Result<u32, Invalid> {
    let typed = text.trim();
    if typed.is_empty() {
        return Ok(0);
    }
    typed.parse().map_err(|_| Invalid::ParticipantsNotNumber { input: typed.to_string() })
}

/// A price left without an item is the price of what the other quantities
/// name, when they all name the same thing (3 ekor domba, Rp 8.250.000
/// domba), as the form's price field always stored it. Applied to every
/// draft made from text, so an import's price row and a `--qty "8250000
/// rp"` are named as the form names them. "Domba" and "domba" are one
/// thing (`item_key`): the price takes the first spelling.
pub fn name_prices(quantities: &mut [Quantity]) {
    let named = quantities.iter().filter(|q| q.unit != Unit::Rp && !q.item.is_empty());
    let keys: BTreeSet<String> = named.clone().map(|q| crate::domain::text::item_key(&q.item)).collect();
    let (1, Some(item)) = (keys.len(), named.map(|q| q.item.clone()).next()) else { return };
    for q in quantities.iter_mut().filter(|q| q.unit == Unit::Rp && q.item.is_empty()) {
        q.item = item.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
    }

    #[test]
    fn a_line_and_its_parts_make_the_same_quantity() {
        let line = TypedQuantity::Line("12,5 kg cabai merah").parse().unwrap();
        let parts = TypedQuantity::Parts { value: "12,5", unit: "kg", item: "cabai merah" }.parse().unwrap();
        assert_eq!(line, parts);
        let unknown = TypedQuantity::Parts { value: "1", unit: "bushel", item: "" }.parse();
        assert_eq!(unknown, Err(Invalid::UnitUnknown { input: "bushel".into() }));
    }

    #[test]
    fn a_price_without_an_item_takes_the_one_item_named() {
        let typed = TypedDraft {
            kind: Some("sale"),
            quantities: Some(vec![TypedQuantity::Line("3 ekor domba"), TypedQuantity::Line("8250000 rp")]),
            ..TypedDraft::default()
        };
        let draft = typed.parse(blank(3, day())).into_result().unwrap();
        assert_eq!(draft.quantities[1].item, "domba");
        // Two things named: whose price it is cannot be told.
        let typed = TypedDraft {
            quantities: Some(vec![
                TypedQuantity::Line("3 ekor domba"),
                TypedQuantity::Line("2 ekor kambing"),
                TypedQuantity::Line("8250000 rp"),
            ]),
            ..TypedDraft::default()
        };
        assert_eq!(typed.parse(blank(3, day())).draft.quantities[2].item, "");
        // One thing in two spellings: the price takes the first, as typed.
        let typed = TypedDraft {
            quantities: Some(vec![
                TypedQuantity::Line("3 ekor Domba Garut"),
                TypedQuantity::Line("2 ekor domba garut"),
                TypedQuantity::Line("8250000 rp"),
            ]),
            ..TypedDraft::default()
        };
        assert_eq!(typed.parse(blank(3, day())).draft.quantities[2].item, "Domba Garut");
    }

    #[test]
    fn every_problem_is_named_with_its_field_and_the_rest_is_read() {
        let typed = TypedDraft {
            date: Some("31/02/2026"),
            kind_required: true,
            quantities: Some(vec![TypedQuantity::Line("lots"), TypedQuantity::Line("2 kg tomat")]),
            participants: Some("ten"),
            notes: Some("dipanen pagi"),
            ..TypedDraft::default()
        };
        let parsed = typed.parse(blank(1, day()));
        let fields: Vec<Field> = parsed.problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec![Field::Date, Field::Kind, Field::Quantity(0), Field::Participants]);
        assert_eq!(parsed.kept, vec![1], "the second quantity is the draft's first");
        assert_eq!(parsed.draft.quantities, vec![Quantity::parse("2 kg tomat").unwrap()]);
        assert_eq!((parsed.draft.date, parsed.draft.notes.as_str()), (day(), "dipanen pagi"));
    }

    #[test]
    fn blank_counts_are_none_and_what_is_not_typed_is_kept() {
        let mut base = blank(1, day());
        base.participants = 4;
        let typed = TypedDraft { officers: Some("  "), ..TypedDraft::default() };
        let draft = typed.parse(base.clone()).into_result().unwrap();
        assert_eq!(draft, base);
    }
}
