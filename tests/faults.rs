//! Faults a workshop meets: a disk that fills up, a server that is stopped
//! (SIGSTOP) while an officer saves. A real `binalog serve` on a real Unix
//! socket, real sled on a real file system. Nothing here sleeps or
//! measures time: the waits are for answers, and no answer's time is
//! asserted.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::{Amount, EntryDraft, Kind};
use binalog::i18n::{self, Lang};
use binalog::records::{Actor, EntryFilter, Error, Records, WireError};
use binalog::store::StoreError;
use common::serve::{self, Served};
use common::*;

/// The operator `NIP`, on their own connection to `served`.
fn officer(served: &Served) -> (Records, Actor) {
    let records = Records::connect(&served.socket, Box::new(FixedClock(now())), wib()).unwrap();
    let actor = records.login(NIP, PIN).unwrap();
    (records, actor)
}

/// The `i`-th entry of a test, each with a value of its own.
fn nth_draft(i: usize) -> EntryDraft {
    let mut d = draft(1, day(2026, 3, 1 + (i % 9) as u32), Kind::Harvest, "1 kg cabai");
    d.quantities[0].value = Amount::from_milli(1000 + i as i64);
    d
}

/// Every acknowledged entry is stored as it was sent, and no other.
fn holds_exactly(records: &Records, acked: &BTreeMap<u64, EntryDraft>) {
    let stored: BTreeMap<u64, EntryDraft> =
        records.entries(&EntryFilter::default()).unwrap().into_iter().map(|(e, _)| (e.id, e.draft)).collect();
    for (id, draft) in acked {
        let entry = stored.get(id).unwrap_or_else(|| panic!("acknowledged entry {id} lost"));
        assert_eq!(entry.quantities, draft.quantities, "entry {id}");
    }
    assert_eq!(stored.len(), acked.len(), "nothing but the acknowledged entries");
}

// ---------------------------------------------------------------- disk full

/// A small file system of its own for the database: a tmpfs where this
/// machine lets the test mount one (root, or a CI runner that allows it).
/// Unmounted when dropped, after the server using it has gone.
struct SmallDisk {
    mount: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(bytes: u64) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let mount = dir.path().join("disk");
        std::fs::create_dir(&mount).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes},mode=0700"), "tmpfs"])
            .arg(&mount)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(SmallDisk { mount, _dir: dir })
    }

    /// Writes a file until the disk is full.
    fn fill(&self) {
        use std::io::Write;
        let path = self.mount.join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        let block = vec![0xA5u8; 64 * 1024];
        loop {
            match file.write(&block) {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) => {
                    assert_eq!(e.raw_os_error(), Some(libc::ENOSPC), "{e}");
                    break;
                }
            }
        }
        // Whatever fits in the last pages goes too.
        while file.write(&block[..512]).is_ok_and(|n| n > 0) {}
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

/// A database with the reference data and the officers, made with the
/// real binary in `folder`.
fn prepare_in(folder: &Path) {
    assert!(run(folder, &["init"]).status.success());
    add_officer_cli(folder);
}

/// Where the server's writes stop finding room, and how room returns.
trait Room {
    fn run_out(&self);
    fn give_back(&self);
}

/// The small tmpfs filled by a file, and emptied again.
struct Filled<'a>(&'a SmallDisk);

impl Room for Filled<'_> {
    fn run_out(&self) {
        self.0.fill();
    }

    fn give_back(&self) {
        std::fs::remove_file(self.0.mount.join("filler")).unwrap();
    }
}

/// The server's file-size limit (RLIMIT_FSIZE) lowered to what its data
/// file holds now, and raised again: the same failed write for sled (EFBIG
/// rather than ENOSPC), on any machine and without privileges.
struct SizeLimit {
    pid: u32,
    data: PathBuf,
}

impl SizeLimit {
    fn set(&self, bytes: libc::rlim_t) {
        let limit = libc::rlimit { rlim_cur: bytes, rlim_max: libc::RLIM_INFINITY };
        // SAFETY: valid pointers to an rlimit, or null for the old value.
        let rc = unsafe { libc::prlimit(self.pid as libc::pid_t, libc::RLIMIT_FSIZE, &limit, std::ptr::null_mut()) };
        assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
    }
}

impl Room for SizeLimit {
    fn run_out(&self) {
        self.set(std::fs::metadata(&self.data).unwrap().len());
    }

    fn give_back(&self) {
        self.set(libc::RLIM_INFINITY);
    }
}

/// Saves until one finds no room, then gives room back: the refusal is
/// `DiskFull` in words, every acknowledged entry stays, the refused one is
/// not stored, and the same form saves again with no restart.
fn saves_survive_running_out_of_room(served: &Served, room: &dyn Room) {
    let (records, actor) = officer(served);
    let mut acked = BTreeMap::new();
    for i in 0..5 {
        let entry = records.add_entry(&actor, nth_draft(i)).unwrap();
        acked.insert(entry.id, nth_draft(i));
    }

    room.run_out();
    // The next saves find no room: each is either acknowledged (it fitted
    // in space sled had already) or refused as a full disk, nothing else.
    let mut refused = None;
    for i in 5..5000 {
        match records.add_entry(&actor, nth_draft(i)) {
            Ok(entry) => {
                acked.insert(entry.id, nth_draft(i));
            }
            Err(e) => {
                refused = Some((i, e));
                break;
            }
        }
    }
    let (i, e) = refused.expect("a save with no room is refused");
    assert_eq!(e, Error::Store(StoreError::DiskFull));
    let id_text = i18n::error(Lang::Id, &e);
    assert!(id_text.starts_with("Disk penuh: tidak ada yang tersimpan"), "{id_text}");
    assert!(i18n::error(Lang::En, &e).starts_with("The disk is full: nothing was saved"));
    assert!(!id_text.contains("Os {") && !id_text.contains("StorageFull"), "{id_text}");
    // While there is still no room, a read is answered from the database
    // as it is on disk, or refused the same way: never with what the
    // refused save left in sled's memory.
    match records.entries(&EntryFilter::default()) {
        Ok(entries) => assert_eq!(entries.len(), acked.len()),
        Err(e) => assert_eq!(e, Error::Store(StoreError::DiskFull)),
    }

    // Room returns: the same form saves, without a restart of the server
    // or a new connection.
    room.give_back();
    let entry = records.add_entry(&actor, nth_draft(i)).unwrap();
    acked.insert(entry.id, nth_draft(i));
    holds_exactly(&records, &acked);
    let admin = served.client();
    assert_eq!(admin.check().unwrap(), vec![]);
}

#[test]
fn a_full_disk_refuses_the_save_in_words_and_saving_works_again_once_space_returns() {
    let Some(disk) = SmallDisk::mount(8 * 1024 * 1024) else {
        // Said plainly rather than passed quietly: this machine cannot
        // give the test a small file system of its own. The next test
        // runs the same story with a file-size limit.
        eprintln!("SKIPPED: no tmpfs can be mounted here (needs mount privileges)");
        return;
    };
    let db = disk.mount.join("db");
    prepare_in(&db);
    let served = Served::start(&db, &[]);
    saves_survive_running_out_of_room(&served, &Filled(&disk));
}

#[test]
fn a_file_size_limit_refuses_the_save_in_words_and_saving_works_again_once_it_is_raised() {
    let dir = prepared();
    let served = Served::try_start_with(dir.path(), &[], |command| {
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe calls between fork and exec. An
        // ignored signal stays ignored across exec, so a write past the
        // limit fails with EFBIG instead of killing the server.
        unsafe {
            command.pre_exec(|| {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                Ok(())
            });
        }
    })
    .unwrap();
    let room = SizeLimit { pid: served.child.id(), data: dir.path().join("db") };
    saves_survive_running_out_of_room(&served, &room);
}

// ----------------------------------------------------------- stopped server

#[test]
fn a_stopped_server_is_reported_as_not_answering_and_the_same_form_saves_after_it_continues() {
    let dir = prepared();
    let served = Served::start(dir.path(), &[]);
    let (records, actor) = officer(&served);
    let first = records.add_entry(&actor, nth_draft(0)).unwrap();
    let (other, other_actor) = officer(&served);

    served.signal(libc::SIGSTOP);
    serve::until_stopped(served.child.id());
    let form = nth_draft(1);
    let e = records.add_entry(&actor, form.clone()).unwrap_err();
    assert!(matches!(e, Error::Connection(WireError::ServerNotAnswering { .. })), "{e:?}");
    let text = i18n::error(Lang::Id, &e);
    assert!(text.contains("tidak menjawab"), "{text}");
    assert!(i18n::error(Lang::En, &e).contains("has not answered"));
    // Tried again while the server is still stopped: the client connects
    // anew and says the same, rather than calling the server gone.
    let again = records.add_entry(&actor, form.clone()).unwrap_err();
    assert!(matches!(again, Error::Connection(WireError::ServerNotAnswering { .. })), "{again:?}");
    // A request larger than the socket holds cannot even be sent to a
    // server that reads nothing: said the same way, not hung in the write.
    let import: Vec<EntryDraft> = (100..20_100).map(nth_draft).collect();
    let big = other.import(&other_actor, import).unwrap_err();
    assert!(matches!(big, Error::Connection(WireError::ServerNotAnswering { .. })), "{big:?}");

    served.signal(libc::SIGCONT);
    // The same form, from the same client: it connects again, logs the
    // officer in again and saves.
    let saved = records.add_entry(&actor, form.clone()).unwrap();
    assert_eq!(saved.draft.quantities, form.quantities);
    // Saved once: the request the stopped server had not read was dropped
    // with the connection the client gave up on.
    let acked = BTreeMap::from([(first.id, nth_draft(0)), (saved.id, form)]);
    holds_exactly(&records, &acked);
}

// ------------------------------------------------------ an import meanwhile

/// A server whose writes can be made to fail: SIGXFSZ ignored, so that a
/// write past its file-size limit fails with EFBIG.
fn served_with_size_limit(db: &Path) -> (Served, SizeLimit) {
    let served = Served::try_start_with(db, &[], |command| {
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                Ok(())
            });
        }
    })
    .unwrap();
    let room = SizeLimit { pid: served.child.id(), data: db.join("db") };
    (served, room)
}

/// A full disk makes the server open the database again, which drops
/// every staged import: an officer whose import was being staged then is
/// told the import has ended and to import the file again, not that the
/// database is damaged and must be restored.
#[test]
fn an_import_staged_across_a_full_disk_and_its_reopen_is_refused_as_ended_not_as_damage() {
    let dir = prepared();
    let (served, room) = served_with_size_limit(dir.path());
    let (importing, operator) = officer(&served);
    let import = importing.import_begin(&operator).unwrap();
    importing.import_chunk(&operator, import, (0..20).map(nth_draft).collect()).unwrap();

    let (saving, actor) = officer(&served);
    room.run_out();
    let refused = (0..5000).find_map(|i| saving.add_entry(&actor, nth_draft(i)).err());
    assert_eq!(refused, Some(Error::Store(StoreError::DiskFull)));
    room.give_back();
    saving.add_entry(&actor, nth_draft(1)).unwrap();

    for late in
        [importing.import_chunk(&operator, import, vec![nth_draft(2)]), importing.import_abort(&operator, import)]
    {
        assert_eq!(late, Err(Error::ImportUnknown));
    }
    assert_eq!(importing.import_finish(&operator, import), Err(Error::ImportUnknown));
    // A new import goes through.
    let ids = importing.import(&operator, (0..3).map(nth_draft).collect()).unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(served.client().check().unwrap(), vec![]);
}
