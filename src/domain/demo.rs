//! A year of plausible sample entries for `init --demo`: deterministic, so
//! screenshots and tests built on it do not change between runs.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::amount::Amount;
use super::entry::{EntryDraft, Quantity, Status};
use super::officer::Role;
use super::reference::Program;
use super::sector::{Kind, Sector};
use super::unit::Unit;

/// xorshift64*: enough randomness for sample data, no dependency. The
/// scale demo rolls the same dice.
pub(super) struct Dice(pub(super) u64);

impl Dice {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A whole number in `lo..=hi`.
    pub(super) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub(super) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// Officers of a demo database (NIP, name, role), all with `DEMO_PIN`. A
/// demo database is for training and trying binalog, never for real records.
/// The first is the admin; the others work at every site.
pub const DEMO_OFFICERS: [(&str, &str, Role); 3] = [
    ("198001012005011001", "Admin Demo", Role::Admin),
    ("199001012015031002", "Operator Demo", Role::Operator),
    ("198705052010012003", "Supervisor Demo", Role::Supervisor),
];
pub const DEMO_PIN: &str = "123456";

fn qty(milli: i64, unit: Unit, item: &str) -> Quantity {
    Quantity { value: Amount::from_milli(milli), unit, item: item.into() }
}

fn whole(n: i64, unit: Unit, item: &str) -> Quantity {
    qty(n * 1000, unit, item)
}

/// Sample entries for the year up to `today` (never before a programme's start).
pub fn demo_drafts(programs: &[Program], today: NaiveDate) -> Vec<EntryDraft> {
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let mut drafts = Vec::new();
    for program in programs {
        let first = program.start.max(today - Duration::days(364));
        let mut herd: i64 = 48;
        let mut day = first;
        while day <= today {
            let sunday = day.weekday() == Weekday::Sun;
            let mut add = |kind, quantities: Vec<Quantity>, participants, notes: &str| {
                drafts.push(EntryDraft {
                    program: program.id,
                    date: day,
                    kind,
                    quantities,
                    participants,
                    officers: 0,
                    cadets: 0,
                    notes: notes.into(),
                    status: Status::Done,
                });
            };
            match program.sector {
                Sector::Pertanian if program.name.contains("Padi") => {
                    // Two rice seasons: planting in the rains, harvest four months on.
                    let (m, d) = (day.month(), day.day());
                    if matches!(m, 1 | 7) && d <= 6 && !sunday {
                        add(Kind::Planting, vec![whole(2500, Unit::M2, "padi")], 12, "");
                    }
                    if matches!(m, 5 | 11) && (10..=16).contains(&d) && !sunday {
                        let kg = dice.between(350, 700);
                        add(Kind::Harvest, vec![whole(kg, Unit::Kg, "gabah")], 14, "");
                    }
                    if d == 15 && matches!(m, 2 | 3 | 8 | 9) {
                        add(Kind::Input, vec![whole(100, Unit::Kg, "pupuk urea")], 4, "");
                    }
                }
                Sector::Pertanian => {
                    if !sunday && dice.chance(45) {
                        let item = dice.pick(&["cabai", "tomat", "kangkung", "terong"]);
                        let milli = dice.between(40, 400) * 100;
                        add(Kind::Harvest, vec![qty(milli, Unit::Kg, item)], dice.between(3, 9) as u32, "");
                    }
                    if day.weekday() == Weekday::Mon && dice.chance(30) {
                        add(Kind::Planting, vec![whole(dice.between(50, 200), Unit::M2, "cabai")], 6, "");
                    }
                    if day.day() == 3 {
                        add(Kind::Input, vec![whole(2, Unit::Karung, "pupuk kandang")], 3, "");
                    }
                }
                Sector::Peternakan => {
                    if day.day() == 1 {
                        add(Kind::HeadCount, vec![whole(herd, Unit::Ekor, "domba")], 3, "hitung bulanan");
                    }
                    if dice.chance(4) {
                        let born = dice.between(1, 2);
                        herd += born;
                        add(Kind::Birth, vec![whole(born, Unit::Ekor, "domba")], 2, "");
                    }
                    if dice.chance(1) && herd > 10 {
                        herd -= 1;
                        add(Kind::Death, vec![whole(1, Unit::Ekor, "domba")], 2, "sakit kembung");
                    }
                    if day.day() == 20 && herd > 45 {
                        let sold = dice.between(2, 4);
                        herd -= sold;
                        let price = sold * 2_750_000;
                        add(
                            Kind::Sale,
                            vec![whole(sold, Unit::Ekor, "domba"), whole(price, Unit::Rp, "domba")],
                            2,
                            "dijual ke pengepul",
                        );
                    }
                    if !sunday {
                        add(Kind::Feed, vec![whole(dice.between(60, 90), Unit::Kg, "rumput")], 4, "");
                    }
                }
                Sector::PengolahanSampah => {
                    if !sunday {
                        let received = dice.between(250, 600);
                        add(Kind::WasteReceived, vec![whole(received, Unit::Kg, "sampah organik")], 8, "");
                        add(Kind::WasteProcessed, vec![whole(received - 40, Unit::Kg, "sampah organik")], 8, "");
                    }
                    if day.weekday() == Weekday::Sat {
                        add(Kind::ProductOut, vec![whole(dice.between(15, 30), Unit::Karung, "kompos")], 6, "");
                    }
                }
                Sector::Konveksi => {
                    if !sunday && day.weekday() != Weekday::Sat {
                        let item = dice.pick(&["kaos", "seragam", "tas kain"]);
                        let cut = dice.between(40, 90);
                        let sewn = cut - dice.between(0, 10);
                        let people = dice.between(10, 18) as u32;
                        add(Kind::PiecesCut, vec![whole(cut, Unit::Pcs, item)], people, "");
                        add(Kind::PiecesSewn, vec![whole(sewn, Unit::Pcs, item)], people, "");
                        add(Kind::PiecesFinished, vec![whole(sewn - 2, Unit::Pcs, item)], people, "");
                        if dice.chance(20) {
                            add(Kind::PiecesRejected, vec![whole(2, Unit::Pcs, item)], people, "jahitan lepas");
                        }
                    }
                }
                Sector::Pelatihan => {
                    if day.weekday() == Weekday::Wed {
                        let topic = dice.pick(&["menjahit dasar", "budidaya hortikultura", "pengolahan kompos"]);
                        let hours = dice.between(2, 4);
                        let participants = dice.between(10, 25) as u32;
                        let mut draft_officers = 0;
                        add(Kind::Training, vec![whole(hours, Unit::Jam, topic)], participants, "");
                        // Officers and cadets attend about one session in three.
                        if dice.chance(35) {
                            draft_officers = dice.between(1, 3) as u32;
                        }
                        if let Some(last) = drafts.last_mut() {
                            last.officers = draft_officers;
                            last.cadets = if draft_officers > 0 { dice.between(0, 4) as u32 } else { 0 };
                        }
                    }
                }
            }
            day += Duration::days(1);
        }
    }
    drafts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reference_data::reference_data;

    #[test]
    fn demo_entries_are_valid_and_repeatable() {
        let programs = reference_data().programs;
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let drafts = demo_drafts(&programs, today);
        assert_eq!(drafts, demo_drafts(&programs, today));
        assert!(drafts.len() > 1000, "{}", drafts.len());
        for d in drafts {
            let p = programs.iter().find(|p| p.id == d.program).unwrap();
            d.clone().validate(p, today).unwrap_or_else(|e| panic!("{d:?}: {e:?}"));
        }
    }
}
