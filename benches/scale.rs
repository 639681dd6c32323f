//! binalog on five years of records beside SQLite holding the same rows,
//! printed as a Markdown table for BENCHMARKS.md:
//!
//!   cargo bench --bench scale
//!
//! The first run generates the scale demo database (a million entries over
//! five years in 21 programmes, `init --demo --entries`), its CSV and a
//! SQLite copy of the CSV under target/tmp/scale-<entries>/, and later runs
//! reuse them (delete the folder to start again). BINALOG_SCALE_ENTRIES
//! sets another size. SQLite runs in python3's sqlite3 module
//! (benches/scale_sqlite.py) with an index on (programme, date).

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::scale_demo::{SCALE_SEED, ScaleSpec};
use binalog::domain::{Program, Sector};
use binalog::records::OpenMode;
use binalog::records::{EntryFilter, Records, RevisionState};
use binalog::report::export::{self, CsvRows, Format};
use chrono::{DateTime, NaiveDate, Utc};
use common::ms;

/// The eve of the agreements' end: five whole years of entries.
const NOW: &str = "2030-05-18T09:00:00+07:00";
/// What the register screen asks for (tui::screens::program::PAGE_ENTRIES).
const PAGE: usize = 200;
const RUNS: usize = 15;

fn clock() -> Box<FixedClock> {
    Box::new(FixedClock(DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc)))
}

/// The database, CSV and SQLite file, made once.
fn generated(entries: u64) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("scale-{entries}"));
    if dir.join("done").exists() {
        return dir;
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    eprintln!("generating {entries} entries into {} (once)", dir.display());
    let mut csv = std::io::BufWriter::new(std::fs::File::create(dir.join("rows.csv")).unwrap());
    let mut rows: Option<CsvRows> = None;
    let mut sink: Option<&mut dyn Write> = Some(&mut csv);
    let spec = ScaleSpec { years: 5, entries, seed: SCALE_SEED };
    let t = Instant::now();
    let (_records, outcome) =
        Records::create_scale_demo(&dir.join("db"), clock(), wib(), spec, &mut |records, batch| {
            if let Some(out) = sink.take() {
                rows = Some(CsvRows::start(records, out).unwrap());
            }
            for entry in batch {
                rows.as_mut().unwrap().write(entry, RevisionState::Current)?;
            }
            Ok(())
        })
        .unwrap();
    let csv_rows = rows.unwrap().finish().unwrap();
    let took = t.elapsed();
    assert_eq!(outcome.init.demo_entries as u64, entries);
    std::fs::write(
        dir.join("done"),
        format!("{entries} entries, {csv_rows} CSV rows, generated in {:.1} s\n", took.as_secs_f64()),
    )
    .unwrap();
    dir
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Median of RUNS after one warm-up, with what the last run returned.
fn timed<T>(mut run: impl FnMut() -> T) -> (Duration, T) {
    let mut last = run();
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        last = run();
        times.push(t.elapsed());
    }
    (median(times), last)
}

/// What the terminal interface reads to open a register (tui/effects.rs
/// `program`): the first page, the month's and year's totals, the items
/// used and, for livestock, the head counts.
fn open_register(records: &Records, program: &Program) -> usize {
    open_register_page(records, program).entries.len()
}

fn open_register_page(records: &Records, program: &Program) -> binalog::records::views::RegisterPage {
    let today = records.today();
    let page = records.register_page(program, None, PAGE).unwrap();
    let (month_from, month_to) = Records::month_of(today);
    let year_from = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    records.totals(program.id, month_from, month_to).unwrap();
    records.totals(program.id, year_from, today).unwrap();
    records.items_used(program.id).unwrap();
    if program.sector == Sector::Peternakan {
        records.herd_at(program.id, today).unwrap();
    }
    page
}

/// What the terminal interface reads for home after the PIN (tui/effects.rs
/// `home`): the programmes with their sites and partners, what each logged
/// today, the newest entries, the agreements about to end.
fn home(records: &Records) -> usize {
    records.sites().unwrap();
    records.partners().unwrap();
    records.programs().unwrap();
    let logged = records.logged_on(records.today()).unwrap();
    let latest = records.latest_entries(8 * 8).unwrap();
    records.agreements_ending(180).unwrap();
    records.backup_status().unwrap();
    logged.values().map(Vec::len).sum::<usize>() + latest.len()
}

/// A month's totals in every programme (what a report across programmes
/// reads): `Records::totals` per programme, from the rollups.
fn month_totals(records: &Records, programs: &[Program], from: NaiveDate, to: NaiveDate) -> usize {
    programs.iter().map(|p| records.totals(p.id, from, to).unwrap().len()).sum()
}

/// Processor time this process has used (user and system), in ms: on a
/// shared machine the wall clock also counts other processes' turns.
fn cpu_ms() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: an out-parameter for this process's own usage.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

/// Resident memory of this process now and at its peak, from /proc.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (kb("VmRSS:") * 1024, kb("VmHWM:") * 1024)
}

/// Cold start of the terminal interface as an officer sees it: the real
/// release binary (`binary`, this build's unless named) started in a
/// pseudo-terminal at 80x24 on the database with `--direct`, timed from
/// the spawn to the first bytes on the terminal and to the login screen
/// drawn (its "NIP" label); then Ctrl-C, and the time until the process
/// has ended (it waits for an open under way, so this bounds the open).
/// Median and range of `runs` (milliseconds): first bytes, login, ended.
fn first_frame(db: &Path, binary: &Path, runs: usize) -> [(f64, f64, f64); 3] {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    let mut times: [Vec<f64>; 3] = Default::default();
    for _ in 0..runs {
        let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(binary);
        cmd.args(["--direct", "--lang", "en"]);
        // The pseudo-terminal's child starts in $HOME unless told: a
        // relative path must not make a new database there.
        cmd.cwd(std::env::current_dir().unwrap());
        cmd.env("BINALOG_DB", db);
        cmd.env("TERM", "xterm");
        cmd.env("LANG", "C.UTF-8");
        let t = Instant::now();
        let mut child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let mut writer = pty.master.take_writer().unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let (mut first, mut login) = (None, None);
        // A database is there: its login, never a first setup (a wrong path).
        assert!(db.join("conf").exists(), "no database at {}", db.display());
        while login.is_none() {
            let n = reader.read(&mut buf).unwrap();
            assert!(n > 0, "binalog ended before its login: {}", String::from_utf8_lossy(&seen));
            first.get_or_insert_with(|| t.elapsed());
            seen.extend_from_slice(&buf[..n]);
            if seen.windows(3).any(|w| w == b"NIP") {
                login = Some(t.elapsed());
            }
        }
        writer.write_all(b"\x03").unwrap();
        writer.flush().unwrap();
        // Reads on until the terminal closes with the process.
        while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
        child.wait().unwrap();
        let ended = t.elapsed();
        for (all, d) in times.iter_mut().zip([first.unwrap(), login.unwrap(), ended]) {
            all.push(d.as_secs_f64() * 1000.0);
        }
    }
    times.map(|mut all| {
        all.sort_by(f64::total_cmp);
        (all[all.len() / 2], all[0], all[all.len() - 1])
    })
}

/// The measures that need a fresh process (a cold open, peak memory) run
/// in a child: this same bench binary with `--child WHAT`. It prints one
/// line `name milliseconds peak_bytes resident_bytes`.
fn child(what: &str, dir: &Path) {
    // A session and an import run in the server (`binalog import` goes
    // through it unless `--direct`), home in the interface: measured with
    // their allocator setting. `check` is a command's.
    if matches!(what, "cold" | "session" | "import") {
        binalog::allocator::give_back_at_once();
    }
    let t = Instant::now();
    let records =
        Records::open(&dir.join(if what == "import" { "import-db" } else { "db" }), OpenMode::Existing, clock(), wib())
            .unwrap();
    let opened = t.elapsed();
    match what {
        "cold" => {
            // Open, then what home shows: cold start short of drawing.
            home(&records);
            let (rss, peak) = memory();
            println!("open {:.3} {peak} {rss}", opened.as_secs_f64() * 1000.0);
            println!("cold {:.3} {peak} {rss}", t.elapsed().as_secs_f64() * 1000.0);
        }
        "check" => {
            let (t, cpu) = (Instant::now(), cpu_ms());
            let problems = records.check().unwrap();
            assert!(problems.is_empty(), "{} problems", problems.len());
            let (rss, peak) = memory();
            println!("check {:.3} {peak} {rss}", t.elapsed().as_secs_f64() * 1000.0);
            println!("check_cpu {:.3} 0 0", cpu_ms() - cpu);
        }
        "session" => {
            // What a server holds after a session: every register opened,
            // a page down in each, home, and a month exported across programmes.
            home(&records);
            for program in records.programs().unwrap() {
                let page = open_register_page(&records, &program);
                if page.older.is_some() {
                    records.register_page(&program, page.older, PAGE).unwrap();
                }
            }
            let (from, to) =
                (NaiveDate::from_ymd_opt(2028, 3, 1).unwrap(), NaiveDate::from_ymd_opt(2028, 3, 31).unwrap());
            export_rows(&records, &EntryFilter { from: Some(from), to: Some(to), program: None, history: false });
            let (rss, peak) = memory();
            println!("session {:.3} {peak} {rss}", t.elapsed().as_secs_f64() * 1000.0);
        }
        "import" => {
            let (nip, _, _) = binalog::domain::demo::DEMO_OFFICERS[0];
            let actor = records.login(nip, binalog::domain::demo::DEMO_PIN).unwrap();
            // What `binalog import FILE` does: the file read twice, the
            // entries checked and staged a chunk at a time.
            let open = || -> std::io::Result<Box<dyn std::io::Read>> {
                Ok(Box::new(std::io::BufReader::new(std::fs::File::open(dir.join("import.csv"))?)))
            };
            let (t, cpu) = (Instant::now(), cpu_ms());
            let done = binalog::report::import::import(&records, &actor, open, false).unwrap();
            let took = t.elapsed();
            let (rss, peak) = memory();
            println!("import {:.3} {peak} {rss}", took.as_secs_f64() * 1000.0);
            println!("import_cpu {:.3} 0 0", cpu_ms() - cpu);
            println!("imported {} 0 0", done.entries);
        }
        other => panic!("no child measure {other}"),
    }
}

/// Runs a child measure: name -> (milliseconds, peak bytes, resident bytes).
fn in_child(what: &str, dir: &Path) -> BTreeMap<String, (f64, u64, u64)> {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--bench", "--child", what])
        .arg(dir)
        .env("BINALOG_SCALE_ENTRIES", std::env::var("BINALOG_SCALE_ENTRIES").unwrap_or_default())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let w: Vec<&str> = line.split_whitespace().collect();
            (w[0].to_string(), (w[1].parse().unwrap(), w[2].parse().unwrap(), w[3].parse().unwrap()))
        })
        .collect()
}

/// The first `rows` data rows of the scale CSV (whole entries: a sale's
/// two rows stay together), for the import measure; and the same rows for
/// SQLite.
fn import_rows(dir: &Path, rows: usize) -> usize {
    use std::io::BufRead;
    let input = std::io::BufReader::new(std::fs::File::open(dir.join("rows.csv")).unwrap());
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("import.csv")).unwrap());
    let mut lines = input.lines();
    writeln!(out, "{}", lines.next().unwrap().unwrap()).unwrap();
    let mut written = 0;
    let mut last_entry = String::new();
    for line in lines {
        let line = line.unwrap();
        let entry = line.split(',').next().unwrap_or_default().to_string();
        if written >= rows && entry != last_entry {
            break;
        }
        writeln!(out, "{line}").unwrap();
        written += 1;
        last_entry = entry;
    }
    written
}

fn copy_dir(from: &Path, to: &Path) {
    if to.exists() {
        std::fs::remove_dir_all(to).unwrap();
    }
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            // On disk before the import, so its flushes do not pay for the copy.
            std::fs::File::open(to.join(e.file_name())).unwrap().sync_all().unwrap();
        }
    }
}

fn export_rows(records: &Records, filter: &EntryFilter) -> usize {
    let mut out = Vec::new();
    export::export(records, filter, Format::Csv, &mut out).unwrap().unwrap()
}

fn disk_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() { disk_size(&e.path()) } else { meta.len() }
        })
        .sum()
}

/// The SQLite side's figures by name: (milliseconds or count, rows).
fn sqlite(dir: &Path, args: &[String]) -> BTreeMap<String, (f64, u64)> {
    let output = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scale_sqlite.py"))
        .arg(dir.join("rows.csv"))
        .arg(dir.join("rows.sqlite"))
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next().unwrap().to_string();
            (name, (words.next().unwrap().parse().unwrap(), words.next().unwrap().parse().unwrap()))
        })
        .collect()
}

fn main() {
    // `cargo test --benches` runs this with --bench absent: keep that cheap.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--child") {
        return child(&args[at + 1], Path::new(&args[at + 2]));
    }
    // `--first-frame DB [BINARY]`: only the cold start of the interface
    // (of another build's binary, e.g. one made before a change).
    if let Some(at) = args.iter().position(|a| a == "--first-frame") {
        let binary = args.get(at + 2).map_or(PathBuf::from(env!("CARGO_BIN_EXE_binalog")), PathBuf::from);
        let [first, login, ended] = first_frame(Path::new(&args[at + 1]), &binary, RUNS);
        let range = |(median, low, high): (f64, f64, f64)| format!("{median:.0} ms ({low:.0} to {high:.0})");
        println!("first bytes {}; login drawn {}; ended after Ctrl-C {}", range(first), range(login), range(ended));
        return;
    }
    let entries: u64 = std::env::var("BINALOG_SCALE_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = generated(entries);
    // Fresh processes first, while nothing else has warmed this one. The
    // first open of a database made before the livestock stock existed
    // builds it (once); the second is the cold start measured.
    let first_open = in_child("cold", &dir);
    let cold = in_child("cold", &dir);
    let frame = first_frame(&dir.join("db"), Path::new(env!("CARGO_BIN_EXE_binalog")), 5);
    let checked = in_child("check", &dir);
    let session = in_child("session", &dir);
    let import_count = import_rows(&dir, 100_000);
    copy_dir(&dir.join("db"), &dir.join("import-db"));
    let imported = in_child("import", &dir);
    std::fs::remove_dir_all(dir.join("import-db")).unwrap();
    // Loads SQLite on the first run, and counts each programme's entries.
    let setup = sqlite(&dir, &["0", "0", "0", "0", "0"].map(String::from));
    let t = Instant::now();
    let records = Records::open(&dir.join("db"), OpenMode::Existing, clock(), wib()).unwrap();
    let opened = t.elapsed();
    let programs = records.programs().unwrap();
    let size_of = |p: &Program| setup.get(&format!("entries_{}", p.id)).map_or(0, |v| v.0 as u64);
    let largest = programs.iter().max_by_key(|p| size_of(p)).unwrap();
    let largest_count = size_of(largest);
    let livestock = programs.iter().find(|p| p.sector == Sector::Peternakan).unwrap();
    let (from, to) = (NaiveDate::from_ymd_opt(2028, 3, 1).unwrap(), NaiveDate::from_ymd_opt(2028, 3, 31).unwrap());

    let (register, register_rows) = timed(|| open_register(&records, largest));
    let (herd, herd_rows) = timed(|| open_register(&records, livestock));
    let first_page = records.register_page(largest, None, PAGE).unwrap();
    let (page_down, page_rows) =
        timed(|| records.register_page(largest, first_page.older, PAGE).unwrap().entries.len());
    let (home_took, home_rows) = timed(|| home(&records));
    let (totals, total_rows) = timed(|| month_totals(&records, &programs, from, to));
    let one = EntryFilter { from: Some(from), to: Some(to), program: Some(largest.id), history: false };
    let all = EntryFilter { program: None, ..one.clone() };
    let (one_read, _) = timed(|| records.entries(&one).unwrap().len());
    let (one_export, one_rows) = timed(|| export_rows(&records, &one));
    let (all_read, _) = timed(|| records.entries(&all).unwrap().len());
    let (all_export, all_rows) = timed(|| export_rows(&records, &all));
    let history = EntryFilter { history: true, ..one.clone() };
    let (history_export, _) = timed(|| export_rows(&records, &history));
    // What every filtered export read before the indexes were used, and
    // what an export without a filter still reads: every revision. Once.
    let t = Instant::now();
    let everything = records.entries(&EntryFilter { history: true, ..EntryFilter::default() }).unwrap().len();
    let full_scan = t.elapsed();
    drop(records);
    let binalog_size = disk_size(&dir.join("db"));

    let args = [largest.id, livestock.id].map(|id| id.to_string());
    let mut sqlite = sqlite(&dir, &[&args[..], &[from.to_string(), to.to_string(), RUNS.to_string()]].concat());
    let load = self::sqlite(&dir, &["import".to_string(), dir.join("import.csv").display().to_string()]);
    if let Some(load) = setup.get("load") {
        sqlite.insert("load".into(), *load);
    }
    let lite = |name: &str| sqlite[name].0;
    let ratio = |d: Duration, name: &str| format!("{:.1}x", d.as_secs_f64() * 1000.0 / lite(name));
    let generation = std::fs::read_to_string(dir.join("done")).unwrap();

    println!("Database: {}", generation.trim());
    println!(
        "Largest programme: {} (id {}), {largest_count} entries; livestock: {} (id {}); month {from} to {to}.",
        largest.name, largest.id, livestock.name, livestock.id
    );
    println!();
    println!("| measure | binalog | SQLite | binalog / SQLite |");
    println!("| --- | --- | --- | --- |");
    println!("| open the database (sled) | {} | | |", ms(opened));
    println!(
        "| open a register, largest programme ({register_rows} entries + totals; SQLite: first {PAGE} rows) | {} | {:.3} ms | {} |",
        ms(register),
        lite("register"),
        ratio(register, "register")
    );
    println!(
        "| open a livestock register ({herd_rows} entries + totals + head count; SQLite: first {PAGE} rows) | {} | {:.3} ms | {} |",
        ms(herd),
        lite("livestock"),
        ratio(herd, "livestock")
    );
    println!(
        "| one page down, largest programme ({page_rows} entries; SQLite: the next {PAGE} rows) | {} | {:.3} ms | {} |",
        ms(page_down),
        lite("page_down"),
        ratio(page_down, "page_down")
    );
    println!("| home after the PIN ({home_rows} entries: today's and the newest) | {} | | |", ms(home_took));
    println!(
        "| a month's totals across all programmes (`Records::totals` x {}, {total_rows} rows; SQLite: GROUP BY) | {} | {:.3} ms ({} rows) | {} |",
        programs.len(),
        ms(totals),
        lite("month_totals"),
        sqlite["month_totals"].1,
        ratio(totals, "month_totals")
    );
    println!(
        "| programme-month, entries read (`Records::entries`) | {} | {:.3} ms ({} rows) | {} |",
        ms(one_read),
        lite("program_month"),
        sqlite["program_month"].1,
        ratio(one_read, "program_month")
    );
    println!(
        "| programme-month export to CSV ({one_rows} rows) | {} | | {} |",
        ms(one_export),
        ratio(one_export, "program_month")
    );
    println!("| programme-month export with --history | {} | | |", ms(history_export));
    println!(
        "| month across all programmes, entries read | {} | {:.3} ms ({} rows) | {} |",
        ms(all_read),
        lite("all_month"),
        sqlite["all_month"].1,
        ratio(all_read, "all_month")
    );
    println!(
        "| month across all programmes, export to CSV ({all_rows} rows) | {} | | {} |",
        ms(all_export),
        ratio(all_export, "all_month")
    );
    println!(
        "| every revision read ({everything}; what any filtered export cost before, one run) | {} | | |",
        ms(full_scan)
    );
    let mb = |bytes: f64| format!("{:.0} MB", bytes / 1e6);
    println!(
        "| size on disk | {} | {} | {:.1}x |",
        mb(binalog_size as f64),
        mb(sqlite["size"].0),
        binalog_size as f64 / sqlite["size"].0
    );
    let mib = |bytes: u64| format!("{:.0} MB", bytes as f64 / 1e6);
    println!(
        "| fresh process: first open of this database (builds what an older database lacks, once) | {:.1} ms | | |",
        first_open["open"].0
    );
    println!("| fresh process: open the database | {:.1} ms | | |", cold["open"].0);
    let range = |(median, low, high): (f64, f64, f64)| format!("{median:.0} ms ({low:.0} to {high:.0})");
    println!(
        "| the interface started in a pseudo-terminal (`--direct`), median of 5: first bytes / login drawn / ended after Ctrl-C at the login (waits for the open) | {} / {} / {} | | |",
        range(frame[0]),
        range(frame[1]),
        range(frame[2])
    );
    println!(
        "| fresh process: open and read home (cold start short of drawing; resident {}) | {:.1} ms | | |",
        mib(cold["cold"].2),
        cold["cold"].0
    );
    println!(
        "| `check` in a fresh process (peak resident memory {}) | {:.0} ms ({:.0} ms of processor time) | | |",
        mib(checked["check"].1),
        checked["check"].0,
        checked["check_cpu"].0
    );
    println!(
        "| a session: home, every register and a page down in each, a month exported across programmes (resident {}, peak {}) | {:.0} ms | | |",
        mib(session["session"].2),
        mib(session["session"].1),
        session["session"].0
    );
    println!(
        "| import of {import_count} CSV rows ({} entries) into a copy of the full database (peak resident {}) | {:.0} ms ({:.0} ms of processor time) | {:.0} ms ({:.0} ms of processor time) | {:.1}x |",
        imported["imported"].0,
        mib(imported["import"].1),
        imported["import"].0,
        imported["import_cpu"].0,
        load["import"].0,
        load["import_cpu"].0,
        imported["import"].0 / load["import"].0
    );
    if let Some((load, _)) = sqlite.get("load") {
        println!("| (SQLite: load of the CSV and index, this run) | | {:.0} ms | |", load);
    }
}
