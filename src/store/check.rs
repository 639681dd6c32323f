//! `binalog check`: decodes every stored value and rebuilds every index,
//! rollup and month of livestock stock from the entries, reporting each
//! difference, in memory that does not grow with the database.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::codec::{Stored, decode};
use super::rollup::{Activity, Deltas, MonthRollup, Rollup, Sum};
use super::{Result, Store, StoreError, damage, hex, io_error, keys, program_days, stock};
use crate::domain::entry::{Entry, Field};
use crate::domain::invalid::Invalid;
use crate::domain::inventory::movements;
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
    /// A gap in an entry's revisions (numbered from 1, the last current).
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
    /// A month of a programme's livestock stock (stock.rs) that differs
    /// from what its entries make.
    StockWrong { program: u32, month: chrono::NaiveDate },
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

/// A key and its value as a tree's iterator hands them out.
type Pair = sled::Result<(sled::IVec, sled::IVec)>;

/// Hands a tree's pairs on in order, in batches, until the first error
/// (handed on last) or until the taker is gone.
fn hand_on(pairs: impl Iterator<Item = Pair>, to: std::sync::mpsc::SyncSender<Vec<Pair>>) {
    const BATCH: usize = 1024;
    let mut pairs = pairs;
    loop {
        let mut batch = Vec::with_capacity(BATCH);
        let mut ended = true;
        for pair in pairs.by_ref() {
            let failed = pair.is_err();
            batch.push(pair);
            if failed {
                break;
            }
            if batch.len() == BATCH {
                ended = false;
                break;
            }
        }
        if batch.is_empty() || to.send(batch).is_err() || ended {
            return;
        }
    }
}

impl Store {
    /// Decodes every stored value and rebuilds every index, rollup and
    /// month of livestock stock from the entries, reporting each
    /// difference. Streams: memory stays what one entry's revisions, one
    /// day's totals and one month's stock take, whatever the size of the
    /// database (plus the problems found and the small reference trees).
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
        let highest_audit = self.check_audit(&mut problems)?;
        let stock = self.has_stock()?;
        let mut expected = Digests::new(stock, self.meta.contains_key(keys::META_MONTHLY)?);
        let empty = expected.empty();
        let activity_kept = self.meta.contains_key(keys::META_ACTIVITY)?;
        // Two threads, so that a two-core machine takes little more than
        // sled's reading (the processor time is the same): this one reads
        // every tree (the entries first, handed on in batches), the other
        // decodes the entries and checks them. Only one thread reads from
        // sled, whose pages then churn in one allocator arena: a second
        // reader held some 10 MB more (tests/check_memory.rs). The digests
        // are order-free; the problems come in the order one thread doing
        // it all found them.
        let states = empty.states.clone();
        let (pass, program, stored) = std::thread::scope(|scope| {
            let (send, receive) = std::sync::mpsc::sync_channel(2);
            let (problems, refused, expected) = (&mut problems, &mut refused, &mut expected);
            let programs = &programs;
            let decoder = scope.spawn(move || {
                let revisions = receive.into_iter().flatten();
                self.check_revisions(revisions, programs, problems, refused, Some(expected))
            });
            hand_on(self.entries.iter(), send);
            let program = self.program_digest(&states);
            let mut found = Vec::new();
            let stored = self.stored_digests(empty, &mut found).map(|digests| (digests, found));
            (decoder.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), program, stored)
        });
        let pass = pass?;
        self.check_meta(&mut problems, pass.highest_entry, highest_audit)?;
        self.check_item_names(&pass.names_needed, &mut problems)?;
        // The index is read before the sums' trees, whose errors come after.
        let (program, unreadable) = program?;
        // A day of the index that does not read counts as absent below:
        // its entries' keys are reported missing too.
        for key in unreadable {
            let detail = "not a list of entry ids".to_string();
            problems.push(Problem::Undecodable { tree: program_days::TREE.into(), key: hex(&key), detail });
        }
        let (mut digests, found) = stored?;
        digests.program = program;
        // Every tree read in key order, summed the same way: equal sums
        // mean the indexes, totals and stock are what the entries make.
        // Only when they differ is each difference looked for, entry by
        // entry (slow: lookups in key order of another tree).
        if digests == expected {
            problems.extend(found);
        } else {
            // The slow passes find again what the digests' pass found.
            let mut again = Vec::new();
            let pass = self.check_revisions(self.entries.iter(), &programs, &mut again, &mut Vec::new(), None)?;
            problems.extend(again.into_iter().filter(|p| matches!(p, Problem::IndexMissing { .. })));
            self.check_program_index(&programs, &pass.program_keys_missing, &mut problems)?;
        }
        // Built at open when missing: compared once it is there. A row per
        // programme, day and kind, compared as it is read.
        if activity_kept {
            problems.extend(compare_activity(&pass.activity.1, self.activity.iter())?);
        }
        problems.extend(refused);
        Ok(problems)
    }

    /// Audit records a record at a time: gaps in the sequence, and the
    /// highest number for the counter.
    fn check_audit(&self, problems: &mut Vec<Problem>) -> Result<u64> {
        let mut previous: Option<u64> = None;
        let mut highest = 0;
        for kv in self.audit.iter() {
            let (k, v) = kv?;
            match decode::<super::AuditRecord>(&v) {
                Ok(record) => {
                    if let Some(after) = previous.filter(|after| record.seq != after + 1) {
                        problems.push(Problem::AuditGap { after, next: record.seq });
                    }
                    previous = Some(record.seq);
                    highest = highest.max(record.seq);
                }
                Err(e) => {
                    problems.push(Problem::Undecodable { tree: "audit".into(), key: hex(&k), detail: e.to_string() })
                }
            }
        }
        Ok(highest)
    }

    /// Every revision, an entry at a time (an entry's revisions are
    /// adjacent in `entries`, and its current one is the last): values the
    /// rules refuse, gaps in the revisions, and the index key each current
    /// revision needs.
    fn check_revisions(
        &self,
        revisions: impl Iterator<Item = Pair>,
        programs: &HashMap<u32, Program>,
        problems: &mut Vec<Problem>,
        refused: &mut Vec<Problem>,
        digests: Option<&mut Digests>,
    ) -> Result<RevisionPass> {
        let mut pass = RevisionPass::default();
        let mut digests = digests;
        let mut revisions = revisions.peekable();
        let id_of = |next: Option<&Pair>| match next {
            Some(Ok((k, _))) => Some(keys::u64_from(k).unwrap_or_default()),
            _ => None,
        };
        loop {
            // A storage error surfaces on the next `next()`.
            if let Some(Err(_)) = revisions.peek() {
                revisions.next().transpose()?;
            }
            let Some(id) = id_of(revisions.peek()) else { break };
            let mut present = Vec::new();
            let mut current = None;
            let mut head = 0;
            while id_of(revisions.peek()) == Some(id) {
                let (k, v) = revisions.next().transpose()?.unwrap_or_default();
                head = keys::revision_parts(&k).map_or(head, |(_, revision)| revision);
                let entry = match decode::<Entry>(&v) {
                    Ok(entry) => entry,
                    Err(e) => {
                        let detail = e.to_string();
                        problems.push(Problem::Undecodable { tree: "entries".into(), key: hex(&k), detail });
                        current = None;
                        continue;
                    }
                };
                pass.highest_entry = pass.highest_entry.max(entry.id);
                // Every revision, not only the current: history is printed too.
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
                present.push(entry.revision);
                // Keyed once per spelling: the key is the programme and the
                // spelling's item key, and most revisions repeat a spelling.
                let seen = pass.spellings.entry(entry.draft.program).or_default();
                for q in entry.draft.quantities.iter().filter(|q| !q.item.is_empty()) {
                    if !seen.contains(q.item.as_str()) {
                        seen.insert(q.item.clone());
                        let key = keys::item_name(entry.draft.program, &crate::domain::text::item_key(&q.item));
                        pass.names_needed.insert(key);
                    }
                }
                // The last revision decoded, unless a later key of the
                // entry will not decode (then that one was the current).
                current = Some(entry);
            }
            for revision in 1..=head {
                if !present.contains(&revision) {
                    problems.push(Problem::RevisionMissing { entry: id, revision });
                }
            }
            let Some(entry) = current else { continue };
            let d = &entry.draft;
            if !programs.contains_key(&d.program) {
                problems.push(Problem::ProgramMissing { entry: entry.id, program: d.program });
                continue;
            };
            if crate::store::rollup::counts_in_totals(&entry) && pass.activity.apply_activity(&entry, 1).is_err() {
                problems.push(Problem::TotalOverflow { entry: entry.id });
            }
            if let Some(digests) = digests.as_deref_mut() {
                // The fast way: what the entries make, summed (`Digests`).
                digests.expect(&entry);
                continue;
            }
            let key = keys::dated(d.program, d.date, entry.id);
            if !program_days::contains(&self.program_days, &key)? {
                problems.push(Problem::IndexMissing { tree: program_days::TREE.into(), key: hex(&key) });
                pass.program_keys_missing.insert(key);
            }
        }
        Ok(pass)
    }

    /// The current revision an index key names, if it names it rightly:
    /// programme, date and id all agree.
    fn named_by(&self, key: &[u8], programs: &HashMap<u32, Program>) -> Result<Option<Entry>> {
        let Some(id) = key.get(8..).and_then(keys::u64_from) else { return Ok(None) };
        let Some(entry) = self.current(id)? else { return Ok(None) };
        if !programs.contains_key(&entry.draft.program) {
            return Ok(None);
        }
        Ok((keys::dated(entry.draft.program, entry.draft.date, id) == key).then_some(entry))
    }

    /// Walks the programmes' index, as a key per entry, in (programme,
    /// date) order, with the keys found missing merged in, reading each
    /// current revision: keys that name none, and each day's totals and
    /// each month's livestock stock made again and compared with the
    /// stored ones as the walk leaves them.
    fn check_program_index(
        &self,
        programs: &HashMap<u32, Program>,
        missing: &BTreeSet<Vec<u8>>,
        problems: &mut Vec<Problem>,
    ) -> Result<()> {
        let stock = self.has_stock()?;
        let monthly = self.meta.contains_key(keys::META_MONTHLY)?;
        let mut totals = Compared::new(self.rollups.iter());
        let mut months = Compared::new(self.stock.iter());
        let mut month_totals = Compared::new(self.monthly.iter());
        let mut day: Option<[u8; 8]> = None;
        let mut deltas = Deltas::default();
        // The monthly rollups' month (programme and first day) being summed.
        let mut sum_month: Option<[u8; 8]> = None;
        let mut month_sums: BTreeMap<Vec<u8>, MonthRollup> = BTreeMap::new();
        let mut month: Option<(u32, NaiveDate)> = None;
        let mut moves = Vec::new();
        let mut index = program_days::dated_keys(&self.program_days).peekable();
        let mut missing = missing.iter().peekable();
        loop {
            let from_index = match (index.peek(), missing.peek()) {
                (Some(Err(_)), _) => {
                    if let Some(Err(e)) = index.next() {
                        return Err(e);
                    }
                    break;
                }
                (Some(Ok(k)), Some(m)) => k.as_slice() < m.as_slice(),
                (Some(Ok(_)), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let key: Vec<u8> = if from_index {
                index.next().transpose()?.map(|k| k.to_vec()).unwrap_or_default()
            } else {
                missing.next().cloned().unwrap_or_default()
            };
            let this_day: [u8; 8] = key.get(..8).and_then(|k| k.try_into().ok()).unwrap_or_default();
            if day != Some(this_day) {
                if let Some(done) = day {
                    add_month(&mut month_sums, &deltas);
                    totals.compare_day(&done, std::mem::take(&mut deltas), problems)?;
                }
                let this_month = month_prefix(&this_day);
                if sum_month != Some(this_month) {
                    if let Some(done) = sum_month.filter(|_| monthly) {
                        month_totals.compare_totals(&done, std::mem::take(&mut month_sums), "monthly", problems)?;
                    }
                    month_sums.clear();
                    sum_month = Some(this_month);
                }
                day = Some(this_day);
            }
            let Some(entry) = self.named_by(&key, programs)? else {
                problems.push(Problem::IndexExtra { tree: program_days::TREE.into(), key: hex(&key) });
                continue;
            };
            if deltas.apply(&entry, 1).is_err() {
                problems.push(Problem::TotalOverflow { entry: entry.id });
            }
            let this_month = (entry.draft.program, stock::month_of(entry.draft.date));
            if month != Some(this_month) {
                if let Some((program, first)) = month.filter(|_| stock) {
                    months.compare_month(program, first, std::mem::take(&mut moves), problems)?;
                }
                moves.clear();
                month = Some(this_month);
            }
            moves.extend(movements(&entry));
        }
        if let Some(done) = day {
            add_month(&mut month_sums, &deltas);
            totals.compare_day(&done, deltas, problems)?;
        }
        totals.rest_of_totals::<Rollup>("rollups", problems)?;
        if monthly {
            if let Some(done) = sum_month {
                month_totals.compare_totals(&done, month_sums, "monthly", problems)?;
            }
            month_totals.rest_of_totals::<MonthRollup>("monthly", problems)?;
        }
        if stock {
            if let Some((program, first)) = month {
                months.compare_month(program, first, moves, problems)?;
            }
            months.rest_of_months(problems)?;
        }
        Ok(())
    }

    fn check_meta(&self, problems: &mut Vec<Problem>, highest_entry: u64, highest_audit: u64) -> Result<()> {
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

impl Store {
    /// The programmes' index summed under these hashers, as a key per
    /// entry; with the days whose values do not read (left out of the sum).
    fn program_digest(&self, states: &Hashers) -> Result<(Digest, Vec<Vec<u8>>)> {
        let mut digest = Digest::default();
        let mut unreadable = Vec::new();
        for kv in self.program_days.iter() {
            let (day, value) = kv?;
            match program_days::spelled(&day, &value) {
                Ok(keys) => keys.for_each(|key| digest.add_times(states.hash(&key), 1)),
                Err(_) => unreadable.push(day.to_vec()),
            }
        }
        Ok((digest, unreadable))
    }

    /// The digests of what the trees hold, read in key order; a month of
    /// stock whose two parts disagree, or out of order, is reported here.
    fn stored_digests(&self, mut found: Digests, problems: &mut Vec<Problem>) -> Result<Digests> {
        for kv in self.rollups.iter() {
            let (key, value) = kv?;
            match decode::<Rollup>(&value) {
                Ok(rollup) => found.rollup(&key, rollup.total, i64::from(rollup.entries)),
                Err(e) => problems.push(Problem::Undecodable {
                    tree: "rollups".into(),
                    key: hex(&key),
                    detail: e.to_string(),
                }),
            }
        }
        if found.months.is_some() {
            for kv in self.monthly.iter() {
                let (key, value) = kv?;
                match decode::<MonthRollup>(&value) {
                    Ok(month) => found.month(&key, month.total, month.entries),
                    Err(e) => problems.push(Problem::Undecodable {
                        tree: "monthly".into(),
                        key: hex(&key),
                        detail: e.to_string(),
                    }),
                }
            }
        }
        if found.stock.is_none() {
            return Ok(found);
        }
        let mut parts = self.stock.iter().peekable();
        while let Some(kv) = parts.next() {
            let (net_key, net) = kv?;
            let program = keys::u32_from(&net_key).unwrap_or_default();
            let month = net_key.get(4..).and_then(keys::day_from).unwrap_or_default();
            let is_moves = |k: &[u8]| k.get(..8) == net_key.get(..8) && k.get(8) == Some(&1);
            let moves = match parts.peek() {
                Some(Ok((k, _))) if net_key.get(8) == Some(&0) && is_moves(k) => {
                    parts.next().transpose()?.map(|(_, v)| v).unwrap_or_default()
                }
                _ => {
                    // A month without both parts: the sums cannot agree.
                    problems.push(Problem::StockWrong { program, month });
                    continue;
                }
            };
            let Some(stored) = stock::stored_parts(&net, &moves) else {
                problems.push(Problem::StockWrong { program, month });
                continue;
            };
            if stock::month_parts(stored.1.0.clone()).as_ref() != Some(&stored) {
                problems.push(Problem::StockWrong { program, month });
            }
            for m in &stored.1.0 {
                found.movement(program, m);
            }
        }
        Ok(found)
    }
}

/// Order-free sums of what the index, rollup and stock trees should hold
/// (made from the entries) or do hold (read from the trees), compared to
/// check a database of any size in one pass over each tree and fixed
/// memory. Each key is hashed with SipHash under keys drawn at random for
/// this check (`RandomState`), twice, so a damaged tree that sums the
/// same by chance is a 2^-128 event that nobody can aim at. Rollups sum
/// each key's hash times its total (and times its count): the sum over
/// the entries' quantities is then the sum over the stored rollups.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Digests {
    states: Hashers,
    program: Digest,
    totals: Digest,
    counts: Digest,
    /// The monthly rollups' totals and counts, when the database has them.
    months: Option<(Digest, Digest)>,
    stock: Option<Digest>,
}

#[derive(Clone, Debug)]
struct Hashers([std::hash::RandomState; 2]);

/// The hashers take no part in comparing digests.
impl PartialEq for Hashers {
    fn eq(&self, _: &Hashers) -> bool {
        true
    }
}

impl Eq for Hashers {}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Digest([u64; 2]);

/// A key's two hashes, one under each hasher.
#[derive(Clone, Copy)]
struct Hashed([u64; 2]);

impl Hashers {
    fn hash(&self, key: &[u8]) -> Hashed {
        use std::hash::BuildHasher;
        Hashed(self.0.each_ref().map(|state| state.hash_one(key)))
    }
}

impl Digest {
    fn add_times(&mut self, hashed: Hashed, times: i64) {
        for (sum, hash) in self.0.iter_mut().zip(hashed.0) {
            *sum = sum.wrapping_add(hash.wrapping_mul(times as u64));
        }
    }
}

impl Digests {
    fn new(stock: bool, monthly: bool) -> Digests {
        Digests {
            states: Hashers([std::hash::RandomState::new(), std::hash::RandomState::new()]),
            program: Digest::default(),
            totals: Digest::default(),
            counts: Digest::default(),
            months: monthly.then(Default::default),
            stock: stock.then(Digest::default),
        }
    }

    /// Empty sums under the same hashers.
    fn empty(&self) -> Digests {
        Digests {
            states: self.states.clone(),
            program: Digest::default(),
            totals: Digest::default(),
            counts: Digest::default(),
            months: self.months.map(|_| Default::default()),
            stock: self.stock.map(|_| Digest::default()),
        }
    }

    fn add_program(&mut self, key: &[u8]) {
        self.program.add_times(self.states.hash(key), 1);
    }

    /// A rollup: its key hashed once for both sums.
    fn rollup(&mut self, key: &[u8], total: i64, entries: i64) {
        let hashed = self.states.hash(key);
        self.totals.add_times(hashed, total);
        self.counts.add_times(hashed, entries);
    }

    /// A monthly rollup: its total taken modulo 2^64, as the entries'
    /// quantities summed in the digest are.
    fn month(&mut self, key: &[u8], total: i128, entries: u64) {
        if let Some((totals, counts)) = self.months.as_mut() {
            let hashed = self.states.hash(key);
            totals.add_times(hashed, total as i64);
            counts.add_times(hashed, entries as i64);
        }
    }

    /// What one current revision should put in the trees.
    fn expect(&mut self, entry: &Entry) {
        let d = &entry.draft;
        self.add_program(&keys::dated(d.program, d.date, entry.id));
        if super::rollup::counts_in_totals(entry) {
            for q in &d.quantities {
                let key = keys::rollup(d.program, d.date, d.kind, q.unit, &q.item);
                self.rollup(&key, q.value.milli(), 1);
                self.month(&super::rollup::monthly_key(&key), i128::from(q.value.milli()), 1);
            }
        }
        if self.stock.is_some() {
            for m in movements(entry) {
                self.movement(d.program, &m);
            }
        }
    }

    /// A movement under its programme and month (its fields as text: a
    /// form that is the same on both sides is all a digest needs).
    fn movement(&mut self, program: u32, m: &crate::domain::inventory::Movement) {
        let key = format!("{program} {} {m:?}", stock::month_of(m.date));
        if let Some(stock) = self.stock.as_mut() {
            stock.add_times(self.states.hash(key.as_bytes()), 1);
        }
    }
}

/// What the pass over the revisions found for the passes after it.
#[derive(Default)]
struct RevisionPass {
    highest_entry: u64,
    /// Index keys (`keys::dated`) that current revisions need and that are
    /// missing (damage only, so few): their entries still count in the
    /// totals.
    program_keys_missing: BTreeSet<Vec<u8>>,
    /// What the activity rows should hold (`Deltas::1` only).
    activity: Deltas,
    /// The `item_names` keys the revisions need: one per programme and
    /// item, however many entries name it.
    names_needed: BTreeSet<Vec<u8>>,
    /// The item spellings already keyed, per programme.
    spellings: HashMap<u32, std::collections::HashSet<String>>,
}

/// A cursor over a stored tree (rollups or stock) in key order, compared
/// a stretch at a time with what the entries make.
struct Compared<I: Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>> {
    stored: std::iter::Peekable<I>,
}

impl<I: Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>> Compared<I> {
    fn new(stored: I) -> Self {
        Compared { stored: stored.peekable() }
    }

    /// The stored pairs with keys before `end`, taken.
    fn until(&mut self, end: Option<&[u8]>) -> Result<Vec<(sled::IVec, sled::IVec)>> {
        let mut taken = Vec::new();
        loop {
            match self.stored.peek() {
                Some(Ok((k, _))) if end.is_none_or(|end| k.as_ref() < end) => {}
                Some(Err(_)) => {
                    return Err(self.stored.next().and_then(|kv| kv.err()).map_or_else(|| unreachable!(), Into::into));
                }
                _ => return Ok(taken),
            }
            if let Some(kv) = self.stored.next() {
                taken.push(kv?);
            }
        }
    }

    /// One day's rollups (and any stored for days before it without
    /// entries) against the day's sums.
    fn compare_day(&mut self, day: &[u8; 8], deltas: Deltas, problems: &mut Vec<Problem>) -> Result<()> {
        let expected: BTreeMap<Vec<u8>, Rollup> = deltas
            .0
            .into_iter()
            // An overflowing sum was reported; `apply` left it unchanged.
            .filter_map(|(k, (total, count))| Some((k, Rollup::default().plus(total, count)?)))
            .filter(|(_, r)| !r.is_empty())
            .collect();
        self.compare_totals(day, expected, "rollups", problems)
    }

    /// The stored rollups with keys before the end of `prefix` (a
    /// programme and a day or month) against those expected for it.
    fn compare_totals<T: Sum + PartialEq + Shown>(
        &mut self,
        prefix: &[u8; 8],
        mut expected: BTreeMap<Vec<u8>, T>,
        tree: &str,
        problems: &mut Vec<Problem>,
    ) -> Result<()> {
        let end = day_end(prefix);
        let mut found = BTreeMap::new();
        for (k, v) in self.until(Some(&end))? {
            match decode::<T>(&v) {
                Ok(rollup) => {
                    found.insert(k.to_vec(), rollup);
                }
                Err(e) => {
                    problems.push(Problem::Undecodable { tree: tree.into(), key: hex(&k), detail: e.to_string() })
                }
            }
        }
        let keys: BTreeSet<Vec<u8>> = expected.keys().chain(found.keys()).cloned().collect();
        for key in keys {
            let e = expected.remove(&key).unwrap_or_default();
            let f = found.get(&key).copied().unwrap_or_default();
            if e != f {
                problems.push(Problem::RollupWrong { key: hex(&key), expected: e.shown(), found: f.shown() });
            }
        }
        Ok(())
    }

    /// Rollups after the last day with entries: none should be there.
    fn rest_of_totals<T: Sum + Shown>(&mut self, tree: &str, problems: &mut Vec<Problem>) -> Result<()> {
        for (k, v) in self.until(None)? {
            match decode::<T>(&v) {
                Ok(found) => problems.push(Problem::RollupWrong {
                    key: hex(&k),
                    expected: Rollup::default(),
                    found: found.shown(),
                }),
                Err(e) => {
                    problems.push(Problem::Undecodable { tree: tree.into(), key: hex(&k), detail: e.to_string() })
                }
            }
        }
        Ok(())
    }

    /// One month's stored stock (and any stored for months before it
    /// without movements) against what the month's entries make.
    fn compare_month(
        &mut self,
        program: u32,
        month: NaiveDate,
        moves: Vec<crate::domain::inventory::Movement>,
        problems: &mut Vec<Problem>,
    ) -> Result<()> {
        let start = stock::key(program, month, 0);
        for (k, _) in self.until(Some(&start))? {
            stray_month(&k, problems);
        }
        let end = day_end(&start[..8].try_into().unwrap_or_default());
        let found = match &self.until(Some(&end))?[..] {
            [] => Some(None),
            [(_, net), (_, moves)] => stock::stored_parts(net, moves).map(Some),
            _ => None,
        };
        if found != Some(stock::month_parts(moves)) {
            problems.push(Problem::StockWrong { program, month });
        }
        Ok(())
    }

    fn rest_of_months(&mut self, problems: &mut Vec<Problem>) -> Result<()> {
        for (k, _) in self.until(None)? {
            stray_month(&k, problems);
        }
        Ok(())
    }
}

/// The activity rows the entries make (rows that come to nothing are not
/// kept) against those stored, both in key order: first the stored rows
/// that will not decode (they count as absent), then each key either side
/// holds differently, in key order.
fn compare_activity(
    expected: &BTreeMap<Vec<u8>, Activity>,
    stored: impl Iterator<Item = Pair>,
) -> Result<Vec<Problem>> {
    let mut undecodable = Vec::new();
    let mut failed = None;
    let mut wrong = Vec::new();
    {
        let mut found = stored
            .map_while(|kv| kv.map_err(|e| failed = Some(e)).ok())
            .filter_map(|(k, v)| match decode::<Activity>(&v) {
                Ok(activity) => Some((k, activity)),
                Err(e) => {
                    undecodable.push(Problem::Undecodable {
                        tree: "activity".into(),
                        key: hex(&k),
                        detail: e.to_string(),
                    });
                    None
                }
            })
            .peekable();
        let mut expected = expected.iter().filter(|(_, a)| !a.is_empty()).peekable();
        loop {
            let order = match (expected.peek(), found.peek()) {
                (None, None) => break,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some((e, _)), Some((f, _))) => e.as_slice().cmp(f.as_ref()),
            };
            let e = expected.next_if(|_| order.is_le());
            let f = found.next_if(|_| order.is_ge());
            let key = match (e, &f) {
                (Some((k, _)), _) => k.as_slice(),
                (None, Some((k, _))) => k.as_ref(),
                (None, None) => break,
            };
            let (e, f) = (e.map(|(_, a)| *a).unwrap_or_default(), f.as_ref().map(|(_, a)| *a).unwrap_or_default());
            if e != f {
                wrong.push(Problem::ActivityWrong { key: hex(key), expected: e, found: f });
            }
        }
    }
    if let Some(e) = failed {
        return Err(e.into());
    }
    undecodable.extend(wrong);
    Ok(undecodable)
}

/// A stored sum as a problem shows it (a day's rollup).
trait Shown {
    fn shown(self) -> Rollup;
}

impl Shown for Rollup {
    fn shown(self) -> Rollup {
        self
    }
}

impl Shown for MonthRollup {
    fn shown(self) -> Rollup {
        let total = self.total.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        Rollup { total, entries: u32::try_from(self.entries).unwrap_or(u32::MAX) }
    }
}

/// Adds a day's sums to its month's.
fn add_month(months: &mut BTreeMap<Vec<u8>, MonthRollup>, day: &Deltas) {
    for (key, (total, count)) in day.monthly().0 {
        let slot = months.entry(key).or_default();
        *slot = slot.plus_wide(total, count).unwrap_or(*slot);
    }
}

/// A daily key's first eight bytes (owner, day) as its month's.
fn month_prefix(day: &[u8; 8]) -> [u8; 8] {
    let key = super::rollup::monthly_key(day);
    key.get(..8).and_then(|k| k.try_into().ok()).unwrap_or(*day)
}

/// A stored month of stock that no entry's movements make.
fn stray_month(key: &[u8], problems: &mut Vec<Problem>) {
    // Each month has two parts: report it once, at its first.
    if key.get(8) == Some(&0) || key.get(8).is_none() {
        let program = keys::u32_from(key).unwrap_or_default();
        let month = key.get(4..).and_then(keys::day_from).unwrap_or_default();
        problems.push(Problem::StockWrong { program, month });
    }
}

/// The key just after every key starting with these eight bytes (a
/// programme or site and a day): the next day's.
fn day_end(prefix: &[u8; 8]) -> Vec<u8> {
    let next = u64::from_be_bytes(*prefix).saturating_add(1);
    next.to_be_bytes().to_vec()
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

/// Copies sled's files (`db`, `conf`, `snap.*`, `blobs/`) and the staged
/// imports' files into a new private folder under the system's temporary
/// folder.
fn copy_files(from: &Path) -> Result<Copy> {
    use std::os::unix::fs::DirBuilderExt;
    static COPIES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let copy = Copy(std::env::temp_dir().join(format!("binalog-check-{}-{n}", std::process::id())));
    std::fs::DirBuilder::new().mode(0o700).create(&copy.0).map_err(io_error)?;
    for entry in std::fs::read_dir(from).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let staged = super::staging_file::import_of(&entry.file_name()).is_some();
        if name == "db" || name == "conf" || name.starts_with("snap.") || staged {
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
        // The same cache cap as `Store::open`: sled's default (1 GiB) would
        // fill with the whole database as the check reads it.
        let config = sled::Config::new().path(&copy.0).cache_capacity(super::cache_bytes());
        let db = config.open().map_err(|e| damage::open_error(path, e))?;
        let store = Store::over(db, &copy.0)?;
        store.check_schema()?;
        if !store.is_initialised()? {
            return Err(StoreError::NotInitialised { path: path.to_path_buf() });
        }
        // A database an older build wrote has no day index yet: the next
        // open builds it from the entries, and so does this copy.
        store.ensure_program_days()?;
        // An import a crash stopped past its commit point is finished as
        // the next open will finish it: its totals are counted already.
        store.recover_staging().map_err(|e| match e {
            StoreError::Damaged { detail, .. } => damage::damaged(path, detail),
            e => e,
        })?;
        Ok((store.check()?, store.entry_count()))
    })
}

#[cfg(test)]
mod tests {
    use super::super::codec::{decode, encode};
    use super::super::rollup::Activity;
    use super::super::write::tests::{commit, harvest, harvest_on, with_reference};
    use super::super::{Change, hex, keys};
    use super::{Pair, Problem, hand_on};
    use crate::domain::sector::Kind;

    /// The activity rows are compared as they are read: the rows that will
    /// not decode are named first (each then counts as absent), then every
    /// row that differs, in key order, whichever side lacks it.
    #[test]
    fn activity_rows_that_differ_are_named_in_key_order_after_those_that_will_not_decode() {
        let dir = tempfile::tempdir().unwrap();
        let store = with_reference(dir.path());
        let days = [3, 4, 5, 6].map(|day| Change::Add(harvest_on(day, "1 kg cabai")));
        commit(&store, &days).unwrap();
        assert_eq!(store.check().unwrap(), vec![]);
        let key = |day| keys::activity(1, chrono::NaiveDate::from_ymd_opt(2026, 3, day).unwrap(), Kind::Harvest);
        let one: Activity = decode(&store.activity.get(key(3)).unwrap().unwrap()).unwrap();
        let two = Activity { entries: 2, ..one };
        store.activity.insert(key(3), encode(&two)).unwrap();
        store.activity.remove(key(4)).unwrap();
        let garbage = [super::super::codec::SCHEMA_VERSION, 0xff];
        store.activity.insert(key(5), &garbage).unwrap();
        store.activity.insert(key(7), encode(&one)).unwrap();
        let detail = decode::<Activity>(&garbage).unwrap_err().to_string();
        let wrong = |day, expected, found| Problem::ActivityWrong { key: hex(&key(day)), expected, found };
        let none = Activity::default();
        assert_eq!(
            store.check().unwrap(),
            vec![
                Problem::Undecodable { tree: "activity".into(), key: hex(&key(5)), detail },
                wrong(3, one, two),
                wrong(4, one, none),
                wrong(5, one, none),
                wrong(7, none, one),
            ]
        );
    }

    fn pair(n: u32) -> Pair {
        Ok((sled::IVec::from(&n.to_be_bytes()), sled::IVec::default()))
    }

    /// The entries cross to the decoding thread in batches: all of them, in
    /// order, up to and including the first error and nothing after it.
    #[test]
    fn pairs_are_handed_on_in_order_up_to_the_first_error() {
        let failure = || Err(sled::Error::Unsupported("worn out".into()));
        let pairs = (0..2_500).map(pair).chain([failure()]).chain((2_500..2_600).map(pair));
        let (send, receive) = std::sync::mpsc::sync_channel(2);
        let taken = std::thread::scope(|scope| {
            let taker = scope.spawn(move || receive.into_iter().flatten().collect::<Vec<_>>());
            hand_on(pairs, send);
            taker.join().unwrap()
        });
        let expected: Vec<Pair> = (0..2_500).map(pair).chain([failure()]).collect();
        assert_eq!(format!("{taken:?}"), format!("{expected:?}"));
    }

    /// A taker that stops (the decoding failed) ends the handing on, even
    /// of a tree with no end.
    #[test]
    fn handing_on_stops_when_the_taker_is_gone() {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Pair>>(2);
        std::thread::scope(|scope| {
            scope.spawn(move || hand_on((0..).map(pair), send));
            assert_eq!(receive.recv().map(|batch| batch.len()), Ok(1024));
            drop(receive);
        });
    }

    /// With no head kept, an entry's revisions alone say what is current:
    /// a revision lost from the middle is named, and one lost from the end
    /// makes the one before it current, which the totals then disagree with.
    #[test]
    fn a_lost_revision_is_found_from_the_revisions_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = with_reference(dir.path());
        let first = commit(&store, &[Change::Add(harvest("1 kg cabai"))]).unwrap().remove(0);
        let fix = |base, qty| Change::Correct { id: first.id, base, draft: harvest(qty), reason: "salah".into() };
        commit(&store, &[fix(1, "2 kg cabai")]).unwrap();
        commit(&store, &[fix(2, "3 kg cabai")]).unwrap();
        assert_eq!(store.check().unwrap(), vec![]);
        store.entries.remove(keys::revision(first.id, 2)).unwrap();
        assert_eq!(store.check().unwrap(), vec![Problem::RevisionMissing { entry: first.id, revision: 2 }]);
        store.entries.remove(keys::revision(first.id, 3)).unwrap();
        assert_eq!(store.head(first.id).unwrap(), Some(1));
        // Revision 1 is current again: 1 kg, where the totals hold 3 kg.
        let problems = store.check().unwrap();
        assert!(problems.iter().any(|p| matches!(p, Problem::RollupWrong { .. })), "{problems:?}");
        assert!(!problems.iter().any(|p| matches!(p, Problem::RevisionMissing { .. })), "{problems:?}");
    }
}
