//! Many officers at once: a real `binalog serve` on a real Unix socket,
//! with clients in threads of this test (each its own connection) and the
//! real binary. Nothing here sleeps or measures time: every wait is for an
//! event (a line, an answer, a closed connection, a process exit).

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::permission::Denied;
use binalog::domain::{Amount, Entry, EntryDraft, Kind, Role};
use binalog::i18n::{self, Lang};
use binalog::records::api::{Request, Response};
use binalog::records::{Actor, EntryFilter, Error, IMPORT_CHUNK, Records, Update, WireError};
use binalog::server::protocol::{self, ConnectError, ServerFrame};
use common::serve::Served;
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Client `c`'s `i`-th entry: programmes 1 and 5 (two sites), nine days,
/// four items, and a value no other entry has.
fn load_draft(c: usize, i: usize) -> EntryDraft {
    let program = if (c + i).is_multiple_of(2) { 1 } else { 5 };
    let mut d = draft(program, day(2026, 3, 1 + (i % 9) as u32), Kind::Harvest, "1 kg x");
    d.quantities[0].value = Amount::from_milli((c * 100_000 + i) as i64 + 1);
    d.quantities[0].item = ["cabai", "tomat", "padi", "terong"][i % 4].into();
    d
}

/// `clients` threads, each its own connection and login, each adding
/// `per_client` entries and sending every acknowledged one. A thread
/// stops quietly when the server goes away, and fails on any other error.
fn writers(
    socket: &Path,
    clients: usize,
    per_client: usize,
    acked: mpsc::Sender<(u64, EntryDraft)>,
) -> Vec<JoinHandle<()>> {
    (0..clients)
        .map(|c| {
            let socket = socket.to_path_buf();
            let acked = acked.clone();
            std::thread::spawn(move || {
                let stopped = |e: &Error| matches!(e, Error::Connection(WireError::ServerStopped { .. }));
                let records = match Records::connect(&socket, Box::new(FixedClock(now())), wib()) {
                    Ok(r) => r,
                    Err(e) if stopped(&e) => return,
                    Err(e) => panic!("client {c}: {e:?}"),
                };
                let actor = match records.login(NIP, PIN) {
                    Ok(a) => a,
                    Err(e) if stopped(&e) => return,
                    Err(e) => panic!("client {c}: {e:?}"),
                };
                for i in 0..per_client {
                    let draft = load_draft(c, i);
                    match records.add_entry(&actor, draft.clone()) {
                        Ok(entry) => acked.send((entry.id, draft)).unwrap(),
                        Err(e) if stopped(&e) => return,
                        Err(e) => panic!("client {c}, entry {i}: {e:?}"),
                    }
                }
            })
        })
        .collect()
}

/// Every acknowledged entry is stored as sent; rollups equal the sums of
/// the entries; `check` finds nothing.
fn verify(records: &Records, acked: &BTreeMap<u64, EntryDraft>) {
    let stored: BTreeMap<u64, Entry> =
        records.entries(&EntryFilter::default()).unwrap().into_iter().map(|(e, _)| (e.id, e)).collect();
    for (id, draft) in acked {
        let entry = stored.get(id).unwrap_or_else(|| panic!("acknowledged entry {id} lost"));
        assert_eq!(entry.draft.quantities, draft.quantities, "entry {id}");
        assert_eq!((entry.draft.program, entry.draft.date), (draft.program, draft.date), "entry {id}");
    }
    let (from, to) = (day(2026, 3, 1), day(2026, 3, 31));
    for program in [1, 5] {
        assert_eq!(records.totals(program, from, to).unwrap(), records.totals_by_scan(program, from, to).unwrap());
    }
    assert_eq!(records.check().unwrap(), vec![]);
}

#[test]
fn eight_clients_adding_at_once_lose_nothing() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let (tx, rx) = mpsc::channel();
    let threads = writers(&server.socket, 8, 500, tx);
    let acked: BTreeMap<u64, EntryDraft> = rx.iter().collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(acked.len(), 8 * 500, "every add acknowledged, each with its own id");

    let records = server.client();
    verify(&records, &acked);
    assert_eq!(records.count_entries().unwrap(), 8 * 500);
    // The rollups are exact: equal to the acknowledged values, summed.
    let (from, to) = (day(2026, 3, 1), day(2026, 3, 31));
    for program in [1, 5] {
        let mut expected: BTreeMap<String, i64> = BTreeMap::new();
        for d in acked.values().filter(|d| d.program == program) {
            *expected.entry(d.quantities[0].item.clone()).or_default() += d.quantities[0].value.milli();
        }
        let totals: BTreeMap<String, i64> =
            records.totals(program, from, to).unwrap().into_iter().map(|t| (t.item, t.value.milli())).collect();
        assert_eq!(totals, expected, "programme {program}");
    }
}

#[test]
fn acknowledged_entries_survive_sigkill_of_the_server_under_load() {
    let dir = prepared();
    let mut server = Served::start(dir.path(), &[]);
    let (tx, rx) = mpsc::channel();
    let threads = writers(&server.socket, 8, 500, tx);
    let mut acked = BTreeMap::new();
    for (id, draft) in rx.iter() {
        acked.insert(id, draft);
        if acked.len() == 1200 {
            // Eight saves are in flight when this lands.
            server.kill();
            break;
        }
    }
    // Acknowledgements already on their way still count.
    acked.extend(rx.iter());
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert!(acked.len() >= 1200 && acked.len() < 8 * 500, "{}", acked.len());

    // The killed server left its socket file; the new one replaces it.
    assert!(server.socket.exists());
    let restarted = Served::start(dir.path(), &[]);
    verify(&restarted.client(), &acked);
}

/// What a proptest case sends.
#[derive(Debug, Clone)]
enum Garbage {
    /// Bytes instead of a hello.
    Raw(Vec<u8>),
    /// After a good handshake: a well-formed frame holding no request.
    Frame(Vec<u8>),
    /// After a good handshake: the first `n` bytes of a real request.
    Truncated(Vec<u8>, usize),
    /// After a good handshake: a length over the cap.
    Oversized(u32),
}

fn garbage() -> impl Strategy<Value = Garbage> {
    let add = protocol::frame(&Request::add_entry { draft: load_draft(0, 0) }).unwrap();
    let programs = protocol::frame(&Request::programs {}).unwrap();
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..80).prop_map(Garbage::Raw),
        prop::collection::vec(any::<u8>(), 0..200)
            .prop_filter("a frame that is not a request", |p| protocol::decode_request(p).is_err())
            .prop_map(Garbage::Frame),
        (prop::sample::select(vec![add, programs]), any::<prop::sample::Index>()).prop_map(|(f, i)| {
            let n = i.index(f.len());
            Garbage::Truncated(f, n)
        }),
        ((protocol::FRAME_CAP as u32 + 1)..=u32::MAX).prop_map(Garbage::Oversized),
    ]
}

/// A raw connection, greeted with protocol `version` 1.
fn greeted(socket: &Path) -> UnixStream {
    let mut stream = UnixStream::connect(socket).unwrap();
    stream.write_all(&protocol::hello_frame(protocol::PROTOCOL_VERSION, &protocol::hello_for(wib()))).unwrap();
    let answer = protocol::read_frame(&mut stream).unwrap().unwrap();
    assert!(matches!(protocol::parse_answer(&answer), Ok(protocol::Answer::Accepted(_))));
    stream
}

/// Sends the garbage, ends the sending side, and reads until the server
/// closes the connection (it must, whatever arrived).
fn send(socket: &Path, garbage: &Garbage) {
    let (mut stream, bytes) = match garbage {
        Garbage::Raw(bytes) => (UnixStream::connect(socket).unwrap(), bytes.clone()),
        Garbage::Frame(payload) => {
            let mut bytes = (payload.len() as u32).to_be_bytes().to_vec();
            bytes.extend_from_slice(payload);
            (greeted(socket), bytes)
        }
        Garbage::Truncated(frame, n) => (greeted(socket), frame[..*n].to_vec()),
        Garbage::Oversized(len) => (greeted(socket), len.to_be_bytes().to_vec()),
    };
    // The server may close before reading it all: that is its right.
    let _ = stream.write_all(&bytes);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    assert!(rest.is_empty(), "no answer to garbage: {rest:?}");
}

#[test]
fn random_and_truncated_frames_never_crash_the_server() {
    let dir = prepared();
    let mut server = Served::start(dir.path(), &[]);
    let good = server.client();
    let actor = good.login(NIP, PIN).unwrap();
    let mut runner = TestRunner::new(Config { cases: 128, failure_persistence: None, ..Config::default() });
    let saved = std::cell::Cell::new(0);
    runner
        .run(&garbage(), |garbage| {
            send(&server.socket, &garbage);
            // Everyone else carries on.
            prop_assert!(good.add_entry(&actor, load_draft(1, saved.get())).is_ok());
            saved.set(saved.get() + 1);
            Ok(())
        })
        .unwrap();
    assert!(server.child.try_wait().unwrap().is_none(), "the server is still running");
    assert_eq!(server.client().check().unwrap(), vec![]);
    assert!(good.count_entries().unwrap() >= 128);
}

#[test]
fn a_stalled_or_stuck_client_holds_up_nobody_else() {
    let dir = prepared();
    let server = Served::start(dir.path(), &["--frame-timeout", "5s"]);
    // One client logs in (only then does it hear of others' saves), then
    // starts a frame and stops half-way through its length.
    let mut stalled = greeted(&server.socket);
    stalled.write_all(&protocol::frame(&Request::login { nip: NIP.into(), pin: PIN.into() }).unwrap()).unwrap();
    let answer = protocol::read_frame(&mut stalled).unwrap().unwrap();
    assert!(matches!(protocol::decode::<ServerFrame>(&answer), Ok(ServerFrame::Reply(Response::login(Ok(_))))));
    stalled.write_all(&[0, 0]).unwrap();
    // Another asks and asks and never reads an answer, until the
    // server's answers fill the socket and its outbox, and the server
    // stops reading its requests (so its own sending side fills too).
    let mut stuck = greeted(&server.socket);
    let ask = protocol::frame(&Request::programs {}).unwrap();
    stuck.set_nonblocking(true).unwrap();
    let asked = (0..1000).take_while(|_| stuck.write_all(&ask).is_ok()).count();
    assert!(asked > 0);
    // Meanwhile an officer works as usual, and the stuck client's
    // notifications pile up on its own queue, not in the officer's way.
    let records = server.client();
    let actor = records.login(NIP, PIN).unwrap();
    for i in 0..20 {
        records.add_entry(&actor, load_draft(2, i)).unwrap();
    }
    // The stalled frame is given up after the frame time-out and the
    // connection ends; all it ever got were the officer's saves, pushed.
    let mut rest = Vec::new();
    stalled.read_to_end(&mut rest).unwrap();
    let mut frames = rest.as_slice();
    let mut pushes = 0;
    while let Some(frame) = protocol::read_frame(&mut frames).unwrap() {
        assert!(matches!(protocol::decode::<ServerFrame>(&frame), Ok(ServerFrame::Update(_))));
        pushes += 1;
    }
    assert_eq!(pushes, 20);
    assert_eq!(records.count_entries().unwrap(), 20);
}

#[test]
fn a_client_of_another_version_is_told_which_versions_meet() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let result = protocol::connect_as(&server.socket, 99, &protocol::hello_for(wib()));
    let Err(ConnectError::Failed(e)) = result else { panic!("version 99 was not refused: {result:?}") };
    let ours = protocol::PROTOCOL_VERSION;
    assert_eq!(e, WireError::VersionMismatch { socket: server.socket.clone(), ours: 99, theirs: vec![ours] });
    assert_eq!(
        i18n::error(Lang::En, &e),
        format!(
            "The binalog server at {} speaks protocol version {ours}; this binalog speaks version 99. Use the same \
             binalog version for the server and its users (restart the server after an update).",
            server.socket.display()
        )
    );
    // The refusal closed that connection only.
    assert!(!server.client().sites().unwrap().is_empty());
}

#[test]
fn the_command_line_names_the_versions_of_an_older_server() {
    let dir = prepared();
    let socket = dir.path().join(protocol::SOCKET_NAME);
    // A stand-in for a server that speaks only the version before ours.
    let older = protocol::PROTOCOL_VERSION - 1;
    let listener = UnixListener::bind(&socket).unwrap();
    let old_server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        protocol::read_frame(&mut stream).unwrap().unwrap();
        stream.write_all(&protocol::refuse_frame(&[older])).unwrap();
    });
    let out = served(dir.path()).args(["--lang", "en", "programs"]).stdin(Stdio::null()).output().unwrap();
    old_server.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let expected =
        format!("speaks protocol version {older}; this binalog speaks version {}.", protocol::PROTOCOL_VERSION);
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
}

#[test]
fn a_second_serve_on_the_same_database_says_one_is_running() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let message = Served::try_start(dir.path(), &[]).err().expect("a second server must not start");
    assert!(message.contains("A binalog server is already running for the database"), "{message}");
    assert!(message.contains(&server.socket.display().to_string()), "{message}");
    assert!(!server.client().sites().unwrap().is_empty(), "the first carries on");
}

#[test]
fn a_server_idle_from_the_start_exits_cleanly_with_idle_exit_zero() {
    let dir = prepared();
    let mut server = Served::start(dir.path(), &["--idle-exit", "0s"]);
    assert!(server.child.wait().unwrap().success());
    assert!(!server.socket.exists(), "the socket is removed");
}

/// Runs the binary through the database's server, PINs on standard input.
fn served_with_pins(db: &Path, args: &[&str], lines: &[&str]) -> Output {
    let mut cmd = served(db);
    cmd.args(args);
    with_pins(cmd, lines)
}

/// The audit trail's user column (the last), as CSV through `binalog`.
fn audit_users(output: &Output) -> Vec<String> {
    stdout(output).lines().skip(1).map(|l| l.rsplit(',').next().unwrap().to_string()).collect()
}

#[test]
fn a_command_starts_a_server_in_the_background_and_replaces_a_stale_socket() {
    let dir = prepared();
    let db = dir.path();
    let me = binalog::unix::current_user();
    // A change made with --direct names this process's user.
    let direct = run_as_operator(db, &["entry", "add", "--program", "1", "--kind", "harvest", "--qty", "2 kg cabai"]);
    assert!(direct.status.success(), "{}", stderr(&direct));
    // A socket file nobody listens on, as a killed server leaves behind.
    let socket = db.join(protocol::SOCKET_NAME);
    drop(UnixListener::bind(&socket).unwrap());

    let add = served_with_pins(
        db,
        &["entry", "add", "--program", "1", "--kind", "harvest", "--qty", "3 kg cabai", "--as", NIP],
        &[PIN],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let id: u64 = stdout(&add).trim().parse().unwrap();

    // A server now answers, for its group only, and holds the database.
    assert_eq!(std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777, 0o660);
    let records = Records::connect(&socket, Box::new(FixedClock(now())), wib()).unwrap();
    let info = records.server().unwrap();
    assert_eq!(info.db, std::path::absolute(db).unwrap());
    assert_eq!(records.current(id), Err(Error::NotLoggedIn), "a server answers reads to officers only");
    records.login(NIP, PIN).unwrap();
    assert_eq!(records.current(id).unwrap().draft.quantities[0].value, Amount::whole(3));
    let direct = run(db, &["--lang", "en", "programs"]);
    assert!(stderr(&direct).contains("A binalog server is already running"), "{}", stderr(&direct));

    // Both changes name the Unix user who made them: the server read the
    // second from the socket's peer credentials.
    let audit = served_with_pins(db, &["audit", "--format", "csv", "--as", ADMIN_NIP], &[ADMIN_PIN]);
    assert!(audit.status.success(), "{}", stderr(&audit));
    let users = audit_users(&audit);
    assert!(users.iter().all(|u| *u == me), "{users:?}");
    assert!(stdout(&audit).contains(&format!("{id}r1")), "{}", stdout(&audit));

    // The server started on demand runs in its own session; stop it.
    drop(records);
    // SAFETY: kill takes no pointers.
    assert_eq!(unsafe { libc::kill(info.pid as i32, libc::SIGTERM) }, 0);
}

#[test]
fn sigterm_finishes_the_requests_in_flight_and_clients_reconnect() {
    let dir = prepared();
    let db = dir.path();
    let mut server = Served::start(db, &[]);
    let officer = server.client();
    let actor = officer.login(NIP, PIN).unwrap();
    let watcher = server.client();
    let updates = watcher.subscribe();

    let (tx, rx) = mpsc::channel();
    let threads = writers(&server.socket, 2, 500, tx);
    let mut acked: BTreeMap<u64, EntryDraft> = rx.iter().take(100).collect();
    let status = server.terminate();
    acked.extend(rx.iter());
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert!(status.success(), "exit status {status:?}");
    assert!(!server.socket.exists(), "the socket is removed");

    // Clients say so in the officer's language, and are told it happened.
    let e = officer.sites().unwrap_err();
    assert!(matches!(e, Error::Connection(WireError::ServerStopped { .. })), "{e:?}");
    assert!(i18n::error(Lang::En, &e).starts_with("The binalog server"), "{}", i18n::error(Lang::En, &e));
    assert!(i18n::error(Lang::Id, &e).contains("berhenti"));
    assert!(updates.iter().any(|u| u == Update::Disconnected));

    // Back again: the same client reconnects, still logged in.
    let restarted = Served::start(db, &[]);
    officer.reconnect().unwrap();
    let entry = officer.add_entry(&actor, load_draft(5, 0)).unwrap();
    acked.insert(entry.id, load_draft(5, 0));
    verify(&server.client(), &acked);
    drop(restarted);
}

#[test]
fn a_save_is_pushed_to_every_other_client() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let saver = server.client();
    let actor = saver.login(NIP, PIN).unwrap();
    let own = saver.subscribe();
    let watchers: Vec<(Records, mpsc::Receiver<Update>)> = (0..3)
        .map(|_| {
            let r = server.client();
            let rx = r.subscribe();
            (r, rx)
        })
        .collect();
    // A connection where nobody logged in hears of nothing.
    let stranger = server.anonymous();
    let unheard = stranger.subscribe();

    saver.add_entry(&actor, draft(5, day(2026, 3, 9), Kind::Harvest, "7 kg padi")).unwrap();
    let expected = Update::Entries { programs: vec![5], sites: vec![2] };
    for (_, rx) in &watchers {
        // A safety net only: the push comes at once.
        assert_eq!(rx.recv_timeout(Duration::from_secs(60)), Ok(expected.clone()));
    }
    // Anything pushed to it would have come before this answer.
    stranger.is_initialised().unwrap();
    assert!(unheard.try_recv().is_err(), "a connection with no login is told of no change");
    // Anything pushed to the saver would have come before this answer.
    saver.sites().unwrap();
    assert!(own.try_recv().is_err(), "a client is not told of its own change");

    let admin = watchers[0].0.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    watchers[0].0.update_site(&admin, 1, "nk-terbuka", "Lapas Terbuka Nusakambangan").unwrap();
    assert_eq!(watchers[1].1.recv_timeout(Duration::from_secs(60)), Ok(Update::Reference));
}

#[test]
fn a_correction_based_on_an_old_revision_is_refused_across_the_wire() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let operator_side = server.client();
    let operator = operator_side.login(NIP, PIN).unwrap();
    let admin_side = server.client();
    let admin = admin_side.login(ADMIN_NIP, ADMIN_PIN).unwrap();

    let entry = operator_side.add_entry(&operator, draft(1, day(2026, 3, 9), Kind::Harvest, "5 kg cabai")).unwrap();
    let seen_by_both = entry.revision;
    let mut fix = entry.draft.clone();
    fix.quantities[0].value = Amount::whole(6);
    let newer = admin_side.correct_entry(&admin, entry.id, seen_by_both, fix.clone(), "timbangan ulang").unwrap();
    fix.quantities[0].value = Amount::whole(7);
    let refused = operator_side.correct_entry(&operator, entry.id, seen_by_both, fix, "");
    match refused {
        Err(Error::ChangedByAnother { current }) => assert_eq!(*current, newer),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn the_server_acts_as_the_officer_logged_in_on_the_connection() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let records = server.client();
    let operator = records.login(NIP, PIN).unwrap();

    // An Actor made up on the client side is only a name: the server acts
    // as the login, whose role does not allow this.
    let mut json = serde_json::to_value(&operator).unwrap();
    json["officer"]["role"] = "Admin".into();
    let forged: Actor = serde_json::from_value(json).unwrap();
    assert_eq!(forged.officer().role, Role::Admin);
    assert_eq!(records.add_site(&forged, "x", "Lapas X"), Err(Error::Denied(Denied::Role { needed: Role::Admin })));

    // Another officer's Actor is refused before anything is sent.
    let admin = server.client().login(ADMIN_NIP, ADMIN_PIN).unwrap();
    assert_eq!(records.add_site(&admin, "x", "Lapas X"), Err(Error::OtherOfficer { nip: NIP.into() }));

    // A connection with no login gets nothing done, whatever it sends.
    let mut raw = greeted(&server.socket);
    raw.write_all(&protocol::frame(&Request::add_entry { draft: load_draft(0, 0) }).unwrap()).unwrap();
    let answer = protocol::read_frame(&mut raw).unwrap().unwrap();
    match protocol::decode::<ServerFrame>(&answer).unwrap() {
        ServerFrame::Reply(Response::add_entry(Err(e))) => assert_eq!(e, Error::NotLoggedIn),
        other => panic!("{other:?}"),
    }
    // And PIN hashes never cross the wire.
    assert!(operator.officer().pin_hash.is_empty());
    assert!(server.client().officers().unwrap().iter().all(|o| o.pin_hash.is_empty()));
    assert_eq!(records.count_entries().unwrap(), 0);
}

/// An import crosses the wire a chunk at a time, each a small frame.
#[test]
fn an_import_chunk_is_a_small_frame() {
    let drafts: Vec<EntryDraft> = (0..IMPORT_CHUNK).map(|i| load_draft(i % 8, i)).collect();
    let frame = protocol::frame(&Request::import_chunk { import: 1, drafts }).unwrap();
    assert!(frame.len() < 1 << 20, "{} bytes", frame.len());
}

/// Time is the server's: a client whose clock says 2099 starts a server on
/// demand, and that server still refuses a date in the real future.
#[test]
fn a_server_started_by_a_client_with_a_fake_clock_keeps_the_real_one() {
    let dir = prepared();
    let db = dir.path();
    let mut cmd = served(db);
    cmd.env("BINALOG_FIXED_NOW", "2099-01-01T09:00:00+07:00").args([
        "--lang",
        "en",
        "entry",
        "add",
        "--program",
        "1",
        "--date",
        "01/06/2098",
        "--kind",
        "harvest",
        "--qty",
        "3 kg cabai",
        "--as",
        NIP,
    ]);
    let out = with_pins(cmd, &[PIN]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stderr(&out).contains("01/06/2098 has not come yet"), "{}", stderr(&out));
    let records = Records::connect(&db.join(protocol::SOCKET_NAME), Box::new(FixedClock(now())), wib()).unwrap();
    let info = records.server().unwrap();
    drop(records);
    // SAFETY: kill takes no pointers.
    assert_eq!(unsafe { libc::kill(info.pid as i32, libc::SIGTERM) }, 0);
}
