//! A programme's register searched: the entries on or before a day, of one
//! kind, in one state, or holding a text in an item or the notes; newest
//! first, a page at a time through the programme's date index. A search
//! reads the programme's entries only as far back as its page needs (a
//! rare word may need the whole programme: there is no word index).

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::views::{FIRST_WINDOW_DAYS, RegisterPage, floor};
use super::{Local, Result};
use crate::domain::entry::{Entry, Status};
use crate::domain::reference::ProgramId;
use crate::domain::sector::Kind;
use crate::domain::text::item_key;

/// What a register search asks for; the default is the plain register.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterQuery {
    /// Entries on or before this day; from the newest when `None`.
    pub through: Option<NaiveDate>,
    pub kind: Option<Kind>,
    pub state: Option<EntryState>,
    /// Found in an item or the notes, whatever the case; empty for any.
    pub text: String,
}

/// An entry's state as the register marks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryState {
    /// Work done, and not voided.
    Done,
    /// Planned, and not voided.
    Pending,
    Voided,
    /// Not voided, and nobody verified its current revision.
    Unverified,
}

impl EntryState {
    pub const ALL: [EntryState; 4] =
        [EntryState::Done, EntryState::Pending, EntryState::Voided, EntryState::Unverified];
}

impl RegisterQuery {
    /// Whether anything but the day is asked: then entries are filtered.
    pub fn filters(&self) -> bool {
        self.kind.is_some() || self.state.is_some() || !self.text.trim().is_empty()
    }

    fn matches(&self, entry: &Entry, verified: impl FnOnce() -> Result<bool>) -> Result<bool> {
        if self.kind.is_some_and(|k| k != entry.draft.kind) {
            return Ok(false);
        }
        // Case aside, by the items' fold ("bbi" finds "BBI Cilacap").
        let text = item_key(self.text.trim());
        if !text.is_empty() {
            let found = item_key(&entry.draft.notes).contains(&text)
                || entry.draft.quantities.iter().any(|q| item_key(&q.item).contains(&text));
            if !found {
                return Ok(false);
            }
        }
        Ok(match self.state {
            None => true,
            Some(EntryState::Voided) => entry.voided,
            Some(_) if entry.voided => false,
            Some(EntryState::Done) => entry.draft.status == Status::Done,
            Some(EntryState::Pending) => entry.draft.status == Status::Pending,
            Some(EntryState::Unverified) => !verified()?,
        })
    }
}

impl Local {
    /// At least `want` entries of the programme that match `query` (when
    /// that many exist), newest first, in whole days; `older` says where the
    /// next page ends, as for `register_page`.
    pub fn search_register(&self, program: ProgramId, query: &RegisterQuery, want: usize) -> Result<RegisterPage> {
        let program = self.program(program)?;
        let lowest = program.start.min(self.today());
        let open_end = query.through.is_none();
        let mut to = query.through.unwrap_or_else(|| self.today());
        let mut days = FIRST_WINDOW_DAYS;
        let mut first = true;
        let mut found = Vec::new();
        let store = self.store()?;
        loop {
            let from = to - Duration::days(days - 1);
            let (from, last) = if from <= lowest { (floor(), true) } else { (from, false) };
            // Entries are never dated after today when saved, but a clock
            // set wrong once must not hide them from the newest page.
            let upper = if open_end && first { NaiveDate::MAX } else { to };
            first = false;
            let before = found.len();
            for entry in self.register(program.id, from, upper)? {
                let verified = || Ok(store.verification(entry.id, entry.revision)?.is_some());
                if query.matches(&entry, verified)? {
                    found.push(entry);
                }
            }
            if last {
                return self.page(found, None);
            }
            if found.len() >= want {
                return self.page(found, Some(from));
            }
            to = from.pred_opt().unwrap_or(from);
            if found.len() == before {
                days *= 2;
            }
        }
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::domain::Role;
    use crate::domain::entry::EntryDraft;
    use crate::records::Backend;

    #[test]
    fn a_search_finds_by_day_kind_state_and_text_and_reads_only_as_far_as_it_must() {
        let dir = tempfile::tempdir().unwrap();
        let (records, actor) = crate::records::test_db::with_admin(dir.path());
        let Backend::Local(local) = &records.backend else { unreachable!() };
        let today = records.today();
        let day = |n: i64| today - Duration::days(n);
        let drafts = (0..120)
            .map(|n| {
                let item = if n % 2 == 0 { "2 kg cabai" } else { "2 kg tomat" };
                let mut draft = EntryDraft::test_harvest(1, day(n), item);
                if n == 100 {
                    draft.notes = "Bibit dari BBI Cilacap".into();
                }
                draft
            })
            .collect();
        records.import(&actor, drafts).unwrap();
        let search = |query: RegisterQuery, want| records.search_register(1, &query, want).unwrap();

        let tomat = search(RegisterQuery { text: "TOMAT".into(), ..Default::default() }, 10);
        assert!(tomat.entries.len() >= 10, "{}", tomat.entries.len());
        assert!(tomat.entries.iter().all(|e| e.draft.quantities[0].item == "tomat"));
        assert!(tomat.older.is_some(), "more pages remain");
        let noted = search(RegisterQuery { text: "cilacap".into(), ..Default::default() }, 10);
        assert_eq!(noted.entries.iter().map(|e| e.draft.date).collect::<Vec<_>>(), [day(100)]);
        assert_eq!(noted.older, None, "the search went back to the programme's start");
        let through = search(RegisterQuery { through: Some(day(50)), ..Default::default() }, 5);
        assert_eq!(through.entries.first().map(|e| e.draft.date), Some(day(50)), "newest first from the day asked");
        assert!(through.entries.iter().all(|e| e.draft.date <= day(50)));
        assert!(search(RegisterQuery { state: Some(EntryState::Pending), ..Default::default() }, 5).entries.is_empty());
        assert!(search(RegisterQuery { kind: Some(Kind::Death), ..Default::default() }, 5).entries.is_empty());
        // Another admin verifies today's entry: the first unverified is yesterday's.
        records.add_officer(Some(&actor), "198001012005011002", "B", Role::Admin, "123456").unwrap();
        let other = records.login("198001012005011002", "123456").unwrap();
        let newest = &search(RegisterQuery::default(), 1).entries[0];
        records.verify_entry(&other, newest.id, newest.revision).unwrap();
        let unverified = search(RegisterQuery { state: Some(EntryState::Unverified), ..Default::default() }, 3);
        assert_eq!(unverified.entries.first().map(|e| e.draft.date), Some(day(1)));
        // A page of five reads the first window only, not the programme.
        let reads = local.store().unwrap().entry_reads();
        search(RegisterQuery::default(), 5);
        let read = local.store().unwrap().entry_reads() - reads;
        assert!(read <= 31, "read {read} entries for a page of 5");
    }
}
