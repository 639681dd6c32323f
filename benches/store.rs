//! Store benchmarks, printed as a Markdown table for BENCHMARKS.md:
//!
//!   cargo bench --bench store
//!
//! sled's flush alone against flush plus `fdatasync` of its data file (the
//! durable step every save takes, src/store/durable.rs), durable
//! single-entry saves through the records API, an import of 100,000 entries
//! (CSV parse and check, then one transaction), and one programme's
//! monthly totals over five years of entries, from the rollups and by scan.

mod common;

use std::time::{Duration, Instant};

use common::{harvest, ms, percentile};

use binalog::clock::FixedClock;
use binalog::domain::Role;
use binalog::domain::date::wib;
use binalog::records::OpenMode;
use binalog::records::Records;
use binalog::report::import;
use chrono::{DateTime, Duration as Days, NaiveDate, Utc};

const NIP: &str = "198503122010121001";

fn records_at(path: &std::path::Path, now: &str) -> Records {
    let at = DateTime::parse_from_rfc3339(now).unwrap().with_timezone(&Utc);
    let records = Records::open(path, OpenMode::CreateIfMissing, Box::new(FixedClock(at)), wib()).unwrap();
    records.init(false).unwrap();
    records.add_officer(None, "198001012005011001", "Admin", Role::Admin, "135790").unwrap();
    let admin = records.login("198001012005011001", "135790").unwrap();
    records.add_officer(Some(&admin), NIP, "Bench", Role::Operator, "246810").unwrap();
    records.assign_sites(&admin, NIP, &[1, 2, 3]).unwrap();
    records
}

fn durable_saves() -> (Duration, Duration, usize) {
    let dir = tempfile::tempdir().unwrap();
    let records = records_at(dir.path(), "2026-03-10T09:00:00+07:00");
    let actor = records.login(NIP, "246810").unwrap();
    let start = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let n = 1000;
    let mut times = Vec::with_capacity(n);
    for i in 0..n as u64 {
        let draft = harvest(1, start + Days::days((i % 280) as i64), i);
        let t = Instant::now();
        records.add_entry(&actor, draft).unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99), n)
}

/// The cost of the durable step on its own: 1000 writes of an entry-sized
/// value into a bare sled database, each followed by sled's `flush()`
/// only, or by `flush()` and then `fdatasync` of sled's `db` file.
fn sled_flush(with_fdatasync: bool) -> (Duration, Duration, usize) {
    let dir = tempfile::tempdir().unwrap();
    let db = sled::Config::new().path(dir.path()).open().unwrap();
    let data = std::fs::File::open(dir.path().join("db")).unwrap();
    let value = vec![7u8; 200];
    let n = 1000;
    let mut times = Vec::with_capacity(n);
    for i in 0..n as u64 {
        let t = Instant::now();
        db.insert(i.to_be_bytes(), value.as_slice()).unwrap();
        db.flush().unwrap();
        if with_fdatasync {
            data.sync_data().unwrap();
        }
        times.push(t.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99), n)
}

fn import_100k() -> (Duration, Duration, usize) {
    let dir = tempfile::tempdir().unwrap();
    let records = records_at(dir.path(), "2026-03-10T09:00:00+07:00");
    let actor = records.login(NIP, "246810").unwrap();
    let start = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let mut csv = String::from("program_id,date,kind,item,value,unit,participants,notes\n");
    let n = 100_000u64;
    for i in 0..n {
        let d = harvest(if i % 2 == 0 { 1 } else { 5 }, start + Days::days((i % 280) as i64), i);
        let q = &d.quantities[0];
        csv.push_str(&format!(
            "{},{},harvest,{},\"{}\",kg,{},\n",
            d.program,
            d.date.format("%d/%m/%Y"),
            q.item,
            q.value.format(','),
            d.participants
        ));
    }
    let t = Instant::now();
    let plan = import::plan(&records, csv.as_bytes()).unwrap();
    let parsed = t.elapsed();
    let ids = records.import(&actor, plan.drafts).unwrap();
    let total = t.elapsed();
    assert_eq!(ids.len(), n as usize);
    assert!(records.check().unwrap().is_empty());
    (parsed, total, ids.len())
}

/// Five years of one programme's harvests (six a day) plus a second
/// programme's, then every month's totals of the first, both ways.
fn monthly_totals() -> (Duration, Duration, usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let records = records_at(dir.path(), "2030-05-18T09:00:00+07:00");
    let actor = records.login(NIP, "246810").unwrap();
    let start = NaiveDate::from_ymd_opt(2025, 5, 19).unwrap();
    let end = NaiveDate::from_ymd_opt(2030, 5, 18).unwrap();
    let mut drafts = Vec::new();
    let mut day = start;
    let mut i = 0u64;
    while day <= end {
        for _ in 0..6 {
            drafts.push(harvest(1, day, i));
            drafts.push(harvest(5, day, i + 1));
            i += 2;
        }
        day += Days::days(1);
    }
    let entries = drafts.len();
    for chunk in drafts.chunks(20_000) {
        records.import(&actor, chunk.to_vec()).unwrap();
    }
    let mut months = Vec::new();
    let mut first = start;
    while first <= end {
        months.push(Records::month_of(first));
        first = Records::month_of(first).1 + Days::days(1);
    }
    let time = |by_scan: bool| {
        let t = Instant::now();
        for (from, to) in &months {
            let totals = if by_scan {
                records.totals_by_scan(1, *from, *to).unwrap()
            } else {
                records.totals(1, *from, *to).unwrap()
            };
            assert!(!totals.is_empty());
        }
        t.elapsed() / months.len() as u32
    };
    for (from, to) in &months {
        assert_eq!(records.totals(1, *from, *to).unwrap(), records.totals_by_scan(1, *from, *to).unwrap());
    }
    (time(false), time(true), entries, months.len())
}

fn main() {
    // `cargo test --benches` runs this with --bench absent: keep that cheap.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let (flush_median, flush_p99, writes) = sled_flush(false);
    let (sync_median, sync_p99, _) = sled_flush(true);
    let (median, p99, saves) = durable_saves();
    let (parse, import_total, imported) = import_100k();
    let (rollup, scan, entries, months) = monthly_totals();
    println!("| measure | result |");
    println!("| --- | --- |");
    println!("| sled insert + flush() alone, median of {writes} | {} |", ms(flush_median));
    println!("| sled insert + flush() alone, p99 of {writes} | {} |", ms(flush_p99));
    println!("| sled insert + flush() + fdatasync(db), median of {writes} | {} |", ms(sync_median));
    println!("| sled insert + flush() + fdatasync(db), p99 of {writes} | {} |", ms(sync_p99));
    println!("| durable single-entry save, median of {saves} | {} |", ms(median));
    println!("| durable single-entry save, p99 of {saves} | {} |", ms(p99));
    println!("| import of {imported} entries: parse and check CSV | {} |", ms(parse));
    println!(
        "| import of {imported} entries: total, staged in chunks and made visible at once | {} |",
        ms(import_total)
    );
    println!(
        "| one month's totals from rollups ({entries} entries over 5 years, mean of {months} months) | {} |",
        ms(rollup)
    );
    println!("| one month's totals by scanning entries (same data) | {} |", ms(scan));
}
