//! Drafts: the entry form an officer is typing, kept by the server for
//! that officer so a dropped SSH link, a killed client or a closed
//! terminal loses nothing; at the next login the interface offers it back.
//!
//! A draft is what the form needs to be filled in again, as typed (raw
//! texts, not yet checked as an entry): never an entry, never audited,
//! never in a total or an export. Each officer has at most one, sees
//! only their own (over a server the connection's login decides whose),
//! and it is dropped after `DRAFT_DAYS` by the server's clock. Its size
//! is capped so that no client can fill the disk through it.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, Error, Local, Result};
use crate::domain::entry::{EntryId, Field};
use crate::domain::reference::ProgramId;
use crate::domain::sector::Kind;
use crate::domain::text::{TextField, check_text, is_forbidden};
use crate::domain::unit::Unit;
use crate::store::codec::Stored;

/// A draft older than this is dropped, unoffered.
pub const DRAFT_DAYS: i64 = 7;
/// Quantity rows a draft may hold; a real form has a handful.
pub const DRAFT_ROWS_MAX: usize = 50;
/// Characters in a date or number field of a draft (the form's own
/// fields hold 16 at most).
pub const DRAFT_SHORT_MAX: usize = 40;

/// One quantity row as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftRow {
    pub value: String,
    pub unit: Option<Unit>,
    pub item: String,
}

/// The entry form as the officer left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDraft {
    pub program: ProgramId,
    pub kind: Kind,
    /// `None` for a new entry; for a correction, the entry and the
    /// revision it started from (a correction restored later is still
    /// refused if someone changed the entry since).
    pub correcting: Option<(EntryId, u32)>,
    pub date: String,
    pub rows: Vec<DraftRow>,
    pub participants: String,
    pub officers: String,
    pub cadets: String,
    pub notes: String,
    pub reason: String,
}

/// A draft as stored: with when it was kept, for the expiry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptDraft {
    pub saved_at: DateTime<Utc>,
    pub draft: FormDraft,
}

impl Stored for KeptDraft {}

impl FormDraft {
    /// Refuses what no form could have typed: too many rows, overlong
    /// fields, control or invisible characters.
    pub fn check(&self) -> Result<()> {
        let refused = || Error::DraftRefused { rows: DRAFT_ROWS_MAX, chars: DRAFT_SHORT_MAX };
        if self.rows.len() > DRAFT_ROWS_MAX {
            return Err(refused());
        }
        let short = |text: &str| text.chars().count() <= DRAFT_SHORT_MAX && !text.chars().any(is_forbidden);
        let shorts = [&self.date, &self.participants, &self.officers, &self.cadets];
        if !shorts.into_iter().chain(self.rows.iter().map(|r| &r.value)).all(|t| short(t)) {
            return Err(refused());
        }
        let mut problems = Vec::new();
        for (n, row) in self.rows.iter().enumerate() {
            if let Err(e) = check_text(&row.item, TextField::Item) {
                problems.push((Field::Quantity(n), e));
            }
        }
        for (text, field) in [(&self.notes, TextField::Notes), (&self.reason, TextField::Reason)] {
            if let Err(e) = check_text(text, field) {
                problems.push((Field::Notes, e));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(Error::Invalid(problems)) }
    }
}

impl Local {
    /// Keeps the officer's form, replacing their draft before it, and
    /// drops every officer's drafts past `DRAFT_DAYS`.
    pub fn save_draft(&self, by: &Actor, draft: FormDraft) -> Result<()> {
        draft.check()?;
        let now = self.clock.now();
        self.store()?.put_draft(by.nip(), &KeptDraft { saved_at: now, draft })?;
        self.store()?.drop_drafts(|kept: &KeptDraft| expired(kept, now))?;
        Ok(())
    }

    /// The officer's draft, unless none is kept or it expired (an expired
    /// one is dropped now).
    pub fn saved_draft(&self, by: &Actor) -> Result<Option<FormDraft>> {
        let Some(kept) = self.store()?.draft::<KeptDraft>(by.nip())? else { return Ok(None) };
        if expired(&kept, self.clock.now()) {
            self.store()?.remove_draft(by.nip())?;
            return Ok(None);
        }
        Ok(Some(kept.draft))
    }

    /// Forgets the officer's draft: the form was saved or thrown away.
    pub fn discard_draft(&self, by: &Actor) -> Result<()> {
        Ok(self.store()?.remove_draft(by.nip())?)
    }
}

/// By the server's clock; a draft from the future (a clock set back) is
/// kept until it is old by the clock it was written with.
fn expired(kept: &KeptDraft, now: DateTime<Utc>) -> bool {
    now - kept.saved_at > Duration::days(DRAFT_DAYS)
}
