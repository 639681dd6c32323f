//! The change feed and the database's identity card: what leaves the Lapas
//! for the region and Ditjenpas (`binalog feed`, `binalog push`,
//! `binalog info`). Every change is read by its sequence number
//! (store/changes.rs), so a consumer resumes exactly where it stopped.
//! Officers leave without their PIN hash or login counters.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, Local, Result};
use crate::domain::entry::{Entry, EntryId};
use crate::domain::officer::{Nip, Officer, Role};
use crate::domain::permission::Action;
use crate::domain::reference::{Agreement, Partner, Program, Site, SiteId};
use crate::store::Changed;

/// The most changes one call returns: a page stays a few megabytes.
pub const FEED_PAGE: u32 = 5_000;

/// What `binalog info` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseInfo {
    /// 32 hex digits, made once, never changed.
    pub identity: String,
    pub schema: u32,
    pub entries: u64,
    pub revisions: u64,
    pub officers: u64,
    pub programmes: u64,
    pub sites: Vec<Site>,
    /// The newest change's sequence number (0: none).
    pub last_change: u64,
}

/// An officer as the feed shows one: never the PIN hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicOfficer {
    pub nip: Nip,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub sites: Vec<SiteId>,
}

impl From<Officer> for PublicOfficer {
    fn from(o: Officer) -> PublicOfficer {
        PublicOfficer { nip: o.nip, name: o.name, role: o.role, active: o.active, sites: o.sites }
    }
}

/// One change with its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedRecord {
    Revision(Entry),
    Verification { id: EntryId, revision: u32, by: Nip, at: DateTime<Utc> },
    Site(Site),
    Partner(Partner),
    Agreement(Agreement),
    Program(Program),
    Officer(PublicOfficer),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedChange {
    pub seq: u64,
    pub record: FeedRecord,
}

/// Changes after a sequence number, and how far the feed goes now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPage {
    pub changes: Vec<FeedChange>,
    /// The newest sequence number when the page was read.
    pub last: u64,
    /// The sequence number this page reaches: ask for the next page after
    /// it (equal to the `after` asked for when there is nothing newer).
    pub through: u64,
}

impl Local {
    pub fn database_info(&self) -> Result<DatabaseInfo> {
        let store = self.store()?;
        Ok(DatabaseInfo {
            identity: store.identity()?,
            schema: store.schema()?,
            entries: store.entry_count() as u64,
            revisions: store.revision_count() as u64,
            officers: store.officers()?.len() as u64,
            programmes: store.programs()?.len() as u64,
            sites: store.sites()?,
            last_change: store.last_change()?,
        })
    }

    /// The identity alone: what a push needs, without `database_info`'s
    /// counting every revision (a scan of them all).
    pub fn database_identity(&self) -> Result<String> {
        Ok(self.store()?.identity()?)
    }

    /// Up to `limit` (at most `FEED_PAGE`) changes numbered after `after`,
    /// in order, each with its content; admins only.
    pub fn feed(&self, by: &Actor, after: u64, limit: u32) -> Result<FeedPage> {
        self.permit(by, Action::ViewAudit)?;
        let store = self.store()?;
        let last = store.last_change()?;
        let limit = limit.clamp(1, FEED_PAGE) as usize;
        let mut changes = Vec::new();
        let mut through = after;
        for (seq, what) in store.changes_after(after, limit)? {
            through = seq;
            let record = match what {
                Changed::Revision { id, revision } => store.revision(id, revision)?.map(FeedRecord::Revision),
                Changed::Verification { id, revision } => store
                    .verification(id, revision)?
                    .map(|v| FeedRecord::Verification { id, revision, by: v.by, at: v.at }),
                Changed::Site(id) => store.site(id)?.map(FeedRecord::Site),
                Changed::Partner(id) => store.partners()?.into_iter().find(|r| r.id == id).map(FeedRecord::Partner),
                Changed::Agreement(id) => {
                    store.agreements()?.into_iter().find(|r| r.id == id).map(FeedRecord::Agreement)
                }
                Changed::Program(id) => store.program(id)?.map(FeedRecord::Program),
                Changed::Officer(nip) => store.officer(&nip)?.map(|o| FeedRecord::Officer(o.into())),
            };
            // Nothing is ever deleted, so every change names a record; one
            // that does not is skipped rather than stopping every consumer.
            if let Some(record) = record {
                changes.push(FeedChange { seq, record });
            }
        }
        Ok(FeedPage { changes, last, through })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::domain::date::wib;
    use crate::domain::demo::{DEMO_OFFICERS, DEMO_PIN};
    use crate::records::OpenMode;
    use crate::records::Records;

    fn demo(dir: &std::path::Path) -> (Records, Actor) {
        let now = "2026-03-10T02:00:00Z".parse().unwrap();
        let records = Records::open(dir, OpenMode::CreateIfMissing, Box::new(FixedClock(now)), wib()).unwrap();
        records.init(true).unwrap();
        let admin = records.login(DEMO_OFFICERS[0].0, DEMO_PIN).unwrap();
        (records, admin)
    }

    /// Every change after `after`, read in pages of `page`.
    fn all_after(records: &Records, by: &Actor, mut after: u64, page: u32) -> Vec<FeedChange> {
        let mut out = Vec::new();
        loop {
            let read = records.feed(by, after, page).unwrap();
            if read.through <= after {
                return out;
            }
            after = read.through;
            out.extend(read.changes);
        }
    }

    fn place(feed: &[FeedChange], wanted: impl Fn(&FeedRecord) -> bool) -> usize {
        feed.iter().position(|c| wanted(&c.record)).expect("in the feed")
    }

    #[test]
    fn the_feed_numbers_every_change_in_order_and_resumes_from_any_number() {
        let dir = tempfile::tempdir().unwrap();
        let (records, admin) = demo(dir.path());
        let entries = records.latest_entries(2).unwrap();
        let (first, second) = (&entries[0], &entries[1]);
        let mut draft = first.draft.clone();
        draft.participants += 1;
        let corrected = records.correct_entry(&admin, first.id, first.revision, draft, "typo").unwrap();
        let voided = records.void_entry(&admin, second.id, second.revision, "twice").unwrap();
        let verified = records.verify_entry(&admin, corrected.id, corrected.revision);
        // The admin made the correction, so may not verify it: the refusal
        // is no change.
        assert!(verified.is_err());

        let feed = all_after(&records, &admin, 0, 97);
        let seqs: Vec<u64> = feed.iter().map(|c| c.seq).collect();
        assert_eq!(seqs, (1..=feed.len() as u64).collect::<Vec<_>>(), "numbered 1, 2, 3, ... in order");
        assert_eq!(records.database_info().unwrap().last_change, feed.len() as u64);
        let revision_at = |id, revision| {
            place(&feed, |r| matches!(r, FeedRecord::Revision(e) if e.id == id && e.revision == revision))
        };
        assert!(revision_at(first.id, first.revision) < revision_at(corrected.id, corrected.revision));
        assert!(revision_at(second.id, second.revision) < revision_at(voided.id, voided.revision));
        assert!(place(&feed, |r| matches!(r, FeedRecord::Program(_))) < revision_at(first.id, first.revision));
        let FeedRecord::Revision(last) = &feed.last().unwrap().record else { panic!("a revision last") };
        assert_eq!((last.id, last.revision, last.voided), (voided.id, voided.revision, true));

        for after in [0, 1, 25, feed.len() as u64 - 1, feed.len() as u64] {
            let resumed = all_after(&records, &admin, after, 1_000);
            assert_eq!(resumed, feed[after as usize..].to_vec(), "resumed after {after}");
        }
    }

    #[test]
    fn officers_leave_without_their_pin_hash_and_a_wrong_pin_is_no_change() {
        let dir = tempfile::tempdir().unwrap();
        let (records, admin) = demo(dir.path());
        let before = records.database_info().unwrap().last_change;
        assert!(records.login(DEMO_OFFICERS[1].0, "999999").is_err());
        assert_eq!(records.database_info().unwrap().last_change, before, "a counted wrong PIN is not fed");
        records.set_officer_active(&admin, DEMO_OFFICERS[1].0, false).unwrap();
        let feed = all_after(&records, &admin, before, 10);
        assert_eq!(feed.len(), 1);
        let FeedRecord::Officer(officer) = &feed[0].record else { panic!("{feed:?}") };
        assert_eq!((officer.nip.as_str(), officer.active), (DEMO_OFFICERS[1].0, false));
        let everything = all_after(&records, &admin, 0, FEED_PAGE);
        let officers = everything.iter().filter(|c| matches!(c.record, FeedRecord::Officer(_))).count();
        assert!(officers >= DEMO_OFFICERS.len());
        let database = records.database_info().unwrap().identity;
        for change in &everything {
            let line = crate::national::jsonl::line(&database, change).to_string();
            assert!(!line.contains("argon2") && !line.contains("pin"), "{line}");
            assert!(line.starts_with(&format!("{{\"format\":1,\"seq\":{},", change.seq)), "{line}");
        }
        assert!(!format!("{everything:?}").contains("argon2"));
    }

    #[test]
    fn only_admins_read_the_feed() {
        let dir = tempfile::tempdir().unwrap();
        let (records, _) = demo(dir.path());
        let operator = records.login(DEMO_OFFICERS[1].0, DEMO_PIN).unwrap();
        assert!(records.feed(&operator, 0, 10).is_err());
    }
}
