//! Byte keys. Big-endian numbers so that sled's byte order is numeric order
//! and a range scan over (programme, date) reads one programme's days in turn.

use chrono::{Datelike, NaiveDate};

use crate::domain::entry::EntryId;
use crate::domain::sector::Kind;
use crate::domain::text::item_key;
use crate::domain::unit::Unit;

pub fn id32(id: u32) -> [u8; 4] {
    id.to_be_bytes()
}

pub fn day(date: NaiveDate) -> [u8; 4] {
    // Days from 1 January of year 1: positive for every date we store.
    // Clamped so that NaiveDate::MIN as an open lower bound sorts first.
    (date.num_days_from_ce().max(0) as u32).to_be_bytes()
}

pub fn day_from(bytes: &[u8]) -> Option<NaiveDate> {
    let days = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?);
    NaiveDate::from_num_days_from_ce_opt(days as i32)
}

pub fn u32_from(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?))
}

pub fn u64_from(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?))
}

/// `entries`: one value per revision.
pub fn revision(id: EntryId, revision: u32) -> Vec<u8> {
    [&id.to_be_bytes()[..], &revision.to_be_bytes()].concat()
}

/// The entry id and revision of an `entries` key.
pub fn revision_parts(key: &[u8]) -> Option<(EntryId, u32)> {
    match key.len() {
        12 => Some((u64_from(key)?, u32_from(&key[8..])?)),
        _ => None,
    }
}

/// The programmes' index as a key per entry (program_days.rs spells its
/// days out so): owner, date, entry.
pub fn dated(owner: u32, date: NaiveDate, id: EntryId) -> Vec<u8> {
    [&id32(owner)[..], &day(date), &id.to_be_bytes()].concat()
}

/// Start and end (exclusive) of an owner's keys between two dates, inclusive.
pub fn dated_range(owner: u32, from: NaiveDate, to: NaiveDate) -> (Vec<u8>, Vec<u8>) {
    let start = [&id32(owner)[..], &day(from)].concat();
    let end = [&id32(owner)[..], &day(to.succ_opt().unwrap_or(to))].concat();
    (start, end)
}

/// `rollups`: programme, date, kind, unit, item's key (`item_key`: "BBI
/// Cilacap" and "bbi cilacap" are one row). Items written before they kept
/// their capitals were stored lowercase, which is their key: the keys of
/// an older database are what this makes of them.
pub fn rollup(program: u32, date: NaiveDate, kind: Kind, unit: Unit, item: &str) -> Vec<u8> {
    let kind = Kind::ALL.iter().position(|k| *k == kind).expect("kind in ALL") as u8;
    let unit = Unit::ALL.iter().position(|u| *u == unit).expect("unit in ALL") as u8;
    [&id32(program)[..], &day(date), &[kind, unit], item_key(item).as_bytes()].concat()
}

/// `item_names`: programme, item's key -> the first spelling stored.
pub fn item_name(program: u32, key: &str) -> Vec<u8> {
    [&id32(program)[..], key.as_bytes()].concat()
}

/// The parts of a rollup key (the item as its key).
pub fn rollup_parts(key: &[u8]) -> Option<(u32, NaiveDate, Kind, Unit, String)> {
    let program = u32_from(key)?;
    let date = day_from(key.get(4..)?)?;
    let kind = *Kind::ALL.get(*key.get(8)? as usize)?;
    let unit = *Unit::ALL.get(*key.get(9)? as usize)?;
    let item = String::from_utf8(key.get(10..)?.to_vec()).ok()?;
    Some((program, date, kind, unit, item))
}

/// `activity`: programme, date, kind.
pub fn activity(program: u32, date: NaiveDate, kind: Kind) -> Vec<u8> {
    let kind = Kind::ALL.iter().position(|k| *k == kind).expect("kind in ALL") as u8;
    [&id32(program)[..], &day(date), &[kind]].concat()
}

/// The parts of an activity key.
pub fn activity_parts(key: &[u8]) -> Option<(u32, NaiveDate, Kind)> {
    Some((u32_from(key)?, day_from(key.get(4..)?)?, *Kind::ALL.get(*key.get(8)? as usize)?))
}

pub const META_SCHEMA: &[u8] = b"schema";
pub const META_NEXT_ENTRY: &[u8] = b"next_entry";
pub const META_NEXT_AUDIT: &[u8] = b"next_audit";
pub const META_INITIALISED: &[u8] = b"initialised";
/// 16 random bytes made once, when the database is first opened.
pub const META_IDENTITY: &[u8] = b"identity";
/// An import past its commit point whose staged drafts are still being
/// made entries (staging.rs `Applying`).
pub const META_IMPORT_APPLYING: &[u8] = b"import_applying";
/// The same, written by a build that staged drafts in the `staging` tree
/// (staging.rs `Committing`).
pub const META_IMPORT_COMMITTING: &[u8] = b"import_committing";
/// Present once the `activity` tree holds every entry's activity (built at
/// the first open by a build that keeps it).
pub const META_ACTIVITY: &[u8] = b"activity_rollups";
/// Present once the `stock` tree holds every entry's livestock movements
/// (stock.rs); absent in a database written before it existed.
pub const META_STOCK: &[u8] = b"stock_built";
/// Present once the `program_days` tree indexes every entry (built at the
/// first open of a database written before it existed, program_days.rs).
pub const META_PROGRAM_DAYS: &[u8] = b"program_days_built";
/// Present once the `monthly` tree holds the sum of every month's daily
/// rollups (rollup.rs); absent in a database written before it existed.
pub const META_MONTHLY: &[u8] = b"monthly_built";
/// Present once the `item_names` tree holds a spelling for every item of
/// every revision (store/item_names.rs); absent in a database written
/// before items kept their capitals, which gets it built once at open.
pub const META_ITEM_NAMES: &[u8] = b"item_names_built";
/// The change feed's counter: the next sequence number (store/changes.rs).
pub const META_NEXT_CHANGE: &[u8] = b"next_change";
/// The audit counter the `changes` tree is complete up to: the derived
/// tree's marker, built on open when missing or behind (store/changes.rs).
pub const META_CHANGES_AUDIT: &[u8] = b"changes_audit";
