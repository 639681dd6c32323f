"""The SQLite side of `cargo bench --bench scale`: loads the scale demo's
CSV (the same rows binalog holds) into one table with an index on
(programme, date) unless the database file exists, then times the same
questions binalog answers. Prints one `name milliseconds rows` line each.

Usage: python3 scale_sqlite.py ROWS.csv ROWS.sqlite PROGRAM LIVESTOCK FROM TO RUNS
(PROGRAM 0: load and count each programme's entries only)
"""

import csv
import os
import sqlite3
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sqlite_rows import COLUMNS, load  # noqa: E402

if sys.argv[3] == "import":
    # The load of the import measure's rows into a copy of the full
    # database, index kept: what binalog's import does.
    import shutil
    csv_path, db_path, _, rows_path = sys.argv[1:5]
    copy = db_path + ".import"
    shutil.copyfile(db_path, copy)
    # The copy on disk first, so the load's commit does not pay for it.
    with open(copy, "rb+") as f:
        os.fsync(f.fileno())
    con = sqlite3.connect(copy)
    t, cpu = time.perf_counter(), time.process_time()
    with open(rows_path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        con.executemany(f"INSERT INTO rows VALUES ({', '.join('?' * len(header))})", reader)
    con.commit()
    print(f"import {(time.perf_counter() - t) * 1000:.1f} 0")
    print(f"import_cpu {(time.process_time() - cpu) * 1000:.1f} 0")
    con.close()
    os.remove(copy)
    sys.exit(0)

csv_path, db_path, program, livestock, first, last, runs = sys.argv[1:8]
program, livestock, runs = int(program), int(livestock), int(runs)

loaded = load(csv_path, db_path)
if loaded is not None:
    print(f"load {loaded * 1000:.1f} 0")

con = sqlite3.connect(db_path)
for program_id, n in con.execute("SELECT program_id, COUNT(DISTINCT entry_id) FROM rows GROUP BY program_id"):
    print(f"entries_{program_id} {n} 0")
if program == 0:
    sys.exit(0)
cols = ", ".join(COLUMNS)


def timed(name, sql, args):
    con.execute(sql, args).fetchall()  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        rows = con.execute(sql, args).fetchall()
        times.append(time.perf_counter() - t)
    print(f"{name} {statistics.median(times) * 1000:.3f} {len(rows)}")


page = f"SELECT {cols} FROM rows WHERE program_id = ? ORDER BY date DESC, entry_id DESC LIMIT 200"
timed("register", page, (program,))
timed("livestock", page, (livestock,))
timed("page_down", page + " OFFSET 200", (program,))
month = f"SELECT {cols} FROM rows WHERE program_id = ? AND date BETWEEN ? AND ? ORDER BY date, entry_id"
timed("program_month", month, (program, first, last))
timed("all_month", f"SELECT {cols} FROM rows WHERE date BETWEEN ? AND ? ORDER BY date, entry_id", (first, last))
timed(
    "month_totals",
    "SELECT program_id, kind, unit, item, SUM(value), COUNT(*) FROM rows WHERE date BETWEEN ? AND ? "
    "AND status = ? GROUP BY program_id, kind, unit, item",
    (first, last, "done"),
)
print(f"size {os.path.getsize(db_path)} 0")
