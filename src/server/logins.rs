//! Logins run on a few threads of their own. Checking a PIN (argon2id)
//! takes about 19 MiB for its moment; run on each connection's thread,
//! as many connections as may be open, not yet logged in, could each
//! claim that at once (256 of them: nearly 5 GB), and the allocator keeps
//! such memory in each thread's arena afterwards. On a fixed few threads
//! the PIN checks wait their turn and the memory they take stays that of
//! a few.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// The login threads; cheap to clone for each session. The threads end
/// when the last clone is dropped.
#[derive(Clone)]
pub(crate) struct Logins {
    jobs: Sender<Job>,
}

impl Logins {
    pub fn start(threads: usize) -> Logins {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            // A thread that cannot start leaves the others; with none,
            // `run` answers `None` and the connection is closed.
            let _ = std::thread::Builder::new().name(format!("binalog-login-{i}")).spawn(move || work(&queue));
        }
        Logins { jobs }
    }

    /// Runs `job` on a login thread and waits for its result; `None` if
    /// no login thread is left to run it.
    pub fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (tx, rx) = mpsc::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(job());
            }))
            .ok()?;
        rx.recv().ok()
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock().unwrap_or_else(|e| e.into_inner()).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        job();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_on_the_login_threads_and_their_results_come_back() {
        let logins = Logins::start(2);
        let names: Vec<String> = (0..8)
            .map(|_| logins.run(|| std::thread::current().name().unwrap_or_default().to_string()).unwrap())
            .collect();
        assert!(names.iter().all(|n| n.starts_with("binalog-login-")), "{names:?}");
        assert_eq!(logins.run(|| 6 * 7), Some(42));
    }
}
