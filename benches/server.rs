//! Server benchmarks, printed as a Markdown table for BENCHMARKS.md:
//!
//!   cargo bench --bench server
//!
//! Acknowledged (durable) entries per second through a server on a Unix
//! socket with 1, 4 and 16 clients at once, each its own connection and
//! login; and the latency a save gains by going over the socket, against
//! the same save in-process. The server runs in this process (a thread),
//! the clients in threads: the socket, framing, sessions and dispatch are
//! the real ones.

mod common;

use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::{EntryDraft, Role};
use binalog::i18n::Lang;
use binalog::records::OpenMode;
use binalog::records::Records;
use binalog::server::{Limits, Server, ServerConfig, ServerThread};
use chrono::{DateTime, Duration as Days, NaiveDate, Utc};

const NOW: &str = "2026-03-10T09:00:00+07:00";
const ADMIN: &str = "198001012005011001";
const NIP: &str = "198503122010121001";
const PIN: &str = "246810";

fn clock() -> Box<FixedClock> {
    Box::new(FixedClock(DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc)))
}

/// Sample harvests over two programmes at two sites.
fn harvest(i: u64) -> EntryDraft {
    let program = if i.is_multiple_of(2) { 1 } else { 5 };
    common::harvest(program, NaiveDate::from_ymd_opt(2025, 6, 1).unwrap() + Days::days((i % 280) as i64), i)
}

/// Reference data, an admin and an operator at every site.
fn set_up(records: &Records) {
    records.init(false).unwrap();
    records.add_officer(None, ADMIN, "Admin", Role::Admin, "135790").unwrap();
    let admin = records.login(ADMIN, "135790").unwrap();
    records.add_officer(Some(&admin), NIP, "Bench", Role::Operator, PIN).unwrap();
    records.assign_sites(&admin, NIP, &[1, 2, 3]).unwrap();
}

/// A server in a thread on a new database, set up.
fn start_server(dir: &Path) -> ServerThread {
    let server = Server::bind(ServerConfig {
        db: dir.to_path_buf(),
        socket: None,
        create: true,
        clock: clock(),
        tz: wib(),
        idle_exit: None,
        limits: Limits::default(),
        lang: Lang::En,
        backup_at: None,
    })
    .unwrap()
    .spawn();
    set_up(&Records::connect(server.socket(), clock(), wib()).unwrap());
    server
}

/// `clients` connections, logged in, then all adding `total / clients`
/// entries at once. Returns acknowledged entries per second.
fn throughput(clients: usize, total: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(dir.path());
    let socket = server.socket().to_path_buf();
    let ready = Arc::new(Barrier::new(clients + 1));
    let done = Arc::new(Barrier::new(clients + 1));
    let per_client = total / clients;
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (socket, ready, done) = (socket.clone(), ready.clone(), done.clone());
            std::thread::spawn(move || {
                let records = Records::connect(&socket, clock(), wib()).unwrap();
                let actor = records.login(NIP, PIN).unwrap();
                ready.wait();
                for i in 0..per_client {
                    records.add_entry(&actor, harvest((c * per_client + i) as u64)).unwrap();
                }
                done.wait();
            })
        })
        .collect();
    ready.wait();
    let t = Instant::now();
    done.wait();
    let elapsed = t.elapsed();
    threads.into_iter().for_each(|t| t.join().unwrap());
    let check = Records::connect(&socket, clock(), wib()).unwrap();
    check.login(NIP, PIN).unwrap();
    assert_eq!(check.count_entries().unwrap(), per_client * clients);
    drop(check);
    server.stop().unwrap();
    (per_client * clients) as f64 / elapsed.as_secs_f64()
}

/// Median and p99 of `n` single saves on each of two `Records`, taken in
/// turns so that both meet the same disk and the same neighbours.
fn save_latencies(a: &Records, b: &Records, n: u64) -> [(Duration, Duration); 2] {
    let actors = [a.login(NIP, PIN).unwrap(), b.login(NIP, PIN).unwrap()];
    let mut times = [Vec::with_capacity(n as usize), Vec::with_capacity(n as usize)];
    for i in 0..n {
        for (k, records) in [a, b].into_iter().enumerate() {
            let draft = harvest(i);
            let t = Instant::now();
            records.add_entry(&actors[k], draft).unwrap();
            times[k].push(t.elapsed());
        }
    }
    times.map(|mut t| {
        t.sort();
        (common::percentile(&t, 0.5), common::percentile(&t, 0.99))
    })
}

/// Median of `n` round trips of the cheapest call, over the socket.
fn round_trip(records: &Records, n: usize) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            records.is_initialised().unwrap();
            t.elapsed()
        })
        .collect();
    times.sort();
    common::percentile(&times, 0.5)
}

fn main() {
    // `cargo test --benches` runs this with --bench absent: keep that cheap.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let total = 4000;
    let rates: Vec<(usize, f64)> = [1, 4, 16].iter().map(|&c| (c, throughput(c, total))).collect();

    let n = 2000;
    let local_dir = tempfile::tempdir().unwrap();
    let local = Records::open(local_dir.path(), OpenMode::CreateIfMissing, clock(), wib()).unwrap();
    set_up(&local);
    let remote_dir = tempfile::tempdir().unwrap();
    let server = start_server(remote_dir.path());
    let remote = Records::connect(server.socket(), clock(), wib()).unwrap();
    let [(local_median, local_p99), (remote_median, remote_p99)] = save_latencies(&local, &remote, n);
    let trip = round_trip(&remote, 5000);
    drop(remote);
    server.stop().unwrap();
    let added = (remote_median.as_secs_f64() - local_median.as_secs_f64()) * 1000.0;

    println!("| measure | result |");
    println!("| --- | --- |");
    for (clients, rate) in &rates {
        println!("| acknowledged entries per second, {clients} client(s) at once ({total} entries) | {rate:.0} |");
    }
    println!(
        "| durable save in-process, median of {n} (taken in turns with the next) | {} |",
        common::ms(local_median)
    );
    println!("| durable save in-process, p99 of {n} | {} |", common::ms(local_p99));
    println!("| durable save over the socket, median of {n} | {} |", common::ms(remote_median));
    println!("| durable save over the socket, p99 of {n} | {} |", common::ms(remote_p99));
    println!("| added latency of a save over the socket (difference of medians) | {added:.3} ms |");
    println!("| round trip of the cheapest request (is_initialised), median of 5000 | {} |", common::ms(trip));
}
