//! Read-only views the terminal interface needs: the register a page at a
//! time, what was logged on a day, the newest entries, items used before,
//! agreements about to end. Built on the store's indexed reads, so none of
//! them scans every entry.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use super::{Local, Result, Total};
use crate::domain::entry::{Entry, EntryId};
use crate::domain::officer::Nip;
use crate::domain::reference::{Agreement, Program, ProgramId};

/// The earliest day a range may start on. `keys::day` stores days from the
/// common era as u32, so `NaiveDate::MIN` (a negative day) would wrap round
/// and turn a range into an empty one.
pub(super) fn floor() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).expect("1 January of year 1 exists")
}

/// Days the first backward window of a register search covers; it doubles
/// while windows hold no match, so a rare match costs few reads.
pub(super) const FIRST_WINDOW_DAYS: i64 = 31;

/// Part of a programme's register, newest first, always whole days.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RegisterPage {
    pub entries: Vec<Entry>,
    /// Where the next older page ends (exclusive); `None` once the oldest
    /// entry has been read.
    pub older: Option<NaiveDate>,
    /// The entries on the page whose current revision a supervisor
    /// verified, so a register can mark them without asking entry by entry.
    pub verified: std::collections::BTreeSet<EntryId>,
}

impl Local {
    /// At least `want` entries (when that many exist) dated before `before`,
    /// or the newest ones when `before` is `None`; newest first, always
    /// whole days. Walks the programme's index backwards and reads only the
    /// page's entries, so the thousandth page costs what the first does.
    /// Entries are never dated after today when saved, but a clock set
    /// wrong once must not hide them: the first page starts at the newest.
    pub fn register_page(&self, program: &Program, before: Option<NaiveDate>, want: usize) -> Result<RegisterPage> {
        let (entries, older) = self.store()?.newest_entries(program.id, before, want)?;
        self.page(entries, older)
    }

    /// A page of `entries`, with which of them are verified.
    pub(super) fn page(&self, entries: Vec<Entry>, older: Option<NaiveDate>) -> Result<RegisterPage> {
        let store = self.store()?;
        let mut verified = std::collections::BTreeSet::new();
        for entry in &entries {
            if store.verification(entry.id, entry.revision)?.is_some() {
                verified.insert(entry.id);
            }
        }
        Ok(RegisterPage { entries, older, verified })
    }

    /// Done entries a day of every programme, `from` to `to`, from the
    /// activity rollups (home's sparklines): a count per day, oldest first.
    pub fn entries_a_day(&self, from: NaiveDate, to: NaiveDate) -> Result<BTreeMap<ProgramId, Vec<i64>>> {
        let days = usize::try_from((to - from).num_days() + 1).unwrap_or(0).min(366);
        let store = self.store()?;
        let mut out = BTreeMap::new();
        for program in self.programs()? {
            let mut counts = vec![0; days];
            for row in store.activities(program.id, from, to)? {
                if let Some(slot) = usize::try_from((row.date - from).num_days()).ok().and_then(|d| counts.get_mut(d)) {
                    *slot += row.activity.entries;
                }
            }
            out.insert(program.id, counts);
        }
        Ok(out)
    }

    /// The date of each programme's newest entry (voided ones aside).
    pub fn last_entry_dates(&self) -> Result<BTreeMap<ProgramId, NaiveDate>> {
        let mut last = BTreeMap::new();
        for program in self.programs()? {
            // The newest day, and older ones only while every entry is voided.
            let mut before = None;
            loop {
                let (entries, older) = self.store()?.newest_entries(program.id, before, 1)?;
                if let Some(entry) = entries.iter().find(|e| !e.voided) {
                    last.insert(program.id, entry.draft.date);
                    break;
                }
                match older {
                    Some(older) => before = Some(older),
                    None => break,
                }
            }
        }
        Ok(last)
    }

    /// Every programme's current, unvoided entries of one day.
    pub fn logged_on(&self, date: NaiveDate) -> Result<BTreeMap<ProgramId, Vec<Entry>>> {
        let mut logged = BTreeMap::new();
        for program in self.programs()? {
            let entries: Vec<Entry> =
                self.register(program.id, date, date)?.into_iter().filter(|e| !e.voided).collect();
            logged.insert(program.id, entries);
        }
        Ok(logged)
    }

    /// The newest `limit` unvoided entries over all programmes, by activity
    /// date then the order they were recorded.
    pub fn latest_entries(&self, limit: usize) -> Result<Vec<Entry>> {
        let mut all = Vec::new();
        for program in self.programs()? {
            let page = self.register_page(&program, None, limit)?;
            all.extend(page.entries.into_iter().filter(|e| !e.voided));
        }
        all.sort_by_key(|e| std::cmp::Reverse((e.draft.date, e.recorded_at, e.id)));
        all.truncate(limit);
        Ok(all)
    }

    /// Agreements whose end falls between today and `days` days from now.
    pub fn agreements_ending(&self, days: i64) -> Result<Vec<Agreement>> {
        let today = self.today();
        let until = today + Duration::days(days);
        let mut ending: Vec<Agreement> =
            self.agreements()?.into_iter().filter(|a| a.end >= today && a.end <= until).collect();
        ending.sort_by_key(|a| (a.end, a.id));
        Ok(ending)
    }

    /// Kind, unit and item of everything a programme has recorded, most
    /// used first: what the entry form offers before anything is typed.
    pub fn items_used(&self, program: ProgramId) -> Result<Vec<Total>> {
        let mut used: Vec<Total> =
            self.totals(program, floor(), NaiveDate::MAX)?.into_iter().filter(|t| !t.item.is_empty()).collect();
        used.sort_by(|a, b| b.entries.cmp(&a.entries).then_with(|| a.item.cmp(&b.item)));
        Ok(used)
    }

    /// Head count per species at the end of `at`, from the store's monthly
    /// stock: reads no entry. `head_counts` is the same answer read from
    /// the programme's whole history.
    pub fn herd_at(&self, program: ProgramId, at: NaiveDate) -> Result<BTreeMap<String, i64>> {
        let store = self.store()?;
        Ok(super::local::named_herd(store.herd(program, at)?, &store.item_names(program)?))
    }

    /// Officers' names by NIP, for showing who recorded what.
    pub fn officer_names(&self) -> Result<BTreeMap<Nip, String>> {
        Ok(self.officers()?.into_iter().map(|o| (o.nip, o.name)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::domain::date::wib;
    use crate::domain::entry::EntryDraft;
    use crate::domain::sector::Kind;
    use crate::records::OpenMode;
    use crate::records::Records;
    use chrono::TimeZone;
    use chrono::Utc;

    fn records(dir: &std::path::Path) -> Records {
        let now = wib().with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap().with_timezone(&Utc);
        let records = Records::open(dir, OpenMode::CreateIfMissing, Box::new(FixedClock(now)), wib()).unwrap();
        records.init(false).unwrap();
        records
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn harvest(date: NaiveDate, qty: &str) -> EntryDraft {
        EntryDraft::test_harvest(1, date, qty)
    }

    #[test]
    fn register_pages_reach_back_to_the_first_entry_in_whole_days() {
        let dir = tempfile::tempdir().unwrap();
        let r = records(dir.path());
        let actor = r.add_officer(None, "198001012005011001", "A", crate::domain::Role::Admin, "123456").unwrap();
        let actor = r.login(actor.nip.as_str(), "123456").unwrap();
        let mut drafts = Vec::new();
        let mut day = d(2025, 5, 19);
        while day <= d(2026, 3, 10) {
            drafts.push(harvest(day, "1 kg cabai"));
            drafts.push(harvest(day, "2 kg tomat"));
            day += Duration::days(3);
        }
        let total = drafts.len();
        r.import(&actor, drafts).unwrap();
        let program = r.program(1).unwrap();
        let crate::records::Backend::Local(local) = &r.backend else { unreachable!("opened in this process") };
        let store = local.store().unwrap();
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let reads = store.entry_reads();
            let page = r.register_page(&program, before, 10).unwrap();
            assert_eq!(store.entry_reads() - reads, page.entries.len() as u64, "a page reads its own entries only");
            // Whole days: ten entries, and the rest of the tenth's day (two a day).
            assert!(page.entries.len() == 10 || page.older.is_none(), "{}", page.entries.len());
            seen.extend(page.entries);
            match page.older {
                Some(older) => before = Some(older),
                None => break,
            }
        }
        assert_eq!(seen.len(), total);
        assert!(seen.windows(2).all(|w| w[0].draft.date >= w[1].draft.date));
        assert_eq!(r.last_entry_dates().unwrap().get(&1), Some(&d(2026, 3, 9)));
        assert_eq!(r.items_used(1).unwrap().len(), 2);
        assert_eq!(r.latest_entries(3).unwrap().len(), 3);
        assert_eq!(r.logged_on(d(2026, 3, 9)).unwrap()[&1].len(), 2);
        assert!(r.logged_on(d(2026, 3, 10)).unwrap()[&1].is_empty());
    }

    #[test]
    fn an_empty_programme_has_an_empty_register() {
        let dir = tempfile::tempdir().unwrap();
        let r = records(dir.path());
        let page = r.register_page(&r.program(2).unwrap(), None, 50).unwrap();
        assert_eq!(page, RegisterPage { entries: vec![], older: None, verified: Default::default() });
        assert!(r.last_entry_dates().unwrap().is_empty());
        assert!(r.agreements_ending(180).unwrap().is_empty());
        assert_eq!(r.agreements_ending(365 * 5).unwrap().len(), 6);
    }

    #[test]
    fn herd_counts_from_the_first_day() {
        let dir = tempfile::tempdir().unwrap();
        let r = records(dir.path());
        r.add_officer(None, "198001012005011001", "A", crate::domain::Role::Admin, "123456").unwrap();
        let actor = r.login("198001012005011001", "123456").unwrap();
        let mut count = harvest(d(2026, 3, 1), "40 ekor domba");
        count.program = 3;
        count.kind = Kind::HeadCount;
        r.add_entry(&actor, count).unwrap();
        assert_eq!(r.herd_at(3, d(2026, 3, 10)).unwrap().get("domba"), Some(&40));
    }
}
