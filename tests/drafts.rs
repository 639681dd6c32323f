//! Drafts kept for officers (records/drafts.rs): only the officer's own,
//! dropped after seven days by the server's clock, capped in size, and
//! never an entry, an audit record or a total.

mod common;

use binalog::clock::ManualClock;
use binalog::domain::date::wib;
use binalog::domain::invalid::Invalid;
use binalog::domain::{Kind, Role, Unit};
use binalog::records::drafts::{DRAFT_DAYS, DRAFT_ROWS_MAX};
use binalog::records::{AuditFilter, DraftRow, Error, FormDraft, Records};
use binalog::store::{OpenMode, Store};
use chrono::Duration;
use common::serve::Served;
use common::*;

fn form(notes: &str) -> FormDraft {
    FormDraft {
        program: 1,
        kind: Kind::Harvest,
        correcting: None,
        date: "10-03-2026".into(),
        rows: vec![DraftRow { value: "12,5".into(), unit: Some(Unit::Kg), item: "cabai".into() }],
        participants: "4".into(),
        officers: String::new(),
        cadets: String::new(),
        notes: notes.into(),
        reason: String::new(),
    }
}

#[test]
fn an_officer_gets_back_their_own_draft_and_nobody_elses() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, operator) = fresh_with_admin(dir.path());
    let audited = records.audit(&admin, &AuditFilter::default()).unwrap().len();
    records.save_draft(&operator, form("panen pagi")).unwrap();
    assert_eq!(records.saved_draft(&operator).unwrap(), Some(form("panen pagi")));
    assert_eq!(records.saved_draft(&admin).unwrap(), None, "the admin has no draft and sees none of others'");
    // A newer draft replaces the older one.
    records.save_draft(&operator, form("panen sore")).unwrap();
    assert_eq!(records.saved_draft(&operator).unwrap(), Some(form("panen sore")));
    // Never an entry, an audit record or a total.
    assert_eq!(records.count_entries().unwrap(), 0);
    assert_eq!(records.audit(&admin, &AuditFilter::default()).unwrap().len(), audited);
    assert!(records.totals(1, day(2026, 1, 1), day(2026, 12, 31)).unwrap().is_empty());
    records.discard_draft(&operator).unwrap();
    assert_eq!(records.saved_draft(&operator).unwrap(), None);
    records.discard_draft(&operator).unwrap();
}

#[test]
fn a_draft_is_dropped_after_seven_days_by_the_server_clock() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(now());
    let records =
        Records::open(dir.path(), binalog::records::OpenMode::CreateIfMissing, Box::new(clock.clone()), wib()).unwrap();
    records.init(false).unwrap();
    records.add_officer(None, ADMIN_NIP, "Sari Admin", Role::Admin, ADMIN_PIN).unwrap();
    let admin = records.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    records.add_officer(Some(&admin), NIP, "Budi Santoso", Role::Operator, PIN).unwrap();
    let operator = records.login(NIP, PIN).unwrap();

    records.save_draft(&operator, form("hari ini")).unwrap();
    clock.advance(Duration::days(DRAFT_DAYS));
    assert_eq!(records.saved_draft(&operator).unwrap(), Some(form("hari ini")), "seven days old: still offered");
    clock.advance(Duration::seconds(1));
    assert_eq!(records.saved_draft(&operator).unwrap(), None, "older than seven days: dropped at read");

    // A stale draft nobody reads is dropped when anyone saves one.
    records.save_draft(&operator, form("lama")).unwrap();
    clock.advance(Duration::days(DRAFT_DAYS + 1));
    records.save_draft(&admin, form("baru")).unwrap();
    drop(records);
    let store = when_released(|| Store::open(dir.path(), OpenMode::Existing));
    assert_eq!(store.draft_count(), 1, "only the admin's new draft is left");
}

#[test]
fn a_draft_past_the_caps_is_refused_and_the_kept_one_stays() {
    let dir = tempfile::tempdir().unwrap();
    let (records, operator) = fresh(dir.path());
    records.save_draft(&operator, form("tetap")).unwrap();

    let mut many = form("");
    many.rows = vec![DraftRow::default(); DRAFT_ROWS_MAX + 1];
    assert!(matches!(records.save_draft(&operator, many), Err(Error::DraftRefused { .. })));

    let mut long_date = form("");
    long_date.date = "1".repeat(41);
    assert!(matches!(records.save_draft(&operator, long_date), Err(Error::DraftRefused { .. })));

    let mut escape = form("");
    escape.participants = "4\u{1b}[2J".into();
    assert!(matches!(records.save_draft(&operator, escape), Err(Error::DraftRefused { .. })));

    let long_notes = form(&"a".repeat(1_001));
    match records.save_draft(&operator, long_notes) {
        Err(Error::Invalid(problems)) => assert!(matches!(problems[0].1, Invalid::TextTooLong { max: 1_000, .. })),
        other => panic!("{other:?}"),
    }
    let mut hidden = form("");
    hidden.rows[0].item = "cabai\u{202e}".into();
    match records.save_draft(&operator, hidden) {
        Err(Error::Invalid(problems)) => assert!(matches!(problems[0].1, Invalid::TextForbidden { .. })),
        other => panic!("{other:?}"),
    }
    assert_eq!(records.saved_draft(&operator).unwrap(), Some(form("tetap")), "nothing refused replaced it");
}

#[test]
fn over_the_server_a_draft_is_the_connections_officers_only() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let operator_client = server.anonymous();
    let operator = operator_client.login(NIP, PIN).unwrap();
    operator_client.save_draft(&operator, form("lewat server")).unwrap();

    let admin_client = server.client();
    let admin = admin_client.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    assert_eq!(admin_client.saved_draft(&admin).unwrap(), None, "another officer sees no draft of the operator's");
    assert!(
        matches!(admin_client.saved_draft(&operator), Err(Error::OtherOfficer { .. })),
        "naming the operator on the admin's connection is refused"
    );
    assert!(matches!(admin_client.discard_draft(&operator), Err(Error::OtherOfficer { .. })));
    assert!(matches!(server.anonymous().saved_draft(&operator), Err(Error::NotLoggedIn)));

    // A new connection (a new process after a dropped link) gets it back.
    drop(operator_client);
    let again = server.anonymous();
    let operator = again.login(NIP, PIN).unwrap();
    assert_eq!(again.saved_draft(&operator).unwrap(), Some(form("lewat server")));
    assert_eq!(again.count_entries().unwrap(), 0, "a draft is not an entry");
}
