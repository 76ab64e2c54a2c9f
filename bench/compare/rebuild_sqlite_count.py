#!/usr/bin/env python3
"""Counts the rows of salvor rebuild's and sqlite3 .recover's databases per SQLite fixture (see rebuild-sqlite.sh).

A row is "right" when it equals a ground-truth live row: same rowid and every value (as quote() prints it) equal, in
a table of the same name; in a table whose name was lost (salvor's orphan_<root>, .recover's lost_and_found) any
table's live row with that rowid counts (a WITHOUT ROWID table's row, salvaged without a rowid, by its values alone), a NULL standing for the INTEGER PRIMARY KEY column's value (SQLite stores
NULL there: the value is the rowid) and numbers compare by value (without the column's REAL affinity an 8-byte
REAL that SQLite stored as an integer reads back as one). "wrong" rows are under a ground-truth row's table and rowid with other values.
Only the repaired databases are opened (Python's sqlite3), never the fixtures.
"""
import json
import os
import sqlite3
import sys

fixtures, run, recover_version = sys.argv[1], sys.argv[2], sys.argv[3]


def truth(case):
    gt = json.load(open(os.path.join(fixtures, case, "ground-truth.json")))
    if gt.get("truth"):
        gt = json.load(open(os.path.join(fixtures, gt["truth"], "ground-truth.json")))
    return gt["live"]


def rows(path, skip):
    """(table, rowid or None, [quote(v)...]) of every table but `skip` and SQLite's own."""
    if not os.path.exists(path):
        return None
    con = sqlite3.connect("file:" + path + "?mode=ro", uri=True)
    out = []
    for (name,) in con.execute("SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%'"):
        if name in skip:
            continue
        cols = [r[1] for r in con.execute('PRAGMA table_info("%s")' % name.replace('"', '""'))]
        quoted = ", ".join('quote("%s")' % c.replace('"', '""') for c in cols)
        try:
            cur = con.execute('SELECT rowid, %s FROM "%s"' % (quoted, name))
            with_rowid = True
        except sqlite3.OperationalError:
            cur = con.execute('SELECT %s FROM "%s"' % (quoted, name))
            with_rowid = False
        for r in cur:
            out.append((name, r[0] if with_rowid else None, list(r[1:] if with_rowid else r)))
    con.close()
    return out


def lost_and_found(path):
    """.recover's rows of lost tables: (rowid 'id', values c0...)."""
    if not os.path.exists(path):
        return []
    con = sqlite3.connect("file:" + path + "?mode=ro", uri=True)
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE name LIKE 'lost_and_found%'")]
    out = []
    for name in names:
        cols = [r[1] for r in con.execute('PRAGMA table_info("%s")' % name)]
        data = [c for c in cols if c.startswith("c") and c[1:].isdigit()]
        quoted = ", ".join('quote("%s")' % c for c in data)
        for r in con.execute('SELECT id, nfield, %s FROM "%s"' % (quoted, name)):
            out.append((None, r[0], list(r[2:2 + r[1]])))
    con.close()
    return out


def same(v, c, rowid):
    if v == c or (v == "NULL" and c == str(rowid)):
        return True
    try:
        return float(v) == float(c)
    except ValueError:
        return False


def score(found, live):
    by_key = {}
    by_rowid = {}
    for t in live:
        key = (t["table"], t["rowid"])
        by_key.setdefault(key, []).append(t["values"])
        by_rowid.setdefault(t["rowid"], []).append(t["values"])
    rowless = [t["values"] for t in live if t["rowid"] is None]
    right = wrong = 0
    for table, rowid, values in found:
        if table is not None and (table, rowid) in by_key:
            if values in by_key[(table, rowid)]:
                right += 1
            elif rowid is not None:
                wrong += 1
        else:
            matched = False
            for cand in by_rowid.get(rowid, []) if rowid is not None else []:
                if len(cand) == len(values) and all(same(v, c, rowid) for v, c in zip(values, cand)):
                    right += 1
                    matched = True
                    break
            if not matched and table is not None and table.startswith("orphan_"):
                # a WITHOUT ROWID table's row (salvage: rowid null) in an orphan table that gave it a rowid of
                # its own: matched by its values only
                if any(len(c) == len(values) and all(same(v, x, None) for v, x in zip(values, c))
                       for c in rowless):
                    right += 1
    return right, wrong


print("| fixture | live (truth) | salvor rebuild: rows | right | wrong | .recover: rows | right | wrong "
      "| lost_and_found rows (right) |")
print("|---|---|---|---|---|---|---|---|---|")
for case in sorted(os.listdir(run)):
    live = truth(case)
    ours = rows(os.path.join(run, case, "salvor.db"), {"salvor_recovered"})
    theirs = rows(os.path.join(run, case, "recover.db"), set())
    lost = lost_and_found(os.path.join(run, case, "recover.db"))
    if theirs is not None:
        theirs = [r for r in theirs if not r[0].startswith("lost_and_found")]
    o = score(ours, live) if ours is not None else None
    t = score(theirs, live) if theirs is not None else None
    lf = score(lost, live)[0]
    cell = lambda r, s: ("%d | %d | %d" % (len(r), s[0], s[1])) if r is not None else "failed | – | –"
    print("| %s | %d | %s | %s | %d (%d) |" % (case, len(live), cell(ours, o), cell(theirs, t), len(lost), lf))
print()
print("sqlite3 %s (.recover); salvor rebuild as built from this tree." % recover_version)
