#!/usr/bin/env bash
# Compare salvor with the real C++ LevelDB on a ~1 GB database. See README.md in this folder.
#
# Usage: bench/compare/compare-leveldb.sh [options]
#   --cpp-only        time only the C++ iteration (no salvor needed)
#   --write           also write the Markdown report to bench/compare/results-leveldb.md
#   --size BYTES      target table bytes of the generated database (default 1000000000)
#   --seed N          generator seed (default 42)
#   --layout L        compact (default: fully compacted plus a thin newer level) or natural (the
#                     leveled shape LevelDB's background compactions left); see leveldb_gen.cc
#   --cold            evict the copy from the page cache before each run (per-file
#                     posix_fadvise DONTNEED via dd iflag=nocache; no root, nothing else evicted)
#   --scratch DIR     scratch folder for the build, the database and the copies
#                     (default $SALVOR_BENCH_DIR or /tmp/salvor-bench)
#   --repeat N        timed runs per tool, interleaved; the report shows the median (default 3)
#   --warmup N        untimed runs per tool before the timed ones (default 1)
#   --regenerate      delete and regenerate the database even if a complete one exists
#   --keep            keep the last copy and salvor outputs under SCRATCH/run
# Environment:
#   SALVOR            salvor launcher (default: the repository root's ./salvor)
#   SALVOR_JAVA_OPTS  JVM options honoured by the launcher
#                     (default "-Xmx512m -XX:+ExitOnOutOfMemoryError": proves the heap bound)
#   CXX, CXXFLAGS     compiler (default g++) and flags (default -O2)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

CPP_ONLY=0
WRITE=0
SIZE=1000000000
SEED=42
SCRATCH="${SALVOR_BENCH_DIR:-/tmp/salvor-bench}"
REPEAT=3
WARMUP=1
REGENERATE=0
KEEP=0
LAYOUT=compact
COLD=0

die() { echo "compare-leveldb: $*" >&2; exit 2; }
log() { echo "compare-leveldb: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --cpp-only) CPP_ONLY=1 ;;
    --write) WRITE=1 ;;
    --size) SIZE="${2:?--size needs a value}"; shift ;;
    --seed) SEED="${2:?--seed needs a value}"; shift ;;
    --scratch) SCRATCH="${2:?--scratch needs a value}"; shift ;;
    --repeat) REPEAT="${2:?--repeat needs a value}"; shift ;;
    --warmup) WARMUP="${2:?--warmup needs a value}"; shift ;;
    --layout) LAYOUT="${2:?--layout needs a value}"; shift ;;
    --cold) COLD=1 ;;
    --regenerate) REGENERATE=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done
[[ "$SIZE" =~ ^[0-9]+$ ]] || die "--size must be a number of bytes"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "--seed must be a number"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "--repeat must be >= 1"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup must be >= 0"
[[ "$LAYOUT" =~ ^(compact|natural)$ ]] || die "--layout must be compact or natural"

SALVOR="${SALVOR:-$REPO_ROOT/salvor}"
export SALVOR_JAVA_OPTS="${SALVOR_JAVA_OPTS:--Xmx512m -XX:+ExitOnOutOfMemoryError}"
CXX="${CXX:-g++}"
CXXFLAGS="${CXXFLAGS:--O2}"

# ---------------------------------------------------------------- prerequisites
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian/Ubuntu: apt-get install time)"
/usr/bin/time -v true 2>&1 | grep -q 'Maximum resident set size' \
  || die "/usr/bin/time does not support -v (need GNU time: apt-get install time)"
command -v "$CXX" >/dev/null || die "$CXX not found"
[ -f /usr/include/leveldb/db.h ] || die "LevelDB headers missing (apt-get install libleveldb-dev libsnappy-dev)"
if [ "$CPP_ONLY" = 0 ]; then
  [ -x "$SALVOR" ] || die "salvor launcher not found or not executable: $SALVOR (set SALVOR=..., or use --cpp-only)"
fi

mkdir -p "$SCRATCH"
SCRATCH="$(cd "$SCRATCH" && pwd)"
BUILD="$SCRATCH/build"
DBROOT="$SCRATCH/leveldb-$SIZE-seed$SEED-$LAYOUT"
DB="$DBROOT/db"
RUN="$SCRATCH/run"
mkdir -p "$BUILD"

# ---------------------------------------------------------------- build (only when sources changed)
build() {
  local name="$1"
  local src="$SCRIPT_DIR/$name.cc" bin="$BUILD/$name"
  if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
    log "building $name"
    # shellcheck disable=SC2086
    "$CXX" $CXXFLAGS -std=c++17 -Wall -o "$bin" "$src" -lleveldb -lsnappy -lpthread
  fi
}
build leveldb_gen
build leveldb_iterate

# ---------------------------------------------------------------- helpers
# Sum of the sizes of the table files (.ldb, .sst) directly in a database folder.
table_bytes() { find "$1" -maxdepth 1 -type f \( -name '*.ldb' -o -name '*.sst' \) -printf '%s\n' | awk '{s+=$1} END {printf "%d\n", s}'; }
table_files() { find "$1" -maxdepth 1 -type f \( -name '*.ldb' -o -name '*.sst' \) | wc -l; }
all_bytes() { find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%d\n", s}'; }
# json_num FILE KEY: a numeric field of a one-line JSON object.
json_num() { sed -n "s/.*\"$2\":\\([0-9.eE+-]*\\).*/\\1/p" "$1" | head -n1; }
avail_bytes() { df -P -B1 "$1" | awk 'NR==2 {print $4}'; }

# ---------------------------------------------------------------- database (generated once, reused)
if [ "$REGENERATE" = 1 ] || [ ! -s "$DBROOT/gen.json" ]; then
  rm -rf "$DBROOT"
  mkdir -p "$DBROOT"
  need=$(( SIZE * 2 + (1 << 30) ))  # the database, a copy of it, some slack
  [ "$(avail_bytes "$DBROOT")" -ge "$need" ] || die "not enough space in $SCRATCH: need about $need bytes"
  log "generating a ~$SIZE-byte $LAYOUT database in $DB (seed $SEED)"
  "$BUILD/leveldb_gen" "$DB" "$SIZE" "$SEED" "$LAYOUT" > "$DBROOT/gen.json.tmp"
  mv "$DBROOT/gen.json.tmp" "$DBROOT/gen.json"  # the marker of a complete database
else
  log "reusing $DB"
fi
cat "$DBROOT/gen.json" >&2

TABLE_BYTES=$(table_bytes "$DB")
TABLE_FILES=$(table_files "$DB")
DB_BYTES=$(all_bytes "$DB")
LIVE_KEYS=$(json_num "$DBROOT/gen.json" live_keys)

# ---------------------------------------------------------------- one measurement
# A fresh copy per run (LevelDB writes when it opens), written back to disk (sync, so that no writeback
# of the copy competes with the timed run) and read once (cat), so every tool starts with the copy in
# the page cache: warm-cache, CPU-bound comparison, the same conditions for every tool. With --cold
# the copy's pages are dropped from the page cache instead, so every tool reads it from the disk.
fresh_copy() {
  rm -rf "$RUN"
  mkdir -p "$RUN"
  [ "$(avail_bytes "$RUN")" -ge $(( DB_BYTES + (256 << 20) )) ] || die "not enough space in $SCRATCH for a copy"
  cp -a "$DB" "$RUN/db"
  sync
  if [ "$COLD" = 1 ]; then
    find "$RUN/db" -type f -exec sh -c 'for f; do dd if="$f" iflag=nocache count=0 status=none; done' sh {} +
  else
    find "$RUN/db" -type f -exec cat {} + > /dev/null
  fi
}

# measure TOOL: runs TOOL once on a fresh copy under /usr/bin/time -v. Prints
# "seconds cpu_seconds max_rss_kb exit_code" on stdout; TOOL's outputs stay in $RUN.
measure() {
  local tool="$1" rc=0
  local -a cmd
  fresh_copy
  case "$tool" in
    cpp) cmd=("$BUILD/leveldb_iterate" "$RUN/db") ;;
    check) cmd=("$SALVOR" check "$RUN/db" --json) ;;
    salvage) cmd=("$SALVOR" salvage "$RUN/db" -o "$RUN/out.jsonl") ;;
    *) die "unknown tool $tool" ;;
  esac
  /usr/bin/time -v -o "$RUN/time.txt" "${cmd[@]}" > "$RUN/stdout" 2> "$RUN/stderr" || rc=$?
  local elapsed cpu rss
  elapsed=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$RUN/time.txt" \
    | awk -F: '{s=0; for (i=1;i<=NF;i++) s=s*60+$i; printf "%.2f\n", s}')
  cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ {s+=$2} END {printf "%.2f\n", s}' "$RUN/time.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$RUN/time.txt")
  [ -n "$elapsed" ] && [ -n "$rss" ] || { cat "$RUN/time.txt" >&2; die "could not parse /usr/bin/time output for $tool"; }
  echo "$elapsed $cpu $rss $rc"
}

# accepted TOOL RC: the C++ iteration must exit 0; salvor exits 0 (clean) or 1 (damage found).
accepted() {
  case "$1" in
    cpp) [ "$2" = 0 ] ;;
    *) [ "$2" = 0 ] || [ "$2" = 1 ] ;;
  esac
}

TOOLS=(cpp)
[ "$CPP_ONLY" = 1 ] || TOOLS+=(check salvage)
declare -A SECS CPUS RSS_MAX RC_BAD NOTE
for t in "${TOOLS[@]}"; do SECS[$t]=""; CPUS[$t]=""; RSS_MAX[$t]=0; RC_BAD[$t]=""; NOTE[$t]=""; done
CPP_JSON=""

for ((w = 1; w <= WARMUP; w++)); do
  for t in "${TOOLS[@]}"; do
    log "warm-up $w/$WARMUP: $t"
    measure "$t" > /dev/null
  done
done

for ((r = 1; r <= REPEAT; r++)); do
  for t in "${TOOLS[@]}"; do
    res=$(measure "$t")
    read -r secs cpu rss rc <<< "$res"
    log "run $r/$REPEAT: $t: ${secs}s wall, ${cpu}s cpu, max RSS ${rss} kB, exit $rc"
    if grep -q 'java\.lang\.OutOfMemoryError' "$RUN/stderr" 2>/dev/null; then
      RC_BAD[$t]="OutOfMemoryError, exit $rc"
    elif ! accepted "$t" "$rc"; then
      RC_BAD[$t]="exit $rc"
    fi
    if [ -n "${RC_BAD[$t]}" ]; then
      log "$t failed (${RC_BAD[$t]}); last lines of its stderr and stdout:"
      tail -n 20 "$RUN/stderr" >&2 || true
      tail -c 2000 "$RUN/stdout" >&2 || true
    fi
    SECS[$t]+="$secs "
    CPUS[$t]+="$cpu "
    if [ "$rss" -gt "${RSS_MAX[$t]}" ]; then RSS_MAX[$t]=$rss; fi
    case "$t" in
      cpp)
        CPP_JSON="$(cat "$RUN/stdout")"
        keys=$(json_num "$RUN/stdout" keys)
        if [ -n "$LIVE_KEYS" ] && [ "$keys" != "$LIVE_KEYS" ]; then
          RC_BAD[$t]="keys $keys vs expected $LIVE_KEYS"
        fi
        NOTE[$t]="$keys keys, in-process iteration $(json_num "$RUN/stdout" seconds) s"
        ;;
      check)
        NOTE[$t]="report $(stat -c %s "$RUN/stdout") bytes"
        ;;
      salvage)
        if [ -f "$RUN/out.jsonl" ]; then
          NOTE[$t]="$(wc -l < "$RUN/out.jsonl") lines, $(stat -c %s "$RUN/out.jsonl") bytes of JSONL"
        else
          NOTE[$t]="no output file"
        fi
        ;;
    esac
  done
done
[ "$KEEP" = 1 ] || rm -rf "$RUN"

# ---------------------------------------------------------------- report
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

CPP_MED=$(echo "${SECS[cpp]}" | median)
label() {
  case "$1" in
    cpp) echo "C++ LevelDB iteration (paranoid_checks, verify_checksums)" ;;
    check) echo "\`salvor check --json\`" ;;
    salvage) echo "\`salvor salvage -o out.jsonl\`" ;;
  esac
}
target() {
  case "$1" in
    cpp) echo "baseline" ;;
    check) echo "≥ 4x" ;;
    salvage) echo "≥ 1x" ;;
  esac
}
target_min() { case "$1" in cpp) echo 0 ;; check) echo 4 ;; salvage) echo 1 ;; esac; }

STATUS=0
for t in "${TOOLS[@]}"; do [ -z "${RC_BAD[$t]}" ] || STATUS=1; done
report() {
  echo "# salvor vs C++ LevelDB"
  echo
  echo "Generated by \`bench/compare/compare-leveldb.sh\` on $(date -u +%Y-%m-%dT%H:%MZ)."
  echo
  echo "- machine: $(nproc) CPU ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
  echo "- LevelDB: Debian libleveldb $(dpkg-query -W -f='${Version}' libleveldb1d 2>/dev/null || echo '?'), snappy $(dpkg-query -W -f='${Version}' libsnappy1v5 2>/dev/null || echo '?'), built with \`$CXX $CXXFLAGS\`"
  if [ "$CPP_ONLY" = 0 ]; then
    echo "- salvor: \`$SALVOR\`, SALVOR_JAVA_OPTS=\`$SALVOR_JAVA_OPTS\`, $(java -version 2>&1 | head -n1)"
  fi
  echo "- database: $TABLE_FILES table files, $TABLE_BYTES table bytes ($DB_BYTES bytes in all files), $LIVE_KEYS live keys, files per level $(sed -n 's/.*"files_per_level":\(\[[0-9,]*\]\).*/\1/p' "$DBROOT/gen.json"); generator \`leveldb_gen DIR $SIZE $SEED $LAYOUT\`"
  local cache="copy read once (warm page cache)"
  [ "$COLD" = 0 ] || cache="copy evicted from the page cache (cold: read from disk)"
  echo "- method: fresh \`cp -a\` copy per run, \`sync\`, $cache; $WARMUP untimed warm-up run(s) per tool, then $REPEAT timed run(s) per tool, interleaved; wall-clock and max RSS from \`/usr/bin/time -v\` for the whole process (JVM start-up included); the table shows the median wall-clock time"
  echo
  echo "| tool | seconds (median) | MB/s of table bytes | speed vs C++ iteration | target | CPU s (median) | max RSS | runs (s) | notes |"
  echo "|---|---:|---:|---:|---|---:|---:|---|---|"
  local t med cpu mbs ratio ok runs
  for t in "${TOOLS[@]}"; do
    med=$(echo "${SECS[$t]}" | median)
    cpu=$(echo "${CPUS[$t]}" | median)
    mbs=$(awk -v b="$TABLE_BYTES" -v s="$med" 'BEGIN {if (s > 0) printf "%.0f", b/1e6/s; else print "-"}')
    ratio=$(awk -v c="$CPP_MED" -v s="$med" 'BEGIN {if (s > 0) printf "%.2f", c/s; else print "-"}')
    runs=$(echo "${SECS[$t]}" | sed 's/ *$//; s/ /, /g')
    if [ -n "${RC_BAD[$t]}" ]; then
      ok="FAILED (${RC_BAD[$t]})"
    elif [ "$t" = cpp ]; then
      ok="baseline"
    elif [ "$ratio" = "-" ]; then
      ok="n/a (under the 10 ms resolution of /usr/bin/time)"
    elif awk -v r="$ratio" -v m="$(target_min "$t")" 'BEGIN {exit !(r >= m)}'; then
      ok="$(target "$t") met"
    else
      ok="$(target "$t") NOT met"
    fi
    echo "| $(label "$t") | $med | $mbs | ${ratio}x | $ok | $cpu | $(awk -v k="${RSS_MAX[$t]}" 'BEGIN {printf "%.0f MiB", k/1024}') | $runs | ${NOTE[$t]} |"
  done
  echo
  echo "Speed vs C++ iteration = C++ median seconds / tool median seconds (above 1 is faster)."
  echo "Max RSS counts resident pages of memory-mapped input files too, so it is not a heap figure;"
  echo "the heap bound is what \`-Xmx512m\` enforces (an OutOfMemoryError fails the run)."
  echo
  echo "C++ iteration output (last run): \`$CPP_JSON\`"
}

REPORT="$(report)"
echo "$REPORT"
if [ "$WRITE" = 1 ]; then
  echo "$REPORT" > "$SCRIPT_DIR/results-leveldb.md"
  log "wrote $SCRIPT_DIR/results-leveldb.md"
fi
exit "$STATUS"
