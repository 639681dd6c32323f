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
