//! Getting records out (CSV, JSON Lines) and in (CSV), through the records API.

mod dialect;
pub mod export;
pub mod import;
pub mod monthly;
pub mod safe;

/// The CSV columns of `export`, in order; `import` reads the same names.
pub const CSV_COLUMNS: [&str; 17] = [
    "entry_id",
    "date",
    "site",
    "program_id",
    "program",
    "sector",
    "partner",
    "kind",
    "item",
    "value",
    "unit",
    "participants",
    "notes",
    "status",
    "revision",
    "recorded_by",
    "recorded_at",
];
