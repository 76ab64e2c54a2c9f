#!/usr/bin/python3
"""Writes issue #14's SQLite database with Python's sqlite3 (the real engine), for compare-perf.sh.

Usage: sqlite_gen.py OUT.db [ROWS=2000000]

Two tables of ROWS rows each:
  items(id INTEGER PRIMARY KEY, name TEXT, email TEXT, created INTEGER, score REAL, note TEXT, data BLOB)
      a rowid table; every 500th row carries a 9 KB blob (it spills into overflow pages), the others a
      16..48-byte one;
  tags(tag TEXT, item_id INTEGER, weight REAL, PRIMARY KEY(tag, item_id)) WITHOUT ROWID
      an index b-tree holding whole rows.
Then every 7th row of both tables is deleted (id % 7 == 0) with secure_delete off, so the deleted records
stay in freeblocks, unallocated space and freelist pages for a salvage to find. 4 KiB pages, no
auto_vacuum, journal off (a benchmark input, not evidence). Contents are deterministic functions of the row
number (no randomness), so two runs write the same rows. 2000000 rows make about 367 MB.
Prints one JSON line: path, rows, live rows per table, page count, freelist pages, bytes, seconds.
"""
import json
import os
import sqlite3
import sys
import time

LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
         "et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut "
         "aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse.")
BIG_BLOB_EVERY = 500
BIG_BLOB_BYTES = 9 * 1024
DELETE_EVERY = 7
BATCH = 50_000


def item_row(i):
    name = LOREM[(i * 7) % 200:(i * 7) % 200 + 8 + (i * 13) % 16]
    note = "note %d: %s" % (i, LOREM[(i * 31) % 150:(i * 31) % 150 + 10 + (i * 17) % 30])
    if i % BIG_BLOB_EVERY == 0:
        data = (b"blob%d:" % i) + bytes((i + k) % 251 for k in range(BIG_BLOB_BYTES))
    else:
        data = (b"b%d:" % i) + bytes([33 + i % 90]) * (8 + i % 33)
    return (i, name, "user%d@example.org" % i, 1600000000 + i * 37, ((i * 2654435761) % 1000003) / 1000.0, note, data)


def tag_row(i):
    return ("tag%d-%s" % (i % 5000, LOREM[i % 200:i % 200 + 6]), i, (i % 1000) / 10.0)


def batches(make, rows):
    for start in range(1, rows + 1, BATCH):
        yield [make(i) for i in range(start, min(rows, start + BATCH - 1) + 1)]


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 64
    path = argv[1]
    rows = int(argv[2]) if len(argv) == 3 else 2_000_000
    if rows < 1:
        sys.stderr.write("sqlite_gen: ROWS must be >= 1\n")
        return 64
    if os.path.exists(path):
        sys.stderr.write("sqlite_gen: %s exists; refusing to overwrite\n" % path)
        return 2
    t0 = time.monotonic()
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("page_size = 4096", "auto_vacuum = NONE", "journal_mode = OFF", "synchronous = OFF",
                   "secure_delete = OFF", "cache_size = -262144"):
        db.execute("PRAGMA " + pragma)
    db.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, email TEXT, created INTEGER, score REAL, "
               "note TEXT, data BLOB)")
    db.execute("CREATE TABLE tags(tag TEXT, item_id INTEGER, weight REAL, PRIMARY KEY(tag, item_id)) WITHOUT ROWID")
    db.execute("BEGIN")
    for chunk in batches(item_row, rows):
        db.executemany("INSERT INTO items VALUES(?,?,?,?,?,?,?)", chunk)
    for chunk in batches(tag_row, rows):
        db.executemany("INSERT INTO tags VALUES(?,?,?)", chunk)
    db.execute("COMMIT")
    db.execute("BEGIN")
    db.execute("DELETE FROM items WHERE id %% %d = 0" % DELETE_EVERY)
    db.execute("DELETE FROM tags WHERE item_id %% %d = 0" % DELETE_EVERY)
    db.execute("COMMIT")
    live_items = db.execute("SELECT count(*) FROM items").fetchone()[0]
    live_tags = db.execute("SELECT count(*) FROM tags").fetchone()[0]
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    free = db.execute("PRAGMA freelist_count").fetchone()[0]
    db.close()
    print(json.dumps({"tool": "sqlite_gen", "path": path, "rows": rows, "live_items": live_items,
                      "live_tags": live_tags, "page_count": pages, "freelist_count": free,
                      "bytes": os.path.getsize(path), "seconds": round(time.monotonic() - t0, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
