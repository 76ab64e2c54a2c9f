#!/usr/bin/env python3
"""Counts and verifies the rows recovered by salvor and by sqlite3's .recover (compare-sqlite.sh; see README.md).

  sqlite_verify.py verify TRUTH.db SALVOR.jsonl RECOVERED.db   -> one JSON object on stdout
  sqlite_verify.py jfr-top < `jfr print --stack-depth 64 --events jdk.ExecutionSample X.jfr`

verify: TRUTH.db is written by sqlite_gen.sql (del_<table>: every deleted row with all its values; live_counts).
RECOVERED.db is .recover's SQL output loaded into a new database (its tables plus lost_and_found). Only these
files are opened; the evidence never is.

A non-live row counts as a recovered deleted row when it can be tied to a deleted row (by rowid, or, when the
rowid was lost with the first bytes of a freed cell, by the id every generated row carries in a text column) and
every recovered column equals the truth (columns salvor marks unknown are skipped; REAL within 1e-9 relative).
Every other non-live row of the four tables is a phantom: a row that never existed, a garbled copy, or a live
row reported as deleted. Distinct deleted rows are counted once whatever the number of copies found.
"""
import base64
import collections
import json
import re
import sqlite3
import sys

TABLES = {  # name -> (columns, index of the INTEGER PRIMARY KEY alias or None, id pattern column, regex)
    "users": (["id", "name", "email", "created", "score", "bio"], 0, 2, re.compile(r"^user(\d+)@example\.org$")),
    "events": (["id", "user_id", "kind", "ts", "payload"], 0, 4, re.compile(r"^ev(\d+): ")),
    "attachments": (["id", "event_id", "name", "data"], 0, 2, re.compile(r"^att(\d+)\.bin$")),
    "tags": (["tag", "user_id", "weight"], None, None, None),  # WITHOUT ROWID: keyed by user_id
}


def load_truth(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    deleted = {}
    for t, (cols, ipk, _, _) in TABLES.items():
        rows = {}
        for r in con.execute(f"SELECT {', '.join(cols)} FROM del_{t}"):
            key = r[0] if ipk is not None else r[1]
            rows[key] = r
        deleted[t] = rows
    live = dict(con.execute("SELECT tbl, n FROM live_counts"))
    pages = con.execute("SELECT page_count, freelist_count FROM pages").fetchone()
    con.close()
    return deleted, live, pages


def same(got, want):
    if want is None:
        return got is None
    if isinstance(want, float):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and \
            abs(got - want) <= 1e-9 * max(1.0, abs(want))
    if isinstance(want, int):
        return isinstance(got, int) and not isinstance(got, bool) and got == want
    if isinstance(want, bytes):
        if isinstance(got, dict) and "base64" in got:
            return base64.b64decode(got["base64"]) == want
        if isinstance(got, str):
            return got.encode("utf-8") == want
        if isinstance(got, bytes):
            return got == want
        return False
    return got == want


def row_id(table, values, rowid):
    """The generated id of a row: its rowid, else the id its text column carries (tags: user_id)."""
    cols, ipk, idcol, rx = TABLES[table]
    if ipk is None:
        return values[1] if len(values) > 1 and isinstance(values[1], int) else None
    if isinstance(rowid, int):
        return rowid
    if isinstance(values[ipk], int):
        return values[ipk]
    v = values[idcol] if idcol < len(values) else None
    if isinstance(v, dict) and "base64" in v:
        v = base64.b64decode(v["base64"]).decode("utf-8", "replace")
    m = rx.match(v) if isinstance(v, str) else None
    return int(m.group(1)) if m else None


def matches(table, values, rowid, unknown, truth_row):
    cols, ipk, _, _ = TABLES[table]
    if len(values) != len(cols):
        return False
    for i, want in enumerate(truth_row):
        if i in unknown:
            continue
        got = values[i]
        if i == ipk and got is None:
            # the alias shown as stored (NULL: .recover's lost_and_found) or a lost rowid (salvor: unknown)
            if rowid is None or rowid == want:
                continue
            return False
        if not same(got, want):
            return False
    return True


TABLE_RE = re.compile(r'"table":(null|"((?:[^"\\]|\\.)*)")')
STATE_RE = re.compile(r'"state":"([a-z]+)"')


def live_lookup(recovered, suspects):
    """The live row (from .recover's tables) of every (table, id) in suspects: {(table, id): row tuple}."""
    out = {}
    con = sqlite3.connect(f"file:{recovered}?mode=ro", uri=True)
    by_table = collections.defaultdict(set)
    for t, rid in suspects:
        if rid is not None:
            by_table[t].add(rid)
    for t, ids in by_table.items():
        cols, ipk, _, _ = TABLES[t]
        key = cols[0] if ipk is not None else "user_id"
        ids = sorted(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = f'SELECT {", ".join(cols)} FROM "{t}" WHERE {key} IN ({",".join("?" * len(chunk))})'
            for r in con.execute(q, chunk):
                out[(t, r[0] if ipk is not None else r[1])] = r
    con.close()
    return out


def verify_salvor(path, deleted, recovered):
    live = collections.Counter()
    nonlive = collections.Counter()  # (table, state, source)
    found = {t: set() for t in TABLES}
    suspects = []
    other = collections.Counter()
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            st = STATE_RE.search(line)
            tm = TABLE_RE.search(line)
            table = tm.group(2) if tm and tm.group(1) != "null" else None
            if st and st.group(1) == "live":
                live[table] += 1
                continue
            r = json.loads(line)
            table = r.get("table")
            nonlive[(table, r["state"], r["source"])] += 1
            if table not in TABLES:
                other[table if table is None or not table.startswith("orphan_") else "orphan_*"] += 1
                continue
            values = r["values"]
            unknown = set(r.get("unknown_columns", []))
            rid = row_id(table, values, r.get("rowid"))
            want = deleted[table].get(rid)
            if want is not None and matches(table, values, r.get("rowid"), unknown, want):
                found[table].add(rid)
            else:
                suspects.append((table, rid, values, r.get("rowid"), unknown, r["state"], r["source"]))
    # Phantoms, by kind: a stale copy of a live row (every recovered column equals the live row: a live row
    # reported again as non-live), a garbled row (its id is a real row's but some value differs: bytes of another
    # cell or of a freeblock header read as data), or unidentified (no id).
    lives = live_lookup(recovered, [(s[0], s[1]) for s in suspects])
    phantoms = {t: collections.Counter() for t in TABLES}
    examples = []
    for table, rid, values, rowid, unknown, state, source in suspects:
        lv = lives.get((table, rid))
        if lv is not None and matches(table, values, rowid, unknown, lv):
            kind = "live_copy"
        elif lv is not None or rid in deleted[table]:
            kind = "garbled"
        else:
            kind = "unidentified"
        phantoms[table][kind] += 1
        phantoms[table][f"{kind}/{state}/{source}"] += 1
        if len(examples) < 10 and kind != "live_copy":
            examples.append({"table": table, "state": state, "source": source, "values": values,
                             "truth": deleted[table].get(rid) or lv})
    return {
        "live": dict(live),
        "deleted_found": {t: len(s) for t, s in found.items()},
        "phantoms": {t: sum(v for k, v in c.items() if "/" not in k) for t, c in phantoms.items()},
        "phantom_kinds": {t: dict(c) for t, c in phantoms.items()},
        "phantom_examples": examples,
        "non_live_rows": {f"{k[0]}/{k[1]}/{k[2]}": v for k, v in sorted(nonlive.items(), key=str)},
        "other_tables": dict(other),
    }


def verify_recover(path, deleted):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    live = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES if t in names}
    found = {t: set() for t in TABLES}
    lf_rows = 0
    lf_live_copies = 0
    lf_unmatched = 0
    if "lost_and_found" in names:
        cols = [r[1] for r in con.execute("PRAGMA table_info(lost_and_found)")]
        ncs = len([c for c in cols if re.fullmatch(r"c\d+", c)])
        for r in con.execute("SELECT * FROM lost_and_found"):
            lf_rows += 1
            rec = dict(zip(cols, r))
            nfield = rec["nfield"]
            values = [rec.get(f"c{i}") for i in range(min(nfield, ncs))]
            hit = False
            for t, (tcols, ipk, _, _) in TABLES.items():
                if len(tcols) != len(values):
                    continue
                try:
                    rid = row_id(t, values, rec["id"])
                except (IndexError, TypeError):
                    continue
                want = deleted[t].get(rid)
                if want is not None and matches(t, values, rec["id"], set(), want):
                    found[t].add(rid)
                    hit = True
                    break
            if not hit:
                lf_unmatched += 1
    con.close()
    return {
        "live": live,
        "lost_and_found_rows": lf_rows,
        "deleted_found": {t: len(s) for t, s in found.items()},
        "lost_and_found_not_deleted_rows": lf_unmatched,
    }


def jfr_top(text, n=25):
    stacks = []
    for block in text.split("jdk.ExecutionSample")[1:]:
        m = re.search(r"stackTrace = \[(.*?)\n\s*\]", block, re.S)
        if not m:
            continue
        frames = [re.sub(r"\(.*", "", l.strip()) for l in m.group(1).strip().split("\n")
                  if l.strip() and l.strip() != "..."]
        stacks.append(frames)
    total = len(stacks) or 1
    out = [f"{len(stacks)} samples", "self time (top frame):"]
    for k, v in collections.Counter(s[0] for s in stacks if s).most_common(n):
        out.append(f"  {100 * v / total:5.1f}%  {k}")
    incl = collections.Counter()
    for s in stacks:
        for fr in set(s):
            incl[fr] += 1
    out.append("inclusive time (salvor frames):")
    for k, v in incl.most_common():
        if "dev.salvor." in k and 100 * v / total >= 1.0:
            out.append(f"  {100 * v / total:5.1f}%  {k}")
    return "\n".join(out)


def main(argv):
    if len(argv) >= 2 and argv[1] == "jfr-top":
        print(jfr_top(sys.stdin.read()))
        return 0
    if len(argv) != 5 or argv[1] != "verify":
        print(__doc__, file=sys.stderr)
        return 2
    deleted, live, pages = load_truth(argv[2])
    result = {
        "truth": {"live": live, "deleted": {t: len(r) for t, r in deleted.items()},
                  "page_count": pages[0], "freelist_count": pages[1]},
        "salvor": verify_salvor(argv[3], deleted, argv[4]),
        "recover": verify_recover(argv[4], deleted),
    }
    json.dump(result, sys.stdout, sort_keys=True, default=repr)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
