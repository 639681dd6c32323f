//! `binalog check`: decodes every stored value and rebuilds every index and
//! rollup from the entries, reporting each difference.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::codec::{Stored, decode};
use super::rollup::{Activity, Deltas, Rollup};
use super::{Result, Store, StoreError, damage, hex, io_error, keys};
use crate::domain::entry::{Entry, Field};
use crate::domain::invalid::Invalid;
use crate::domain::officer::Nip;
use crate::domain::text::{TextField, check_text};
use crate::domain::{Agreement, Officer, Partner, Program, Site};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Problem {
    /// A value that will not decode.
    Undecodable { tree: String, key: String, detail: String },
    /// An index key that should be there and is not.
    IndexMissing { tree: String, key: String },
    /// An index key that points at nothing current.
    IndexExtra { tree: String, key: String },
    /// A rollup that does not equal the sum of its entries.
    RollupWrong { key: String, expected: Rollup, found: Rollup },
    /// An activity row (entries and attendance of a day) that does not
    /// equal the sum of its entries.
    ActivityWrong { key: String, expected: Activity, found: Activity },
    /// A head without its revision, or a gap in an entry's revisions.
    RevisionMissing { entry: u64, revision: u32 },
    /// An entry whose programme does not exist.
    ProgramMissing { entry: u64, program: u32 },
    /// A counter that would hand out an id already used.
    CounterBehind { counter: String, next: u64, highest: u64 },
    /// Audit records missing between two sequence numbers: the trail is
    /// append-only, so a gap means something was removed.
    AuditGap { after: u64, next: u64 },
    /// A value of an entry's revision that today's rules would refuse
    /// (written before a rule existed, or around the records API).
    EntryValueRefused { entry: u64, revision: u32, field: Field, problem: Invalid },
    /// A value of a reference record or an officer that today's rules
    /// would refuse; the problem names the field.
    RecordValueRefused { tree: String, key: String, problem: Invalid },
    /// The entries of one day and key add up past what a total can hold.
    TotalOverflow { entry: u64 },
}

fn decode_all<T: Stored>(tree: &sled::Tree, name: &str, problems: &mut Vec<Problem>) -> Result<Vec<(Vec<u8>, T)>> {
    let mut values = Vec::new();
    for kv in tree.iter() {
        let (k, v) = kv?;
        match decode::<T>(&v) {
            Ok(value) => values.push((k.to_vec(), value)),
            Err(e) => problems.push(Problem::Undecodable { tree: name.into(), key: hex(&k), detail: e.to_string() }),
        }
    }
    Ok(values)
}

impl Store {
    pub fn check(&self) -> Result<Vec<Problem>> {
        let mut problems = Vec::new();
        let mut refused = Vec::new();
        for (_, site) in decode_all::<Site>(&self.sites, "sites", &mut problems)? {
            let texts = [(&site.code, TextField::SiteCode), (&site.name, TextField::SiteName)];
            refused.extend(text_problems("sites", site.id.to_string(), &texts));
        }
        for (_, partner) in decode_all::<Partner>(&self.partners, "partners", &mut problems)? {
            let texts = [(&partner.name, TextField::PartnerName)];
            refused.extend(text_problems("partners", partner.id.to_string(), &texts));
        }
        for (_, agreement) in decode_all::<Agreement>(&self.agreements, "agreements", &mut problems)? {
            let texts = [(&agreement.number, TextField::AgreementNumber)];
            refused.extend(text_problems("agreements", agreement.id.to_string(), &texts));
        }
        for (_, officer) in decode_all::<Officer>(&self.officers, "officers", &mut problems)? {
            // A NIP is parsed on the way in; a stored one is only decoded.
            let nip = officer.nip.as_str();
            let key = crate::domain::text::escape_forbidden(nip).into_owned();
            if Nip::parse(nip).is_err() {
                let problem = Invalid::NipFormat { input: key.clone() };
                refused.push(Problem::RecordValueRefused { tree: "officers".into(), key: key.clone(), problem });
            }
            refused.extend(text_problems("officers", key, &[(&officer.name, TextField::OfficerName)]));
        }
        let programs: HashMap<u32, Program> = decode_all::<Program>(&self.programs, "programs", &mut problems)?
            .into_iter()
            .map(|(_, p)| (p.id, p))
            .collect();
        for program in programs.values() {
            let texts = [(&program.name, TextField::ProgramName)];
            refused.extend(text_problems("programs", program.id.to_string(), &texts));
        }
        for (_, target) in decode_all::<crate::domain::report::Target>(&self.targets, "targets", &mut problems)? {
            // Today's rules for a target, against its programme as stored.
            if let Some(program) = programs.get(&target.program) {
                let t = &target;
                if let Err(problem) =
                    crate::domain::report::Target::check(program, t.year, t.kind, t.value, t.unit, &t.item)
                {
                    let key = format!("{} {} {} {}", t.program, t.year, t.kind.code(), t.item);
                    refused.push(Problem::RecordValueRefused { tree: "targets".into(), key, problem });
                }
            }
        }
        let audit = decode_all::<super::AuditRecord>(&self.audit, "audit", &mut problems)?;
        for pair in audit.windows(2) {
            let (after, next) = (pair[0].1.seq, pair[1].1.seq);
            if next != after + 1 {
                problems.push(Problem::AuditGap { after, next });
            }
        }
        let revisions = decode_all::<Entry>(&self.entries, "entries", &mut problems)?;
        // Every revision, not only the current: history is printed too.
        for (_, entry) in &revisions {
            let sector = programs.get(&entry.draft.program).map(|p| p.sector);
            let mut found = entry.draft.value_problems(sector);
            if let Err(e) = check_text(&entry.reason, TextField::Reason) {
                found.push((Field::Notes, e));
            }
            refused.extend(found.into_iter().map(|(field, problem)| Problem::EntryValueRefused {
                entry: entry.id,
                revision: entry.revision,
                field,
                problem,
            }));
        }
        let heads = decode_all::<u32>(&self.heads, "heads", &mut problems)?;
        self.check_meta(&mut problems, &revisions, &audit)?;

        let by_key: BTreeMap<(u64, u32), &Entry> = revisions.iter().map(|(_, e)| ((e.id, e.revision), e)).collect();
        let mut current = Vec::new();
        for (key, head) in &heads {
            let id = keys::u64_from(key).unwrap_or_default();
            for revision in 1..=*head {
                if !by_key.contains_key(&(id, revision)) {
                    problems.push(Problem::RevisionMissing { entry: id, revision });
                }
            }
            if let Some(entry) = by_key.get(&(id, *head)) {
                current.push(*entry);
            }
        }

        let mut want_program = BTreeSet::new();
        let mut want_site = BTreeSet::new();
        let mut deltas = Deltas::default();
        for entry in &current {
            let d = &entry.draft;
            let Some(site) = programs.get(&d.program).map(|p| p.site) else {
                problems.push(Problem::ProgramMissing { entry: entry.id, program: d.program });
                continue;
            };
            want_program.insert(keys::dated(d.program, d.date, entry.id));
            want_site.insert(keys::dated(site, d.date, entry.id));
            if deltas.apply(entry, 1).is_err() {
                problems.push(Problem::TotalOverflow { entry: entry.id });
            }
        }
        compare_index(&self.by_program, "by_program", &want_program, &mut problems)?;
        compare_index(&self.by_site, "by_site", &want_site, &mut problems)?;

        let found = decode_all::<Rollup>(&self.rollups, "rollups", &mut problems)?;
        let found: BTreeMap<Vec<u8>, Rollup> = found.into_iter().collect();
        let expected: BTreeMap<Vec<u8>, Rollup> = std::mem::take(&mut deltas.0)
            .into_iter()
            // An overflowing sum was reported above; `apply` left it unchanged.
            .filter_map(|(k, (total, count))| Some((k, Rollup::default().plus(total, count)?)))
            .filter(|(_, r)| !r.is_empty())
            .collect();
        for key in expected.keys().chain(found.keys()).collect::<BTreeSet<_>>() {
            let e = expected.get(key).copied().unwrap_or_default();
            let f = found.get(key).copied().unwrap_or_default();
            if e != f {
                problems.push(Problem::RollupWrong { key: hex(key), expected: e, found: f });
            }
        }
        // Built at open when missing: compared once it is there.
        if self.meta.contains_key(keys::META_ACTIVITY)? {
            let found = decode_all::<Activity>(&self.activity, "activity", &mut problems)?;
            let found: BTreeMap<Vec<u8>, Activity> = found.into_iter().collect();
            let expected: BTreeMap<&Vec<u8>, &Activity> = deltas.1.iter().filter(|(_, a)| !a.is_empty()).collect();
            for key in expected.keys().copied().chain(found.keys()).collect::<BTreeSet<_>>() {
                let e = expected.get(key).copied().copied().unwrap_or_default();
                let f = found.get(key).copied().unwrap_or_default();
                if e != f {
                    problems.push(Problem::ActivityWrong { key: hex(key), expected: e, found: f });
                }
            }
        }
        problems.extend(refused);
        Ok(problems)
    }

    fn check_meta(
        &self,
        problems: &mut Vec<Problem>,
        revisions: &[(Vec<u8>, Entry)],
        audit: &[(Vec<u8>, super::AuditRecord)],
    ) -> Result<()> {
        let highest_entry = revisions.iter().map(|(_, e)| e.id).max().unwrap_or(0);
        let highest_audit = audit.iter().map(|(_, a)| a.seq).max().unwrap_or(0);
        for (key, highest) in [(keys::META_NEXT_ENTRY, highest_entry), (keys::META_NEXT_AUDIT, highest_audit)] {
            let counter = String::from_utf8_lossy(key).to_string();
            let next = match self.meta.get(key)? {
                None => 1,
                Some(v) => match decode::<u64>(&v) {
                    Ok(next) => next,
                    Err(e) => {
                        problems.push(Problem::Undecodable {
                            tree: "meta".into(),
                            key: counter,
                            detail: e.to_string(),
                        });
                        continue;
                    }
                },
            };
            if highest > 0 && next <= highest {
                problems.push(Problem::CounterBehind { counter, next, highest });
            }
        }
        Ok(())
    }
}

/// The text rules asked of a stored record's fields.
fn text_problems(tree: &str, key: String, texts: &[(&String, TextField)]) -> Vec<Problem> {
    texts
        .iter()
        .filter_map(|(text, field)| check_text(text, *field).err())
        .map(|problem| Problem::RecordValueRefused { tree: tree.into(), key: key.clone(), problem })
        .collect()
}

/// A private copy of a database's files, removed when dropped.
struct Copy(PathBuf);

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies sled's files (`db`, `conf`, `snap.*`, `blobs/`) into a new
/// private folder under the system's temporary folder.
fn copy_files(from: &Path) -> Result<Copy> {
    use std::os::unix::fs::DirBuilderExt;
    static COPIES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let copy = Copy(std::env::temp_dir().join(format!("binalog-check-{}-{n}", std::process::id())));
    std::fs::DirBuilder::new().mode(0o700).create(&copy.0).map_err(io_error)?;
    for entry in std::fs::read_dir(from).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "db" || name == "conf" || name.starts_with("snap.") {
            std::fs::copy(entry.path(), copy.0.join(&name)).map_err(io_error)?;
        } else if name == "blobs" && entry.path().is_dir() {
            std::fs::create_dir(copy.0.join("blobs")).map_err(io_error)?;
            for blob in std::fs::read_dir(entry.path()).map_err(io_error)? {
                let blob = blob.map_err(io_error)?;
                std::fs::copy(blob.path(), copy.0.join("blobs").join(blob.file_name())).map_err(io_error)?;
            }
        }
    }
    Ok(copy)
}

/// `check` of a database folder that no process has open, without
/// writing to it: sled may rewrite parts of a damaged folder when it opens
/// it (recovery cuts a torn log short), so the files are copied, under
/// sled's own lock taken shared, and the copy is opened and checked.
/// Returns the problems and the number of entries.
pub fn check_copy(path: &Path) -> Result<(Vec<Problem>, usize)> {
    if !path.join("db").exists() {
        return Err(StoreError::Missing { path: path.to_path_buf() });
    }
    let copy = {
        let _shared = damage::lock(path, false)?;
        copy_files(path)?
    };
    // Damage is reported under the real folder's name, with its backups.
    damage::guarded(path, || {
        let db = sled::Config::new().path(&copy.0).open().map_err(|e| damage::open_error(path, e))?;
        let store = Store::over(db, &copy.0)?;
        store.check_schema()?;
        if !store.is_initialised()? {
            return Err(StoreError::NotInitialised { path: path.to_path_buf() });
        }
        Ok((store.check()?, store.entry_count()))
    })
}

fn compare_index(tree: &sled::Tree, name: &str, want: &BTreeSet<Vec<u8>>, problems: &mut Vec<Problem>) -> Result<()> {
    let have: BTreeSet<Vec<u8>> =
        tree.iter().keys().map(|k| k.map(|k| k.to_vec())).collect::<std::result::Result<_, _>>()?;
    for key in want.difference(&have) {
        problems.push(Problem::IndexMissing { tree: name.into(), key: hex(key) });
    }
    for key in have.difference(want) {
        problems.push(Problem::IndexExtra { tree: name.into(), key: hex(key) });
    }
    Ok(())
}
