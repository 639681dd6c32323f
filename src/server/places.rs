//! How many connections the server holds, in all and per Unix user, and
//! the caps on both. A connection holds a `Place` from its accept until
//! its session lets go of it, which the session does before it closes the
//! socket: a client that has seen its connection end can count on its
//! place being free again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::protocol::Busy;

pub(crate) struct Places {
    max_per_user: usize,
    max_total: usize,
    held: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    total: usize,
    /// Keyed by the peer's uid; `None` when the kernel would not say.
    per_user: HashMap<Option<u32>, usize>,
}

/// One connection's place; dropping it frees the place.
pub(crate) struct Place {
    places: Arc<Places>,
    uid: Option<u32>,
}

impl Places {
    pub fn new(max_per_user: usize, max_total: usize) -> Arc<Places> {
        Arc::new(Places { max_per_user, max_total, held: Mutex::new(Held::default()) })
    }

    fn lock(&self) -> MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place for a connection of `uid`, or why there is none. The user
    /// cap is told first: it names who should close something.
    pub fn take(self: &Arc<Places>, uid: Option<u32>) -> Result<Place, Busy> {
        let cap = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut held = self.lock();
        if held.per_user.get(&uid).copied().unwrap_or(0) >= self.max_per_user {
            let user = uid.map_or_else(|| "unknown".to_string(), crate::unix::user_name);
            return Err(Busy::User { user, max: cap(self.max_per_user) });
        }
        if held.total >= self.max_total {
            return Err(Busy::Total { max: cap(self.max_total) });
        }
        held.total += 1;
        *held.per_user.entry(uid).or_default() += 1;
        Ok(Place { places: self.clone(), uid })
    }

    #[cfg(test)]
    fn total(&self) -> usize {
        self.lock().total
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut held = self.places.lock();
        held.total -= 1;
        if let Some(count) = held.per_user.get_mut(&self.uid) {
            *count -= 1;
            if *count == 0 {
                held.per_user.remove(&self.uid);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_cap_and_the_total_cap_refuse_and_a_freed_place_is_taken_again() {
        let places = Places::new(2, 3);
        let a1 = places.take(Some(1)).unwrap();
        let _a2 = places.take(Some(1)).unwrap();
        assert!(matches!(places.take(Some(1)), Err(Busy::User { max: 2, .. })));
        let _b1 = places.take(Some(2)).unwrap();
        assert_eq!(places.take(Some(3)).err(), Some(Busy::Total { max: 3 }));
        drop(a1);
        assert_eq!(places.total(), 2);
        assert!(places.take(Some(1)).is_ok());
        assert_eq!(places.total(), 2, "the place taken above was freed when dropped");
    }
}
