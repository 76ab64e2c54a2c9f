#!/usr/bin/python3
"""IndexedDB values: salvor against google/dfindexeddb and cclgroupltd/ccl_chromium_reader on the same data.

Run from the repository root after `mvn -B -o package -pl formats -am -DskipTests`:
    /usr/bin/python3 bench/compare/compare-idb-values.py DFINDEXEDDB_SRC CCL_SRC SIMPLESNAPPY_SRC
where the three are source checkouts (obtained with the `fetch` tool here: PyPI is unreachable; Debian's
python3-snappy and python3-zstd give their dependencies). Datasets: fixtures/browser/values (Chromium 150, LevelDB
backend with blob files; the SQLite backend after a clean close and with its WAL after a kill) and, when present,
the shared corpus's Chrome 109 (Linux, Windows) and Chrome 144 SQLite samples ($SALVOR_SHARED or ../shared).

For each tool and dataset: the live object-store values it gives without an error, out of the live values there
are (salvor's count of live object-store data records), and the wall time of the whole process (start-up
included), best of 3. A value "decoded" by another tool is one it returned without raising; its content is not
checked here (salvor's is, against the page's own JSON, in ChromeValuesFixtureTest). ccl_chromium_reader has no
SQLite backend reader. A script, not CI.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's, with python3-snappy and python3-zstd


def classpath():
    m2 = os.path.expanduser("~/.m2/repository")
    jars = []
    for pattern in ("org/xerial/snappy/snappy-java/*/snappy-java-*.jar", "com/github/luben/zstd-jni/*/zstd-jni-*.jar",
                    "com/fasterxml/jackson/core/jackson-core/*/jackson-core-*.jar"):
        found = sorted(j for j in glob.glob(os.path.join(m2, pattern)) if not j.endswith(("-sources.jar",
                                                                                           "-javadoc.jar")))
        jars.append(found[-1])
    return os.pathsep.join([os.path.join(ROOT, "formats", "target", "classes")] + jars)


def datasets():
    v = os.path.join(ROOT, "fixtures", "browser", "values")
    out = [("chromium150-leveldb", "leveldb", os.path.join(v, "leveldb"), os.path.join(v, "leveldb.blob"))]
    for d in ("sqlite", "sqlite-wal"):
        f = [p for p in glob.glob(os.path.join(v, d, "*")) if not p.endswith(("-wal", "-shm", "-journal"))]
        out.append(("chromium150-" + d, "sqlite", f[0], None))
    shared = os.environ.get("SALVOR_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
    c = os.path.join(shared, "corpora", "dfindexeddb-test-data", "test_data", "indexeddb", "chrome")
    for s in ("linux_109_64", "win11_109_64"):
        if os.path.isdir(os.path.join(c, s)):
            out.append(("chrome109-" + s.split("_")[0], "leveldb", os.path.join(c, s, "file__0.indexeddb.leveldb"),
                        os.path.join(c, s, "file__0.indexeddb.blob")))
    if os.path.isfile(os.path.join(c, "osx_144_64", "file__0", "sample")):
        out.append(("chrome144-sqlite", "sqlite", os.path.join(c, "osx_144_64", "file__0", "sample"), None))
    return out


DFI = r'''
import pathlib, sys, json, io, contextlib
sys.path.insert(0, sys.argv[1])
from dfindexeddb.indexeddb.chromium import record as cr, sqlite as cs, definitions as cd
kind, path = sys.argv[2], sys.argv[3]
keys = {}
stopped = None
with contextlib.redirect_stdout(io.StringIO()):
  try:
    if kind == "leveldb":
        # dfindexeddb reads blobs from <origin>.indexeddb.blob beside <origin>.indexeddb.leveldb only
        for r in cr.FolderReader(pathlib.Path(path)).GetRecords(load_blobs=True):
            try:
                if r.key.key_prefix.GetKeyPrefixType() != cd.KeyPrefixType.OBJECT_STORE_DATA:
                    continue
            except Exception:
                continue
            k = (r.database_id, r.object_store_id, repr(r.key))
            if r.value is not None and (k not in keys or keys[k] < r.sequence_number):
                keys[k] = r.sequence_number
    else:
        for r in cs.DatabaseReader(path).Records(load_blobs=True):
            if r.value is not None:
                keys[(r.object_store_id, repr(r.key))] = 1
  except Exception as e:  # the tool stops at the first value it cannot decode: count what came before
    stopped = type(e).__name__ + ": " + str(e)[:80]
print(json.dumps({"decoded": len(keys), "stopped": stopped}))
'''

CCL = r'''
import sys, json, types
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])
try:
    import brotli  # only its cache reader needs it; the package imports it at start-up
except ImportError:
    sys.modules["brotli"] = types.ModuleType("brotli")
from ccl_chromium_reader import ccl_chromium_indexeddb as ci
path, blobs = sys.argv[3], sys.argv[4]
w = ci.WrappedIndexDB(path, blobs if blobs != "-" else None)
good = bad = 0
def on_bad(key, raw):
    global bad
    bad += 1
for dbid in w.database_ids:
    db = w[dbid.dbid_no]
    for name in db.object_store_names:
        try:
            for r in db[name].iterate_records(live_only=True, bad_deserializer_data_handler=on_bad):
                if r.value is not None:
                    good += 1
        except Exception:
            bad += 1
print(json.dumps({"decoded": good, "refused": bad}))
'''


def timed(cmd, runs=3):
    best = None
    out = None
    for _ in range(runs):
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True)
        t = time.time() - t0
        if p.returncode != 0:
            return {"error": (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1][:160]}, t
        best = t if best is None else min(best, t)
        out = json.loads(p.stdout.strip().splitlines()[-1])
    return out, best


def main():
    dfi, ccl, snappy = sys.argv[1], sys.argv[2], sys.argv[3]
    cp = classpath()
    rows = []
    for name, kind, path, blobs in datasets():
        s, ts = timed(["java", "-cp", cp, os.path.join(HERE, "IdbValues.java"), kind, path] + ([blobs] if blobs else []))
        total = s.get("live", 0)
        # dfindexeddb opens SQLite files with Python's sqlite3, which writes (-wal, -shm, checkpoints): a copy only.
        scratch = tempfile.mkdtemp(prefix="compare-idb-")
        dpath = path
        if kind == "sqlite":
            dpath = os.path.join(scratch, os.path.basename(path))
            for f in glob.glob(path + "*"):
                shutil.copy2(f, os.path.join(scratch, os.path.basename(f)))
        d, td = timed([PYTHON, "-c", DFI, dfi, kind, dpath])
        shutil.rmtree(scratch, ignore_errors=True)
        if kind == "leveldb":
            c, tc = timed([PYTHON, "-c", CCL, ccl, snappy, path, blobs or "-"])
        else:
            c, tc = {"error": "no SQLite backend reader"}, None
        rows.append((name, total, s, ts, d, td, c, tc))
    print("| data | live values | salvor | s | dfindexeddb | s | ccl_chromium_reader | s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, total, s, ts, d, td, c, tc in rows:
        def cell(r):
            if "error" in r:
                return r["error"]
            text = "%s/%d" % (r.get("live_decoded", r.get("decoded")), total)
            return text + (" (stopped: %s)" % r["stopped"] if r.get("stopped") else "")
        print("| %s | %d | %s | %.2f | %s | %.2f | %s | %s |" % (
            name, total, cell(s), ts, cell(d), td, cell(c), "%.2f" % tc if tc else "–"))
    print()
    print("salvor, all versions (live, superseded, deleted) decoded: " + ", ".join(
        "%s %d/%d" % (r[0], r[2].get("all_decoded", 0), r[2].get("all", 0)) for r in rows))


if __name__ == "__main__":
    main()
