//! Crash safety: a writer is killed with SIGKILL at an arbitrary point;
//! every entry it acknowledged must be there afterwards and `check` must pass.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use binalog::domain::Kind;
use common::*;

const ROUNDS: usize = 20;

/// The writer: adds entries (and now and then corrects one) until killed,
/// printing `ack ID REVISION` only after each change returned, i.e. after
/// it was flushed. Bounded, so a parent that dies does not leave it running.
#[test]
fn crash_child_writer() {
    if !is_child() {
        return;
    }
    let records = open(std::path::Path::new(&std::env::var("CRASH_DB").unwrap()));
    let actor = records.login(NIP, PIN).unwrap();
    let mut out = std::io::stdout().lock();
    let mut last = None;
    for i in 0..10_000u32 {
        let entry = if i % 4 == 3
            && let Some(id) = last
        {
            let current = records.current(id).unwrap();
            let mut draft = current.draft.clone();
            draft.quantities[0].value = binalog::domain::Amount::whole(i64::from(i % 50) + 1);
            records.correct_entry(&actor, id, current.revision, draft, "koreksi").unwrap()
        } else {
            let qty = format!("{},5 kg cabai", i % 90);
            records.add_entry(&actor, draft(1, day(2026, 3, 1 + i % 9), Kind::Harvest, &qty)).unwrap()
        };
        last = Some(entry.id);
        writeln!(out, "ack {} {}", entry.id, entry.revision).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn acknowledged_entries_survive_sigkill() {
    if is_child() {
        return;
    }
    let dir = prepared();
    let db = dir.path();
    let mut acked: BTreeMap<u64, u32> = BTreeMap::new();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for round in 0..ROUNDS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = 1 + (seed % 40) as usize;
        let mut child = run_child_test("crash_child_writer", &[("CRASH_DB", db.to_str().unwrap())])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        for line in lines {
            let line = line.unwrap();
            let Some(rest) = line.strip_prefix("ack ") else { continue };
            let (id, revision) = rest.split_once(' ').unwrap();
            let revision: u32 = revision.parse().unwrap();
            let slot = acked.entry(id.parse().unwrap()).or_insert(0);
            *slot = (*slot).max(revision);
            seen += 1;
            if seen == kill_after {
                // The writer is mid-way through its next change when this lands.
                child.kill().unwrap();
                break;
            }
        }
        child.wait().unwrap();
        assert_eq!(seen, kill_after, "round {round}: the writer stopped early");

        let check = run(db, &["check"]);
        assert!(check.status.success(), "round {round}: {}{}", stdout(&check), stderr(&check));
        let export = stdout(&run(db, &["export", "--format", "jsonl"]));
        let stored: BTreeMap<u64, u32> = export
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (v["entry_id"].as_u64().unwrap(), v["revision"].as_u64().unwrap() as u32)
            })
            .collect();
        for (id, revision) in &acked {
            let found = stored.get(id).copied();
            assert!(found.is_some_and(|r| r >= *revision), "round {round}: entry {id} rev {revision} lost ({found:?})");
        }
    }
}
