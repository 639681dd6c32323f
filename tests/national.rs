//! `binalog push` into a real PostgreSQL: three Lapas into one database,
//! the national monthly totals against each Lapas's own export, a repeat
//! that adds nothing, a push killed before its commit, a correction and a
//! void after a push.
//!
//! They need a PostgreSQL server: `BINALOG_TEST_POSTGRES` names one (a
//! libpq connection string whose user may create databases). `.ci/run`
//! starts a throwaway cluster and sets it; without it each test says it
//! was skipped, and why, and passes.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use binalog::domain::text::item_key;
use common::{run, run_with_pins, stderr, stdout};
use postgres::{Client, NoTls};

const ADMIN: &str = "198001012005011001";
const PIN: &str = "123456";

/// A fresh PostgreSQL database for one test, or None (and a note) when no
/// server was given.
fn postgres(test: &str) -> Option<String> {
    let Ok(base) = std::env::var("BINALOG_TEST_POSTGRES") else {
        // Straight to the process's standard error: the test harness keeps
        // what `eprintln!` prints in a passing test to itself.
        let note = format!(
            "SKIPPED national::{test}: BINALOG_TEST_POSTGRES is not set, so there is no PostgreSQL to push into \
             (.ci/run starts a throwaway one and sets it)\n"
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
        return None;
    };
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("binalog_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let mut admin = Client::connect(&base, NoTls).expect("BINALOG_TEST_POSTGRES connects");
    // One statement each: several in one string run as one transaction.
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    Some(format!("{base} dbname={name}"))
}

fn sql(conninfo: &str) -> Client {
    Client::connect(conninfo, NoTls).unwrap()
}

/// A demo Lapas: the reference data, the demo officers, a year of entries.
fn demo_lapas() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let init = run(dir.path(), &["init", "--demo"]);
    assert!(init.status.success(), "{}", stderr(&init));
    dir
}

fn identity(db: &Path) -> String {
    let info = run(db, &["--lang", "en", "info"]);
    assert!(info.status.success(), "{}", stderr(&info));
    let text = stdout(&info);
    let line = text.lines().find_map(|l| l.strip_prefix("Database identity: ")).expect("identity shown");
    assert_eq!(line.len(), 32);
    line.to_string()
}

fn push(db: &Path, conninfo: &str) -> String {
    let out = run_with_pins(db, &["--lang", "en", "push", "--postgres", conninfo, "--as", ADMIN], &[PIN]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// Thousandths from a plain decimal (`12.5`, `3`).
fn milli(plain: &str) -> i64 {
    let (whole, fraction) = plain.split_once('.').unwrap_or((plain, ""));
    let fraction = format!("{fraction:0<3}");
    whole.parse::<i64>().unwrap() * 1000 + fraction[..3].parse::<i64>().unwrap()
}

type Key = (String, u32, String, String, String, String);

/// Done work per (database, programme, month, kind, item's key, unit), in
/// thousandths, summed from the database's own JSON Lines export: items
/// grouped as the Lapas groups them ("BBI Cilacap" and "bbi cilacap" one).
fn export_totals(db: &Path, database: &str, into: &mut BTreeMap<Key, i64>) {
    let out = run(db, &["export", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for line in stdout(&out).lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        if entry["status"] != "done" {
            continue;
        }
        let month = format!("{}-01", &entry["date"].as_str().unwrap()[..7]);
        for q in entry["quantities"].as_array().unwrap() {
            let key = (
                database.to_string(),
                entry["program_id"].as_u64().unwrap() as u32,
                month.clone(),
                entry["kind"].as_str().unwrap().to_string(),
                item_key(q["item"].as_str().unwrap()),
                q["unit"].as_str().unwrap().to_string(),
            );
            *into.entry(key).or_default() += milli(q["value"].as_str().unwrap());
        }
    }
}

fn national_totals(client: &mut Client) -> BTreeMap<Key, i64> {
    client
        .query(
            "SELECT database_id, program_id, month::text, kind, item_key, unit, (total * 1000)::bigint
             FROM binalog.monthly_totals",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| {
            let key = (r.get(0), r.get::<_, i32>(1) as u32, r.get(2), r.get(3), r.get(4), r.get(5));
            (key, r.get::<_, i64>(6))
        })
        .collect()
}

fn count(client: &mut Client, table: &str) -> i64 {
    client.query_one(&format!("SELECT count(*) FROM binalog.{table}"), &[]).unwrap().get(0)
}

#[test]
fn three_lapas_push_into_one_postgres_and_the_monthly_totals_are_their_exports() {
    let Some(conninfo) = postgres("three_lapas") else { return };
    let lapas = [demo_lapas(), demo_lapas(), demo_lapas()];
    let mut expected = BTreeMap::new();
    for dir in &lapas {
        let database = identity(dir.path());
        let said = push(dir.path(), &conninfo);
        assert!(said.contains(&format!("of database {database}")), "{said}");
        export_totals(dir.path(), &database, &mut expected);
    }
    let mut client = sql(&conninfo);
    let national = national_totals(&mut client);
    assert_eq!(national.len(), expected.len());
    assert_eq!(national, expected, "every month, programme, item and unit of every Lapas");
    let databases: i64 =
        client.query_one("SELECT count(DISTINCT database_id) FROM binalog.pushes", &[]).unwrap().get(0);
    assert_eq!(databases, 3);

    // Pushing again adds nothing.
    let tables = ["entry_revisions", "quantities", "heads", "sites", "programmes", "officers"];
    let before: Vec<i64> = tables.iter().map(|t| count(&mut client, t)).collect();
    for dir in &lapas {
        let said = push(dir.path(), &conninfo);
        assert!(said.contains("Nothing new since the last push"), "{said}");
    }
    let after: Vec<i64> = tables.iter().map(|t| count(&mut client, t)).collect();
    assert_eq!(after, before);
    assert_eq!(national_totals(&mut client), expected);
    // Officers arrive without a PIN hash: there is no column for one.
    let columns: Vec<String> = client
        .query(
            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'binalog' AND table_name = 'officers'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!columns.is_empty() && columns.iter().all(|c| !c.contains("pin")), "{columns:?}");
}

#[test]
fn a_push_killed_before_its_commit_leaves_nothing_and_the_next_push_completes() {
    let Some(conninfo) = postgres("killed_push") else { return };
    let dir = demo_lapas();
    let database = identity(dir.path());
    let mut cmd = common::binalog(dir.path());
    cmd.args(["--lang", "en", "push", "--postgres", &conninfo, "--as", ADMIN]).env("BINALOG_DEBUG_PUSH_PAUSE", "1");
    let mut child = common::spawn_with_pins(cmd, &[PIN]);
    // The push says when its rows are in, uncommitted: it is killed there.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let paused = lines.find(|l| l.as_ref().is_ok_and(|l| l.contains("push paused before its commit")));
    assert!(paused.is_some(), "the push never reached its pause");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let mut client = sql(&conninfo);
    for table in ["entry_revisions", "quantities", "heads", "sites", "pushes"] {
        let rows: i64 = client
            .query_one(&format!("SELECT count(*) FROM binalog.{table} WHERE database_id = $1"), &[&database])
            .unwrap()
            .get(0);
        assert_eq!(rows, 0, "{table} after the killed push");
    }
    let said = push(dir.path(), &conninfo);
    assert!(said.contains("(sequence 0 to "), "{said}");
    let mut expected = BTreeMap::new();
    export_totals(dir.path(), &database, &mut expected);
    assert_eq!(national_totals(&mut client), expected);
}

#[test]
fn a_correction_after_a_push_moves_the_national_total_by_the_difference_and_a_void_removes_it() {
    let Some(conninfo) = postgres("correction") else { return };
    let dir = demo_lapas();
    let database = identity(dir.path());
    push(dir.path(), &conninfo);
    let mut client = sql(&conninfo);
    // A done entry with one quantity.
    let row = client
        .query_one(
            "SELECT c.entry, q.value_milli, q.unit, q.item, c.program, date_trunc('month', c.date)::date::text, c.kind
             FROM binalog.current_entries c
             JOIN binalog.quantities q USING (database_id, entry, revision, date)
             WHERE c.database_id = $1 AND c.status = 'done'
               AND (SELECT count(*) FROM binalog.quantities o
                    WHERE o.database_id = c.database_id AND o.entry = c.entry AND o.revision = c.revision) = 1
             ORDER BY c.entry LIMIT 1",
            &[&database],
        )
        .unwrap();
    let (entry, old, unit, item): (i64, i64, String, String) = (row.get(0), row.get(1), row.get(2), row.get(3));
    let key: Key =
        (database.clone(), row.get::<_, i32>(4) as u32, row.get(5), row.get(6), item_key(&item), unit.clone());
    let before = national_totals(&mut client)[&key];

    // A whole number, which no unit refuses and no reading makes ambiguous.
    let new = (old / 1000 + 2) * 1000;
    let qty = format!("{} {unit} {item}", new / 1000);
    let id = entry.to_string();
    let correct = run_with_pins(
        dir.path(),
        &["entry", "correct", &id, "--qty", qty.trim(), "--reason", "timbangan ulang", "--as", ADMIN],
        &[PIN],
    );
    assert!(correct.status.success(), "{}", stderr(&correct));
    push(dir.path(), &conninfo);
    assert_eq!(national_totals(&mut client)[&key], before + (new - old), "moved by exactly the difference");

    let void =
        run_with_pins(dir.path(), &["entry", "void", &id, "--reason", "tercatat dua kali", "--as", ADMIN], &[PIN]);
    assert!(void.status.success(), "{}", stderr(&void));
    push(dir.path(), &conninfo);
    let after = national_totals(&mut client).get(&key).copied().unwrap_or(0);
    assert_eq!(after, before - old, "the voided entry counts no more");
    let mut expected = BTreeMap::new();
    export_totals(dir.path(), &database, &mut expected);
    assert_eq!(national_totals(&mut client), expected);
}

#[test]
fn items_in_several_spellings_are_one_national_line_named_by_the_first() {
    let Some(conninfo) = postgres("spellings") else { return };
    let dir = demo_lapas();
    let database = identity(dir.path());
    let add = |date: &str, qty: &str| {
        let args = ["entry", "add", "--program", "1", "--date", date, "--kind", "harvest", "--qty", qty, "--as", ADMIN];
        let added = run_with_pins(dir.path(), &args, &[PIN]);
        assert!(added.status.success(), "{}", stderr(&added));
    };
    add("02/03/2026", "3 kg BBI Cilacap");
    // Pushed apart: the later spellings reach PostgreSQL in another push.
    push(dir.path(), &conninfo);
    add("03/03/2026", "4 kg bbi cilacap");
    add("04/03/2026", "5 kg BBI CILACAP");
    push(dir.path(), &conninfo);
    let mut client = sql(&conninfo);
    let rows = client
        .query(
            "SELECT item, item_key, (total * 1000)::bigint, entries FROM binalog.monthly_totals
             WHERE database_id = $1 AND program_id = 1 AND month = '2026-03-01' AND item_key = 'bbi cilacap'",
            &[&database],
        )
        .unwrap();
    let found: Vec<(String, String, i64, i64)> =
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect();
    assert_eq!(found, [("BBI Cilacap".to_string(), "bbi cilacap".to_string(), 12_000, 3)]);
    let mut expected = BTreeMap::new();
    export_totals(dir.path(), &database, &mut expected);
    assert_eq!(national_totals(&mut client), expected, "the export grouped as the Lapas groups it");
}

#[test]
fn a_schema_of_version_1_with_rows_is_migrated_and_its_lowercase_items_join_the_new_spellings() {
    let Some(conninfo) = postgres("upgrade") else { return };
    let mut client = sql(&conninfo);
    // As an older binalog left it: version 1 only, and a revision pushed
    // with its item lowercased (programme 1 of a database "a…a").
    let (_, file, version_1) = binalog::national::schema::MIGRATIONS[0];
    client
        .batch_execute(&format!(
            "CREATE SCHEMA binalog;
             CREATE TABLE binalog.schema_versions (
                 version integer PRIMARY KEY, file text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
             {version_1}
             INSERT INTO binalog.schema_versions (version, file) VALUES (1, '{file}');
             CREATE TABLE binalog.entry_revisions_y2026m03 PARTITION OF binalog.entry_revisions
                 FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
             CREATE TABLE binalog.quantities_y2026m03 PARTITION OF binalog.quantities
                 FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
             INSERT INTO binalog.sites VALUES ('{db}', 1, 'nk', 'Lapas', 420, 1);
             INSERT INTO binalog.programmes
                 VALUES ('{db}', 1, 'Hortikultura', 'pertanian', 1, 1, 1, '2025-05-19', '2030-05-19', 'active', 1);
             INSERT INTO binalog.entry_revisions VALUES ('{db}', 1, 1, NULL, 1, '2026-03-02', 'harvest', 'done',
                 false, 2, 0, 0, '', '', '{ADMIN}', '2026-03-02T02:00:00Z', 2);
             INSERT INTO binalog.heads VALUES ('{db}', 1, 1, '2026-03-02');
             INSERT INTO binalog.quantities VALUES ('{db}', 1, 1, '2026-03-02', 0, 3000, 'kg', 'bbi cilacap');",
            db = "a".repeat(32),
        ))
        .unwrap();
    // A Lapas of this binalog, with the item in capitals, migrates and pushes.
    let dir = demo_lapas();
    let args =
        ["entry", "add", "--program", "1", "--date", "03/03/2026", "--kind", "harvest", "--qty", "4 kg BBI Cilacap"];
    let added = run_with_pins(dir.path(), &[&args[..], &["--as", ADMIN]].concat(), &[PIN]);
    assert!(added.status.success(), "{}", stderr(&added));
    let said = push(dir.path(), &conninfo);
    assert!(said.contains("National schema brought to version 2"), "{said}");
    let rows = client
        .query(
            "SELECT database_id, item, (total * 1000)::bigint FROM binalog.monthly_totals
             WHERE item_key = 'bbi cilacap' ORDER BY database_id",
            &[],
        )
        .unwrap();
    let found: Vec<(String, String, i64)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    let mut want =
        vec![("a".repeat(32), "bbi cilacap".to_string(), 3_000), (identity(dir.path()), "BBI Cilacap".into(), 4_000)];
    want.sort();
    assert_eq!(found, want, "each database's line, named by its own first spelling");
}

#[test]
fn a_connection_file_others_may_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("conninfo");
    std::fs::write(&file, "host=/nowhere dbname=x").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let db = demo_lapas();
    let out = run_with_pins(
        db.path(),
        &["--lang", "en", "push", "--postgres-file", file.to_str().unwrap(), "--as", ADMIN],
        &[PIN],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("can be read by other users (mode 644)"), "{}", stderr(&out));
}

/// `info` and `feed` through a server: the identity, counts and sites for
/// any officer; the feed for admins only, resuming where it is told.
#[test]
fn info_and_the_feed_through_a_server() {
    let dir = demo_lapas();
    let db = dir.path();
    let direct = identity(db);
    let _server = common::serve::Served::start(db, &[]);
    let operator = "199001012015031002";
    let mut cmd = common::served(db);
    cmd.args(["--lang", "en", "info", "--as", operator]);
    let info = common::with_pins(cmd, &[PIN]);
    assert!(info.status.success(), "{}", stderr(&info));
    let text = stdout(&info);
    assert!(text.contains(&format!("Database identity: {direct}")), "{text}");
    assert!(text.contains("officers: 3; programmes: 6"), "{text}");
    assert!(text.contains("Sites (3):") && text.contains("Lapas Kelas I Batu"), "{text}");

    let feed = |nip: &str, since: &str| {
        let mut cmd = common::served(db);
        cmd.args(["feed", "--since", since, "--as", nip]);
        common::with_pins(cmd, &[PIN])
    };
    let refused = feed(operator, "0");
    assert!(!refused.status.success());
    assert!(stdout(&refused).is_empty());
    let all = feed(ADMIN, "0");
    assert!(all.status.success(), "{}", stderr(&all));
    let lines: Vec<serde_json::Value> = stdout(&all).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let seqs: Vec<u64> = lines.iter().map(|l| l["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=lines.len() as u64).collect::<Vec<_>>());
    assert!(lines.iter().all(|l| l["format"] == 1 && l["database"] == direct.as_str()));
    assert!(lines.iter().any(|l| l["type"] == "officer") && !stdout(&all).contains("argon2"));
    let tail = feed(ADMIN, "100");
    let (tail_text, all_text) = (stdout(&tail), stdout(&all));
    assert!(tail.status.success(), "{}", stderr(&tail));
    assert_eq!(tail_text.lines().collect::<Vec<_>>(), all_text.lines().skip(100).collect::<Vec<_>>());
}
