#!/usr/bin/env bash
# Compares salvor with google/dfindexeddb and cclgroupltd/ccl_chromium_reader (both Python) on Chromium IndexedDB
# written by the real browser (fixtures/browser, LevelDB backend), and on damaged copies of it: records decoded, how
# each tool ends, time. A script, not CI: the two tools are not dependencies of salvor.
#
# Usage: bench/compare/chromium-tools.sh DFINDEXEDDB_SRC CCL_SRC [WORK_DIR]
#   DFINDEXEDDB_SRC, CCL_SRC: checkouts of the two repositories (e.g. `git archive` of google/dfindexeddb a8e6dcf and
#   cclgroupltd/ccl_chromium_reader 9639a31); they run from source with Debian's /usr/bin/python3 and
#   python3-snappy (ccl's own ccl_simplesnappy is replaced by a two-line shim over python-snappy; brotli and zstd,
#   which ccl imports for other stores, by stubs).
#   WORK_DIR (default /tmp/salvor-chromium-tools): copies of the inputs and the outputs. Inputs are only read there.
set -euo pipefail
DFI=$(cd "$1" && pwd)
CCL=$(cd "$2" && pwd)
WORK=${3:-/tmp/salvor-chromium-tools}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/salvage/target/salvor.jar"
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -o -DskipTests -pl salvage -am package)
rm -rf "$WORK" && mkdir -p "$WORK/shim"
printf 'import snappy\n\ndef decompress(data):\n    return snappy.decompress(data.read() if hasattr(data, "read") else data)\n' \
    > "$WORK/shim/ccl_simplesnappy.py"
# ccl's package imports brotli and zstd for its cache and profile readers, never used for IndexedDB
for m in brotli zstd; do printf 'def decompress(data):\n    raise NotImplementedError("not needed for IndexedDB")\n' > "$WORK/shim/$m.py"; done

# inputs: the clean fixture and three damaged copies (as the LevelDB fixtures are damaged)
SRC="$ROOT/fixtures/browser/tables/indexeddb"
for c in clean zeroed-ldb torn-log zero-length-ldb; do cp -r "$SRC" "$WORK/$c"; done
python3 - "$WORK" <<'PY'
import os, sys
w = sys.argv[1]
t = os.path.join(w, "zeroed-ldb", "000005.ldb")
size = os.path.getsize(t)
with open(t, "r+b") as f:
    f.seek((size // 2) & ~4095); f.write(b"\0" * 4096)
l = os.path.join(w, "torn-log", "000004.log")
with open(l, "r+b") as f:
    f.truncate(os.path.getsize(l) * 2 // 3 + 1234)
open(os.path.join(w, "zero-length-ldb", "000005.ldb"), "wb").close()
PY

run() { # name command... : prints "records seconds exit"
  local out="$WORK/$1.out" err="$WORK/$1.err"; shift
  local t0=$(date +%s.%N); set +e; "$@" > "$out" 2> "$err"; local rc=$?; set -e
  local t1=$(date +%s.%N)
  echo "$(grep -c . "$out" || true) $(echo "$t1 - $t0" | bc) $rc"
}

printf '%-16s %-28s %-28s %-28s\n' input "salvor (records s exit)" "dfindexeddb (records s exit)" "ccl (records s exit)"
for c in clean zeroed-ldb torn-log zero-length-ldb; do
  s=$(run "salvor-$c" java -jar "$JAR" salvage "$WORK/$c" --no-rehash)
  d=$(cd "$DFI" && run "dfi-$c" /usr/bin/python3 -c "import sys; sys.argv=['dfindexeddb','db','-s','$WORK/$c','-f','chrome','-o','jsonl']; from dfindexeddb.indexeddb.cli import App; App()")
  k=$(cd "$CCL" && PYTHONPATH="$WORK/shim:$CCL" run "ccl-$c" /usr/bin/python3 -c "
import sys
from ccl_chromium_reader import ccl_chromium_indexeddb as c
db = c.IndexedDb('$WORK/$c')
for d in db.global_metadata.db_ids:
    for s in range(1, db.get_database_metadata(d.dbid_no, c.DatabaseMetadataType.MaximumObjectStoreId) + 1):
        for r in db.iterate_records(d.dbid_no, s, live_only=False):
            print(repr(r.key.value)[:60])
")
  printf '%-16s %-28s %-28s %-28s\n' "$c" "$s" "$d" "$k"
done
echo "how each ended (last line of stderr):"
for c in clean zeroed-ldb torn-log zero-length-ldb; do
  for t in salvor dfi ccl; do
    printf '  %-16s %-7s %s\n' "$c" "$t" "$(tail -n 1 "$WORK/$t-$c.err" 2>/dev/null | cut -c1-110)"
  done
done
echo "outputs and stderr: $WORK (salvor counts every record version, metadata included; dfindexeddb its records;"
echo "ccl the object-store records it iterates)"
