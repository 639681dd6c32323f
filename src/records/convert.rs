//! The store's types made the records API's (records/kept.rs), at the one
//! place the records layer hands them on. Mostly field for field; a check's
//! figures are reduced to what a report of them says (a total as an
//! amount, attendance as the number of people).

use super::kept::{AuditRecord, BackupSummary, OpenMode, Problem, Tally, Turnout, Verification};
use crate::domain::Amount;
use crate::store;

impl From<OpenMode> for store::OpenMode {
    fn from(mode: OpenMode) -> store::OpenMode {
        match mode {
            OpenMode::Existing => store::OpenMode::Existing,
            OpenMode::CreateIfMissing => store::OpenMode::CreateIfMissing,
        }
    }
}

impl From<store::AuditRecord> for AuditRecord {
    fn from(r: store::AuditRecord) -> AuditRecord {
        let store::AuditRecord { seq, at, officer, action, entries, detail, user } = r;
        AuditRecord { seq, at, officer, action, entries, detail, user }
    }
}

impl From<store::Verification> for Verification {
    fn from(v: store::Verification) -> Verification {
        Verification { by: v.by, at: v.at }
    }
}

impl From<store::BackupSummary> for BackupSummary {
    fn from(s: store::BackupSummary) -> BackupSummary {
        BackupSummary {
            identity: s.identity,
            path: s.path,
            format: s.format,
            schema: s.schema,
            created: s.created,
            bytes: s.bytes,
            trees: s.trees,
            pairs: s.pairs,
            entries: s.entries,
            revisions: s.revisions,
            officers: s.officers,
            audit: s.audit,
        }
    }
}

impl From<store::Rollup> for Tally {
    /// A rollup keeps thousandths of the unit: the amount they make.
    fn from(r: store::Rollup) -> Tally {
        Tally { value: Amount::from_milli(r.total), entries: r.entries }
    }
}

impl From<store::Activity> for Turnout {
    /// Everyone who took part: WBP, officers and cadets.
    fn from(a: store::Activity) -> Turnout {
        Turnout { entries: a.entries, people: a.participants + a.officers + a.cadets }
    }
}

impl From<store::Problem> for Problem {
    fn from(p: store::Problem) -> Problem {
        use store::Problem as P;
        match p {
            P::Undecodable { tree, key, detail } => Problem::Undecodable { tree, key, detail },
            P::IndexMissing { tree, key } => Problem::IndexMissing { tree, key },
            P::IndexExtra { tree, key } => Problem::IndexExtra { tree, key },
            P::RollupWrong { key, expected, found } => {
                Problem::RollupWrong { key, expected: expected.into(), found: found.into() }
            }
            P::ActivityWrong { key, expected, found } => {
                Problem::ActivityWrong { key, expected: expected.into(), found: found.into() }
            }
            P::RevisionMissing { entry, revision } => Problem::RevisionMissing { entry, revision },
            P::ProgramMissing { entry, program } => Problem::ProgramMissing { entry, program },
            P::CounterBehind { counter, next, highest } => Problem::CounterBehind { counter, next, highest },
            P::AuditGap { after, next } => Problem::AuditGap { after, next },
            P::EntryValueRefused { entry, revision, field, problem } => {
                Problem::EntryValueRefused { entry, revision, field, problem }
            }
            P::RecordValueRefused { tree, key, problem } => Problem::RecordValueRefused { tree, key, problem },
            P::TotalOverflow { entry } => Problem::TotalOverflow { entry },
            P::StockWrong { program, month } => Problem::StockWrong { program, month },
        }
    }
}

/// Many of the store's values, each made the records API's.
pub(super) fn all<S, R: From<S>>(values: Vec<S>) -> Vec<R> {
    values.into_iter().map(R::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A check's figures say what a report of them says: a rollup's
    /// thousandths as an amount, attendance as the people in it.
    #[test]
    fn a_checks_figures_are_reduced_to_what_is_reported() {
        let expected = store::Rollup { total: 1_500, entries: 2 };
        let found = store::Rollup { total: -250, entries: 1 };
        let p = Problem::from(store::Problem::RollupWrong { key: "k".into(), expected, found });
        let Problem::RollupWrong { key, expected, found } = p else { panic!("{p:?}") };
        assert_eq!(key, "k");
        assert_eq!(expected, Tally { value: Amount::from_milli(1_500), entries: 2 });
        assert_eq!(expected.value.to_string(), Amount::from_milli(1_500).to_string());
        assert_eq!(found.value, Amount::from_milli(-250));

        let day = |entries, participants, officers, cadets| store::Activity {
            entries,
            participants,
            officers,
            cadets,
            participant_hours: 9_000,
        };
        let p = store::Problem::ActivityWrong { key: "a".into(), expected: day(3, 10, 2, 1), found: day(2, 4, 0, 0) };
        assert_eq!(
            Problem::from(p),
            Problem::ActivityWrong {
                key: "a".into(),
                expected: Turnout { entries: 3, people: 13 },
                found: Turnout { entries: 2, people: 4 },
            }
        );
    }

    /// The other problems keep every field.
    #[test]
    fn other_problems_keep_their_fields() {
        let month = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(
            Problem::from(store::Problem::StockWrong { program: 4, month }),
            Problem::StockWrong { program: 4, month }
        );
        assert_eq!(
            Problem::from(store::Problem::CounterBehind { counter: "entries".into(), next: 3, highest: 9 }),
            Problem::CounterBehind { counter: "entries".into(), next: 3, highest: 9 }
        );
    }

    #[test]
    fn an_open_mode_means_the_same_to_the_store() {
        assert_eq!(store::OpenMode::from(OpenMode::Existing), store::OpenMode::Existing);
        assert_eq!(store::OpenMode::from(OpenMode::CreateIfMissing), store::OpenMode::CreateIfMissing);
    }
}
