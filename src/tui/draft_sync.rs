//! What the server keeps of the form being typed, as this process knows
//! it: the model's part of the draft keeping that `drafts` carries out.

use std::sync::{Arc, Mutex};

use crate::records::{Actor, FormDraft, Records};

/// What the server keeps of the logged-in officer's form, as this process
/// knows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DraftSync {
    pub(super) kept: Kept,
    /// Keys typed since the form was last sent.
    pub(super) keys: u32,
    /// The form as typed since it was last sent, for an exit on a signal.
    pub unsent: Unsent,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) enum Kept {
    /// Nothing: no draft, or it was discarded.
    #[default]
    Nothing,
    /// This draft, sent from this process.
    Same(FormDraft),
    /// Perhaps one, from before this login (a lock, another process).
    Unknown,
}

/// The form not yet on the server and whose it is, shared with the thread
/// that ends the process on a signal.
#[derive(Clone, Debug, Default)]
pub struct Unsent(Arc<Mutex<Option<(Actor, FormDraft)>>>);

/// The slot is plumbing, not part of what the interface shows: two models
/// are the same whatever it holds.
impl PartialEq for Unsent {
    fn eq(&self, _: &Unsent) -> bool {
        true
    }
}

impl Eq for Unsent {}

impl Unsent {
    /// Takes what is waiting, leaving nothing.
    pub fn take(&self) -> Option<(Actor, FormDraft)> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    pub(super) fn set(&self, unsent: Option<(Actor, FormDraft)>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = unsent;
    }
}

/// Sends the form typed since it was last kept, if any: on the way out of
/// the process (a signal, a terminal gone, quitting). A failure cannot be
/// told to anyone any more; the draft kept before it stays on the server.
pub fn send_unsent(records: &Records, unsent: &Unsent) {
    if let Some((actor, draft)) = unsent.take() {
        let _ = records.save_draft(&actor, draft);
    }
}
