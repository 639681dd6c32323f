"""The SQLite side of the report figures in BENCHMARKS.md: loads the export
CSV of `cargo bench --bench report`'s database (`binalog export` of
target/tmp/report-200000/db) into one table with an index on (programme,
date) unless the SQLite file exists, then times the GROUP BY a report's
totals are: the done rows of a period and of the period before, summed per
programme, kind, unit and item, across every programme.

Usage: python3 report_sqlite.py ROWS.csv ROWS.sqlite RUNS
"""

import os
import sqlite3
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sqlite_rows import load  # noqa: E402

csv_path, db_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
load(csv_path, db_path)
con = sqlite3.connect(db_path)
GROUP = ("SELECT program_id, kind, unit, item, SUM(value), COUNT(*) FROM rows "
         "WHERE status = 'done' AND date BETWEEN ? AND ? GROUP BY program_id, kind, unit, item")


def timed(name, periods):
    def once():
        return sum(len(con.execute(GROUP, p).fetchall()) for p in periods)
    once()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        n = once()
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"| {name} | {n} | {statistics.median(times) * 1000:.1f} ms | {times[int(0.9 * (len(times) - 1))] * 1000:.1f} ms |")


timed("SQLite GROUP BY, month 2029-11 and October", [("2029-11-01", "2029-11-30"), ("2029-10-01", "2029-10-31")])
timed("SQLite GROUP BY, year 2029 and 2028", [("2029-01-01", "2029-12-31"), ("2028-01-01", "2028-12-31")])
