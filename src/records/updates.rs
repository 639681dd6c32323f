//! Live refresh: after a change is durable, the `Local` that made it tells
//! every other subscriber what changed, so a screen showing that programme
//! can redraw. On a server each connection subscribes and forwards what it
//! hears to its client; a client's own changes are not echoed back to it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::domain::reference::{ProgramId, SiteId};

/// What changed. Deliberately coarse: a front end re-reads what it shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Update {
    /// Entries of these programmes (at these sites) were added, corrected,
    /// voided or verified.
    Entries { programs: Vec<ProgramId>, sites: Vec<SiteId> },
    /// Sites, partners, agreements or programmes were added or edited.
    Reference,
    /// Officers were added or edited.
    Officers,
    /// The connection to the server ended (client side only): calls fail
    /// with `Error::ServerStopped` until `Records::reconnect` succeeds.
    Disconnected,
}

/// Returns false once the subscriber is gone, to be dropped.
pub(crate) type Subscriber = Box<dyn Fn(&Update) -> bool + Send>;

/// The subscribers of one database, shared by every `Local` copy over it.
#[derive(Default)]
pub(crate) struct Hub {
    next_origin: AtomicU64,
    subscribers: Mutex<Vec<(u64, Subscriber)>>,
}

impl Hub {
    /// A new origin: changes announced under it skip its own subscribers.
    pub fn new_origin(&self) -> u64 {
        self.next_origin.fetch_add(1, Ordering::Relaxed)
    }

    pub fn subscribe(&self, origin: u64, subscriber: Subscriber) {
        self.lock().push((origin, subscriber));
    }

    /// Drops every subscriber of an origin (a connection that ended).
    pub fn unsubscribe(&self, origin: u64) {
        self.lock().retain(|(o, _)| *o != origin);
    }

    /// Delivers to everyone but `from`. Subscribers only queue the update
    /// (a channel send), so a slow client never holds up the one saving.
    pub fn publish(&self, from: u64, update: &Update) {
        self.lock().retain(|(origin, deliver)| *origin == from || deliver(update));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Subscriber)>> {
        self.subscribers.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_reaches_others_but_not_its_origin() {
        let hub = Hub::default();
        let (a, b) = (hub.new_origin(), hub.new_origin());
        let (tx_a, rx_a) = std::sync::mpsc::channel();
        let (tx_b, rx_b) = std::sync::mpsc::channel();
        hub.subscribe(a, Box::new(move |u: &Update| tx_a.send(u.clone()).is_ok()));
        hub.subscribe(b, Box::new(move |u: &Update| tx_b.send(u.clone()).is_ok()));
        hub.publish(a, &Update::Reference);
        assert_eq!(rx_b.try_recv(), Ok(Update::Reference));
        assert!(rx_a.try_recv().is_err());
        drop(rx_b);
        hub.publish(a, &Update::Officers);
        assert_eq!(hub.lock().len(), 1, "a subscriber whose receiver is gone is dropped");
    }
}
