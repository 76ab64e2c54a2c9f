#!/usr/bin/env bash
# Compare `salvor carve` with `cat IMAGE > /dev/null` (the physical limit: reading the image from the page cache)
# on a generated raw image of random bytes holding real fixture artifacts. See README.md in this folder.
#
# Usage: bench/compare/compare-carve.sh [options]
#   --size BYTES      image size (default 1073741824 = 1 GiB)
#   --repeat N        timed runs per tool, interleaved (default 1); every run is listed, the ratio uses the median
#   --scratch DIR     where the image is made (default $SALVOR_BENCH_DIR or /tmp/salvor-bench)
#   --regenerate      make the image again even if one of that size exists
#   --write           also write the Markdown table to bench/compare/results-carve.md
# Environment:
#   SALVOR            salvor launcher (default: the repository root's ./salvor)
#   SALVOR_JAVA_OPTS  JVM options for salvor (default -Xmx512m: the heap target)
#
# The image: random bytes (head -c SIZE /dev/urandom) with, written over them (dd, no truncation): two LevelDB
# tables at unaligned offsets, a LevelDB log at a 512-byte-aligned offset and a SQLite database at an unaligned
# offset, all from fixtures/ (files written by the real LevelDB and SQLite). Every run must carve exactly those
# 4 artifacts at their offsets (checked in carve-manifest.json), or the script fails.
# Rows: `cat IMAGE > /dev/null` (page cache warm: one untimed read first); `salvor carve IMAGE -o DIR` with all
# cores and with --threads 1 (whole process: JVM start, scan, writing the 4 files and the manifest); and the scan
# pass alone as salvor reports it on stderr (signatures + confirmation, no JVM start, no output).
# Columns: wall seconds, user+system CPU seconds, MB/s (10^6 bytes per wall second), speed relative to cat
# (cat seconds / tool seconds: 1 = as fast as cat), load average (1 min) just before each run: other processes
# on the machine slow the wall-clock figures, not the CPU seconds.
# Targets: the scan pass >= 1 GB/s (issues 7 and 14), at least 0.2 of cat's speed (issue 14) and at least half
# of it (issue 7: ratio >= 0.5); heap < 512 MB (the runs use -Xmx512m unless SALVOR_JAVA_OPTS says otherwise).
# Exit 0 when every run succeeded (a missed target is reported, not a failure), 1 when a run failed, 2 on a
# setup error.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

SIZE=1073741824
REPEAT=1
SCRATCH="${SALVOR_BENCH_DIR:-/tmp/salvor-bench}"
REGENERATE=0
WRITE=0
SALVOR="${SALVOR:-$REPO_ROOT/salvor}"
export SALVOR_JAVA_OPTS="${SALVOR_JAVA_OPTS:--Xmx512m}"

die() { echo "compare-carve: $*" >&2; exit 2; }
log() { echo "compare-carve: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="${2:?--size needs a value}"; shift ;;
    --repeat) REPEAT="${2:?--repeat needs a value}"; shift ;;
    --scratch) SCRATCH="${2:?--scratch needs a value}"; shift ;;
    --regenerate) REGENERATE=1 ;;
    --write) WRITE=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done
for v in SIZE REPEAT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "--$(echo "$v" | tr 'A-Z' 'a-z') must be a non-negative integer"
done
[ "$REPEAT" -ge 1 ] || die "--repeat must be at least 1"
[ "$SIZE" -ge 16777216 ] || die "--size must be at least 16 MiB (the artifacts are placed up to 90 % of it)"
command -v java >/dev/null || die "java is missing"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian/Ubuntu: apt-get install time)"
/usr/bin/time -f '%e' true >/dev/null 2>&1 || die "/usr/bin/time does not support -f (need GNU time)"
[ -x "$SALVOR" ] || die "salvor launcher not found or not executable: $SALVOR"
# The launcher builds salvor on first use; do it now so no timed run includes a build.
"$SALVOR" --version >/dev/null || die "salvor does not run"

FIX="$REPO_ROOT/fixtures"
TABLE1="$FIX/leveldb/snappy/db/000005.ldb"
TABLE2="$FIX/leveldb/snappy/db/000015.ldb"
LOG="$FIX/leveldb/open-log/db/000006.log"
DB="$FIX/sqlite/basic/basic.db"
for f in "$TABLE1" "$TABLE2" "$LOG" "$DB"; do [ -f "$f" ] || die "fixture missing: $f"; done
# Offsets: fractions of the image; tables and the database unaligned, the log on a sector (512-byte) boundary.
T1_AT=$(( SIZE / 10 + 7 ))
T2_AT=$(( SIZE * 4 / 10 + 3 ))
LOG_AT=$(( SIZE * 6 / 10 / 512 * 512 ))
DB_AT=$(( SIZE * 9 / 10 + 1 ))
EXPECTED="$(printf '%s\n' "leveldb-table $T1_AT $(wc -c < "$TABLE1")" "leveldb-table $T2_AT $(wc -c < "$TABLE2")" \
  "leveldb-log $LOG_AT $(wc -c < "$LOG")" "sqlite-database $DB_AT $(wc -c < "$DB")" | sort)"

mkdir -p "$SCRATCH"
IMAGE="$SCRATCH/carve-$SIZE.img"
if [ "$REGENERATE" = 1 ] || [ ! -f "$IMAGE.complete" ] || [ ! -f "$IMAGE" ]; then
  rm -f "$IMAGE" "$IMAGE.complete"
  log "making $IMAGE ($SIZE random bytes + 4 fixture artifacts)..."
  head -c "$SIZE" /dev/urandom > "$IMAGE"
  place() { dd if="$1" of="$IMAGE" bs=64K seek="$2" oflag=seek_bytes conv=notrunc status=none; }
  place "$TABLE1" "$T1_AT"; place "$TABLE2" "$T2_AT"; place "$LOG" "$LOG_AT"; place "$DB" "$DB_AT"
  [ "$(stat -c %s "$IMAGE")" = "$SIZE" ] || die "image has the wrong size"
  touch "$IMAGE.complete"
fi
cat "$IMAGE" > /dev/null # page cache warm for every run

RUN="$(mktemp -d "${TMPDIR:-/tmp}/compare-carve.XXXXXX")"
trap 'rm -rf "$RUN"' EXIT

load() { cut -d' ' -f1 /proc/loadavg; }
# timed NAME CMD...: runs CMD under /usr/bin/time; appends "wall cpu load" to $RUN/NAME.times.
timed() {
  local name="$1"; shift
  local rc=0 l
  l=$(load)
  /usr/bin/time -f '%e %U %S %M' -o "$RUN/time.txt" "$@" > "$RUN/$name.out" 2> "$RUN/$name.err" || rc=$?
  if [ "$rc" != 0 ]; then
    cat "$RUN/$name.err" >&2
    echo "compare-carve: $name failed (exit $rc)" >&2
    return 1
  fi
  awk -v l="$l" '{printf "%s %.2f %s %s\n", $1, $2 + $3, l, $4}' "$RUN/time.txt" | tail -1 >> "$RUN/$name.times"
}

run_cat() { timed cat sh -c 'cat "$1" > /dev/null' sh "$IMAGE"; }
run_carve() { # NAME THREADS
  rm -rf "$RUN/out"
  timed "$1" "$SALVOR" carve "$IMAGE" -o "$RUN/out" --threads "$2" --no-progress || return 1
  local got
  got="$(grep -o '"kind" *: *"[^"]*"\|"image_offset" *: *[0-9]*\|"length" *: *[0-9]*' "$RUN/out/carve-manifest.json" \
    | sed 's/.*: *//; s/"//g' | paste - - - | tr '\t' ' ' | sort)"
  if [ "$got" != "$EXPECTED" ]; then
    printf 'compare-carve: %s carved\n%s\nexpected\n%s\n' "$1" "$got" "$EXPECTED" >&2
    return 1
  fi
  # The scan pass as salvor measures it: "scan pass (...): 0.42 s (2556.3 MB/s), CPU 0.61 s".
  sed -n 's/.*scan pass.*: \([0-9.]*\) s (.*CPU \([0-9.]*\) s.*/\1 \2/p' "$RUN/$1.err" \
    | awk -v l="$(tail -1 "$RUN/$1.times" | cut -d' ' -f3)" '{print $1, $2, l, "-"}' >> "$RUN/$1-scan.times"
}

THREADS_ALL=$(nproc)
FAILED=0
for ((i = 0; i < REPEAT; i++)); do
  log "round $((i + 1))/$REPEAT"
  run_cat || FAILED=1
  run_carve carve "$THREADS_ALL" || FAILED=1
  run_carve carve1 1 || FAILED=1
done
[ "$FAILED" = 0 ] || { echo "compare-carve: a run failed" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
CAT_T=$(awk '{print $1}' "$RUN/cat.times" | median)
row() { # NAME WHAT TIMESFILE
  local f="$RUN/$3.times"
  local runs med cpu loads
  runs=$(awk '{printf "%s%s", (NR > 1 ? ", " : ""), $1}' "$f")
  med=$(awk '{print $1}' "$f" | median)
  cpu=$(awk '{printf "%s%s", (NR > 1 ? ", " : ""), $2}' "$f")
  loads=$(awk '{printf "%s%s", (NR > 1 ? ", " : ""), $3}' "$f")
  awk -v n="$1" -v w="$2" -v r="$runs" -v t="$med" -v c="$cpu" -v l="$loads" -v b="$SIZE" -v s="$CAT_T" 'BEGIN {
    printf "| %s | %s | %s | %s | %.0f | %.2f | %s |\n", n, w, r, c, b / t / 1e6, s / t, l }'
}
SCAN_T=$(awk '{print $1}' "$RUN/carve-scan.times" | median)
RATE=$(awk -v b="$SIZE" -v t="$SCAN_T" 'BEGIN {printf "%.0f", b / t / 1e6}')
RATIO=$(awk -v s="$CAT_T" -v t="$SCAN_T" 'BEGIN {printf "%.2f", s / t}')
T1=$(awk -v r="$RATE" 'BEGIN {print (r >= 1000 ? "met" : "missed")}')
T2=$(awk -v r="$RATIO" 'BEGIN {print (r >= 0.5 ? "met" : "missed")}')
T3=$(awk -v r="$RATIO" 'BEGIN {print (r >= 0.2 ? "met" : "missed")}')
{
  echo "Image: $SIZE bytes of random data holding 2 LevelDB tables, a LevelDB log and a SQLite database (all 4"\
    "carved at their offsets in every run); page cache warm; $(nproc) cores; $REPEAT run(s) per row, interleaved;"\
    "SALVOR_JAVA_OPTS=$SALVOR_JAVA_OPTS; $(date -u +%Y-%m-%d)."
  echo
  echo "| run | what is timed | wall s | CPU s (user+sys) | MB/s (median) | speed vs cat | load avg before |"
  echo "|---|---|---|---|---|---|---|"
  row "cat" "\`cat IMAGE > /dev/null\`" cat
  row "salvor carve" "whole process, $THREADS_ALL threads (JVM start, scan, 4 files + manifest written)" carve
  row "salvor carve --threads 1" "whole process, 1 thread" carve1
  row "scan pass" "as salvor reports it ($THREADS_ALL threads): signatures + confirmation, no JVM start; CPU of the whole JVM meanwhile (JIT, GC)" carve-scan
  row "scan pass, 1 thread" "as salvor reports it (--threads 1)" carve1-scan
  echo
  CPU_RATE=$(awk '{print $2}' "$RUN/carve-scan.times" | median | awk -v b="$SIZE" '{printf "%.0f", b / $1 / 1e6}')
  echo "Targets: scan pass >= 1000 MB/s: $T1 ($RATE MB/s); scan pass at least 0.2 of cat's speed (issue 14): $T3,"\
    "at least half of it (issue 7): $T2 (ratio $RATIO). Heap: the runs use $SALVOR_JAVA_OPTS. Scan pass per CPU second (median, all threads):"\
    "$CPU_RATE MB; on an idle machine with $THREADS_ALL cores the wall-clock rate can approach $THREADS_ALL x that."
} > "$RUN/table.md"
cat "$RUN/table.md"
if [ "$WRITE" = 1 ]; then
  cp "$RUN/table.md" "$SCRIPT_DIR/results-carve.md"
  log "written to bench/compare/results-carve.md"
fi
