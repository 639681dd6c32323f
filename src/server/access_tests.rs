//! The access table, walked through a real server on a real Unix socket:
//! one request of every method, sent raw (as any program reaching the
//! socket could) by nobody, an operator, a supervisor and an admin, and
//! every answer checked against the table.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::protocol::{self, ServerFrame};
use super::{Limits, Server, ServerConfig, ServerThread};
use crate::clock::FixedClock;
use crate::domain::date::wib;
use crate::domain::officer::Role;
use crate::i18n::Lang;
use crate::records::AuditAction;
use crate::records::api::{ACCESS_TABLE, Request, Response};
use crate::records::{Access, Error, Records};

const ADMIN: (&str, &str) = ("198001012005011001", "135790");
const SUPERVISOR: (&str, &str) = ("198705052010012003", "975310");
const OPERATOR: (&str, &str) = ("198503122010121001", "246810");

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-10T09:00:00+07:00").unwrap().with_timezone(&Utc)
}

/// A client of the server on `socket`.
fn client(socket: &Path) -> Records {
    Records::connect(socket, Box::new(FixedClock(now())), wib()).unwrap()
}

/// Through the server: an admin, a supervisor and an operator (at site 1).
/// (sled lets go of a database lazily, so the test never opens it twice.)
fn prepare(socket: &Path) {
    let records = client(socket);
    records.init(false).unwrap();
    records.add_officer(None, ADMIN.0, "Sari Admin", Role::Admin, ADMIN.1).unwrap();
    let admin = records.login(ADMIN.0, ADMIN.1).unwrap();
    records.add_officer(Some(&admin), SUPERVISOR.0, "Dewi Penyelia", Role::Supervisor, SUPERVISOR.1).unwrap();
    records.add_officer(Some(&admin), OPERATOR.0, "Budi Santoso", Role::Operator, OPERATOR.1).unwrap();
    records.assign_sites(&admin, SUPERVISOR.0, &[1]).unwrap();
    records.assign_sites(&admin, OPERATOR.0, &[1]).unwrap();
}

fn start(db: &Path) -> ServerThread {
    Server::bind(ServerConfig {
        db: db.to_path_buf(),
        socket: None,
        create: true,
        clock: Box::new(FixedClock(now())),
        tz: wib(),
        idle_exit: None,
        limits: Limits::default(),
        lang: Lang::En,
        backup_at: None,
    })
    .unwrap()
    .spawn()
}

/// A raw client: frames in, answers out, nothing of the client library.
struct Raw(UnixStream);

impl Raw {
    fn connect(socket: &Path) -> Raw {
        let (stream, _) = protocol::connect(socket, &protocol::hello_for(wib())).unwrap();
        Raw(stream)
    }

    fn send(&mut self, request: &Request) -> Response {
        self.0.write_all(&protocol::frame(request).unwrap()).unwrap();
        loop {
            let payload = protocol::read_frame(&mut self.0).unwrap().expect("the server answers");
            match protocol::decode::<ServerFrame>(&payload).unwrap() {
                ServerFrame::Reply(response) => return response,
                // Other connections' changes pushed in between.
                ServerFrame::Update(_) => continue,
                ServerFrame::LoginExpired => panic!("the login deadline passed"),
            }
        }
    }
}

fn is_access_refusal(response: &Response) -> bool {
    matches!(response.error(), Some(Error::NotLoggedIn | Error::Denied(crate::domain::permission::Denied::Role { .. })))
}

fn allowed(access: Access, role: Option<Role>) -> bool {
    match (access, role) {
        (Access::Open, _) => true,
        (_, None) => false,
        (access, Some(role)) => role >= access.role(),
    }
}

#[test]
fn every_request_is_answered_as_the_access_table_says_for_nobody_and_each_role() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    prepare(server.socket());
    let samples = Request::samples();
    assert_eq!(samples.len(), ACCESS_TABLE.len(), "one sample per method");

    let identities = [
        (None, None),
        (Some(OPERATOR), Some(Role::Operator)),
        (Some(SUPERVISOR), Some(Role::Supervisor)),
        (Some(ADMIN), Some(Role::Admin)),
    ];
    let mut refused_total = 0;
    for (login, role) in identities {
        let mut raw = Raw::connect(server.socket());
        if let Some((nip, pin)) = login {
            let answer = raw.send(&Request::login { nip: nip.into(), pin: pin.into() });
            assert!(answer.error().is_none(), "{nip} logs in: {answer:?}");
        }
        for request in Request::samples() {
            let access = request.access();
            let method = request.method();
            // Login would change who this connection is.
            if method == "login" {
                continue;
            }
            let answer = raw.send(&request);
            let expected = allowed(access, role);
            assert_eq!(!is_access_refusal(&answer), expected, "{method} ({access:?}) as {role:?}: {answer:?}");
            if !expected {
                refused_total += 1;
                let want = if role.is_none() {
                    Error::NotLoggedIn
                } else {
                    Error::Denied(crate::domain::permission::Denied::Role { needed: access.role() })
                };
                assert_eq!(answer.error(), Some(&want), "{method} as {role:?}");
            }
        }
    }
    // Every refusal is in the audit, up to the budget of a minute (the
    // server's clock stands still here).
    let records = client(server.socket());
    let admin = records.login(ADMIN.0, ADMIN.1).unwrap();
    let audited = records.audit(&admin, &Default::default()).unwrap();
    let denied: Vec<_> = audited.iter().filter(|r| r.action == AuditAction::Denied).collect();
    assert_eq!(denied.len(), refused_total.min(crate::records::DENIALS_RECORDED_PER_MINUTE as usize));
    assert!(denied.iter().any(|r| r.officer.is_none() && r.detail == "backup: not logged in"), "{denied:?}");
}

#[test]
fn before_the_first_officer_only_setup_is_open_and_afterwards_it_needs_a_login() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    client(server.socket()).init(false).unwrap();
    let mut raw = Raw::connect(server.socket());
    assert!(raw.send(&Request::sites {}).error().is_none());
    assert_eq!(raw.send(&Request::officers {}).error(), Some(&Error::NotLoggedIn));
    let first_admin = |(nip, pin): (&str, &str)| Request::add_officer {
        by: false,
        nip: nip.into(),
        name: "Sari Admin".into(),
        role: Role::Admin,
        pin: pin.into(),
    };
    assert!(raw.send(&first_admin(ADMIN)).error().is_none());
    // Now there is an officer: setup is closed to anyone not logged in.
    assert_eq!(raw.send(&Request::sites {}).error(), Some(&Error::NotLoggedIn));
    assert_eq!(raw.send(&first_admin(OPERATOR)).error(), Some(&Error::NotLoggedIn));
}

/// Requests of every kind with random values (valid frames whose bytes
/// were changed at random), sent raw by nobody and by an operator: the
/// server keeps answering, and nothing it stored breaks a rule.
#[test]
fn random_values_in_every_kind_of_request_store_nothing_the_rules_refuse() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    prepare(server.socket());
    let payloads: Vec<Vec<u8>> = Request::samples().iter().map(|r| protocol::frame(r).unwrap()[4..].to_vec()).collect();
    let mutation = (0..payloads.len(), prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6));
    let sent = std::cell::Cell::new(0);
    for login in [None, Some(OPERATOR)] {
        let before = sent.get();
        let mut runner = TestRunner::new(Config { cases: 512, failure_persistence: None, ..Config::default() });
        runner
            .run(&mutation, |(which, changes)| {
                let mut payload = payloads[which].clone();
                // The first byte names the method: keep it, change values.
                for (at, byte) in changes {
                    if payload.len() > 1 {
                        let i = 1 + at.index(payload.len() - 1);
                        payload[i] = byte;
                    }
                }
                // Only frames the server reads as a request: anything else
                // just ends the connection (tested in tests/server.rs).
                let Ok(request) = protocol::decode_request(&payload) else { return Ok(()) };
                if matches!(request, Request::login { .. }) {
                    return Ok(());
                }
                let mut raw = Raw::connect(server.socket());
                if let Some((nip, pin)) = login {
                    let logged_in = raw.send(&Request::login { nip: nip.into(), pin: pin.into() });
                    prop_assert!(logged_in.error().is_none(), "{:?}", logged_in);
                }
                let answer = raw.send(&request);
                if login.is_none() && request.access() != Access::Open {
                    prop_assert!(is_access_refusal(&answer), "{request:?} answered {answer:?}");
                }
                sent.set(sent.get() + 1);
                Ok(())
            })
            .unwrap();
        assert!(
            sent.get() - before > 50,
            "as {login:?} only {} mutated requests were valid frames",
            sent.get() - before
        );
    }
    // Still answering, and everything stored passes today's rules.
    let records = client(server.socket());
    let admin = records.login(ADMIN.0, ADMIN.1).unwrap();
    assert_eq!(records.check().unwrap(), vec![]);
    assert!(records.officers_for(&admin).unwrap().len() >= 3);
}
