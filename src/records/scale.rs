//! `init --demo --entries N`: a new database with the scale programmes and
//! years of generated entries (domain/scale_demo.rs), for measuring binalog
//! at the size five years of work reach. Always in this process: a million
//! entries are committed straight to the store, in large batches.

use std::path::Path;

use chrono::{FixedOffset, NaiveDate};

use super::OpenMode;
use super::updates::Update;
use super::{Backend, Error, InitOutcome, Local, Records, Result};
use crate::clock::Clock;
use crate::domain::entry::{Entry, EntryDraft};
use crate::domain::reference_data::{reference_data, scale_programs};
use crate::domain::scale_demo::{ScaleDrafts, ScaleSpec};
use crate::store::{AuditAction, Change};

/// Entries per transaction. sled holds about 20 KB for each entry written
/// in a transaction until it commits (one of 20,000 entries peaked at
/// 465 MB); 2,000 keep that near 40 MB and were no slower in total.
pub const SCALE_BATCH: usize = 2_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleOutcome {
    pub init: InitOutcome,
    /// The first and last day of the generated entries.
    pub span: Option<(NaiveDate, NaiveDate)>,
}

impl Records {
    /// Opens (creating) the database at `path` in this process and, if it
    /// was never initialised, fills it: the reference data and the scale
    /// programmes, the demo officers, and `spec.entries` entries over the
    /// `spec.years` up to today. `written` sees each batch once it is
    /// durable (to write it out as CSV). An initialised database is left as
    /// it is (`created` false).
    pub fn create_scale_demo(
        path: &Path,
        clock: Box<dyn Clock>,
        tz: FixedOffset,
        spec: ScaleSpec,
        written: &mut dyn FnMut(&Records, &[Entry]) -> std::io::Result<()>,
    ) -> Result<(Records, ScaleOutcome)> {
        let records = Records::open(path, OpenMode::CreateIfMissing, clock, tz)?;
        let Backend::Local(local) = &records.backend else { unreachable!("Records::open works in this process") };
        let outcome = local
            .init_scale(spec, &mut |batch| written(&records, batch).map_err(|e| Error::Io { detail: e.to_string() }))?;
        Ok((records, outcome))
    }
}

impl Local {
    fn init_scale(&self, spec: ScaleSpec, written: &mut dyn FnMut(&[Entry]) -> Result<()>) -> Result<ScaleOutcome> {
        let mut data = reference_data();
        data.programs.extend(scale_programs());
        let created = self.store()?.init_reference(&data, &self.note(None, AuditAction::Initialised, String::new()))?;
        let reference = [self.sites()?.len(), self.partners()?.len(), self.agreements()?.len(), self.programs()?.len()];
        let mut outcome = ScaleOutcome { init: InitOutcome { created, demo_entries: 0, reference }, span: None };
        if !created {
            return Ok(outcome);
        }
        self.announce(Update::Reference);
        let actor = self.add_demo_officers()?;
        let programs = self.store()?.programs()?;
        // The earliest "today" of any site, so no entry is in a site's future.
        let today = self.sites()?.iter().map(|s| self.clock.today(s.tz())).min().unwrap_or_else(|| self.today());
        let mut drafts = ScaleDrafts::new(&programs, today, spec);
        outcome.span = drafts.span();
        loop {
            let batch: Vec<EntryDraft> = drafts.by_ref().take(SCALE_BATCH).collect();
            if batch.is_empty() {
                break;
            }
            // The same rules as anything an officer sends.
            let changes: Vec<Change> = self.validate_all(batch)?.into_iter().map(Change::Add).collect();
            let note = self.note(Some(actor.nip()), AuditAction::DemoLoaded, format!("{} entries", changes.len()));
            let entries = self.store()?.commit(&changes, actor.nip(), self.clock.now(), &note)?;
            outcome.init.demo_entries += entries.len();
            written(&entries)?;
        }
        if outcome.init.demo_entries == 0 {
            outcome.span = None;
        }
        self.entries_changed(programs.iter().map(|p| p.id));
        Ok(outcome)
    }
}
