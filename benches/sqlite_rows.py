"""The SQLite copy of binalog's export CSV that the benchmarks compare with:
one table of the export's 17 columns and an index on (programme, date).
Shared by scale_sqlite.py and report_sqlite.py."""

import csv
import os
import sqlite3
import time

COLUMNS = [
    "entry_id", "date", "site", "program_id", "program", "sector", "partner", "kind", "item",
    "value", "unit", "participants", "notes", "status", "revision", "recorded_by", "recorded_at",
]
TYPES = {"entry_id": "INTEGER", "program_id": "INTEGER", "participants": "INTEGER", "revision": "INTEGER",
         "value": "NUMERIC"}


def load(csv_path, db_path):
    """Loads the CSV into `db_path` unless it exists (through a temporary
    file, so a load cut short is never taken for a whole one); returns the
    seconds it took, or None when the file was there already."""
    if os.path.exists(db_path):
        return None
    started = time.perf_counter()
    tmp = db_path + ".loading"
    if os.path.exists(tmp):
        os.remove(tmp)
    con = sqlite3.connect(tmp)
    con.execute("CREATE TABLE rows (" + ", ".join(f"{c} {TYPES.get(c, 'TEXT')}" for c in COLUMNS) + ")")
    with open(csv_path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        con.executemany(f"INSERT INTO rows VALUES ({', '.join('?' * len(COLUMNS))})", reader)
    con.execute("CREATE INDEX rows_program_date ON rows (program_id, date)")
    con.commit()
    con.close()
    os.rename(tmp, db_path)
    return time.perf_counter() - started
