//! For the records module's tests: a database with reference data and an
//! administrator logged in, on 10 March 2026 at 09:00 WIB.

use chrono::TimeZone;

use super::{Actor, Records};
use crate::clock::FixedClock;
use crate::domain::Role;
use crate::domain::date::wib;
use crate::records::OpenMode;

pub const ADMIN_NIP: &str = "198001012005011001";
pub const ADMIN_PIN: &str = "123456";

pub fn with_admin(dir: &std::path::Path) -> (Records, Actor) {
    let now = wib().with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap().with_timezone(&chrono::Utc);
    let records = Records::open(dir, OpenMode::CreateIfMissing, Box::new(FixedClock(now)), wib()).unwrap();
    records.init(false).unwrap();
    records.add_officer(None, ADMIN_NIP, "A", Role::Admin, ADMIN_PIN).unwrap();
    let actor = records.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    (records, actor)
}
