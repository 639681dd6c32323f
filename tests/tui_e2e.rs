//! The real binary in a pseudo-terminal, read back through a terminal
//! emulator: what an officer at an 80x24 SSH session would see and type.
//! Synchronised on the screen's content, never on sleeps.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use portable_pty::CommandBuilder;

mod common;
#[path = "common/pty.rs"]
mod pty;
use pty::{Ended, Pty};

const BIN: &str = env!("CARGO_BIN_EXE_binalog");
const NOW: &str = "2026-03-10T09:00:00+07:00";
const ADMIN: &str = "198001012005011001";
const OPERATOR: &str = "199001012015031002";
const SUPERVISOR: &str = "198705052010012003";
const PIN: &str = "123456";
/// Generous: a loaded CI machine with two cores hashes PINs slowly.
const PATIENCE: Duration = Duration::from_secs(20);
/// Sent by the program when it leaves the alternate screen.
const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";

/// The database's server, started for the test with the test's clock (a
/// server started on demand keeps the real one: time is the server's).
struct TestServer(std::process::Child);

impl TestServer {
    fn start(db: &Path) -> TestServer {
        use std::io::BufRead;
        let mut child = Command::new(BIN)
            .args(["--lang", "en", "serve", "--create"])
            .env("BINALOG_DB", db)
            .env("BINALOG_FIXED_NOW", NOW)
            .env_remove("BINALOG_DIRECT")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.contains("listening"), "the server did not start: {line}");
        TestServer(child)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One terminal session at a time: these tests wait on real time-outs
/// (the idle lock, a stopped server) and on a real server's argon2, which
/// two cores shared by a dozen sessions at once can starve past any
/// patience. A test that fails still lets the next one run.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

struct Session {
    /// Dropped (binalog stopped) before the server: fields drop in order.
    pty: Pty,
    raw: Vec<u8>,
    /// Taken out by a test whose next interface uses the same server.
    server: Option<TestServer>,
}

impl Session {
    fn start(db: &Path) -> Session {
        Session::start_with(db, &[])
    }

    fn start_with(db: &Path, args: &[&str]) -> Session {
        Session::on(TestServer::start(db), db, args)
    }

    /// The interface as a client of a server already running.
    fn on(server: TestServer, db: &Path, args: &[&str]) -> Session {
        Session::on_term(server, db, args, "xterm")
    }

    /// The same, on a terminal of another `TERM`.
    fn on_term(server: TestServer, db: &Path, args: &[&str], term: &str) -> Session {
        Session::spawn(Some(server), db, args, term, &[])
    }

    /// The interface opening the database in its own process (`--direct`),
    /// with these variables set.
    fn direct(db: &Path, args: &[&str], envs: &[(&str, &Path)]) -> Session {
        Session::spawn(None, db, &[&["--direct"], args].concat(), "xterm", envs)
    }

    fn spawn(server: Option<TestServer>, db: &Path, args: &[&str], term: &str, envs: &[(&str, &Path)]) -> Session {
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env("BINALOG_DB", db);
        cmd.env("BINALOG_FIXED_NOW", NOW);
        cmd.env("TERM", term);
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("LC_ALL");
        cmd.env_remove("BINALOG_LANG");
        cmd.env_remove("BINALOG_DIRECT");
        for (name, value) in envs {
            cmd.env(name, value);
        }
        Session { pty: Pty::spawn(cmd), raw: Vec::new(), server }
    }

    fn contents(&self) -> String {
        self.pty.contents()
    }

    /// Reads output until the screen shows `text`.
    fn wait_for(&mut self, text: &str) {
        self.wait_for_within(text, PATIENCE);
    }

    /// The same, for what comes only after a client's time-outs: a safety
    /// net, never a measure.
    fn wait_for_within(&mut self, text: &str, patience: Duration) {
        self.pty.read_until(|p| p.contents().contains(text), patience, &format!("{text:?}"), &mut self.raw);
    }

    /// Waits until the screen's text is as `done` wants (`what` names it
    /// in the failure).
    fn wait_until(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        self.pty.read_until(|p| done(&p.contents()), PATIENCE, what, &mut self.raw);
    }

    fn send(&mut self, keys: &str) {
        self.pty.send(keys);
    }

    /// q on a screen that quits at once, and the program ends well.
    fn quit(mut self) {
        self.send("q");
        let (code, _) = self.finish();
        assert_eq!(code, 0, "binalog ended with {code}");
    }

    /// Reads until the program closes the terminal, then its exit code.
    fn finish(mut self) -> (u32, Vec<u8>) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.pty.read(deadline.saturating_duration_since(Instant::now())) {
                Ok(bytes) => self.raw.extend_from_slice(&bytes),
                Err(Ended::Closed) => break,
                Err(Ended::Quiet) => {
                    let _ = self.pty.child.kill();
                    panic!("binalog did not end:\n{}", self.contents());
                }
            }
        }
        let status = self.pty.child.wait().unwrap();
        (status.exit_code(), std::mem::take(&mut self.raw))
    }

    /// The server, to keep it running once this interface has ended.
    fn take_server(&mut self) -> TestServer {
        self.server.take().expect("the session's server")
    }

    fn signal(&self, name: &str) {
        let pid = self.pty.child.process_id().expect("a running child");
        let sent = Command::new("kill").arg(format!("-{name}")).arg(pid.to_string()).status().unwrap();
        assert!(sent.success());
    }
}

fn export(db: &Path) -> String {
    binalog(db, &["export", "--as", ADMIN])
}

/// The command line on the same database and clock, in its own process
/// (the session and its server have ended); its standard output. The PIN,
/// for commands that act `--as` an officer, goes on standard input.
fn binalog(db: &Path, args: &[&str]) -> String {
    cli(db, args, true)
}

/// The command line as another officer's terminal, through the server the
/// session runs on: the server pushes its change to the session.
fn served(db: &Path, args: &[&str]) -> String {
    cli(db, args, false)
}

fn cli(db: &Path, args: &[&str], direct: bool) -> String {
    let mut command = Command::new(BIN);
    if direct {
        command.env("BINALOG_DIRECT", "1");
    } else {
        command.env_remove("BINALOG_DIRECT");
    }
    let mut child = command
        .args(args)
        .arg("--pin-stdin")
        .env("BINALOG_DB", db)
        .env("BINALOG_FIXED_NOW", NOW)
        .env_remove("BINALOG_LANG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PIN}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// First run: creates the administrator `name` (NIP `ADMIN`) and logs in.
fn set_up(s: &mut Session, name: &str) {
    s.wait_for("Penyiapan pertama");
    s.send(&format!("{ADMIN}\r{name}\r{PIN}\r"));
    s.wait_for("Ulangi PIN");
    s.send(&format!("{PIN}\r"));
    s.wait_for("Akun administrator dibuat");
    s.send(&format!("{PIN}\r"));
    s.wait_for(" Hari ini ");
    assert!(s.contents().contains("· 10/03/2026"), "today's date in the title:\n{}", s.contents());
}

/// From home: finds the one programme matching `search` and opens its
/// (empty) register.
fn open_programme(s: &mut Session, search: &str) {
    s.send("p");
    s.wait_for("6 dari 6 program");
    s.send(search);
    s.wait_for("1 dari 6 program");
    s.send("\r");
    s.wait_for("Belum ada catatan. Tekan t");
}

/// First run: creates the administrator, logs in, opens the chilli programme.
fn set_up_and_open_programme(s: &mut Session) {
    set_up(s, "Siti Rahma");
    open_programme(s, "cabai");
    s.send("t");
    s.wait_for("Catatan baru: Hortikultura Cabai & Sayur");
}

#[test]
fn an_officer_records_a_harvest_that_export_then_shows() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path());
    set_up_and_open_programme(&mut s);
    // Date and kind keep their defaults (today, harvest); value, unit, item,
    // the button that adds a quantity, participants.
    s.send("\t\t12,5\t\tcabai\t\t4\t\t\r");
    s.wait_for("Tersimpan: Panen 12,5 kg cabai, 10/03/2026.");
    s.wait_for("10/03/2026 Panen           12,5 kg cabai");
    s.send("q");
    let (code, raw) = s.finish();
    assert_eq!(code, 0);
    assert!(raw.windows(LEAVE_ALTERNATE_SCREEN.len()).any(|w| w == LEAVE_ALTERNATE_SCREEN));
    let csv = export(dir.path());
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    let cells: Vec<&str> = rows[0].split(',').collect();
    // date, program_id, kind, item, value, unit, participants, recorded_by
    assert_eq!(
        [cells[1], cells[3], cells[7], cells[8], cells[9], cells[10], cells[11], cells[15]],
        ["2026-03-10", "1", "harvest", "cabai", "12.5", "kg", "4", ADMIN],
        "{csv}"
    );
}

#[test]
fn a_bad_value_is_explained_and_nothing_is_stored() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path());
    set_up_and_open_programme(&mut s);
    s.send("\t\t1.250,5\t\tcabai\t\t\t\t\r");
    s.wait_for("memakai pemisah ribuan");
    s.wait_for("!Nilai");
    s.send("\x1b");
    s.wait_for("Buang isian?");
    s.send("y");
    s.wait_for("Belum ada catatan. Tekan t");
    s.quit();
    let csv = export(dir.path());
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
}

#[test]
fn a_dropped_link_or_a_stop_restores_the_terminal() {
    let _turn = one_at_a_time();
    for (signal, code) in [("HUP", 129), ("TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Session::start(dir.path());
        s.wait_for("Penyiapan pertama");
        s.send("1980");
        s.wait_for("[1980");
        s.signal(signal);
        let (exit, raw) = s.finish();
        assert_eq!(exit, code, "SIG{signal}");
        assert!(raw.windows(LEAVE_ALTERNATE_SCREEN.len()).any(|w| w == LEAVE_ALTERNATE_SCREEN), "SIG{signal}");
    }
}

/// Issue 9: the SSH link drops (SIGHUP) in the middle of a form. The
/// server kept what was typed: at the next login, in a new process, the
/// form is offered back and saves. The participants were typed after the
/// last field change, so only the exit on the signal sent them.
#[test]
fn a_form_cut_off_by_a_hangup_is_offered_at_the_next_login_and_saves() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    binalog(dir.path(), &["init", "--demo"]);
    let mut s = Session::start(dir.path());
    s.wait_for("Masukkan NIP dan PIN Anda.");
    // Log in, t on the first programme, value, item, WBP, and no Tab after.
    s.send(&format!("{OPERATOR}\r{PIN}\rt\t\t7,5\t\tterong\t\t3"));
    s.wait_for("Peserta WBP     [3");
    let server = s.take_server();
    s.signal("HUP");
    let (exit, _) = s.finish();
    assert_eq!(exit, 129);

    let mut s = Session::on(server, dir.path(), &[]);
    s.wait_for("Masukkan NIP dan PIN Anda.");
    s.send(&format!("{OPERATOR}\r{PIN}\r"));
    s.wait_for("Enter: lanjutkan mengisi    d: buang isian");
    assert!(s.contents().contains("Catatan baru: Hortikultura Cabai & Sayur"), "{}", s.contents());
    s.send("\r");
    s.wait_for("Peserta WBP     [3");
    let form = s.contents();
    assert!(form.contains("[7,5") && form.contains("[terong"), "the form as it was left:\n{form}");
    // From the date to Simpan: eight fields on.
    s.send("\t\t\t\t\t\t\t\t\r");
    s.wait_for("Tersimpan: Panen 7,5 kg terong, 10/03/2026.");
    s.wait_for("Esc kembali  ? bantuan");
    s.quit();
    let csv = binalog(dir.path(), &["export", "--program", "1", "--from", "10/03/2026", "--as", ADMIN]);
    let rows: Vec<Vec<&str>> =
        csv.lines().map(|l| l.split(',').collect::<Vec<_>>()).filter(|c| c.get(8) == Some(&"terong")).collect();
    // value, unit, participants, recorded_by
    let seen: Vec<[&str; 4]> = rows.iter().map(|c| [c[9], c[10], c[11], c[15]]).collect();
    assert_eq!(seen, [["7.5", "kg", "3", OPERATOR]], "{csv}");
}

/// Issue 4 end to end: an operator records an entry, the idle lock
/// engages, a supervisor logs in, corrects the entry with a reason, and the
/// entry's history shows both officers' revisions; the export with history
/// shows revisions 1 and 2. Each officer's keys go in one write: with a
/// one-second lock, a pause between keys on a busy machine must not lock
/// the terminal halfway through.
#[test]
fn the_idle_lock_engages_and_another_officer_corrects_with_a_reason() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    binalog(dir.path(), &["init", "--demo"]);
    let mut s = Session::start_with(dir.path(), &["--idle-lock", "1s"]);
    s.wait_for("Masukkan NIP dan PIN Anda.");
    // Log in, t on the first programme, value, item, WBP, save.
    s.send(&format!("{OPERATOR}\r{PIN}\rt\t\t12,5\t\tcabai\t\t4\t\t\r"));
    s.wait_for("Tersimpan: Panen 12,5 kg cabai, 10/03/2026.");
    // The footer is the last line a frame writes: the whole lock screen is in.
    s.wait_for("Tab ganti petugas  Ctrl-C keluar  ? bantuan");
    let locked = s.contents();
    assert!(locked.contains("Dipakai oleh Operator Demo (199001012015031002)."), "{locked}");
    assert!(!locked.contains("Hortikultura") && !locked.contains("cabai"), "record data on the lock:\n{locked}");
    // Tab: another officer. Home, the programme, its newest entry, correct:
    // WBP 4 -> 5 (six Tabs from the date), then the reason, then save.
    s.send(&format!("\t{SUPERVISOR}\r{PIN}\r\r\rc\t\t\t\t\t\t\x7f5\t\tditimbang ulang\t\r"));
    s.wait_for("Koreksi tersimpan sebagai revisi 2.");
    s.wait_for("b batalkan  Esc kembali  x ganti petugas");
    let history = s.contents();
    for shown in [
        "Rev. 1  10/03/2026 09:00 WIB  Operator Demo (199001012015031002)",
        ">Rev. 2  10/03/2026 09:00 WIB  Supervisor Demo (198705052010012003)",
        "Peserta WBP: 4 WBP → 5 WBP",
        "Alasan: ditimbang ulang",
    ] {
        assert!(history.contains(shown), "no {shown:?} in the history:\n{history}");
    }
    s.wait_for("Ctrl-C keluar");
    s.send("\x03");
    let (code, _) = s.finish();
    assert_eq!(code, 0);
    let csv = binalog(dir.path(), &["export", "--history", "--program", "1", "--from", "10/03/2026", "--as", ADMIN]);
    let revisions: Vec<Vec<&str>> =
        csv.lines().map(|l| l.split(',').collect::<Vec<_>>()).filter(|c| c.get(8) == Some(&"cabai")).collect();
    // revision, status, participants, recorded_by
    let seen: Vec<[&str; 4]> = revisions.iter().map(|c| [c[14], c[13], c[11], c[15]]).collect();
    assert_eq!(seen, [["1", "superseded", "4", OPERATOR], ["2", "done", "5", SUPERVISOR]], "{csv}");
}

/// Several quantities in one entry: 12,5 kg cabai and 4 kg tomat, the
/// second row added with + on the "[ + Jumlah lagi ]" button. The export
/// writes one row per quantity, both with the entry's id.
#[test]
fn an_officer_records_two_quantities_in_one_entry() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path());
    set_up_and_open_programme(&mut s);
    s.send("\t\t12,5\t\tcabai\t+");
    s.wait_for("Nilai 2");
    s.send("4\t\ttomat\t\t4\t\t\r");
    s.wait_for("Tersimpan: Panen 12,5 kg cabai, 4 kg tomat, 10/03/2026.");
    s.wait_for("10/03/2026 Panen           12,5 kg cabai");
    s.send("\r");
    // The footer is the last line a frame writes: the whole entry is in.
    s.wait_for("j/k gulir  c koreksi");
    let view = s.contents();
    assert!(view.contains("Jumlah            12,5 kg cabai"), "{view}");
    assert!(view.contains("                  4 kg tomat"), "one quantity a line:\n{view}");
    s.quit();
    let csv = export(dir.path());
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    // entry_id, item, value, unit, participants
    let seen: Vec<[&str; 5]> = rows.iter().map(|c| [c[0], c[8], c[9], c[10], c[11]]).collect();
    let id = seen[0][0];
    assert!(!id.is_empty());
    assert_eq!(seen, [[id, "cabai", "12.5", "kg", "4"], [id, "tomat", "4", "kg", "4"]], "{csv}");
}

/// Issue 9: the server is stopped (SIGSTOP) while an officer saves. The
/// screen stays alive (it says it is waiting, help opens and Esc closes
/// it), then says the server is not answering and keeps the form; once
/// the server continues, the same form saves, and only once.
#[test]
fn a_stopped_server_never_freezes_the_form_and_the_same_form_saves_after_it_continues() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path());
    set_up_and_open_programme(&mut s);
    s.send("\t\t12,5\t\tcabai\t\t4\t\t");
    s.wait_for("12,5");
    let server = s.server.as_ref().expect("the session's server").0.id();
    let stop = Command::new("kill").args(["-STOP", &server.to_string()]).status().unwrap();
    assert!(stop.success());
    common::serve::until_stopped(server);

    s.send("\r");
    s.wait_for("Masih menunggu jawaban");
    // The keys still work while the save waits.
    s.send("?");
    s.wait_for("Di semua layar");
    s.send("\x1b");
    s.wait_for("Catatan baru: Hortikultura Cabai & Sayur");
    // A draft being kept when the server stopped answers first (after its
    // time-out), then the save (after its own): up to two time-outs.
    s.wait_for_within("tidak menjawab", PATIENCE * 3);
    let refused = s.contents();
    assert!(refused.contains("12,5") && refused.contains("cabai"), "the form is kept:\n{refused}");
    assert!(!refused.contains("Di semua layar"), "Esc closed the help while the save waited:\n{refused}");

    let cont = Command::new("kill").args(["-CONT", &server.to_string()]).status().unwrap();
    assert!(cont.success());
    s.send("\r");
    s.wait_for("Tersimpan: Panen 12,5 kg cabai, 10/03/2026.");
    s.quit();
    let csv = export(dir.path());
    assert_eq!(csv.lines().skip(1).count(), 1, "saved once: {csv}");
}

/// Issue 10: an officer's long name is shortened in the header, never the
/// programme's name, and the lock box still tells another officer to press
/// Tab.
#[test]
fn a_long_officer_name_leaves_the_programme_in_the_title_and_the_lock_box_whole() {
    let _turn = one_at_a_time();
    let long = "Raden Mas Bambang Sulistyo Wicaksono Hadiningrat Putra Nusantara";
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path());
    set_up(&mut s, long);
    open_programme(&mut s, "cabai");
    let header = s.contents().lines().next().unwrap_or_default().to_string();
    assert!(header.contains("binalog · Hortikultura Cabai & Sayur"), "{header}");
    assert!(header.contains("Raden Mas") && header.contains("…") && header.contains("10/03/2026"), "{header}");
    s.send("\x0c");
    s.wait_for("Tab ganti petugas");
    let locked = s.contents();
    let joined = locked.split('│').map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ");
    assert!(joined.contains("Petugas lain: tekan Tab untuk masuk."), "{locked}");
    assert!(joined.contains(&format!("({ADMIN})")), "{locked}");
    s.send("\x03");
    let (code, _) = s.finish();
    assert_eq!(code, 0);
}

impl Session {
    /// The text of the line holding the `>` of the selection, marker aside.
    fn selected_row(&self) -> String {
        let contents = self.contents();
        let line = contents.lines().find(|l| l.starts_with('>')).unwrap_or_else(|| panic!("no selection:\n{contents}"));
        line.trim_start_matches('>').trim().to_string()
    }

    /// The column of the last character on `row` before column `before`.
    fn last_column(&self, row: u16, before: u16) -> Option<u16> {
        let screen = self.pty.screen.screen();
        (0..before).rev().find(|&col| screen.cell(row, col).is_some_and(|c| !c.contents().trim().is_empty()))
    }

    /// The row whose text contains `text`.
    fn row_of(&self, text: &str) -> u16 {
        let contents = self.contents();
        contents.lines().position(|l| l.contains(text)).unwrap_or_else(|| panic!("no {text:?}:\n{contents}")) as u16
    }

    /// Where the totals (under the register, in columns) show `text`:
    /// its row and the first cell of its column.
    fn totals_at(&self, text: &str) -> (u16, u16) {
        let screen = self.pty.screen.screen();
        let title = self.row_of(" Jumlah ");
        let cells = |row: u16, from: u16| -> String {
            // A blank cell holds nothing, a wide character's second half too.
            let shown = |c: &vt100::Cell| match c.contents() {
                _ if c.is_wide_continuation() => String::new(),
                "" => " ".to_string(),
                s => s.to_string(),
            };
            (from..(from + TOTALS_CELLS).min(80)).filter_map(|col| screen.cell(row, col)).map(shown).collect()
        };
        (title + 1..24)
            .flat_map(|row| [0, TOTALS_CELLS + TOTALS_GAP].map(|from| (row, from)))
            .find(|&(row, from)| cells(row, from).contains(text))
            .unwrap_or_else(|| panic!("no {text:?} in the totals:\n{}", self.contents()))
    }
}

/// A column of totals, and the blank cells between two.
const TOTALS_CELLS: u16 = binalog::tui::screens::program::TOTALS_CELLS;
const TOTALS_GAP: u16 = binalog::tui::screens::program::TOTALS_GAP;

/// Another officer saves harvest `qty` in programme 1 today, through the server.
fn another_officer_saves(db: &Path, qty: &str) {
    served(db, &["entry", "add", "--program", "1", "--kind", "harvest", "--qty", qty, "--as", SUPERVISOR]);
}

/// Issue 10: saves pushed by another officer keep the `>` on the entry it
/// was on (Enter opens that one), and saves made while the terminal is
/// locked show once it is unlocked.
#[test]
fn pushed_saves_keep_the_selection_and_show_after_an_unlock() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    binalog(dir.path(), &["init", "--demo"]);
    let mut s = Session::start(dir.path());
    s.wait_for("Masukkan NIP dan PIN Anda.");
    s.send(&format!("{OPERATOR}\r{PIN}\r\r"));
    s.wait_for("Catatan, terbaru dulu");
    s.send("jj");
    // Both steps drawn: the two keys may come in one read or in two.
    s.wait_until("the register's third row selected", |c| {
        c.lines().skip_while(|l| !l.contains("Catatan, terbaru dulu")).nth(3).is_some_and(|l| l.starts_with('>'))
    });
    let chosen = s.selected_row();
    assert!(chosen.contains("09/03/2026"), "{chosen}");
    another_officer_saves(dir.path(), "7,1250 kg terong");
    s.wait_for("7,125 kg tero");
    assert_eq!(s.selected_row(), chosen, "the selection moved:\n{}", s.contents());
    s.send("\r");
    s.wait_for("j/k gulir");
    let view = s.contents();
    assert!(view.contains("Tanggal           09/03/2026"), "Enter opened another entry:\n{view}");
    s.send("\x1b");
    s.wait_for("Catatan, terbaru dulu");
    s.send("\x0c");
    s.wait_for("Tab ganti petugas");
    another_officer_saves(dir.path(), "9,3750 kg tomat");
    s.send(&format!("{PIN}\r"));
    s.wait_for("9,375 kg tomat");
    s.quit();
}

/// Issue 10: Ctrl-C on a form being typed asks first; a second one quits.
#[test]
fn ctrl_c_on_a_typed_form_warns_before_quitting() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path());
    set_up_and_open_programme(&mut s);
    s.send("\t\t12,5");
    s.wait_for("[12,5");
    s.send("\x03");
    s.wait_for("Tekan Ctrl-C lagi untuk tetap keluar.");
    assert!(s.contents().contains("[12,5"), "the form is still there:\n{}", s.contents());
    s.send("\x03");
    let (code, _) = s.finish();
    assert_eq!(code, 0);
}

/// Issue 10: long notes are read in full on the entry screen, scrolling.
#[test]
fn long_notes_can_be_read_in_full() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    binalog(dir.path(), &["init", "--demo"]);
    let words: Vec<String> = (1..=70).map(|n| format!("kata{n}")).collect();
    let notes = words.join(" ");
    binalog(
        dir.path(),
        &[
            "entry",
            "add",
            "--program",
            "1",
            "--kind",
            "harvest",
            "--qty",
            "2 kg cabai",
            "--notes",
            &notes,
            "--as",
            OPERATOR,
        ],
    );
    let mut s = Session::start(dir.path());
    s.wait_for("Masukkan NIP dan PIN Anda.");
    s.send(&format!("{OPERATOR}\r{PIN}\r\r"));
    s.wait_for("2 kg cabai");
    s.send("\r");
    s.wait_for("j/k gulir");
    let mut seen = s.contents();
    s.send("jjjjjjjjjjjj");
    s.wait_for("kata70");
    seen.push_str(&s.contents());
    for word in &words {
        assert!(seen.split(|c: char| c.is_whitespace() || c == '│').any(|w| w == word), "{word} never shown:\n{seen}");
    }
    s.quit();
}

/// Issue 10: CJK items keep the totals' columns, and two emoji leave a
/// field's closing bracket in place.
#[test]
fn wide_characters_keep_columns_and_brackets_in_place() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    binalog(dir.path(), &["init", "--demo"]);
    for qty in ["3 kg 鸡蛋鸡蛋鸡蛋", "3 kg 🐑🐑"] {
        binalog(dir.path(), &["entry", "add", "--program", "1", "--kind", "harvest", "--qty", qty, "--as", OPERATOR]);
    }
    let mut s = Session::start(dir.path());
    s.wait_for("Masukkan NIP dan PIN Anda.");
    s.send(&format!("{OPERATOR}\r{PIN}\r\r"));
    // The footer is the last line a frame writes: the whole register is in.
    s.wait_for("t catat baru");
    // The year's totals end in the same cell of their column on every row.
    let ends: Vec<Option<u16>> = [" cabai kg", "鸡", "🐑", " terong kg"]
        .iter()
        .map(|item| {
            let (row, from) = s.totals_at(item);
            s.last_column(row, from + TOTALS_CELLS).map(|end| end - from)
        })
        .collect();
    assert!(ends.iter().all(|e| *e == ends[0] && e.is_some()), "{ends:?}:\n{}", s.contents());
    s.send("t");
    s.wait_for("Catatan baru");
    let row = s.row_of("Barang");
    let bracket = s.last_column(row, 47);
    s.send("\t\t\t\t🐑🐑");
    s.wait_for("[🐑🐑");
    assert_eq!(s.last_column(row, 47), bracket, "{}", s.contents());
    s.send("\x03\x03");
    let (code, _) = s.finish();
    assert_eq!(code, 0);
}

/// Issue 10: a death past the herd asks for a reason, and the count below
/// zero is marked in words.
#[test]
fn a_death_past_the_herd_asks_for_a_reason_and_the_count_is_marked_below_zero() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path());
    set_up(&mut s, "Siti Rahma");
    open_programme(&mut s, "domba");
    // A head count of 44 (the first kind of a livestock programme).
    s.send("t");
    s.wait_for("Catatan baru: Peternakan Domba");
    s.send("\t\t44\t\tdomba\t\t\t\t\r");
    s.wait_for("Tersimpan:");
    // Then a death of 100: the form says what it would leave and asks why.
    s.send("t");
    s.wait_for("Catatan baru: Peternakan Domba");
    s.send("\t\x1b[B\x1b[B\x1b[B\t100\t\tdomba\t\t\tsakit\t\r");
    s.wait_for("domba: ada 44 ekor, tersisa -56 ekor.");
    s.send("\r");
    s.wait_for("Tulis alasannya dulu");
    s.send("hitungan lalu salah\r");
    s.wait_for("Tersimpan:");
    s.wait_for("!domba            -56 ekor");
    s.wait_for("di bawah nol, periksa hitungan");
    s.quit();
    let csv = export(dir.path());
    assert!(csv.contains("sakit / hitungan lalu salah"), "the reason is kept: {csv}");
}

#[test]
fn a_vt100_gets_neither_colour_nor_an_alternate_screen() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::on_term(TestServer::start(dir.path()), dir.path(), &[], "vt100");
    set_up(&mut s, "Siti Rahma");
    assert!(s.contents().contains(" Hari ini "), "home drawn:\n{}", s.contents());
    s.send("q");
    let (code, raw) = s.finish();
    assert_eq!(code, 0);
    let text = String::from_utf8_lossy(&raw);
    assert!(!text.contains("\x1b[?1049"), "no alternate screen");
    // Every style change: none sets a foreground or background colour.
    for sgr in text.split("\x1b[").skip(1).filter_map(|s| s.split_once('m').map(|(codes, _)| codes)) {
        if sgr.chars().all(|c| c.is_ascii_digit() || c == ';') {
            for code in sgr.split(';').filter_map(|c| c.parse::<u32>().ok()) {
                assert!(!(30..=49).contains(&code) && !(90..=107).contains(&code), "colour {code} in {sgr:?}");
            }
        }
    }
}

/// The login screen is drawn before the database is open, and what the
/// officer types meanwhile is kept: here the database's open waits (a
/// debug build's `BINALOG_OPEN_AFTER` FIFO) until the NIP, the PIN and
/// Enter are typed and the NIP is on the screen; then home comes.
#[test]
fn keys_typed_while_the_database_opens_log_the_officer_in() {
    let _turn = one_at_a_time();
    let dir = common::prepared();
    let db = dir.path();
    let gate = tempfile::tempdir().unwrap();
    let fifo = gate.path().join("open-after");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let mut s = Session::direct(db, &["--lang", "en"], &[(binalog::tui::OPEN_AFTER_ENV, &fifo)]);
    s.wait_for("NIP");
    s.send(&format!("{}\r{}\r", common::ADMIN_NIP, common::ADMIN_PIN));
    // The NIP is drawn as it was typed: the keys were handled while the
    // database was still waiting to be opened.
    s.wait_for(common::ADMIN_NIP);
    assert!(!s.contents().contains(" Today "), "home before the database was open:\n{}", s.contents());
    // Lets the open go on: opening the FIFO for writing meets its reader.
    drop(std::fs::OpenOptions::new().write(true).open(&fifo).unwrap());
    s.wait_for(" Today ");
    assert!(s.contents().contains("· 10/03/2026"), "today's date in the title:\n{}", s.contents());
    s.quit();
}

/// A database that cannot be opened ends the interface (its login was
/// drawn meanwhile) with what any command says about it, the terminal
/// given back first.
#[test]
fn a_damaged_database_ends_the_interface_with_its_message() {
    let _turn = one_at_a_time();
    let dir = common::prepared();
    let db = dir.path();
    let mut bytes = std::fs::read(db.join("db")).unwrap();
    for b in &mut bytes[20..24] {
        *b ^= 0xAA;
    }
    std::fs::write(db.join("db"), &bytes).unwrap();
    let said = common::stderr(&common::run(db, &["--lang", "en", "export"]));
    assert!(said.contains("is damaged"), "{said}");
    let s = Session::direct(db, &["--lang", "en"], &[]);
    let (code, raw) = s.finish();
    assert_eq!(code, 1);
    let left = raw.windows(LEAVE_ALTERNATE_SCREEN.len()).position(|w| w == LEAVE_ALTERNATE_SCREEN);
    let after = String::from_utf8_lossy(&raw[left.expect("the alternate screen was left")..]).replace("\r\n", "\n");
    let first = said.lines().next().unwrap();
    assert!(after.contains(first), "{first:?} not in {after:?}");
}
