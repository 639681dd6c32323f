//! Builds the `activity` rollups of a database made before they existed,
//! once, at open; and what `check` expects of them.

use super::codec::encode;
use super::rollup::Deltas;
use super::{Result, Store, keys};

impl Store {
    /// The activity of every current revision, as `check` and the first
    /// open compute it.
    pub(super) fn activity_from_entries(&self) -> Result<Deltas> {
        let mut deltas = Deltas::default();
        for entry in self.current_entries() {
            deltas.apply(&entry?, 1)?;
        }
        Ok(deltas)
    }

    /// Builds the activity tree when the marker says it is not there yet:
    /// a database written by a build without it. The marker goes in with
    /// the last batch, so a crash halfway builds it again next time.
    pub(super) fn ensure_activity(&self) -> Result<()> {
        if self.meta.contains_key(keys::META_ACTIVITY)? {
            return Ok(());
        }
        let deltas = self.activity_from_entries()?;
        self.write(|| {
            self.activity.clear()?;
            let mut batch = sled::Batch::default();
            for (key, activity) in deltas.1.iter().filter(|(_, a)| !a.is_empty()) {
                batch.insert(key.as_slice(), encode(activity));
            }
            self.activity.apply_batch(batch)?;
            self.meta.insert(keys::META_ACTIVITY, encode(&1u32))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};

    use super::super::rollup::Activity;
    use super::super::staging::tests::reopened;
    use super::super::{AuditNote, Change, OpenMode, Problem, Store};
    use super::keys;
    use crate::domain::Kind;
    use crate::domain::entry::{EntryDraft, Quantity, Status};
    use crate::domain::officer::Nip;
    use crate::domain::reference_data::reference_data;

    fn note() -> AuditNote {
        super::super::staging::tests::setup_note()
    }

    fn training(day: u32, hours: &str, participants: u32) -> EntryDraft {
        EntryDraft {
            program: 2,
            date: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
            kind: Kind::Training,
            quantities: vec![Quantity::parse(&format!("{hours} jam las")).unwrap()],
            participants,
            officers: 2,
            cadets: 1,
            notes: String::new(),
            status: Status::Done,
        }
    }

    #[test]
    fn activity_is_kept_with_each_change_and_built_once_for_an_older_database() {
        let dir = tempfile::tempdir().unwrap();
        let nip = Nip::parse("198507142009121001").unwrap();
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let kept = {
            let store = Store::open(dir.path(), OpenMode::CreateIfMissing).unwrap();
            store.init_reference(&reference_data(), &note()).unwrap();
            let added = store
                .commit(&[Change::Add(training(2, "3", 10)), Change::Add(training(2, "2", 5))], &nip, at, &note())
                .unwrap();
            store.commit(&[Change::Void { id: added[1].id, base: 1, reason: "x".into() }], &nip, at, &note()).unwrap();
            let rows = store.activities(2, day, day).unwrap();
            let want = Activity { entries: 1, participants: 10, officers: 2, cadets: 1, participant_hours: 30_000 };
            assert_eq!(rows.iter().map(|r| (r.kind, r.activity)).collect::<Vec<_>>(), [(Kind::Training, want)]);
            assert!(store.check().unwrap().is_empty());
            // As a build before the activity tree left it: no tree, no marker.
            store.activity.clear().unwrap();
            store.meta.remove(keys::META_ACTIVITY).unwrap();
            store.flush().unwrap();
            rows
        };
        let store = reopened(dir.path());
        assert_eq!(store.activities(2, day, day).unwrap(), kept, "built again at open");
        assert!(store.check().unwrap().is_empty());
        let key = keys::activity(2, day, Kind::Training);
        store.activity.insert(&key, super::encode(&Activity::default().plus(kept[0].activity, 2).unwrap())).unwrap();
        assert!(matches!(store.check().unwrap().as_slice(), [Problem::ActivityWrong { .. }]));
    }
}
