#!/usr/bin/env python3
"""Live and deleted recall of `salvor salvage` on the SQLite forensic corpus, per category (README.md here).

  bench/compare/sqlite_corpus.py [--corpus DIR] [--salvor PATH] [--scratch DIR]

Runs `salvor salvage CAT/*.db -o SCRATCH/CAT.jsonl` once per category (the CLI end to end, as a user runs it),
then compares every output row with the corpus's ground truth (CAT/*.xml) and prints a Markdown table.

Rules (stricter than formats' SqliteCorpusTest in two ways, marked *):
- A ground-truth row is a table row of the .xml; it is deleted when the row or its whole table is marked deleted.
- A live row is found when a `live` output row of the same file *and the same table name* has the same values.
- A deleted row is found when a non-live output row of the same file, of the same table or unattributed
  (table null or orphan_*), has the same values.
- Values compare as in the test: numbers numerically (1e-6 relative, or equal as float32: R*Tree coordinates),
  text exactly, NULL as an absent or empty <content>; columns salvor marks unknown are skipped; an unattributed
  row's NULL in the rowid-alias position matches the rowid.
- A phantom is a non-live output row (sqlite_schema rows aside) of a table of the ground truth, or unattributed,
  that matches no ground-truth row of that file; *a non-live row matching only live rows (a live row reported as
  deleted) is counted separately as "live as deleted".
"""
import argparse
import base64
import collections
import json
import os
import re
import struct
import subprocess
import sys

SUBJECTS = {"01": "weird table names", "02": "encapsulated column definitions", "03": "SQL separators and keywords",
            "04": "UTF-8 / UTF-16le / UTF-16be", "05": "triggers, views, indices", "06": "virtual tables (FTS, R*Tree)",
            "07": "fragmented contents", "08": "reserved bytes per page", "09": "pointer-map pages",
            "0A": "deleted (dropped) tables", "0B": "overwritten tables"}
ELEMENT = re.compile(r"<element>(.*?)</element>", re.S)
ROW = re.compile(r"<row( deleted=\"1\")?>(.*?)</row>", re.S)
COLUMN = re.compile(r"<column>(.*?)</column>", re.S)
CONTENT = re.compile(r"<content>(.*?)</content>", re.S)
NAME = re.compile(r"<name\s*/>|<name>(.*?)</name>", re.S)


def xml_eol(s):
    """XML end-of-line normalisation (a bare CR reads as LF): table names are compared after it on both sides."""
    return None if s is None else s.replace("\r\n", "\n").replace("\r", "\n")


def between(s, a, b):
    i = s.find(a)
    j = s.find(b, i + len(a)) if i >= 0 else -1
    return None if i < 0 or j < 0 else s[i + len(a):j]


def unescape(s):
    if s is None:
        return None
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def truth(xml_path):
    """[(table, deleted, [values as text or None])], read leniently (two corpus files are not well-formed)."""
    with open(xml_path, "rb") as f:
        s = f.read().decode("utf-8", "replace")
    out = []
    for el in ELEMENT.finditer(s):
        e = el.group(1)
        if (between(e, "<type>", "</type>") or "").lower() != "table":
            continue
        m = NAME.search(e)  # the table's own name comes first (an empty name is written <name />)
        name = xml_eol(unescape(m.group(1) or "")) if m else None
        table_deleted = between(e, "<deleted>", "</deleted>") == "True"
        for r in ROW.finditer(e):
            vals = []
            for c in COLUMN.finditer(r.group(2)):
                m = CONTENT.search(c.group(1))
                vals.append(unescape(m.group(1)) if m else None)
            out.append((name, table_deleted or r.group(1) is not None, vals))
    return out


def same(v, g):
    if g is None:
        return v is None
    if v is None:
        return g in ("", "NULL", "None")
    if isinstance(v, bool):
        return False
    if isinstance(v, dict) and "base64" in v:
        v = base64.b64decode(v["base64"]).decode("utf-8", "replace")
    if isinstance(v, (int, float)):
        if isinstance(v, int) and str(v) == g:
            return True
        try:
            b = float(g)
        except ValueError:
            return False
        a = float(v)
        if abs(a - b) <= 1e-6 * max(1.0, abs(b)):
            return True
        try:
            return struct.pack("f", a) == struct.pack("f", b)
        except OverflowError:
            return False
    return str(v) == g


def _num(x):
    return ("n", float("%.9g" % x))


def out_key(vals):
    k = []
    for v in vals:
        if v is None or isinstance(v, bool):
            k.append(None)
        elif isinstance(v, (int, float)):
            k.append(_num(v))
        elif isinstance(v, str):
            k.append(("s", v))
        else:
            k.append(("x", json.dumps(v)))
    return tuple(k)


def truth_key(vals):
    k = []
    for g in vals:
        if g is None:
            k.append(None)
            continue
        try:
            k.append(_num(float(g)))
        except (ValueError, OverflowError):
            k.append(("s", g))
    return tuple(k)


def matches(row, g_vals):
    vals = row["values"]
    if len(vals) != len(g_vals):
        return False
    unknown = set(row.get("unknown_columns", []))
    unattributed = row.get("table") is None or row["table"].startswith("orphan_")
    for i, g in enumerate(g_vals):
        if i in unknown:
            continue
        v = vals[i]
        if v is None and unattributed and row.get("rowid") is not None and str(row["rowid"]) == g:
            continue  # unattributed: the rowid alias is seen as stored (NULL)
        if not same(v, g):
            return False
    return True


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=os.path.join(repo, "..", "shared", "corpora", "sqlite-forensic-corpus-v1"))
    ap.add_argument("--salvor", default=os.path.join(repo, "salvor"))
    ap.add_argument("--scratch", default=os.path.join(os.environ.get("SALVOR_BENCH_DIR", "/tmp/salvor-bench"),
                                                      "sqlite-corpus"))
    args = ap.parse_args()
    if not os.path.isdir(args.corpus):
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    os.makedirs(args.scratch, exist_ok=True)
    cats = sorted(d for d in os.listdir(args.corpus) if os.path.isdir(os.path.join(args.corpus, d)))
    lines = ["| cat | subject | files | live found | deleted found | deleted, wrong table | phantoms | live as deleted "
             "| non-live rows by source |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    total = collections.Counter()
    for cat in cats:
        d = os.path.join(args.corpus, cat)
        dbs = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".db"))
        if not dbs:
            continue
        out = os.path.join(args.scratch, cat + ".jsonl")
        p = subprocess.run([args.salvor, "salvage", *dbs, "-o", out], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if p.returncode not in (0, 1):
            print(f"salvor failed on {cat} (exit {p.returncode}):\n{p.stderr}", file=sys.stderr)
            return 1
        rows = collections.defaultdict(list)
        with open(out, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                r["table"] = xml_eol(r.get("table"))
                rows[os.path.basename(r["file"])].append(r)
        t = collections.Counter()
        sources = collections.Counter()
        for db in dbs:
            t["files"] += 1
            xml = db[:-3] + ".xml"
            got = rows.get(os.path.basename(db), [])
            for r in got:
                if r["state"] != "live" and r.get("table") != "sqlite_schema":
                    sources[r["source"]] += 1
            if not os.path.exists(xml):
                continue
            g = truth(xml)
            names = {name for name, _, _ in g}
            # exact-key indexes first (numbers rounded to 9 digits), then a linear scan of the rows of the same
            # width for what the keys miss (float32 values, unknown columns, rowid aliases)
            got_index = collections.defaultdict(list)
            got_by_len = collections.defaultdict(list)
            for r in got:
                got_index[out_key(r["values"])].append(r)
                got_by_len[len(r["values"])].append(r)
            truth_index = collections.defaultdict(list)
            truth_by_len = collections.defaultdict(list)
            for row in g:
                truth_index[truth_key(row[2])].append(row)
                truth_by_len[len(row[2])].append(row)

            def found(name, vals, want_live, any_table=False):
                def ok(r):
                    if want_live:
                        return r["state"] == "live" and r.get("table") == name and matches(r, vals)
                    tab = r.get("table")
                    return r["state"] != "live" and tab != "sqlite_schema" \
                        and (any_table or tab in (name, None) or tab.startswith("orphan_")) and matches(r, vals)
                return any(ok(r) for r in got_index.get(truth_key(vals), ())) \
                    or any(ok(r) for r in got_by_len.get(len(vals), ()))

            for name, deleted, vals in g:
                if deleted:
                    t["deleted_total"] += 1
                    if found(name, vals, False):
                        t["deleted_found"] += 1
                    elif found(name, vals, False, any_table=True):
                        t["misattributed"] += 1
                else:
                    t["live_total"] += 1
                    t["live_found"] += found(name, vals, True)
            for r in got:
                if r["state"] == "live" or r.get("table") == "sqlite_schema":
                    continue
                tab = r.get("table")
                unattributed = tab is None or tab.startswith("orphan_")
                if not unattributed and tab not in names:
                    continue
                hits = [(name, deleted) for name, deleted, vals in truth_index.get(out_key(r["values"]), [])
                        if matches(r, vals)]
                if not hits:
                    hits = [(name, deleted) for name, deleted, vals in truth_by_len.get(len(r["values"]), [])
                            if matches(r, vals)]
                own = [deleted for name, deleted in hits if unattributed or name == tab]
                if not hits:
                    t["phantoms"] += 1  # matches no row of the file in any table
                elif own and not any(own):
                    t["live_as_deleted"] += 1
                elif not own and any(deleted for _, deleted in hits):
                    pass  # a real deleted row under another table's name: counted as misattributed above
                elif not own:
                    t["live_as_deleted"] += 1  # a live row of another table, reported non-live
        total.update(t)
        lines.append(f"| {cat} | {SUBJECTS.get(cat, '')} | {t['files']} | {t['live_found']}/{t['live_total']} | "
                     f"{t['deleted_found']}/{t['deleted_total']} | {t['misattributed']} | {t['phantoms']} | "
                     f"{t['live_as_deleted']} | "
                     + (", ".join(f"{k} {v}" for k, v in sorted(sources.items())) or "–") + " |")
    pct = (f" ({100 * total['deleted_found'] / total['deleted_total']:.0f} %)" if total["deleted_total"] else "")
    lines.append(f"| **all** | | {total['files']} | {total['live_found']}/{total['live_total']} | "
                 f"{total['deleted_found']}/{total['deleted_total']}{pct} | {total['misattributed']} | "
                 f"{total['phantoms']} | {total['live_as_deleted']} | |")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
