//! Officer accounts and roles through the records API (the same rules every
//! front end meets), lockout, and the audit trail.

mod common;

use std::sync::Arc;

use binalog::clock::ManualClock;
use binalog::domain::date::wib;
use binalog::domain::permission::Denied;
use binalog::domain::reference::ProgramStatus;
use binalog::domain::{Kind, Role, Sector};
use binalog::records::OpenMode;
use binalog::records::{Actor, AuditFilter, Error, Records};
use binalog::store::AuditAction;
use chrono::Duration;
use common::*;

const OTHER_OPERATOR: &str = "199203032015032004";

struct World {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    records: Records,
    admin: Actor,
    supervisor: Actor,
    operator: Actor,
    other_operator: Actor,
}

/// Officers at site 1 (programme 1 is there); programme 4 is at site 2.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(now());
    let records = Records::open(dir.path(), OpenMode::CreateIfMissing, Box::new(clock.clone()), wib()).unwrap();
    records.init(false).unwrap();
    records.add_officer(None, ADMIN_NIP, "Admin", Role::Admin, ADMIN_PIN).unwrap();
    let admin = records.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    for (nip, role) in [(SUPERVISOR_NIP, Role::Supervisor), (NIP, Role::Operator), (OTHER_OPERATOR, Role::Operator)] {
        records.add_officer(Some(&admin), nip, "Petugas", role, PIN).unwrap();
        records.assign_sites(&admin, nip, &[1]).unwrap();
    }
    let login = |nip| records.login(nip, PIN).unwrap();
    let (supervisor, operator, other_operator) = (login(SUPERVISOR_NIP), login(NIP), login(OTHER_OPERATOR));
    World { _dir: dir, clock, records, admin, supervisor, operator, other_operator }
}

fn harvest(program: u32) -> binalog::domain::EntryDraft {
    draft(program, day(2026, 3, 9), Kind::Harvest, "4 kg cabai")
}

fn denied<T: std::fmt::Debug>(result: Result<T, Error>) -> Denied {
    match result {
        Err(Error::Denied(d)) => d,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_role_matrix_at_the_api() {
    let w = world();
    let r = &w.records;
    // Adding: at one's own sites only; admins everywhere.
    let mine = r.add_entry(&w.operator, harvest(1)).unwrap();
    // Refused by the site's name, which the message shows.
    let elsewhere = Error::NotAtSite { site: 2, name: "Lapas Kelas IIA Gladakan".into() };
    assert_eq!(
        r.add_entry(&w.operator, draft(4, day(2026, 3, 9), Kind::WasteReceived, "9 kg")),
        Err(elsewhere.clone())
    );
    assert_eq!(
        r.add_entry(&w.supervisor, draft(4, day(2026, 3, 9), Kind::WasteReceived, "9 kg")),
        Err(elsewhere.clone())
    );
    let said = binalog::i18n::error(binalog::i18n::Lang::Id, &elsewhere);
    assert_eq!(
        said,
        "Anda tidak ditugaskan di Lapas Kelas IIA Gladakan. Minta admin menambahkan lapas ini ke akun Anda."
    );
    r.add_entry(&w.admin, draft(4, day(2026, 3, 9), Kind::WasteReceived, "9 kg")).unwrap();

    // Correcting: an operator, their own entry, the same day; no reason needed.
    let fixed = r.correct_entry(&w.operator, mine.id, 1, harvest(1), "").unwrap();
    assert_eq!(denied(r.correct_entry(&w.other_operator, mine.id, 2, harvest(1), "x")), Denied::NotOwnEntry);
    w.clock.advance(Duration::days(1));
    assert_eq!(denied(r.correct_entry(&w.operator, mine.id, 2, harvest(1), "besok")), Denied::NotSameDay);
    // A supervisor corrects any entry at their sites, always with a reason.
    assert!(matches!(r.correct_entry(&w.supervisor, mine.id, fixed.revision, harvest(1), " "), Err(Error::Invalid(_))));
    let by_supervisor = r.correct_entry(&w.supervisor, mine.id, fixed.revision, harvest(1), "timbangan ulang").unwrap();

    // Voiding: supervisors and admins only.
    assert_eq!(
        denied(r.void_entry(&w.operator, mine.id, by_supervisor.revision, "x")),
        Denied::Role { needed: Role::Supervisor }
    );
    let other = r.add_entry(&w.other_operator, harvest(1)).unwrap();
    r.void_entry(&w.supervisor, other.id, 1, "dobel").unwrap();

    // Verifying: supervisors, not their own revision.
    assert_eq!(
        denied(r.verify_entry(&w.operator, mine.id, by_supervisor.revision)),
        Denied::Role { needed: Role::Supervisor }
    );
    assert_eq!(denied(r.verify_entry(&w.supervisor, mine.id, by_supervisor.revision)), Denied::OwnEntry);
    r.verify_entry(&w.admin, mine.id, by_supervisor.revision).unwrap();
    assert!(r.verification(mine.id, by_supervisor.revision).unwrap().is_some());

    // Managing: admins only.
    assert_eq!(denied(r.add_site(&w.supervisor, "nb", "Lapas Baru")), Denied::Role { needed: Role::Admin });
    assert_eq!(
        denied(r.add_officer(Some(&w.supervisor), "199901012020011001", "X", Role::Operator, PIN)),
        Denied::Role { needed: Role::Admin }
    );
    assert_eq!(denied(r.audit(&w.supervisor, &AuditFilter::default())), Denied::Role { needed: Role::Admin });
    let site = r.add_site(&w.admin, "nb", "Lapas Baru").unwrap();
    assert_eq!(site.id, 4);
    let partner = r.update_partner(&w.admin, 2, "PT Berkat Optima Solusi", Some(Sector::Pelatihan)).unwrap();
    assert!(!partner.inferred, "an admin's correction confirms the record");
    let agreement =
        r.add_agreement(&w.admin, "PKS/2026/77", 2, day(2026, 1, 5), day(2026, 2, 1), &[1, site.id]).unwrap();
    assert_eq!(agreement.end, day(2031, 2, 1));
    let program = r
        .add_program(&w.admin, "Menjahit Lanjutan", Sector::Pelatihan, site.id, agreement.id, day(2026, 2, 1))
        .unwrap();
    assert!(matches!(
        r.add_program(&w.admin, "X", Sector::Pelatihan, 2, agreement.id, day(2026, 2, 1)),
        Err(Error::SiteNotInAgreement { .. })
    ));
    assert_eq!(
        r.update_program(&w.admin, program.id, "Menjahit Lanjutan", ProgramStatus::Ended).unwrap().status,
        ProgramStatus::Ended
    );

    // Deactivation takes effect at once, even for an officer logged in before.
    r.set_officer_active(&w.admin, OTHER_OPERATOR, false).unwrap();
    assert!(matches!(r.add_entry(&w.other_operator, harvest(1)), Err(Error::OfficerInactive { .. })));
    assert!(matches!(r.login(OTHER_OPERATOR, PIN), Err(Error::LoginFailed)));
    assert!(matches!(r.set_officer_active(&w.admin, ADMIN_NIP, false), Err(Error::OwnAccount)));
    assert_eq!(r.check().unwrap(), vec![]);
}

#[test]
fn the_verification_queue_holds_others_unverified_entries() {
    let w = world();
    let r = &w.records;
    let a = r.add_entry(&w.operator, harvest(1)).unwrap();
    let b = r.add_entry(&w.operator, harvest(1)).unwrap();
    r.add_entry(&w.supervisor, harvest(1)).unwrap();
    let ids = |queue: Vec<binalog::domain::Entry>| queue.iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(r.verification_queue(&w.supervisor).unwrap()), vec![a.id, b.id]);
    r.verify_entry(&w.supervisor, a.id, 1).unwrap();
    assert_eq!(ids(r.verification_queue(&w.supervisor).unwrap()), vec![b.id]);
    // A correction needs checking again.
    r.correct_entry(&w.operator, a.id, 1, harvest(1), "").unwrap();
    assert_eq!(ids(r.verification_queue(&w.supervisor).unwrap()), vec![a.id, b.id]);
    assert!(matches!(r.verify_entry(&w.supervisor, a.id, 1), Err(Error::ChangedByAnother { .. })));
}

#[test]
fn five_wrong_pins_lock_for_five_minutes() {
    let w = world();
    let r = &w.records;
    for _ in 0..4 {
        assert_eq!(r.login(NIP, "000000").unwrap_err(), Error::LoginFailed);
    }
    assert!(matches!(r.login(NIP, "000000"), Err(Error::LoginLocked { until }) if until == "10/03/2026 09:05"));
    assert!(matches!(r.login(NIP, PIN), Err(Error::LoginLocked { .. })), "even the right PIN waits");
    w.clock.advance(Duration::minutes(5));
    r.login(NIP, PIN).unwrap();
    // A success resets the count: four more wrong PINs do not lock.
    for _ in 0..4 {
        assert_eq!(r.login(NIP, "000000").unwrap_err(), Error::LoginFailed);
    }
    r.login(NIP, PIN).unwrap();
    // An admin's PIN reset lifts a lock.
    for _ in 0..5 {
        let _ = r.login(NIP, "000000");
    }
    r.reset_pin(&w.admin, NIP, "864209").unwrap();
    r.login(NIP, "864209").unwrap();
}

/// Wrong PINs sent at once each count: the attempt count changes in one
/// transaction, so none overwrites another.
#[test]
fn two_hundred_wrong_pins_at_once_lock_the_nip() {
    let w = world();
    let r = &w.records;
    let answers: Vec<Error> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..200).map(|_| scope.spawn(|| r.login(NIP, "000000").unwrap_err())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let locked = answers.iter().filter(|e| matches!(e, Error::LoginLocked { .. })).count();
    assert!(answers.iter().all(|e| matches!(e, Error::LoginFailed | Error::LoginLocked { .. })));
    assert_eq!(answers.len() - locked, 4, "four plain refusals, then the lock: {answers:?}");
    assert!(matches!(r.login(NIP, PIN), Err(Error::LoginLocked { .. })), "the right PIN waits for the lock");
    w.clock.advance(Duration::minutes(4));
    assert!(matches!(r.login(NIP, PIN), Err(Error::LoginLocked { .. })));
    w.clock.advance(Duration::minutes(1));
    r.login(NIP, PIN).unwrap();

    // Four at once count four: one more locks.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| assert_eq!(r.login(NIP, "000000").unwrap_err(), Error::LoginFailed));
        }
    });
    assert!(matches!(r.login(NIP, "000000"), Err(Error::LoginLocked { .. })));
    r.reset_pin(&w.admin, NIP, "864209").unwrap();
    r.login(NIP, "864209").unwrap();
}

/// Anything but a NIP is refused before any lookup and never stored whole.
#[test]
fn a_huge_nip_is_refused_and_only_its_length_is_audited() {
    let w = world();
    let huge = "9".repeat(3_000_000);
    assert_eq!(w.records.login(&huge, PIN).unwrap_err(), Error::LoginFailed);
    let records = w.records.audit(&w.admin, &AuditFilter::default()).unwrap();
    let last = records.last().unwrap();
    assert_eq!(last.action, AuditAction::LoginFailed);
    assert_eq!(last.detail, "malformed NIP of 3000000 characters");
    assert!(records.iter().all(|r| r.detail.len() < 200));
}

/// Every attempt is a new process, so the lock must come from the store.
#[test]
fn a_lockout_survives_a_restart() {
    let dir = prepared();
    let db = dir.path();
    let args = ["entry", "add", "--program", "1", "--kind", "harvest", "--qty", "1 kg", "--as", NIP];
    for _ in 0..4 {
        assert!(stderr(&run_with_pins(db, &args, &["000000"])).contains("NIP atau PIN salah"));
    }
    let fifth = run_with_pins(db, &args, &["000000"]);
    assert!(stderr(&fifth).contains("dikunci sampai 10/03/2026 09:05"), "{}", stderr(&fifth));
    let right = run_with_pins(db, &args, &[PIN]);
    assert!(stderr(&right).contains("dikunci"), "{}", stderr(&right));
    let out = run_with_pins_at(db, "2026-03-10T09:05:01+07:00", &args, &[PIN]);
    assert!(out.status.success(), "{}", stderr(&out));
    let audit = run_with_pins(db, &["audit", "--format", "csv", "--officer", NIP, "--as", ADMIN_NIP], &[ADMIN_PIN]);
    let trail = stdout(&audit);
    let actions: Vec<&str> = trail.lines().skip(1).map(|l| l.split(',').nth(3).unwrap()).collect();
    assert_eq!(
        actions,
        [
            "login_failed",
            "login_failed",
            "login_failed",
            "login_failed",
            "locked_out",
            "login_failed",
            "login_succeeded",
            "entry_added"
        ],
        "{}",
        stdout(&audit)
    );
}

#[test]
fn every_change_leaves_one_audit_record_naming_the_officer() {
    let w = world();
    let r = &w.records;
    let count = || r.audit(&w.admin, &AuditFilter::default()).unwrap().len();
    let mut before = count();
    let mut expect = |action: AuditAction, nip: &str| {
        let trail = r.audit(&w.admin, &AuditFilter::default()).unwrap();
        assert_eq!(trail.len(), before + 1, "{action:?}: exactly one record");
        let last = trail.last().unwrap();
        assert_eq!((last.action, last.officer.as_ref().map(|n| n.as_str())), (action, Some(nip)));
        before = trail.len();
    };
    let e = r.add_entry(&w.operator, harvest(1)).unwrap();
    expect(AuditAction::EntryAdded, NIP);
    r.correct_entry(&w.operator, e.id, 1, harvest(1), "").unwrap();
    expect(AuditAction::EntryCorrected, NIP);
    r.verify_entry(&w.supervisor, e.id, 2).unwrap();
    expect(AuditAction::EntryVerified, SUPERVISOR_NIP);
    r.void_entry(&w.supervisor, e.id, 2, "dobel").unwrap();
    expect(AuditAction::EntryVoided, SUPERVISOR_NIP);
    r.import(&w.operator, vec![harvest(1), harvest(1)]).unwrap();
    expect(AuditAction::Imported, NIP);
    r.add_officer(Some(&w.admin), "199901012020011001", "Baru", Role::Operator, PIN).unwrap();
    expect(AuditAction::OfficerAdded, ADMIN_NIP);
    r.assign_sites(&w.admin, "199901012020011001", &[2]).unwrap();
    expect(AuditAction::OfficerUpdated, ADMIN_NIP);
    r.add_partner(&w.admin, "PT Baru", None).unwrap();
    expect(AuditAction::ReferenceAdded, ADMIN_NIP);
    r.update_site(&w.admin, 1, "terbuka", "Lapas Terbuka Kelas IIB Nusakambangan").unwrap();
    expect(AuditAction::ReferenceUpdated, ADMIN_NIP);
    r.login(NIP, PIN).unwrap();
    expect(AuditAction::LoginSucceeded, NIP);
    let _ = r.login(NIP, "000000");
    expect(AuditAction::LoginFailed, NIP);
    assert!(count() > 0);
    assert_eq!(r.check().unwrap(), vec![]);
    assert_eq!(r.totals(1, day(2026, 3, 1), day(2026, 3, 31)).unwrap()[0].value, binalog::domain::Amount::whole(8));
}

/// A database whose client says it is in `zone`, at `at`, with an operator
/// at site 1 (a WIB site).
fn world_in_zone(
    zone: chrono::FixedOffset,
    at: chrono::DateTime<chrono::Utc>,
) -> (tempfile::TempDir, Arc<ManualClock>, Records, Actor) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(at);
    let records = Records::open(dir.path(), OpenMode::CreateIfMissing, Box::new(clock.clone()), zone).unwrap();
    records.init(false).unwrap();
    records.add_officer(None, ADMIN_NIP, "Admin", Role::Admin, ADMIN_PIN).unwrap();
    let admin = records.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    records.add_officer(Some(&admin), NIP, "Petugas", Role::Operator, PIN).unwrap();
    records.assign_sites(&admin, NIP, &[1]).unwrap();
    let operator = records.login(NIP, PIN).unwrap();
    (dir, clock, records, operator)
}

/// "Today" is the site's, by the server's clock: a client claiming
/// UTC-12 does not stretch an operator's same day into the next.
#[test]
fn a_clients_zone_does_not_stretch_the_same_day() {
    let (_dir, clock, r, operator) = world_in_zone(chrono::FixedOffset::west_opt(12 * 3600).unwrap(), now());
    let entry = r.add_entry(&operator, draft(1, day(2026, 3, 10), Kind::Harvest, "4 kg cabai")).unwrap();
    // 01:00 WIB on the 11th: still the 10th at UTC-12.
    clock.advance(Duration::hours(16));
    let fixed = draft(1, day(2026, 3, 10), Kind::Harvest, "5 kg cabai");
    assert_eq!(denied(r.correct_entry(&operator, entry.id, 1, fixed, "")), Denied::NotSameDay);
}

/// Nor does one claiming UTC+14 make tomorrow's date acceptable.
#[test]
fn a_clients_zone_does_not_let_tomorrow_in() {
    // 20:00 WIB on the 10th: already the 11th at UTC+14.
    let at = now() + Duration::hours(11);
    let (_dir, _clock, r, operator) = world_in_zone(chrono::FixedOffset::east_opt(14 * 3600).unwrap(), at);
    let tomorrow = draft(1, day(2026, 3, 11), Kind::Harvest, "4 kg cabai");
    match r.add_entry(&operator, tomorrow) {
        Err(Error::Invalid(problems)) => {
            assert!(problems.iter().any(|(f, _)| *f == binalog::domain::entry::Field::Date), "{problems:?}")
        }
        other => panic!("tomorrow was accepted: {other:?}"),
    }
    r.add_entry(&operator, draft(1, day(2026, 3, 10), Kind::Harvest, "4 kg cabai")).unwrap();
}

/// A site in another zone judges its own days: at 23:30 WIB it is already
/// tomorrow in WIT.
#[test]
fn a_site_set_to_wit_takes_entries_for_its_own_today() {
    let at = now() + Duration::minutes(14 * 60 + 30); // 23:30 WIB, 01:30 WIT on the 11th
    let (_dir, _clock, r, operator) = world_in_zone(binalog::domain::date::wib(), at);
    let tomorrow = || draft(1, day(2026, 3, 11), Kind::Harvest, "4 kg cabai");
    assert!(matches!(r.add_entry(&operator, tomorrow()), Err(Error::Invalid(_))));
    let admin = r.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    assert!(matches!(r.set_site_zone(&admin, 1, "Mars"), Err(Error::Invalid(_))));
    assert!(matches!(r.set_site_zone(&admin, 1, "-12:00"), Err(Error::Invalid(_))), "not an Indonesian zone");
    assert_eq!(r.set_site_zone(&admin, 1, "WIT").unwrap().utc_offset, 9 * 3600);
    assert!(matches!(r.set_site_zone(&operator, 1, "WIB"), Err(Error::Denied(_))));
    r.add_entry(&operator, tomorrow()).unwrap();
}

/// The first problem of a refusal for invalid input.
fn invalid<T: std::fmt::Debug>(result: Result<T, Error>) -> binalog::domain::invalid::Invalid {
    match result {
        Err(Error::Invalid(problems)) => problems[0].1.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The records API checks names, codes, numbers, dates and PINs itself,
/// whoever calls it: a front end's check is a convenience, not the rule.
#[test]
fn reference_data_and_officers_are_checked_by_the_api() {
    use binalog::domain::invalid::Invalid;
    use binalog::domain::text::TextField;
    let w = world();
    let r = &w.records;
    let long = "n".repeat(81);
    let forbidden = |field| Invalid::TextForbidden { field, found: "\\x1b".into() };
    assert_eq!(invalid(r.add_site(&w.admin, "nb\u{1b}", "Lapas Baru")), forbidden(TextField::SiteCode));
    assert_eq!(
        invalid(r.add_site(&w.admin, "nb", &long)),
        Invalid::TextTooLong { field: TextField::SiteName, max: 80 }
    );
    assert_eq!(invalid(r.add_site(&w.admin, " ", "Lapas Baru")), Invalid::TextMissing { field: TextField::SiteCode });
    assert_eq!(invalid(r.update_site(&w.admin, 1, "nk", "Lapas\u{1b}")), forbidden(TextField::SiteName));
    assert_eq!(invalid(r.add_partner(&w.admin, "PT\u{1b}", None)), forbidden(TextField::PartnerName));
    assert_eq!(
        invalid(r.update_partner(&w.admin, 1, &long, None)),
        Invalid::TextTooLong { field: TextField::PartnerName, max: 80 }
    );
    assert_eq!(
        invalid(r.add_agreement(&w.admin, "PKS\u{1b}", 1, day(2026, 1, 5), day(2026, 2, 1), &[1])),
        forbidden(TextField::AgreementNumber)
    );
    // A date whose five-year end cannot exist was once a panic.
    let far = chrono::NaiveDate::MAX;
    assert!(matches!(
        invalid(r.add_agreement(&w.admin, "PKS/1", 1, day(2026, 1, 5), far, &[1])),
        Invalid::DateOutOfRange { .. }
    ));
    assert!(matches!(
        invalid(r.update_agreement(&w.admin, 1, "PKS/1", far, day(2026, 1, 5), &[1])),
        Invalid::DateOutOfRange { .. }
    ));
    assert_eq!(
        invalid(r.update_program(&w.admin, 1, "", ProgramStatus::Active)),
        Invalid::TextMissing { field: TextField::ProgramName }
    );
    assert_eq!(
        invalid(r.add_program(&w.admin, "Cabai\u{202e}", Sector::Pertanian, 1, 1, day(2026, 1, 5))),
        Invalid::TextForbidden { field: TextField::ProgramName, found: "\\u{202e}".into() }
    );
    assert_eq!(
        invalid(r.add_officer(Some(&w.admin), "199901012020011001", "Budi\u{1b}[2J", Role::Operator, PIN)),
        forbidden(TextField::OfficerName)
    );
    assert_eq!(
        invalid(r.add_officer(Some(&w.admin), "199901012020011001", "Budi", Role::Operator, "1234567890123")),
        Invalid::PinTooLong { max: 12 }
    );
    assert!(matches!(
        invalid(r.add_officer(Some(&w.admin), "1999\u{1b}", "Budi", Role::Operator, PIN)),
        Invalid::NipFormat { .. }
    ));
    assert_eq!(invalid(r.reset_pin(&w.admin, NIP, "12a456")), Invalid::PinNotDigits);
    // A void's reason follows the notes' rule.
    let entry = r.add_entry(&w.operator, harvest(1)).unwrap();
    assert_eq!(
        invalid(r.void_entry(&w.admin, entry.id, entry.revision, &"r".repeat(1_001))),
        Invalid::TextTooLong { field: TextField::Reason, max: 1_000 }
    );
    assert_eq!(invalid(r.void_entry(&w.admin, entry.id, entry.revision, "salah\u{1b}")), forbidden(TextField::Reason));
    // Nothing of it was stored.
    assert_eq!(r.sites().unwrap().len(), 3);
    assert_eq!(r.partners().unwrap().len(), 6);
    assert!(!r.current(entry.id).unwrap().voided);
    assert_eq!(r.check().unwrap(), vec![]);
}
