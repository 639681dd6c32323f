//! `binalog push`: every change since this database's last push, sent to
//! PostgreSQL in ONE transaction: COPY into temporary staging tables,
//! then upserts by (database, entry, revision) and by (database, id) for
//! reference data, the database's sequence moved, the monthly totals
//! refreshed. Killed or refused anywhere before the commit, PostgreSQL is
//! as it was, and the next push starts from the same sequence.

use std::io::Write;

use postgres::{Client, NoTls, Transaction};

use super::copy::{Batch, STAGED};
use super::schema;
use crate::records::{self, Actor, FEED_PAGE, FeedRecord, Records};

/// Staged rows sent to the real tables at once: enough that each merge is
/// worth its statements, few enough that the staging tables stay small.
const MERGE_ROWS: usize = 100_000;

/// Revisions in one push past which the planner's statistics are renewed
/// before the totals are refreshed: PostgreSQL never analyses a
/// partitioned table on its own, and without figures it joins a large load
/// row by row (100,000 entries: refresh 3.8 s without, 1.2 s after a 0.9 s
/// ANALYZE).
const ANALYZE_FROM: u64 = 10_000;

/// A number of binalog's own: pushes that create a month's partition take
/// turns on it.
const PARTITION_LOCK: i64 = 0x6269_6e61_6c6f_6702;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushOutcome {
    pub database: String,
    /// The sequence PostgreSQL had for this database, and has now.
    pub from: u64,
    pub to: u64,
    pub changes: u64,
    /// Schema versions this push applied.
    pub migrated: Vec<i32>,
}

#[derive(Debug)]
pub enum PushError {
    Records(records::Error),
    /// PostgreSQL could not be reached or refused a statement: its words.
    Postgres(String),
}

impl From<records::Error> for PushError {
    fn from(e: records::Error) -> PushError {
        PushError::Records(e)
    }
}

impl From<postgres::Error> for PushError {
    fn from(e: postgres::Error) -> PushError {
        // A server's refusal says what it refused; the crate's own text
        // ("db error") does not.
        match e.as_db_error() {
            Some(db) => PushError::Postgres(format!("{}: {}", db.severity(), db.message())),
            None => PushError::Postgres(e.to_string()),
        }
    }
}

impl From<std::io::Error> for PushError {
    fn from(e: std::io::Error) -> PushError {
        PushError::Postgres(e.to_string())
    }
}

/// Pushes as `by` (an admin) into the PostgreSQL `conninfo` names
/// (`host=... dbname=...` or a `postgresql://` URL). `progress` hears
/// (changes sent, changes to send) after every page.
pub fn push(
    records: &Records,
    by: &Actor,
    conninfo: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<PushOutcome, PushError> {
    let database = records.database_identity()?;
    let config: postgres::Config = conninfo.parse()?;
    let mut client: Client = config.connect(NoTls)?;
    let migrated = schema::migrate(&mut client)?;
    let mut tx = client.transaction()?;
    tx.execute(
        "INSERT INTO binalog.pushes (database_id, last_seq, pushed_at) VALUES ($1, 0, now())
         ON CONFLICT (database_id) DO NOTHING",
        &[&database],
    )?;
    // Held to the commit: a second push of the same database waits, then
    // starts where this one ended.
    let row = tx.query_one("SELECT last_seq FROM binalog.pushes WHERE database_id = $1 FOR UPDATE", &[&database])?;
    let from = row.get::<_, i64>(0) as u64;
    for table in STAGED {
        tx.batch_execute(&format!("CREATE TEMP TABLE stage_{table} (LIKE binalog.{table}) ON COMMIT DROP"))?;
    }
    let mut after = from;
    let mut changes = 0u64;
    let mut revisions = 0u64;
    let mut batch = Batch::default();
    let mut merged_once = false;
    loop {
        let page = records.feed(by, after, FEED_PAGE)?;
        if page.through <= after {
            break;
        }
        for change in &page.changes {
            batch.add(&database, change);
        }
        changes += page.changes.len() as u64;
        revisions += page.changes.iter().filter(|c| matches!(c.record, FeedRecord::Revision(_))).count() as u64;
        after = page.through;
        if batch.rows() >= MERGE_ROWS {
            send(&mut tx, &mut batch)?;
            merge(&mut tx)?;
            if !merged_once {
                merged_once = true;
                pause_for_tests();
            }
        }
        progress(after - from, page.last.saturating_sub(from));
    }
    if batch.rows() > 0 {
        send(&mut tx, &mut batch)?;
        merge(&mut tx)?;
        if !merged_once {
            pause_for_tests();
        }
    }
    tx.execute(
        "UPDATE binalog.pushes SET last_seq = $2, pushed_at = now() WHERE database_id = $1",
        &[&database, &(after as i64)],
    )?;
    if revisions >= ANALYZE_FROM {
        tx.batch_execute("ANALYZE binalog.entry_revisions, binalog.quantities, binalog.heads")?;
    }
    if changes > 0 {
        tx.batch_execute("REFRESH MATERIALIZED VIEW binalog.monthly_totals")?;
    }
    tx.commit()?;
    Ok(PushOutcome { database, from, to: after, changes, migrated })
}

/// COPYs the batch's rows into the staging tables and empties it.
fn send(tx: &mut Transaction, batch: &mut Batch) -> Result<(), PushError> {
    for (table, rows) in STAGED.iter().zip(batch.tables.iter_mut()) {
        if rows.count == 0 {
            continue;
        }
        let mut writer = tx.copy_in(&format!("COPY stage_{table} FROM STDIN"))?;
        writer.write_all(&rows.text)?;
        writer.finish()?;
        *rows = Default::default();
    }
    Ok(())
}

/// Moves the staged rows into the national tables and empties staging.
/// Revisions and quantities are never changed once there (a revision is
/// immutable): a row already present is left as it is, so a push that
/// repeats one adds nothing. Reference records take their newest state.
fn merge(tx: &mut Transaction) -> Result<(), PushError> {
    create_partitions(tx)?;
    tx.batch_execute(
        "INSERT INTO binalog.entry_revisions SELECT * FROM stage_entry_revisions ON CONFLICT DO NOTHING;
         INSERT INTO binalog.quantities SELECT * FROM stage_quantities ON CONFLICT DO NOTHING;
         INSERT INTO binalog.item_keys SELECT * FROM stage_item_keys ON CONFLICT DO NOTHING;
         INSERT INTO binalog.heads (database_id, entry, revision, date)
           SELECT DISTINCT ON (database_id, entry) database_id, entry, revision, date
           FROM stage_entry_revisions ORDER BY database_id, entry, revision DESC
         ON CONFLICT (database_id, entry) DO UPDATE SET revision = EXCLUDED.revision, date = EXCLUDED.date
           WHERE binalog.heads.revision < EXCLUDED.revision;
         INSERT INTO binalog.verifications
           SELECT DISTINCT ON (database_id, entry, revision) * FROM stage_verifications
           ORDER BY database_id, entry, revision, seq DESC
         ON CONFLICT (database_id, entry, revision) DO NOTHING;
         INSERT INTO binalog.sites
           SELECT DISTINCT ON (database_id, id) * FROM stage_sites ORDER BY database_id, id, seq DESC
         ON CONFLICT (database_id, id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name,
           utc_offset = EXCLUDED.utc_offset, seq = EXCLUDED.seq;
         INSERT INTO binalog.partners
           SELECT DISTINCT ON (database_id, id) * FROM stage_partners ORDER BY database_id, id, seq DESC
         ON CONFLICT (database_id, id) DO UPDATE SET name = EXCLUDED.name, field = EXCLUDED.field,
           inferred = EXCLUDED.inferred, seq = EXCLUDED.seq;
         INSERT INTO binalog.agreements
           SELECT DISTINCT ON (database_id, id) * FROM stage_agreements ORDER BY database_id, id, seq DESC
         ON CONFLICT (database_id, id) DO UPDATE SET number = EXCLUDED.number, partner = EXCLUDED.partner,
           signed = EXCLUDED.signed, start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date,
           sites = EXCLUDED.sites, inferred = EXCLUDED.inferred, seq = EXCLUDED.seq;
         INSERT INTO binalog.programmes
           SELECT DISTINCT ON (database_id, id) * FROM stage_programmes ORDER BY database_id, id, seq DESC
         ON CONFLICT (database_id, id) DO UPDATE SET name = EXCLUDED.name, sector = EXCLUDED.sector,
           site = EXCLUDED.site, partner = EXCLUDED.partner, agreement = EXCLUDED.agreement,
           start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date, status = EXCLUDED.status,
           seq = EXCLUDED.seq;
         INSERT INTO binalog.officers
           SELECT DISTINCT ON (database_id, nip) * FROM stage_officers ORDER BY database_id, nip, seq DESC
         ON CONFLICT (database_id, nip) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role,
           active = EXCLUDED.active, sites = EXCLUDED.sites, seq = EXCLUDED.seq;",
    )?;
    let tables: Vec<String> = STAGED.iter().map(|t| format!("stage_{t}")).collect();
    tx.batch_execute(&format!("TRUNCATE {}", tables.join(", ")))?;
    Ok(())
}

/// Creates the month partitions the staged revisions need and that do not
/// exist yet, taking turns with other pushes doing the same.
fn create_partitions(tx: &mut Transaction) -> Result<(), PushError> {
    let months = tx.query(
        "SELECT to_char(m, 'YYYY\"m\"MM'), m::text, (m + interval '1 month')::date::text
         FROM (SELECT DISTINCT date_trunc('month', date)::date AS m FROM stage_entry_revisions) months
         WHERE to_regclass('binalog.entry_revisions_y' || to_char(m, 'YYYY\"m\"MM')) IS NULL
            OR to_regclass('binalog.quantities_y' || to_char(m, 'YYYY\"m\"MM')) IS NULL",
        &[],
    )?;
    if months.is_empty() {
        return Ok(());
    }
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PARTITION_LOCK])?;
    for row in months {
        let (name, start, end): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        for table in ["entry_revisions", "quantities"] {
            tx.batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS binalog.{table}_y{name} PARTITION OF binalog.{table}
                 FOR VALUES FROM ('{start}') TO ('{end}')"
            ))?;
        }
    }
    Ok(())
}

/// Debug builds only: with `BINALOG_DEBUG_PUSH_PAUSE` set, the push stops
/// for good once rows are in the national tables but not committed, so a
/// test can kill it there. Release builds have no such hook.
fn pause_for_tests() {
    #[cfg(debug_assertions)]
    if std::env::var_os("BINALOG_DEBUG_PUSH_PAUSE").is_some() {
        eprintln!("binalog: push paused before its commit (BINALOG_DEBUG_PUSH_PAUSE)");
        loop {
            std::thread::park();
        }
    }
}
