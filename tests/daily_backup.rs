//! The server's daily backup, with a server in this process on a real
//! socket and a clock the test moves: one verified backup for the day in
//! `backups/`, audited; a failure audited while serving goes on; the
//! status refused to operators and answered to supervisors.
//!
//! Synchronisation without sleeping: the server's loop starts a due backup
//! (on its own thread) before it accepts the next connection, and the
//! backup status waits for a backup under way; so once a new client's
//! handshake is answered, asking the status waits for the backup the clock
//! called for.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use binalog::clock::{FixedClock, ManualClock};
use binalog::domain::Role;
use binalog::domain::date::wib;
use binalog::i18n::Lang;
use binalog::records::{AuditFilter, Error, Records};
use binalog::server::{Limits, Server, ServerConfig, ServerThread};
use binalog::store::AuditAction;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use common::*;

fn wib_at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    wib().with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap().with_timezone(&Utc)
}

/// A database begun at `born`, with an admin, a supervisor and an operator.
fn database(db: &Path, born: DateTime<Utc>) {
    let records = open_at(db, born);
    records.init(false).unwrap();
    records.add_officer(None, ADMIN_NIP, "Sari Admin", Role::Admin, ADMIN_PIN).unwrap();
    let admin = records.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    records.add_officer(Some(&admin), SUPERVISOR_NIP, "Dewi Penyelia", Role::Supervisor, PIN).unwrap();
    records.add_officer(Some(&admin), NIP, "Budi Santoso", Role::Operator, PIN).unwrap();
    records.assign_sites(&admin, NIP, &[1, 2, 3]).unwrap();
}

fn serve(db: &Path, clock: Arc<ManualClock>) -> ServerThread {
    serve_at(db, clock, NaiveTime::from_hms_opt(2, 0, 0))
}

/// `at`: `--backup-at`, `None` for off.
fn serve_at(db: &Path, clock: Arc<ManualClock>, at: Option<NaiveTime>) -> ServerThread {
    when_released(|| {
        Server::bind(ServerConfig {
            db: db.to_path_buf(),
            socket: None,
            create: false,
            clock: Box::new(clock.clone()),
            tz: wib(),
            idle_exit: None,
            limits: Limits::default(),
            lang: Lang::En,
            backup_at: at,
        })
    })
    .spawn()
}

fn client(server: &ServerThread, nip: &str, pin: &str) -> Records {
    let records = Records::connect(server.socket(), Box::new(FixedClock(now())), wib()).unwrap();
    records.login(nip, pin).unwrap();
    records
}

/// Waits for a daily backup under way, if any: the status answers once
/// its outcome is known.
fn settled(admin: &Records) {
    admin.backup_status().unwrap();
}

fn backup_audit(admin: &Records) -> Vec<(AuditAction, String)> {
    let actor = admin.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    admin
        .audit(&actor, &AuditFilter::default())
        .unwrap()
        .into_iter()
        .filter(|r| matches!(r.action, AuditAction::BackupWritten | AuditAction::BackupFailed))
        .map(|r| (r.action, r.detail))
        .collect()
}

fn files(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn at_the_hour_the_server_writes_one_verified_backup_for_the_day_and_audits_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    database(&db, wib_at(1, 1, 0));
    let clock = ManualClock::new(wib_at(1, 1, 59));
    let server = serve(&db, clock.clone());
    let admin = client(&server, ADMIN_NIP, ADMIN_PIN);
    assert!(!db.join("backups").exists(), "nothing before the hour");
    assert_eq!(admin.backup_status().unwrap().last_good, None);

    clock.advance(Duration::minutes(1) + Duration::seconds(30));
    // The first connection wakes the loop, which starts the backup before
    // it accepts the second; the status then waits for its outcome.
    drop(client(&server, NIP, PIN));
    drop(client(&server, NIP, PIN));
    settled(&admin);
    let folder = db.join("backups");
    assert_eq!(files(&folder), ["binalog-2026-12-01.binalog"]);
    assert_eq!(std::fs::metadata(&folder).unwrap().permissions().mode() & 0o777, 0o700);
    let file = folder.join("binalog-2026-12-01.binalog");
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);

    let verified = binalog(&db).args(["--lang", "en", "verify-backup"]).arg(&file).output().unwrap();
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(stdout(&verified).contains("good"), "{}", stdout(&verified));

    let audited = backup_audit(&admin);
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0].0, AuditAction::BackupWritten);
    assert!(audited[0].1.starts_with("binalog-2026-12-01.binalog"), "{audited:?}");
    assert_eq!(admin.backup_status().unwrap().last_good, Some(wib_at(1, 2, 1) - Duration::seconds(30)));

    // Later the same day: still one backup.
    clock.advance(Duration::hours(12));
    // The first connection wakes the loop, which starts the backup before
    // it accepts the second; the status then waits for its outcome.
    drop(client(&server, NIP, PIN));
    drop(client(&server, NIP, PIN));
    settled(&admin);
    assert_eq!(files(&folder).len(), 1);
    assert_eq!(backup_audit(&admin).len(), 1);

    // The next day's hour: a second one, the first kept.
    clock.advance(Duration::hours(12));
    // The first connection wakes the loop, which starts the backup before
    // it accepts the second; the status then waits for its outcome.
    drop(client(&server, NIP, PIN));
    drop(client(&server, NIP, PIN));
    settled(&admin);
    assert_eq!(files(&folder), ["binalog-2026-12-01.binalog", "binalog-2026-12-02.binalog"]);
    server.stop().unwrap();
}

#[test]
fn a_server_started_late_catches_up_then_deletes_what_is_not_kept_and_off_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    database(&db, wib_at(1, 9, 0));
    // Off: nothing, however overdue.
    let off = serve_at(&db, ManualClock::new(wib_at(3, 9, 0)), None);
    drop(client(&off, NIP, PIN));
    off.stop().unwrap();
    assert!(!db.join("backups").exists());

    // Twenty old daily files (none of them a good backup) and a file of
    // someone else's.
    let folder = db.join("backups");
    std::fs::create_dir(&folder).unwrap();
    for d in 1..=20 {
        std::fs::write(folder.join(format!("binalog-2026-11-{d:02}.binalog")), b"old").unwrap();
    }
    std::fs::write(folder.join("notes.txt"), b"keep me").unwrap();
    // Down at the hour of the 3rd: started at 09:00 with no good backup.
    let server = serve(&db, ManualClock::new(wib_at(3, 9, 0)));
    let admin = client(&server, ADMIN_NIP, ADMIN_PIN);
    settled(&admin);
    assert_eq!(backup_audit(&admin).len(), 1);
    // Kept: the 14 newest days (Dec 3, Nov 20 back to Nov 8), each month's last.
    let mut kept: Vec<String> = (8..=20).map(|d| format!("binalog-2026-11-{d:02}.binalog")).collect();
    kept.push("binalog-2026-12-03.binalog".into());
    kept.push("notes.txt".into());
    assert_eq!(files(&folder), kept);
    server.stop().unwrap();
}

#[test]
fn a_backup_that_cannot_be_written_is_audited_as_failed_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    database(&db, wib_at(1, 9, 0));
    // A file where the folder should be: nothing can be written there,
    // whoever runs the test (root included).
    std::fs::write(db.join("backups"), b"not a folder").unwrap();
    let server = serve(&db, ManualClock::new(wib_at(3, 9, 0)));
    let admin = client(&server, ADMIN_NIP, ADMIN_PIN);
    settled(&admin);
    let audited = backup_audit(&admin);
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0].0, AuditAction::BackupFailed);
    let status = admin.backup_status().unwrap();
    assert_eq!((status.last_good, status.last_failure), (None, Some(wib_at(3, 9, 0))));

    // Serving goes on: the operator saves an entry, and the failure is
    // not retried at once.
    let operator = client(&server, NIP, PIN);
    let actor = operator.login(NIP, PIN).unwrap();
    operator.add_entry(&actor, draft(1, day(2026, 3, 10), binalog::domain::Kind::Harvest, "2 kg cabai")).unwrap();
    assert_eq!(operator.count_entries().unwrap(), 1);
    settled(&admin);
    assert_eq!(backup_audit(&admin).len(), 1);
    assert_eq!(std::fs::read(db.join("backups")).unwrap(), b"not a folder");
    server.stop().unwrap();
}

#[test]
fn the_backup_status_is_refused_to_an_operator_and_answered_to_a_supervisor() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    database(&db, wib_at(1, 9, 0));
    let server = serve(&db, ManualClock::new(wib_at(1, 9, 0)));
    let operator = client(&server, NIP, PIN);
    assert!(matches!(operator.backup_status(), Err(Error::Denied(_))), "{:?}", operator.backup_status());
    let supervisor = client(&server, SUPERVISOR_NIP, PIN);
    assert_eq!(supervisor.backup_status().unwrap().last_good, None);
    server.stop().unwrap();
}
