//! What waits to be written to one client, bounded in bytes, so that a
//! client that never reads cannot make the server hold an unbounded pile
//! of answers and pushed updates. A frame always fits into an empty
//! outbox (an answer may be large: an export), so the bound is the cap
//! plus one frame.
//!
//! Answers wait for room: the session stops reading requests until the
//! client reads, which is back-pressure, not memory. Pushes come from
//! other officers' sessions and must never wait: a push that finds no
//! room breaks the connection instead.

use std::collections::VecDeque;
use std::io::Write;
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::sync::{Condvar, Mutex, MutexGuard};

pub(crate) struct Outbox {
    state: Mutex<State>,
    changed: Condvar,
    /// Shut down when a push breaks the connection, which wakes both the
    /// session's reader and a writer blocked on the client.
    stream: UnixStream,
}

struct State {
    frames: VecDeque<Vec<u8>>,
    bytes: usize,
    /// No more frames come in; the writer sends what is queued, then ends.
    finished: bool,
    /// The connection is given up: nothing more is sent.
    broken: bool,
    /// The writer holds a frame it took and may be writing it.
    writing: bool,
    cap: usize,
}

impl Outbox {
    pub fn new(stream: UnixStream, cap: usize) -> Outbox {
        let state = State { frames: VecDeque::new(), bytes: 0, finished: false, broken: false, writing: false, cap };
        Outbox { state: Mutex::new(state), changed: Condvar::new(), stream }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn room_for(&self, state: &State, len: usize) -> bool {
        state.bytes == 0 || state.bytes + len <= state.cap
    }

    /// A new cap (a connection that logged in may have more waiting).
    pub fn set_cap(&self, cap: usize) {
        self.lock().cap = cap;
        self.changed.notify_all();
    }

    fn push_back(&self, state: &mut State, frame: Vec<u8>) {
        state.bytes += frame.len();
        state.frames.push_back(frame);
        self.changed.notify_all();
    }

    /// Queues an answer, waiting while the outbox is full. False once the
    /// connection is broken.
    pub fn put(&self, frame: Vec<u8>) -> bool {
        let mut state = self.lock();
        while !state.broken && !self.room_for(&state, frame.len()) {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        if state.broken {
            return false;
        }
        self.push_back(&mut state, frame);
        true
    }

    /// Queues a pushed update without waiting. A full outbox breaks the
    /// connection (the client has stopped reading) and answers false.
    pub fn offer(&self, frame: Vec<u8>) -> bool {
        let mut state = self.lock();
        if state.broken {
            return false;
        }
        if !self.room_for(&state, frame.len()) {
            drop(state);
            self.break_off();
            return false;
        }
        self.push_back(&mut state, frame);
        true
    }

    /// The writer's next frame: waits for one; `None` when finished and
    /// empty, or broken.
    pub fn take(&self) -> Option<Vec<u8>> {
        let mut state = self.lock();
        state.writing = false;
        loop {
            if state.broken {
                return None;
            }
            if let Some(frame) = state.frames.pop_front() {
                state.bytes -= frame.len();
                state.writing = true;
                self.changed.notify_all();
                return Some(frame);
            }
            if state.finished {
                return None;
            }
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// No more answers: the writer sends what is queued and ends.
    pub fn finish(&self) {
        self.lock().finished = true;
        self.changed.notify_all();
    }

    /// Gives the connection up: drops what is queued and shuts the socket.
    pub fn break_off(&self) {
        self.break_off_saying(&[]);
    }

    /// Gives the connection up, with `last` as its last frame if it can
    /// go at once: only when the writer is between frames (so frames do
    /// not interleave) and without waiting on a client that does not read.
    pub fn break_off_saying(&self, last: &[u8]) {
        {
            let mut state = self.lock();
            state.broken = true;
            state.frames.clear();
            state.bytes = 0;
            // The writer takes no frame once broken, so under the lock the
            // socket is ours alone.
            if !state.writing && !last.is_empty() && self.stream.set_nonblocking(true).is_ok() {
                let _ = (&self.stream).write(last);
            }
        }
        self.changed.notify_all();
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    #[cfg(test)]
    fn queued_bytes(&self) -> usize {
        self.lock().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_push_past_the_cap_breaks_the_connection_and_frees_the_queue() {
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        let outbox = Outbox::new(ours, 100);
        assert!(outbox.offer(vec![0; 300]), "a frame always fits into an empty outbox");
        assert!(!outbox.offer(vec![0; 10]), "no room after an over-sized frame");
        assert_eq!(outbox.queued_bytes(), 0);
        assert!(!outbox.put(vec![0; 1]));
        assert_eq!(outbox.take(), None);
        let mut rest = Vec::new();
        std::io::Read::read_to_end(&mut theirs, &mut rest).unwrap();
        assert!(rest.is_empty(), "the socket was shut down");
    }

    #[test]
    fn a_last_frame_goes_only_between_frames() {
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        let outbox = Outbox::new(ours, 100);
        assert!(outbox.put(vec![1; 10]));
        assert!(outbox.put(vec![2; 10]));
        assert_eq!(outbox.take(), Some(vec![1; 10]));
        // The writer holds a frame: the last one must not cut into it.
        outbox.break_off_saying(b"bye");
        let mut rest = Vec::new();
        std::io::Read::read_to_end(&mut theirs, &mut rest).unwrap();
        assert!(rest.is_empty(), "{rest:?}");

        let (ours, mut theirs) = UnixStream::pair().unwrap();
        let outbox = Outbox::new(ours, 100);
        outbox.break_off_saying(b"bye");
        let mut rest = Vec::new();
        std::io::Read::read_to_end(&mut theirs, &mut rest).unwrap();
        assert_eq!(rest, b"bye");
    }

    #[test]
    fn an_answer_waits_for_room_and_a_finished_outbox_drains() {
        let (ours, _theirs) = UnixStream::pair().unwrap();
        let outbox = std::sync::Arc::new(Outbox::new(ours, 100));
        assert!(outbox.put(vec![1; 60]));
        let waiting = {
            let outbox = outbox.clone();
            std::thread::spawn(move || outbox.put(vec![2; 60]))
        };
        // The second answer fits only once the first is taken.
        assert_eq!(outbox.take(), Some(vec![1; 60]));
        assert!(waiting.join().unwrap());
        outbox.finish();
        assert_eq!(outbox.take(), Some(vec![2; 60]));
        assert_eq!(outbox.take(), None);
    }
}
