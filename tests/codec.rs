//! Every stored type survives encode then decode, and values written by an
//! older schema still read.

mod common;

use binalog::domain::entry::{Entry, EntryDraft, Quantity, Status};
use binalog::domain::officer::{Nip, Officer, Role};
use binalog::domain::reference::{Agreement, Partner, Program, ProgramStatus, Site};
use binalog::domain::{Amount, Kind, Sector, Unit};
use binalog::store::codec::{self, CodecError, SCHEMA_VERSION, Stored, decode, encode};
use binalog::store::{AuditAction, AuditRecord, Rollup};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

fn date() -> impl Strategy<Value = NaiveDate> {
    (2025i32..2031, 1u32..13, 1u32..29).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (1_700_000_000i64..1_950_000_000).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
}

fn nip() -> impl Strategy<Value = Nip> {
    "[0-9]{18}".prop_map(|s| Nip::parse(&s).unwrap())
}

fn quantity() -> impl Strategy<Value = Quantity> {
    (0i64..10_000_000_000, prop::sample::select(Unit::ALL.to_vec()), "[a-z ]{0,12}")
        .prop_map(|(milli, unit, item)| Quantity { value: Amount::from_milli(milli), unit, item })
}

fn entry() -> impl Strategy<Value = Entry> {
    let draft = (
        1u32..50,
        date(),
        prop::sample::select(Kind::ALL.to_vec()),
        prop::collection::vec(quantity(), 1..4),
        (0u32..100, 0u32..10, 0u32..10),
        "\\PC{0,40}",
        prop::bool::ANY,
    )
        .prop_map(|(program, date, kind, quantities, (participants, officers, cadets), notes, done)| EntryDraft {
            program,
            date,
            kind,
            quantities,
            participants,
            officers,
            cadets,
            notes,
            status: if done { Status::Done } else { Status::Pending },
        });
    (1u64..u64::MAX, 1u32..20, draft, prop::bool::ANY, "\\PC{0,20}", nip(), instant()).prop_map(
        |(id, revision, draft, voided, reason, recorded_by, recorded_at)| Entry {
            id,
            revision,
            supersedes: revision.checked_sub(1).filter(|r| *r > 0),
            draft,
            voided,
            reason,
            recorded_by,
            recorded_at,
        },
    )
}

fn round_trip<T: Stored + PartialEq + std::fmt::Debug>(value: &T) {
    let bytes = encode(value);
    assert_eq!(bytes[0], SCHEMA_VERSION);
    assert_eq!(&decode::<T>(&bytes).unwrap(), value);
}

proptest! {
    #[test]
    fn entries_round_trip(e in entry()) {
        round_trip(&e);
    }

    #[test]
    fn reference_records_round_trip(id in 1u32..1000, name in "\\PC{1,40}", d in date(), inferred in prop::bool::ANY,
                                    sector in prop::sample::select(Sector::ALL.to_vec())) {
        round_trip(&Site { id, code: name.to_lowercase(), name: name.clone(), utc_offset: 8 * 3600 });
        round_trip(&Partner { id, name: name.clone(), field: Some(sector).filter(|_| inferred), inferred });
        round_trip(&Agreement { id, number: name.clone(), partner: id, signed: d, start: d, end: d, sites: vec![1, id], inferred });
        round_trip(&Program { id, name, sector, site: 2, partner: id, agreement: id, start: d, end: d,
                              status: if inferred { ProgramStatus::Active } else { ProgramStatus::Ended } });
    }

    #[test]
    fn officers_audit_and_rollups_round_trip(nip in nip(), name in "\\PC{1,40}", at in instant(), seq in 1u64..u64::MAX,
                                             total in any::<i64>(), entries in any::<u32>(), failed in 0u32..10) {
        round_trip(&Officer { nip: nip.clone(), name: name.clone(), role: Role::Supervisor, pin_hash: "$argon2id$x".into(),
                              active: failed % 2 == 0, sites: vec![1, 3], created_at: at, failed_logins: failed,
                              locked_until: Some(at).filter(|_| failed > 4) });
        round_trip(&AuditRecord { seq, at, officer: Some(nip), action: AuditAction::EntryCorrected,
                                  entries: vec![(seq, failed)], detail: name.clone(), user: name });
        round_trip(&Rollup { total, entries });
        round_trip(&seq);
        round_trip(&entries);
    }

    #[test]
    fn schema_1_entries_read_with_empty_training_attendance(e in entry()) {
        let old = codec::v1::Entry {
            id: e.id,
            revision: e.revision,
            supersedes: e.supersedes,
            draft: codec::v1::Draft {
                program: e.draft.program,
                date: e.draft.date,
                kind: e.draft.kind,
                quantities: e.draft.quantities.clone(),
                participants: e.draft.participants,
                notes: e.draft.notes.clone(),
                status: e.draft.status,
            },
            voided: e.voided,
            reason: e.reason.clone(),
            recorded_by: e.recorded_by.clone(),
            recorded_at: e.recorded_at,
        };
        let bytes = codec::v1::encode_v1(&old);
        prop_assert_eq!(bytes[0], 1);
        let read: Entry = decode(&bytes).unwrap();
        let mut expected = e.clone();
        expected.draft.officers = 0;
        expected.draft.cadets = 0;
        prop_assert_eq!(read, expected);
    }
}

proptest! {
    #[test]
    fn schema_2_audit_records_read_with_an_empty_user(nip in nip(), at in instant(), seq in 1u64..u64::MAX,
                                                     detail in "\\PC{0,40}", entry in 1u64..1000) {
        let old = codec::v2::AuditRecord { seq, at, officer: Some(nip.clone()), action: AuditAction::EntryAdded,
                                           entries: vec![(entry, 1)], detail: detail.clone() };
        let bytes = codec::v2::encode_v2(&old);
        prop_assert_eq!(bytes[0], 2);
        let read: AuditRecord = decode(&bytes).unwrap();
        prop_assert_eq!(read, AuditRecord { seq, at, officer: Some(nip), action: AuditAction::EntryAdded,
                                            entries: vec![(entry, 1)], detail, user: String::new() });
    }

    #[test]
    fn schema_3_sites_read_in_wib_and_schema_3_entries_as_they_are(id in 1u32..1000, name in "\\PC{1,40}", e in entry()) {
        let bytes = codec::v3::encode_v3(&codec::v3::Site { id, code: name.to_lowercase(), name: name.clone() });
        let read: Site = decode(&bytes).unwrap();
        prop_assert_eq!(read, Site { id, code: name.to_lowercase(), name, utc_offset: 7 * 3600 });
        let mut bytes = encode(&e);
        bytes[0] = 3;
        prop_assert_eq!(decode::<Entry>(&bytes).unwrap(), e);
    }

    /// Schema 5 changed only the feed's values and the index (a tree of
    /// raw ids): every other value a schema 4 build wrote reads as it is.
    #[test]
    fn schema_4_values_read_as_they_are(e in entry(), nip in nip(), name in "\\PC{1,40}", at in instant(),
                                        seq in 1u64..u64::MAX) {
        fn as_schema_4<T: Stored + PartialEq + std::fmt::Debug>(value: &T) -> Result<(), TestCaseError> {
            let mut bytes = encode(value);
            bytes[0] = 4;
            prop_assert_eq!(&decode::<T>(&bytes).unwrap(), value);
            Ok(())
        }
        as_schema_4(&e)?;
        as_schema_4(&Site { id: 3, code: "x".into(), name: name.clone(), utc_offset: 8 * 3600 })?;
        as_schema_4(&AuditRecord { seq, at, officer: Some(nip), action: AuditAction::EntryCorrected,
                                   entries: vec![(seq, 2)], detail: name.clone(), user: name })?;
        as_schema_4(&Rollup { total: 5, entries: 1 })?;
    }

    #[test]
    fn schema_2_entries_read_as_they_are(e in entry()) {
        let mut bytes = encode(&e);
        bytes[0] = 2;
        prop_assert_eq!(decode::<Entry>(&bytes).unwrap(), e);
    }
}

#[test]
fn newer_and_broken_values_are_refused() {
    let mut bytes = encode(&7u64);
    bytes[0] = SCHEMA_VERSION + 1;
    assert_eq!(decode::<u64>(&bytes), Err(CodecError::NewerVersion(SCHEMA_VERSION + 1)));
    assert_eq!(decode::<u64>(&[]), Err(CodecError::Empty));
    assert!(matches!(decode::<Entry>(&[SCHEMA_VERSION, 1, 2]), Err(CodecError::Malformed(_))));
    let mut trailing = encode(&7u64);
    trailing.push(0);
    assert!(matches!(decode::<u64>(&trailing), Err(CodecError::Malformed(_))));
}
