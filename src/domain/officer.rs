//! Officers (petugas) who record entries, and their roles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::invalid::Invalid;
use super::reference::SiteId;

/// A civil servant's registration number (NIP): 18 digits, often written
/// with spaces (`19850312 201012 1 001`); stored without them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Nip(String);

pub const NIP_DIGITS: usize = 18;
pub const PIN_MIN_DIGITS: usize = 6;
pub const PIN_MAX_DIGITS: usize = 12;

impl Nip {
    pub fn parse(input: &str) -> Result<Nip, Invalid> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != NIP_DIGITS || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::NipFormat { input: input.trim().to_string() });
        }
        Ok(Nip(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Nip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    Operator,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Operator, Role::Supervisor, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(input: &str) -> Result<Role, Invalid> {
        let code = input.trim().to_lowercase();
        Role::ALL.into_iter().find(|r| r.code() == code).ok_or(Invalid::RoleUnknown { input: input.trim().to_string() })
    }
}

/// A PIN of 6 to 12 digits; only its argon2id hash is ever stored.
pub fn check_pin(pin: &str) -> Result<(), Invalid> {
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid::PinNotDigits);
    }
    if pin.len() < PIN_MIN_DIGITS {
        return Err(Invalid::PinTooShort { min: PIN_MIN_DIGITS });
    }
    if pin.len() > PIN_MAX_DIGITS {
        return Err(Invalid::PinTooLong { max: PIN_MAX_DIGITS });
    }
    Ok(())
}

/// An officer's name as typed, cleaned and checked by the text rules.
pub fn check_name(name: &str) -> Result<String, Invalid> {
    super::text::required_text(name, super::text::TextField::OfficerName)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Officer {
    pub nip: Nip,
    pub name: String,
    pub role: Role,
    /// argon2id in PHC string form.
    pub pin_hash: String,
    pub active: bool,
    /// Sites the officer works at; empty means none yet (admins see all).
    pub sites: Vec<SiteId>,
    pub created_at: DateTime<Utc>,
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nip_takes_eighteen_digits_with_or_without_spaces() {
        assert_eq!(Nip::parse("19850312 201012 1 001").unwrap().as_str(), "198503122010121001");
        assert!(Nip::parse("12345").is_err());
        assert!(Nip::parse("19850312201012100A").is_err());
    }

    #[test]
    fn pins_are_six_to_twelve_digits() {
        assert_eq!(check_pin("123456"), Ok(()));
        assert_eq!(check_pin("12345"), Err(Invalid::PinTooShort { min: 6 }));
        assert_eq!(check_pin("12345a"), Err(Invalid::PinNotDigits));
        assert_eq!(check_pin("1234567890123"), Err(Invalid::PinTooLong { max: 12 }));
    }
}
