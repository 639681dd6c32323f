//! Imports attacked over a real `binalog serve` socket: chunks for an
//! import of another connection or another officer, chunks after the end,
//! two imports at once, drafts the rules refuse, an operator importing at
//! a site not theirs, a client gone mid-import. Each is refused in words,
//! stores nothing half-done and leaves no staged file behind.

mod common;

use std::path::Path;

use binalog::domain::officer::Role;
use binalog::domain::{EntryDraft, Kind};
use binalog::records::{Error, Records};
use common::serve::Served;
use common::*;

/// Another operator, at site 1 only (programme 1 is there, programme 4 at
/// site 2).
const SITE_ONE_OPERATOR: &str = "199001012015011002";

fn harvest(day_of_march: u32) -> EntryDraft {
    draft(1, day(2026, 3, day_of_march), Kind::Harvest, "2 kg cabai")
}

fn harvests(n: usize) -> Vec<EntryDraft> {
    (0..n).map(|i| harvest(1 + (i % 9) as u32)).collect()
}

/// The staged files in the database folder.
fn staged_files(db: &Path) -> Vec<String> {
    let names = std::fs::read_dir(db).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name());
    names.map(|n| n.to_string_lossy().into_owned()).filter(|n| n.ends_with(".staged")).collect()
}

/// Waits for the server to drop a session's staged files after its
/// client has gone (it notices the closed socket on its own thread).
fn until_no_staged_file(db: &Path) {
    for _ in 0..1_000_000 {
        if staged_files(db).is_empty() {
            return;
        }
        std::thread::yield_now();
    }
    panic!("staged files left: {:?}", staged_files(db));
}

/// A client with the operator logged in and `n` drafts of an import
/// staged: its one staged file.
fn begun(server: &Served, db: &Path, n: usize) -> (Records, binalog::records::Actor, binalog::records::ImportId) {
    let client = server.client();
    let operator = client.login(NIP, PIN).unwrap();
    let import = client.import_begin(&operator).unwrap();
    client.import_chunk(&operator, import, harvests(n)).unwrap();
    assert_eq!(staged_files(db).len(), 1);
    (client, operator, import)
}

#[test]
fn an_import_is_only_its_connections_and_officers_and_takes_nothing_once_ended() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let (mine, _, import) = begun(&server, dir.path(), 10);

    // Another connection, even logged in as the same officer.
    let other = server.client();
    let same_officer = other.login(NIP, PIN).unwrap();
    assert_eq!(other.import_chunk(&same_officer, import, harvests(1)), Err(Error::ImportUnknown));
    assert_eq!(other.import_finish(&same_officer, import), Err(Error::ImportUnknown));
    assert_eq!(other.import_abort(&same_officer, import), Err(Error::ImportUnknown));
    // Another officer on the same connection.
    let admin = mine.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    assert_eq!(mine.import_chunk(&admin, import, harvests(1)), Err(Error::ImportUnknown));
    assert_eq!(mine.import_finish(&admin, import), Err(Error::ImportUnknown));
    assert_eq!(mine.import_abort(&admin, import), Err(Error::ImportUnknown));
    assert_eq!(mine.count_entries().unwrap(), 0);

    // Its officer again: the import is as it was.
    let operator = mine.login(NIP, PIN).unwrap();
    let ids = mine.import_finish(&operator, import).unwrap();
    assert_eq!(ids, 1..11);
    assert!(staged_files(dir.path()).is_empty());
    for late in [mine.import_chunk(&operator, import, harvests(1)), mine.import_abort(&operator, import)] {
        assert_eq!(late, Err(Error::ImportUnknown));
    }
    assert_eq!(mine.import_finish(&operator, import), Err(Error::ImportUnknown));

    let aborted = mine.import_begin(&operator).unwrap();
    mine.import_chunk(&operator, aborted, harvests(5)).unwrap();
    mine.import_abort(&operator, aborted).unwrap();
    assert!(staged_files(dir.path()).is_empty());
    assert_eq!(mine.import_chunk(&operator, aborted, harvests(1)), Err(Error::ImportUnknown));
    assert_eq!(mine.import_finish(&operator, aborted), Err(Error::ImportUnknown));
    assert_eq!(mine.count_entries().unwrap(), 10);

    // The aborted import took no id: the next entry follows the import.
    assert_eq!(mine.add_entry(&operator, harvest(2)).unwrap().id, 11);
    assert_eq!(server.client().check().unwrap(), vec![]);
    // The words name what happened, in both languages.
    for lang in [binalog::i18n::Lang::Id, binalog::i18n::Lang::En] {
        assert!(!binalog::i18n::Message::render(&Error::ImportUnknown, lang).is_empty());
    }
}

#[test]
fn two_clients_importing_at_once_each_get_all_their_entries_under_their_own_ids() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let (a, b) = (server.client(), server.client());
    let importing = |records: Records, program: u32| {
        std::thread::spawn(move || {
            let operator = records.login(NIP, PIN).unwrap();
            let drafts: Vec<EntryDraft> = harvests(2_345).into_iter().map(|d| EntryDraft { program, ..d }).collect();
            records.import(&operator, drafts).unwrap()
        })
    };
    let (one, five) = (importing(a, 1), importing(b, 5));
    let (one, five) = (one.join().unwrap(), five.join().unwrap());
    for ids in [&one, &five] {
        assert_eq!(ids.len(), 2_345);
        assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "an import's ids follow on");
    }
    let mut all: Vec<u64> = one.iter().chain(&five).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (1..=4_690).collect::<Vec<_>>());
    let client = server.client();
    assert_eq!(client.check().unwrap(), vec![]);
    for (program, ids) in [(1, &one), (5, &five)] {
        assert!(ids.iter().all(|id| client.current(*id).unwrap().draft.program == program));
    }
    let admin = client.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    let page = client.feed(&admin, 0, 5_000).unwrap();
    let seqs: Vec<u64> = page.changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (1..=page.last).collect::<Vec<_>>(), "the feed numbers every change once");
    assert!(staged_files(dir.path()).is_empty());
}

#[test]
fn drafts_the_rules_refuse_are_refused_and_nothing_of_them_is_stored() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let client = server.client();
    let operator = client.login(NIP, PIN).unwrap();
    let unknown_programme = EntryDraft { program: 999, ..harvest(1) };
    let future = EntryDraft { date: day(2099, 1, 1), ..harvest(1) };
    let control = EntryDraft { notes: "panen\u{1b}[2J\u{7}".into(), ..harvest(1) };
    let wrong_unit = draft(1, day(2026, 3, 1), Kind::Harvest, "3 liter cabai");
    for (name, bad) in
        [("programme", unknown_programme), ("future", future), ("control", control), ("unit", wrong_unit)]
    {
        let import = client.import_begin(&operator).unwrap();
        let mut drafts = harvests(4);
        drafts.insert(2, bad);
        match client.import_chunk(&operator, import, drafts) {
            Err(Error::ImportRefused { rows, total }) => {
                assert_eq!((rows.len(), total), (1, 1), "{name}: {rows:?}");
                assert_eq!(rows[0].0, 3, "{name}: named by its place");
            }
            other => panic!("{name}: not refused: {other:?}"),
        }
        // Nothing of the refused chunk was staged: finishing makes none.
        assert_eq!(client.import_finish(&operator, import).unwrap(), 1..1, "{name}");
        assert!(staged_files(dir.path()).is_empty(), "{name}");
    }
    assert_eq!(client.count_entries().unwrap(), 0);
    assert_eq!(server.client().check().unwrap(), vec![]);
    // The whole-import call refuses every such file and leaves nothing.
    let mut drafts = harvests(2_100);
    drafts[2_050].date = day(2099, 1, 1);
    assert!(matches!(client.import(&operator, drafts), Err(Error::ImportRefused { total: 1, .. })));
    assert_eq!(client.count_entries().unwrap(), 0);
    assert!(staged_files(dir.path()).is_empty());
}

#[test]
fn an_operator_imports_only_at_their_sites_checked_again_at_the_end() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let admin_client = server.client();
    let admin = admin_client.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    admin_client.add_officer(Some(&admin), SITE_ONE_OPERATOR, "Rina", Role::Operator, PIN).unwrap();
    admin_client.assign_sites(&admin, SITE_ONE_OPERATOR, &[1]).unwrap();

    let client = server.client();
    let operator = client.login(SITE_ONE_OPERATOR, PIN).unwrap();
    let import = client.import_begin(&operator).unwrap();
    let elsewhere = draft(4, day(2026, 3, 9), Kind::WasteReceived, "9 kg");
    let refused = client.import_chunk(&operator, import, vec![harvest(1), elsewhere]);
    assert!(matches!(refused, Err(Error::NotAtSite { site: 2, .. })), "{refused:?}");
    client.import_chunk(&operator, import, harvests(3)).unwrap();
    // Taken off site 1 before finishing: the import is refused whole.
    admin_client.assign_sites(&admin, SITE_ONE_OPERATOR, &[3]).unwrap();
    let refused = client.import_finish(&operator, import);
    assert!(matches!(refused, Err(Error::NotAtSite { site: 1, .. })), "{refused:?}");
    assert_eq!(client.count_entries().unwrap(), 0);
    assert!(staged_files(dir.path()).is_empty());
    assert_eq!(client.import_chunk(&operator, import, harvests(1)), Err(Error::ImportUnknown));
    assert_eq!(admin_client.check().unwrap(), vec![]);
}

#[test]
fn a_client_gone_mid_import_leaves_no_staged_file_and_nothing_visible() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    drop(begun(&server, dir.path(), 2_000));
    until_no_staged_file(dir.path());
    // One that begins an import, then another: the first is dropped.
    let client = server.client();
    let operator = client.login(NIP, PIN).unwrap();
    let first = client.import_begin(&operator).unwrap();
    client.import_chunk(&operator, first, harvests(3)).unwrap();
    let second = client.import_begin(&operator).unwrap();
    assert_eq!(staged_files(dir.path()).len(), 1, "one import per session");
    assert_eq!(client.import_finish(&operator, first), Err(Error::ImportUnknown));
    client.import_chunk(&operator, second, harvests(2)).unwrap();
    assert_eq!(client.import_finish(&operator, second).unwrap(), 1..3);
    assert_eq!(client.count_entries().unwrap(), 2);
    assert_eq!(server.client().check().unwrap(), vec![]);
}
