//! The monthly report across all programmes on a five-year scale demo
//! database, beside summing the same month from its entries (what a report
//! without rollups would do), printed as a Markdown table for BENCHMARKS.md:
//!
//!   cargo bench --bench report
//!
//! The database (BINALOG_REPORT_ENTRIES entries, 200,000 unless set, over
//! five years in 21 programmes, as `init --demo --entries N --years 5`) is
//! made once under target/tmp/report-<entries>/ and reused.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::demo::{DEMO_OFFICERS, DEMO_PIN};
use binalog::domain::report::{Grouping, Period, ReportSpec};
use binalog::domain::scale_demo::{SCALE_SEED, ScaleSpec};
use binalog::records::OpenMode;
use binalog::records::{EntryFilter, Records};
use chrono::{DateTime, Utc};
use common::{ms, percentile};

/// The eve of the agreements' end: five whole years of entries.
const NOW: &str = "2030-05-18T09:00:00+07:00";
const RUNS: usize = 15;

fn clock() -> Box<FixedClock> {
    Box::new(FixedClock(DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc)))
}

fn generated(entries: u64) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-{entries}"));
    if dir.join("done").exists() {
        return dir.join("db");
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    let spec = ScaleSpec { years: 5, entries, seed: SCALE_SEED };
    let t = Instant::now();
    Records::create_scale_demo(&dir.join("db"), clock(), wib(), spec, &mut |_, _| Ok(())).unwrap();
    eprintln!("generated {entries} entries in {:.1} s", t.elapsed().as_secs_f64());
    std::fs::write(dir.join("done"), b"").unwrap();
    dir.join("db")
}

/// Median and 90th percentile of `RUNS` timed calls.
fn timed(mut f: impl FnMut()) -> (Duration, Duration) {
    f();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.9))
}

fn main() {
    let entries = std::env::var("BINALOG_REPORT_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let db = generated(entries);
    let records = Records::open(&db, OpenMode::Existing, clock(), wib()).unwrap();
    let admin = records.login(DEMO_OFFICERS[0].0, DEMO_PIN).unwrap();
    let month = Period::month(2029, 11).unwrap();
    let year = Period::year(2029).unwrap();
    let spec = |period, by| ReportSpec { period, by, site: None, program: None };
    let mut rows = Vec::new();
    let mut measure = |what: &str, f: &mut dyn FnMut() -> usize| {
        let mut size = 0;
        let (median, p90) = timed(|| size = f());
        rows.push(format!("| {what} | {size} | {} | {} |", ms(median), ms(p90)));
    };
    for (label, period) in [("month 2029-11", month), ("year 2029", year)] {
        for by in [Grouping::Program, Grouping::Site] {
            let what = format!("`report` {label}, all programmes, by {}", by.code());
            measure(&what, &mut || {
                let report = records.report(&admin, spec(period, by)).unwrap();
                report.groups.iter().map(|g| g.lines.len()).sum()
            });
        }
        // What a report without rollups reads: every entry of the period,
        // and of the period before, summed by programme, kind, unit, item.
        let what = format!("sum of `entries` {label} and the period before (no rollups)");
        measure(&what, &mut || {
            let mut sums = std::collections::BTreeMap::new();
            for p in [period, period.previous()] {
                let filter = EntryFilter { from: Some(p.from), to: Some(p.to), program: None, history: false };
                for (e, _) in records.entries(&filter).unwrap() {
                    for q in &e.draft.quantities {
                        *sums.entry((e.draft.program, e.draft.kind, q.unit, q.item.clone())).or_insert(0i64) +=
                            q.value.milli();
                    }
                }
            }
            sums.len()
        });
    }
    println!("{entries} entries over five years, 21 programmes; {RUNS} runs each, in this process (no login):\n");
    println!("| what | lines | median | p90 |\n|---|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
}
