//! The national schema's versions: the SQL files in `sql/`, applied in
//! order by every push and recorded in `binalog.schema_versions`, so a
//! PostgreSQL that Lapas with different binalog versions push into is
//! migrated once, by whichever push comes first.

use postgres::Client;

/// (version, file name, SQL), oldest first. A new file gets the next
/// number and is added here; an applied file is never edited.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "001_national.sql", include_str!("../../sql/001_national.sql")),
    (2, "002_item_keys.sql", include_str!("../../sql/002_item_keys.sql")),
];

/// Any number, the same in every binalog: pushes that migrate at once
/// take turns on it.
const MIGRATION_LOCK: i64 = 0x6269_6e61_6c6f_6701;

/// Creates the schema or brings it up to date, in one transaction: a
/// failed file leaves the version before it. Returns the versions applied.
pub fn migrate(client: &mut Client) -> Result<Vec<i32>, postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS binalog;
         CREATE TABLE IF NOT EXISTS binalog.schema_versions (
             version integer PRIMARY KEY, file text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());",
    )?;
    let applied: Vec<i32> =
        tx.query("SELECT version FROM binalog.schema_versions", &[])?.iter().map(|row| row.get(0)).collect();
    let mut done = Vec::new();
    for (version, file, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        tx.batch_execute(sql)?;
        tx.execute("INSERT INTO binalog.schema_versions (version, file) VALUES ($1, $2)", &[version, file])?;
        done.push(*version);
    }
    tx.commit()?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

    #[test]
    fn every_sql_file_is_a_numbered_migration_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sql");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS.iter().map(|(_, file, _)| file.to_string()).collect();
        assert_eq!(files, listed);
        for (i, (version, file, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version, i as i32 + 1);
            assert!(file.starts_with(&format!("{version:03}_")), "{file}");
        }
    }
}
