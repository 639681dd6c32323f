//! Years of sample entries in many programmes, for measuring binalog at
//! the size a site reaches after five years (`init --demo --entries N`, the
//! scale benchmark). Deterministic: the same programmes, last day, years,
//! count and seed give the same drafts in the same order. Drafts come one
//! at a time, day by day, so a million of them never sit in memory at once.

use std::collections::VecDeque;

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

use super::amount::Amount;
use super::demo::Dice;
use super::entry::{EntryDraft, Quantity, Status};
use super::reference::Program;
use super::sector::{Kind, Sector};
use super::unit::Unit;

/// What to make: `entries` drafts over the `years` up to `last_day`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaleSpec {
    pub years: u32,
    pub entries: u64,
    pub seed: u64,
}

pub const SCALE_SEED: u64 = 0x5EED_B1A1_0600_2025;

/// The first day of `years` years ending on `last_day`.
pub fn first_day(last_day: NaiveDate, years: u32) -> NaiveDate {
    let back = last_day.checked_sub_months(Months::new(years.saturating_mul(12))).unwrap_or(NaiveDate::MIN);
    back.succ_opt().unwrap_or(back)
}

/// How busy a programme is relative to the others: the horticulture plots
/// and the garment workshop log many small entries a day, training a few.
fn busyness(program: &Program) -> u64 {
    let name = program.name.to_lowercase();
    match program.sector {
        Sector::Pertanian if name.contains("hortikultura") => 17,
        Sector::Pertanian => 5,
        Sector::Peternakan => 5,
        Sector::PengolahanSampah => 6,
        Sector::Konveksi => 8,
        Sector::Pelatihan => 2,
    }
}

/// Fewer entries on Saturdays, a few on Sundays (animals are still fed).
fn day_weight(day: NaiveDate) -> u64 {
    match day.weekday() {
        Weekday::Sun => 3,
        Weekday::Sat => 12,
        _ => 20,
    }
}

/// A programme's share of the work and its running state.
struct Slot {
    program: Program,
    first: NaiveDate,
    last: NaiveDate,
    weight: u64,
    /// Livestock on hand, so that sales and deaths never outrun the herd.
    herd: i64,
}

/// The drafts, in date order, each programme's day together.
pub struct ScaleDrafts {
    slots: Vec<Slot>,
    dice: Dice,
    day: NaiveDate,
    last_day: NaiveDate,
    /// Sum over every (programme, day) of weight times day weight.
    total_weight: u128,
    /// The same sum over the slots handed out so far.
    spent_weight: u128,
    entries: u64,
    made: u64,
    queue: VecDeque<EntryDraft>,
}

impl ScaleDrafts {
    /// Drafts for the active programmes over the `spec.years` up to
    /// `last_day`, never before a programme's start nor after its end.
    /// The count is exact when any programme has a day in that window.
    pub fn new(programs: &[Program], last_day: NaiveDate, spec: ScaleSpec) -> ScaleDrafts {
        let window_start = first_day(last_day, spec.years);
        let slots: Vec<Slot> = programs
            .iter()
            .map(|p| Slot {
                first: p.start.max(window_start),
                last: p.end.min(last_day),
                weight: busyness(p),
                program: p.clone(),
                herd: 60,
            })
            .filter(|s| s.first <= s.last)
            .collect();
        let first = slots.iter().map(|s| s.first).min().unwrap_or(last_day);
        let mut total_weight = 0u128;
        for slot in &slots {
            let mut day = slot.first;
            while day <= slot.last {
                total_weight += u128::from(slot.weight * day_weight(day));
                day += Duration::days(1);
            }
        }
        ScaleDrafts {
            slots,
            // xorshift stays at zero from zero: every seed is moved off it.
            dice: Dice((spec.seed ^ 0x9E37_79B9_7F4A_7C15).max(1)),
            day: first,
            last_day,
            total_weight,
            spent_weight: 0,
            entries: spec.entries,
            made: 0,
            queue: VecDeque::new(),
        }
    }

    /// The first and last day any draft can fall on.
    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.slots.iter().map(|s| s.first).min()?;
        let last = self.slots.iter().map(|s| s.last).max()?;
        Some((first, last.min(self.last_day)))
    }

    /// Queues one day's drafts of every programme. Each (programme, day)
    /// gets the entries its share of the weight so far has earned, so the
    /// counts add up to exactly `entries`.
    fn fill_day(&mut self) {
        let day = self.day;
        for i in 0..self.slots.len() {
            if day < self.slots[i].first || day > self.slots[i].last {
                continue;
            }
            let before = self.share(self.spent_weight);
            self.spent_weight += u128::from(self.slots[i].weight * day_weight(day));
            let count = self.share(self.spent_weight) - before;
            for _ in 0..count {
                let draft = make(&mut self.slots[i], &mut self.dice, day);
                self.queue.push_back(draft);
            }
        }
        self.day += Duration::days(1);
    }

    fn share(&self, weight: u128) -> u64 {
        (u128::from(self.entries) * weight).checked_div(self.total_weight).unwrap_or(0) as u64
    }
}

impl Iterator for ScaleDrafts {
    type Item = EntryDraft;

    fn next(&mut self) -> Option<EntryDraft> {
        while self.queue.is_empty() {
            if self.made >= self.entries || self.day > self.last_day {
                return None;
            }
            self.fill_day();
        }
        self.made += 1;
        self.queue.pop_front()
    }
}

fn quantity(milli: i64, unit: Unit, item: &str) -> Quantity {
    Quantity { value: Amount::from_milli(milli), unit, item: item.into() }
}

fn whole(n: i64, unit: Unit, item: &str) -> Quantity {
    quantity(n * 1000, unit, item)
}

/// What a programme grows, keeps, takes in or teaches, from its name.
fn produce(program: &Program) -> &'static [&'static str] {
    let name = program.name.to_lowercase();
    let hints: [(&str, &[&str]); 14] = [
        ("padi", &["gabah"]),
        ("jamur", &["jamur tiram"]),
        ("hidroponik", &["selada", "pakcoy", "kangkung"]),
        ("kambing", &["kambing"]),
        ("sapi", &["sapi"]),
        ("ayam", &["ayam kampung"]),
        ("domba", &["domba"]),
        ("maggot", &["maggot"]),
        ("plastik", &["botol plastik", "gelas plastik"]),
        ("sablon", &["kaos"]),
        ("tas", &["tas kain", "dompet"]),
        ("las", &["pengelasan dasar", "perawatan mesin"]),
        ("barista", &["barista", "tata boga"]),
        ("kayu", &["pertukangan kayu", "mebel"]),
    ];
    if let Some((_, items)) = hints.iter().find(|(hint, _)| name.contains(hint)) {
        return items;
    }
    match program.sector {
        Sector::Pertanian => &["cabai", "tomat", "kangkung", "terong", "sawi"],
        Sector::Peternakan => &["domba"],
        Sector::PengolahanSampah => &["sampah organik"],
        Sector::Konveksi => &["kaos", "seragam", "tas kain"],
        Sector::Pelatihan => &["menjahit dasar", "budidaya hortikultura", "pengolahan kompos"],
    }
}

/// One plausible entry of a programme on a day.
fn make(slot: &mut Slot, dice: &mut Dice, day: NaiveDate) -> EntryDraft {
    let items = produce(&slot.program);
    let item = dice.pick(items);
    let roll = dice.between(1, 100);
    let (kind, quantities, participants, notes): (Kind, Vec<Quantity>, i64, &str) = match slot.program.sector {
        Sector::Pertanian => match roll {
            1..=62 => {
                let milli = dice.between(50, 4000) * 10;
                (Kind::Harvest, vec![quantity(milli, Unit::Kg, item)], dice.between(3, 12), "")
            }
            63..=80 => (Kind::Planting, vec![whole(dice.between(20, 500), Unit::M2, item)], dice.between(3, 10), ""),
            81..=90 => (Kind::Input, vec![whole(dice.between(10, 100), Unit::Kg, "pupuk urea")], 3, ""),
            91..=96 => (Kind::Input, vec![whole(dice.between(1, 6), Unit::Karung, "pupuk kandang")], 3, ""),
            _ => (Kind::Input, vec![quantity(dice.between(1, 20) * 500, Unit::Liter, "pestisida nabati")], 2, ""),
        },
        Sector::Peternakan => livestock(slot, dice, roll, item),
        Sector::PengolahanSampah => match roll {
            1..=45 => {
                let what = dice.pick(&["sampah organik", "sampah anorganik", "sampah dapur"]);
                (Kind::WasteReceived, vec![whole(dice.between(20, 600), Unit::Kg, what)], dice.between(4, 10), "")
            }
            46..=85 => {
                let what = dice.pick(&["sampah organik", "sampah anorganik"]);
                (Kind::WasteProcessed, vec![whole(dice.between(20, 550), Unit::Kg, what)], dice.between(4, 10), "")
            }
            _ if item == "maggot" => (Kind::ProductOut, vec![whole(dice.between(5, 60), Unit::Kg, "maggot")], 4, ""),
            _ => (Kind::ProductOut, vec![whole(dice.between(5, 30), Unit::Karung, "kompos")], 6, ""),
        },
        Sector::Konveksi => {
            let (kind, pieces) = match roll {
                1..=30 => (Kind::PiecesCut, dice.between(20, 120)),
                31..=60 => (Kind::PiecesSewn, dice.between(20, 110)),
                61..=90 => (Kind::PiecesFinished, dice.between(20, 100)),
                _ => (Kind::PiecesRejected, dice.between(1, 6)),
            };
            let notes = if kind == Kind::PiecesRejected { "jahitan lepas" } else { "" };
            (kind, vec![whole(pieces, Unit::Pcs, item)], dice.between(8, 20), notes)
        }
        Sector::Pelatihan => {
            (Kind::Training, vec![whole(dice.between(2, 4), Unit::Jam, item)], dice.between(10, 25), "")
        }
    };
    let (officers, cadets) = if kind == Kind::Training && dice.chance(35) {
        let officers = dice.between(1, 3) as u32;
        (officers, dice.between(0, 4) as u32)
    } else {
        (0, 0)
    };
    EntryDraft {
        program: slot.program.id,
        date: day,
        kind,
        quantities,
        participants: participants as u32,
        officers,
        cadets,
        notes: notes.into(),
        // A few plans not yet carried out.
        status: if dice.chance(1) { Status::Pending } else { Status::Done },
    }
}

/// Livestock entries that keep the herd between 20 and 400 head: feed
/// most days, counts, births and purchases, deaths and sales with reasons.
fn livestock(slot: &mut Slot, dice: &mut Dice, roll: i64, species: &str) -> (Kind, Vec<Quantity>, i64, &'static str) {
    let price = match species {
        "sapi" => 18_000_000,
        "ayam kampung" => 85_000,
        _ => 2_750_000,
    };
    match roll {
        1..=4 => (Kind::HeadCount, vec![whole(slot.herd, Unit::Ekor, species)], 3, "hitung rutin"),
        5..=12 if slot.herd < 400 => {
            let born = dice.between(1, 3);
            slot.herd += born;
            (Kind::Birth, vec![whole(born, Unit::Ekor, species)], 2, "")
        }
        13..=14 if slot.herd < 380 => {
            let bought = dice.between(2, 10);
            slot.herd += bought;
            (Kind::Purchase, vec![whole(bought, Unit::Ekor, species), whole(bought * price, Unit::Rp, species)], 2, "")
        }
        15..=17 if slot.herd > 20 => {
            slot.herd -= 1;
            let why = ["sakit kembung", "diare", "cacingan"];
            (Kind::Death, vec![whole(1, Unit::Ekor, species)], 2, why[(roll - 15) as usize])
        }
        18..=27 if slot.herd > 40 => {
            let sold = dice.between(1, 4);
            slot.herd -= sold;
            let quantities = vec![whole(sold, Unit::Ekor, species), whole(sold * price, Unit::Rp, species)];
            (Kind::Sale, quantities, 2, "dijual ke pengepul")
        }
        _ => {
            let feed = dice.pick(&["rumput", "konsentrat", "dedak"]);
            (Kind::Feed, vec![whole(dice.between(20, 150), Unit::Kg, feed)], dice.between(2, 6), "")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reference_data::{reference_data, scale_programs};

    fn programs() -> Vec<Program> {
        let mut programs = reference_data().programs;
        programs.extend(scale_programs());
        programs
    }

    #[test]
    fn scale_drafts_are_valid_exact_in_number_and_repeatable() {
        let programs = programs();
        let last = NaiveDate::from_ymd_opt(2030, 5, 18).unwrap();
        let spec = ScaleSpec { years: 5, entries: 30_000, seed: SCALE_SEED };
        let drafts: Vec<EntryDraft> = ScaleDrafts::new(&programs, last, spec).collect();
        assert_eq!(drafts.len(), 30_000);
        assert_eq!(drafts, ScaleDrafts::new(&programs, last, spec).collect::<Vec<_>>());
        let other = ScaleDrafts::new(&programs, last, ScaleSpec { seed: 7, ..spec }).take(100).collect::<Vec<_>>();
        assert_ne!(other, drafts[..100]);
        let mut kinds = std::collections::BTreeSet::new();
        for d in &drafts {
            let p = programs.iter().find(|p| p.id == d.program).unwrap();
            let valid = d.clone().validate(p, last).unwrap_or_else(|e| panic!("{d:?}: {e:?}"));
            assert_eq!(&valid, d, "nothing to clean");
            kinds.insert(d.kind);
        }
        assert_eq!(kinds.len(), Kind::ALL.len(), "every kind appears: {kinds:?}");
        // Five whole years, in date order, every programme present.
        assert_eq!(drafts.first().unwrap().date, NaiveDate::from_ymd_opt(2025, 5, 19).unwrap());
        assert!(drafts.last().unwrap().date >= NaiveDate::from_ymd_opt(2030, 5, 10).unwrap());
        assert!(drafts.windows(2).all(|w| w[0].date <= w[1].date));
        for p in &programs {
            assert!(drafts.iter().any(|d| d.program == p.id), "programme {}", p.id);
        }
    }

    #[test]
    fn the_window_is_cut_at_the_programmes_start_and_today() {
        let programs = programs();
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let spec = ScaleSpec { years: 5, entries: 5_000, seed: 1 };
        let drafts = ScaleDrafts::new(&programs, today, spec);
        let span = drafts.span().unwrap();
        assert_eq!(span, (NaiveDate::from_ymd_opt(2025, 5, 19).unwrap(), today));
        let drafts: Vec<_> = drafts.collect();
        assert_eq!(drafts.len(), 5_000);
        assert!(drafts.iter().all(|d| d.date >= span.0 && d.date <= today));
        assert_eq!(first_day(today, 1), NaiveDate::from_ymd_opt(2025, 3, 11).unwrap());
        assert_eq!(ScaleDrafts::new(&programs, today, ScaleSpec { entries: 0, ..spec }).count(), 0);
        assert_eq!(ScaleDrafts::new(&[], today, spec).count(), 0);
    }
}
