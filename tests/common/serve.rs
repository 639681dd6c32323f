//! A real `binalog serve` process on a real Unix socket, for the server
//! tests. Readiness is the line the server prints once it listens: no
//! sleeping, no polling.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::records::Records;

use super::{now, served};

pub struct Served {
    pub child: Child,
    pub socket: PathBuf,
    /// What the server wrote on standard error so far.
    pub log: Arc<Mutex<String>>,
}

impl Served {
    /// Starts `binalog serve` on `db` with extra arguments and waits until
    /// it listens; panics with its message if it cannot.
    pub fn start(db: &Path, extra: &[&str]) -> Served {
        Served::try_start(db, extra).unwrap_or_else(|message| panic!("serve did not start: {message}"))
    }

    /// Starts it, or returns what it said when it could not.
    pub fn try_start(db: &Path, extra: &[&str]) -> Result<Served, String> {
        Served::try_start_with(db, extra, |_| {})
    }

    /// Starts it with something more set on its command (limits, say).
    pub fn try_start_with(db: &Path, extra: &[&str], prepare: impl FnOnce(&mut Command)) -> Result<Served, String> {
        let mut command = served(db);
        prepare(&mut command);
        let mut child = command
            .args(["--lang", "en", "serve"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let mut stderr = child.stderr.take().unwrap();
        if !line.contains("listening") {
            let mut message = String::new();
            stderr.read_to_string(&mut message).unwrap();
            child.wait().unwrap();
            return Err(message);
        }
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&line);
            }
        });
        Ok(Served { child, socket: db.join("binalog.sock"), log })
    }

    /// A client on the socket, with the tests' clock, logged in as the
    /// admin (the server answers nothing but login to nobody).
    pub fn client(&self) -> Records {
        let records = self.anonymous();
        records.login(super::ADMIN_NIP, super::ADMIN_PIN).unwrap();
        records
    }

    /// A client on the socket that has not logged in.
    pub fn anonymous(&self) -> Records {
        Records::connect(&self.socket, Box::new(FixedClock(now())), wib()).unwrap()
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: kill takes no pointers; the child has not been waited for.
        assert_eq!(unsafe { libc::kill(self.child.id() as i32, signal) }, 0);
    }

    /// SIGKILL: no clean-up at all, as a power cut or the OOM killer.
    pub fn kill(&mut self) {
        self.signal(libc::SIGKILL);
        self.child.wait().unwrap();
    }

    /// SIGTERM, then its exit status.
    pub fn terminate(&mut self) -> ExitStatus {
        self.signal(libc::SIGTERM);
        self.child.wait().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until every thread of process `pid` has stopped: SIGSTOP is sent
/// at once, but each thread stops on its own way back from the kernel, and
/// a thread still running could yet serve the request meant to find the
/// server stopped.
pub fn until_stopped(pid: u32) {
    let all_stopped = || {
        std::fs::read_dir(format!("/proc/{pid}/task")).unwrap().all(|task| {
            let stat = std::fs::read_to_string(task.unwrap().path().join("stat")).unwrap_or_default();
            let state = stat.rfind(')').and_then(|end| stat[end + 1..].split_whitespace().next());
            matches!(state, Some("T" | "t"))
        })
    };
    while !all_stopped() {
        std::thread::yield_now();
    }
}
