#!/usr/bin/python3
"""salvor rebuild against C++ LevelDB's RepairDB (plyvel.repair_db), on every fixture of fixtures/leveldb.

usage: /usr/bin/python3 bench/compare/compare-leveldb-rebuild.py [SALVOR]   (SALVOR defaults to ./salvor)

For each fixture, three repaired databases, each made from a fresh copy of the fixture in a temporary directory
(the fixture itself is only read): `salvor rebuild`, `plyvel.repair_db(copy)` and
`plyvel.repair_db(copy, paranoid_checks=True)`. Each is opened with C++ LevelDB (paranoid_checks, bloom filter
policy), iterated with verify_checksums (an error ends the iteration and is reported) and every iterated key is
also read with get(). The live state the engine had before the damage (the `live` list of the ground truth of the
case's source, fixtures/leveldb/<from>/ground-truth.json) is the reference:

  keys        keys the repaired database iterates
  correct     keys whose value is the reference's live value
  wrong       keys whose value differs from the reference (an older version, or damaged bytes)
  resurrected keys the reference does not hold (deleted, or never written)
  missing     reference keys the repaired database lacks
  get!=iter   keys whose get() differs from the iterated value
Prints a Markdown table.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

import plyvel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "fixtures", "leveldb")


def as_bytes(v):
    if v is None:
        return None
    if isinstance(v, dict):
        return base64.b64decode(v["base64"])
    return v.encode("utf-8")


def reference(case):
    expected = json.load(open(os.path.join(FIXTURES, case, "expected.json")))
    source = expected.get("from", case)
    truth = json.load(open(os.path.join(FIXTURES, source, "ground-truth.json")))
    return source, {as_bytes(e["key"]): as_bytes(e["value"]) for e in truth["live"]}


def read_db(path):
    """Iterates a database (already a copy) with the real engine; returns (entries, get mismatches, error)."""
    entries = {}
    mismatches = 0
    error = None
    try:
        db = plyvel.DB(path, paranoid_checks=True, bloom_filter_bits=10)
    except Exception as e:  # the repaired database does not even open
        return entries, 0, "open: " + str(e).split("\n")[0][:80]
    try:
        for k, v in db.iterator(verify_checksums=True, fill_cache=False):
            entries[k] = v
        for k, v in entries.items():
            if db.get(k) != v:
                mismatches += 1
    except Exception as e:
        error = "iterate: " + str(e).split("\n")[0][:80]
    finally:
        db.close()
    return entries, mismatches, error


def score(entries, ref):
    correct = sum(1 for k, v in entries.items() if k in ref and ref[k] == v)
    wrong = sum(1 for k, v in entries.items() if k in ref and ref[k] != v)
    resurrected = sum(1 for k in entries if k not in ref)
    missing = sum(1 for k in ref if k not in entries)
    return len(entries), correct, wrong, resurrected, missing


def salvor_rebuild(salvor, fixture_db, work):
    out = os.path.join(work, "salvor-out")
    p = subprocess.run([salvor, "rebuild", fixture_db, "-o", out], capture_output=True, text=True)
    if not os.path.isdir(out):
        return None, "exit %d: %s" % (p.returncode, p.stderr.strip().splitlines()[-1:])
    copy = os.path.join(work, "salvor-copy")
    shutil.copytree(out, copy)
    return copy, None


def repaired(fixture_db, work, name, **options):
    copy = os.path.join(work, name)
    shutil.copytree(fixture_db, copy)
    try:
        plyvel.repair_db(copy, **options)
    except Exception as e:
        return copy, "repair: " + str(e).split("\n")[0][:80]
    return copy, None


def main():
    salvor = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "salvor")
    cases = sorted(d for d in os.listdir(FIXTURES) if os.path.isdir(os.path.join(FIXTURES, d, "db")))
    print("| fixture | reference | tool | keys | correct | wrong | resurrected | missing | get!=iter | error |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---|")
    for case in cases:
        source, ref = reference(case)
        fixture_db = os.path.join(FIXTURES, case, "db")
        with tempfile.TemporaryDirectory() as work:
            runs = [("salvor rebuild",) + salvor_rebuild(salvor, fixture_db, work),
                    ("RepairDB",) + repaired(fixture_db, work, "repair"),
                    ("RepairDB paranoid",) + repaired(fixture_db, work, "paranoid", paranoid_checks=True)]
            for tool, path, error in runs:
                if path is None:
                    print("| %s | %s (%d keys) | %s | | | | | | | %s |" % (case, source, len(ref), tool, error))
                    continue
                entries, mismatches, read_error = read_db(path)
                keys, correct, wrong, resurrected, missing = score(entries, ref)
                print("| %s | %s (%d keys) | %s | %d | %d | %d | %d | %d | %d | %s |" % (
                    case, source, len(ref), tool, keys, correct, wrong, resurrected, missing, mismatches,
                    error or read_error or ""))


if __name__ == "__main__":
    main()
