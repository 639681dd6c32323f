//! `binalog push` of a large database into PostgreSQL, and a national
//! monthly query over what arrived, printed for BENCHMARKS.md:
//!
//!   BINALOG_TEST_POSTGRES="host=/tmp/pg user=binalog dbname=postgres" cargo bench --bench national
//!
//! The database is the scale demo (`init --demo --entries N --years 5`,
//! N = BINALOG_NATIONAL_ENTRIES, 100,000 unless set), made once under
//! target/tmp/national-N/ and reused. Every run pushes it whole into a new
//! PostgreSQL database (the user must be allowed to create one).
//! Without BINALOG_TEST_POSTGRES it says so and measures nothing.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::demo::{DEMO_OFFICERS, DEMO_PIN};
use binalog::domain::scale_demo::{SCALE_SEED, ScaleSpec};
use binalog::records::OpenMode;
use binalog::records::Records;
use chrono::{DateTime, Utc};
use common::ms;
use postgres::{Client, NoTls};

/// The eve of the agreements' end: five whole years of entries.
const NOW: &str = "2030-05-18T09:00:00+07:00";
const RUNS: usize = 15;

fn clock() -> Box<FixedClock> {
    Box::new(FixedClock(DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc)))
}

fn generated(entries: u64) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("national-{entries}"));
    if dir.join("done").exists() {
        return dir.join("db");
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    eprintln!("generating {entries} entries into {} (once)", dir.display());
    let spec = ScaleSpec { years: 5, entries, seed: SCALE_SEED };
    let (_records, outcome) =
        Records::create_scale_demo(&dir.join("db"), clock(), wib(), spec, &mut |_, _| Ok(())).unwrap();
    assert_eq!(outcome.init.demo_entries as u64, entries);
    std::fs::write(dir.join("done"), "made\n").unwrap();
    dir.join("db")
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn timed(client: &mut Client, sql: &str) -> (Duration, usize) {
    let mut rows = 0;
    let times = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            rows = client.query(sql, &[]).unwrap().len();
            t.elapsed()
        })
        .collect();
    (median(times), rows)
}

fn main() {
    let Ok(base) = std::env::var("BINALOG_TEST_POSTGRES") else {
        eprintln!("national bench skipped: set BINALOG_TEST_POSTGRES to a PostgreSQL that may create databases");
        return;
    };
    let entries: u64 = std::env::var("BINALOG_NATIONAL_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let db = generated(entries);
    let name = format!("binalog_bench_{entries}");
    let mut admin = Client::connect(&base, NoTls).unwrap();
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let conninfo = format!("{base} dbname={name}");

    let records = Records::open(&db, OpenMode::Existing, clock(), wib()).unwrap();
    let by = records.login(DEMO_OFFICERS[0].0, DEMO_PIN).unwrap();
    let revisions = records.database_info().unwrap().revisions;
    let t = Instant::now();
    let outcome = binalog::national::push(&records, &by, &conninfo, &mut |_, _| {}).unwrap();
    let push = t.elapsed();
    let t = Instant::now();
    let again = binalog::national::push(&records, &by, &conninfo, &mut |_, _| {}).unwrap();
    let repeat = t.elapsed();
    assert_eq!(again.changes, 0);

    let mut client = Client::connect(&conninfo, NoTls).unwrap();
    let t = Instant::now();
    client.batch_execute("REFRESH MATERIALIZED VIEW binalog.monthly_totals").unwrap();
    let refresh = t.elapsed();
    let by_month = "SELECT month, site, program, kind, item, unit, sum(total) FROM binalog.monthly_totals
                    WHERE partner = 'PT Agro Bumi Pangan Mandiri'
                    GROUP BY month, site, program, kind, item, unit";
    let (from_view, rows) = timed(&mut client, by_month);
    let live = "SELECT date_trunc('month', c.date), c.program, c.kind, q.item, q.unit, sum(q.value_milli)
                FROM binalog.current_entries c
                JOIN binalog.quantities q USING (database_id, entry, revision, date)
                WHERE c.status = 'done' AND (c.database_id, c.program) IN (
                    SELECT p.database_id, p.id FROM binalog.programmes p
                    JOIN binalog.partners pa ON pa.database_id = p.database_id AND pa.id = p.partner
                    WHERE pa.name = 'PT Agro Bumi Pangan Mandiri')
                GROUP BY 1, 2, 3, 4, 5";
    let (from_tables, live_rows) = timed(&mut client, live);
    assert_eq!(rows, live_rows);

    println!("| {entries} entries ({revisions} revisions, {} changes) | |", outcome.changes);
    println!("| --- | --- |");
    println!(
        "| first push, one transaction | {:.1} s, {:.0} entries/s |",
        push.as_secs_f64(),
        revisions as f64 / push.as_secs_f64()
    );
    println!("| second push (nothing new) | {} |", ms(repeat));
    println!("| refresh of monthly_totals alone | {} |", ms(refresh));
    println!("| one partner by month, from monthly_totals ({rows} rows, median of {RUNS}) | {} |", ms(from_view));
    println!("| the same from the revision tables, live (median of {RUNS}) | {} |", ms(from_tables));
}
