//! PINs are kept only as argon2id hashes (PHC strings with their salt).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub fn hash_pin(pin: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any PIN")
        .to_string()
}

pub fn verify_pin(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok())
}

/// PIN checks that may run at once, whatever front end asks. argon2 takes
/// about 19 MiB and tens of milliseconds per check on purpose; hundreds of
/// logins at once would otherwise take gigabytes. The rest wait their
/// turn. (The server also runs logins on as many threads of their own,
/// `server::logins`, so the memory stays in those threads' arenas.)
pub const PIN_CHECKS_AT_ONCE: usize = 2;

#[derive(Default)]
pub struct PinGate {
    busy: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

/// A turn at checking a PIN; the next waiter goes when it is dropped.
pub struct PinTurn<'a>(&'a PinGate);

impl PinGate {
    pub fn enter(&self) -> PinTurn<'_> {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        while *busy >= PIN_CHECKS_AT_ONCE {
            busy = self.freed.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy += 1;
        PinTurn(self)
    }
}

impl Drop for PinTurn<'_> {
    fn drop(&mut self) {
        *self.0.busy.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_pin_only() {
        let hash = hash_pin("246810");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_pin("246810", &hash));
        assert!(!verify_pin("246811", &hash));
        assert!(!verify_pin("246810", "not a hash"));
    }
}
