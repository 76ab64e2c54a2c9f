#!/usr/bin/env bash
# Issue #14 "Measure first": salvor against the engines it stands in for, on the issue's inputs, timed
# alternately (engine, salvor, engine, salvor, ...), reporting medians and the salvor/engine ratio.
#
# Usage: bench/compare/compare-perf.sh
# Pairs (each tool timed RUNS times, interleaved; page cache warm: one untimed warm-up read of every input):
#   leveldb-check   C++ LevelDB verified full scan (leveldb_iterate: paranoid_checks, verify_checksums,
#                   every key and value; on a fresh copy per run, because LevelDB writes when it opens)
#                   vs `salvor check DIR`
#   sqlite-check    `sqlite3 DB 'PRAGMA integrity_check'` (Debian's CLI) vs `salvor check DB`
#   sqlite-salvage  `sqlite3 DB .recover` when a .recover-capable CLI is found (SQLITE_RECOVER, or an executable
#                   sqlite3* in /tmp/salvor-bench-rebuild/), else `sqlite3 DB .dump` (live rows only: a lower
#                   bound, not a like-for-like comparison) vs `salvor salvage DB -o OUT`
#   identify        `salvor identify` of a small fixture (JVM start-up dominates); no engine
#   custody-floor   one SHA-256 pass over each input in a fresh JVM (Sha256Pass.java: salvor's custody hash alone,
#                   Sha256.ofFile from the launcher's salvor.jar,
#                   on all cores for the LevelDB files, one thread for the one SQLite file); no engine. With the
#                   after-rehash on (the default), a check takes two such passes plus the JVM start: the floor the
#                   report compares with the engine's time
# Wall, CPU (user+sys) and peak RSS come from /usr/bin/time. The load average is printed at start and end:
# the machine is shared, so read every figure with it.
# Environment:
#   PERF_SIZE        small (default: 1 M puts + 100 k deletes, ~100 MB; 500 k SQLite rows, ~94 MB; a few
#                    minutes) or full (issue #14's inputs: 10 M puts + 1 M deletes, ~900 MB-1 GB; 2 M rows,
#                    ~375 MB)
#   PERF_LEVELDB_PUTS, PERF_LEVELDB_DELETES, PERF_SQLITE_ROWS   override the size's counts
#   PERF_SCRATCH     scratch folder (default /tmp/salvor-perf); must be outside the repository. Generated
#                    inputs are kept there and reused while their parameters match.
#   PERF_RUNS        timed runs per tool (default 3; 0: no timing, only the JFR profiles of PERF_JFR=1)
#   PERF_ONLY        space-separated subset of: leveldb-check sqlite-check sqlite-salvage identify custody-floor
#   PERF_JFR         1: afterwards, record one JFR profile of each salvor command (check and salvage of both
#                    inputs) into PERF_SCRATCH/jfr/*.jfr (60 s max each; Java samples every 1 ms, stacks 512
#                    deep), summarised by jfr_hot.py into PERF_SCRATCH/jfr/*.hot.txt
#   SALVOR           salvor launcher (default: the repository's ./salvor)
#   SALVOR_JAVA_OPTS JVM options (default "-Xmx512m -XX:+ExitOnOutOfMemoryError": the issue's heap bound)
#   CXX              C++ compiler (default g++); needs libleveldb-dev and libsnappy-dev
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
die() { echo "compare-perf: $*" >&2; exit 2; }
log() { echo "compare-perf: $*" >&2; }

SIZE="${PERF_SIZE:-small}"
case "$SIZE" in
  small) PUTS=1000000; DELETES=100000; ROWS=500000 ;;
  full) PUTS=10000000; DELETES=1000000; ROWS=2000000 ;;
  *) die "PERF_SIZE must be small or full, not $SIZE" ;;
esac
PUTS="${PERF_LEVELDB_PUTS:-$PUTS}"
DELETES="${PERF_LEVELDB_DELETES:-$DELETES}"
ROWS="${PERF_SQLITE_ROWS:-$ROWS}"
RUNS="${PERF_RUNS:-3}"
ONLY="${PERF_ONLY:-leveldb-check sqlite-check sqlite-salvage identify}"
SCRATCH="${PERF_SCRATCH:-/tmp/salvor-perf}"
SALVOR="${SALVOR:-$REPO_ROOT/salvor}"
export SALVOR_JAVA_OPTS="${SALVOR_JAVA_OPTS:--Xmx512m -XX:+ExitOnOutOfMemoryError}"
CXX="${CXX:-g++}"
for n in "$PUTS" "$DELETES" "$ROWS" "$RUNS"; do [[ "$n" =~ ^[0-9]+$ ]] || die "counts must be numbers: $n"; done

# ---------------------------------------------------------------- prerequisites
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
[ -x /usr/bin/python3 ] || die "/usr/bin/python3 is missing"
command -v sqlite3 >/dev/null || die "sqlite3 CLI not found (apt-get install sqlite3)"
[ -f /usr/include/leveldb/db.h ] || die "LevelDB headers missing (apt-get install libleveldb-dev libsnappy-dev)"
[ -x "$SALVOR" ] || die "salvor launcher not executable: $SALVOR"
mkdir -p "$SCRATCH"
SCRATCH="$(cd "$SCRATCH" && pwd)"
case "$SCRATCH/" in "$REPO_ROOT"/*) die "PERF_SCRATCH must be outside the repository: $SCRATCH" ;; esac
RECOVER_CLI="${SQLITE_RECOVER:-}"
if [ -z "$RECOVER_CLI" ]; then
  for f in /tmp/salvor-bench-rebuild/sqlite3*; do
    [ -f "$f" ] && [ -x "$f" ] || continue
    probe="$SCRATCH/recover-probe.db"; rm -f "$probe"
    if "$f" "$probe" 'CREATE TABLE t(a); INSERT INTO t VALUES(1);' 2>/dev/null \
        && "$f" "$probe" .recover 2>/dev/null | grep -q INSERT; then RECOVER_CLI="$f"; break; fi
  done
  rm -f "$SCRATCH/recover-probe.db"
fi

# ---------------------------------------------------------------- build and generate (untimed)
BIN="$SCRATCH/bin"; mkdir -p "$BIN"
for tool in leveldb_gen leveldb_iterate; do
  if [ ! -x "$BIN/$tool" ] || [ "$SCRIPT_DIR/$tool.cc" -nt "$BIN/$tool" ]; then
    log "building $tool"
    "$CXX" -O2 -std=c++17 "$SCRIPT_DIR/$tool.cc" -o "$BIN/$tool" -lleveldb -lsnappy -lpthread
  fi
done
LDB="$SCRATCH/leveldb-$PUTS-$DELETES"
if [[ " $ONLY " == *" leveldb-check "* ]] && [ ! -f "$LDB.json" ]; then
  log "generating the LevelDB ($PUTS puts, $DELETES deletes) in $LDB"
  rm -rf "$LDB"
  "$BIN/leveldb_gen" --ops "$PUTS" "$DELETES" "$LDB" > "$LDB.json.tmp" && mv "$LDB.json.tmp" "$LDB.json"
fi
SDB="$SCRATCH/sqlite-$ROWS.db"
if [[ " $ONLY " == *" sqlite-"* ]] && [ ! -f "$SDB.json" ]; then
  log "generating the SQLite database ($ROWS rows) at $SDB"
  rm -f "$SDB"
  /usr/bin/python3 "$SCRIPT_DIR/sqlite_gen.py" "$SDB" "$ROWS" > "$SDB.json.tmp" && mv "$SDB.json.tmp" "$SDB.json"
fi
SMALL="$REPO_ROOT/fixtures/sqlite/basic/basic.db"
[ -f "$SMALL" ] || die "small fixture for identify missing: $SMALL"
RUN="$SCRATCH/run"; rm -rf "$RUN"; mkdir -p "$RUN"

# ---------------------------------------------------------------- one timed run
# timed NAME ACCEPTED_EXIT_CODES CMD...: runs CMD under /usr/bin/time, appends "wall cpu rss_kib" to RUN/NAME.t
timed() {
  local name="$1" ok="$2"; shift 2
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$RUN/time.tmp" "$@" > "$RUN/$name.stdout" 2> "$RUN/$name.stderr" || rc=$?
  if [[ " $ok " != *" $rc "* ]]; then
    tail -n 5 "$RUN/$name.stderr" >&2
    die "$name exited $rc (accepted: $ok)"
  fi
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$RUN/time.tmp" >> "$RUN/$name.t"
}

run_tool() {
  case "$1" in
    cpp-scan)
      rm -rf "$RUN/ldb-copy"; cp -r "$LDB" "$RUN/ldb-copy"
      timed cpp-scan "0" "$BIN/leveldb_iterate" "$RUN/ldb-copy" ;;
    salvor-check-leveldb) timed salvor-check-leveldb "0 1" "$SALVOR" check "$LDB" ;;
    integrity-check) timed integrity-check "0" sqlite3 "$SDB" 'PRAGMA integrity_check'
      [ "$(cat "$RUN/integrity-check.stdout")" = ok ] || die "integrity_check did not print ok" ;;
    salvor-check-sqlite) timed salvor-check-sqlite "0 1" "$SALVOR" check "$SDB" ;;
    recover) timed recover "0" "$RECOVER_CLI" "$SDB" .recover ;;
    dump) timed dump "0" sqlite3 "$SDB" .dump ;;
    salvor-salvage-sqlite) rm -f "$RUN/out.jsonl"
      timed salvor-salvage-sqlite "0 1" "$SALVOR" salvage "$SDB" -o "$RUN/out.jsonl"; rm -f "$RUN/out.jsonl" ;;
    salvor-identify) timed salvor-identify "0" "$SALVOR" identify "$SMALL" ;;
    sha256-leveldb) timed sha256-leveldb "0" java -cp "$SCRATCH/classes:$JAR" Sha256Pass "$(nproc)" "$LDB" ;;
    sha256-sqlite) timed sha256-sqlite "0" java -cp "$SCRATCH/classes:$JAR" Sha256Pass 1 "$SDB" ;;
  esac
}

PAIRS=()
for p in $ONLY; do
  case "$p" in
    leveldb-check) PAIRS+=("cpp-scan salvor-check-leveldb") ;;
    sqlite-check) PAIRS+=("integrity-check salvor-check-sqlite") ;;
    sqlite-salvage) if [ -n "$RECOVER_CLI" ]; then PAIRS+=("recover salvor-salvage-sqlite")
                    else log "no .recover-capable sqlite3 found: comparing salvage with .dump"
                         PAIRS+=("dump salvor-salvage-sqlite"); fi ;;
    identify) PAIRS+=("- salvor-identify") ;;
    custody-floor) JAR="$(dirname "$SALVOR")/salvage/target/salvor.jar"; "$SALVOR" --version > /dev/null
                   mkdir -p "$SCRATCH/classes"; javac -cp "$JAR" -d "$SCRATCH/classes" "$SCRIPT_DIR/Sha256Pass.java"
                   [ -d "$LDB" ] && PAIRS+=("- sha256-leveldb"); [ -f "$SDB" ] && PAIRS+=("- sha256-sqlite") ;;
    *) die "unknown PERF_ONLY entry: $p" ;;
  esac
done

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average at start: $LOAD_START; warming the page cache"
[ -d "$LDB" ] && cat "$LDB"/* > /dev/null
[ -f "$SDB" ] && cat "$SDB" > /dev/null
"$SALVOR" --version > /dev/null  # builds the jar now if the launcher needs to, not inside a timed run
for ((r = 1; r <= RUNS; r++)); do
  for pair in "${PAIRS[@]}"; do
    for t in $pair; do
      [ "$t" = - ] && continue
      log "run $r/$RUNS: $t"
      run_tool "$t"
    done
  done
done
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- report
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$2" '{ print $c }' "$RUN/$1.t"; }
med() { col "$1" "$2" | median; }
maxrss() { col "$1" 3 | sort -n | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
bytes_of() { du -sb "$1" | cut -f1; }

[ "$RUNS" -gt 0 ] && {
  echo "# compare-perf ($SIZE: LevelDB $PUTS puts + $DELETES deletes; SQLite $ROWS rows), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "- load average (1/5/15 min): start $LOAD_START, end $LOAD_END; $(nproc) cores; $RUNS runs per tool, interleaved, page cache warm"
  [ -d "$LDB" ] && echo "- LevelDB: $(bytes_of "$LDB") bytes; generator: $(cat "$LDB.json")"
  [ -f "$SDB" ] && echo "- SQLite: $(bytes_of "$SDB") bytes; generator: $(cat "$SDB.json")"
  echo "- salvor: $SALVOR, SALVOR_JAVA_OPTS=\"$SALVOR_JAVA_OPTS\"; .recover CLI: ${RECOVER_CLI:-none} $( [ -n "$RECOVER_CLI" ] && "$RECOVER_CLI" --version | cut -d' ' -f1)"
  echo
  echo "| pair | tool | wall s (median) | CPU s (median) | peak RSS MiB (max) | all walls | salvor/engine wall | salvor/engine CPU |"
  echo "|---|---|---|---|---|---|---|---|"
  for pair in "${PAIRS[@]}"; do
    set -- $pair; eng="$1"; sal="$2"
    if [ "$eng" != - ]; then
      echo "| $eng vs $sal | $eng | $(med "$eng" 1) | $(med "$eng" 2) | $(maxrss "$eng") | $(col "$eng" 1 | tr '\n' ' ') | | |"
      echo "| | $sal | $(med "$sal" 1) | $(med "$sal" 2) | $(maxrss "$sal") | $(col "$sal" 1 | tr '\n' ' ') | $(ratio "$(med "$sal" 1)" "$(med "$eng" 1)") | $(ratio "$(med "$sal" 2)" "$(med "$eng" 2)") |"
    else
      what="$(basename "$SMALL"), $(bytes_of "$SMALL") bytes"
      case "$sal" in sha256-leveldb) what="one SHA-256 pass, $(tail -n 1 "$RUN/$sal.stdout")" ;;
                     sha256-sqlite) what="one SHA-256 pass, $(tail -n 1 "$RUN/$sal.stdout")" ;; esac
      echo "| $sal ($what) | $sal | $(med "$sal" 1) | $(med "$sal" 2) | $(maxrss "$sal") | $(col "$sal" 1 | tr '\n' ' ') | | |"
    fi
  done
  [ -f "$RUN/cpp-scan.stdout" ] && echo && echo "C++ scan: $(cat "$RUN/cpp-scan.stdout")"
  [ -f "$RUN/salvor-check-leveldb.stderr" ] && echo "salvor check (LevelDB): $(grep 'salvor check:' "$RUN/salvor-check-leveldb.stderr" "$RUN/salvor-check-leveldb.stdout" -h | tail -n 1)"
  [ -f "$RUN/salvor-check-sqlite.stderr" ] && echo "salvor check (SQLite): $(grep 'salvor check:' "$RUN/salvor-check-sqlite.stderr" "$RUN/salvor-check-sqlite.stdout" -h | tail -n 1)"
  [ -f "$RUN/salvor-salvage-sqlite.stderr" ] && echo "salvor salvage (SQLite): $(grep 'salvor salvage:' "$RUN/salvor-salvage-sqlite.stderr" "$RUN/salvor-salvage-sqlite.stdout" -h | tail -n 1)"
  true
} | tee "$SCRATCH/results.md"
[ "$RUNS" -gt 0 ] || [ "${PERF_JFR:-0}" = 1 ] || log "PERF_RUNS=0 without PERF_JFR=1: nothing measured"
rm -rf "$RUN/ldb-copy" "$RUN/recover.stdout" "$RUN/dump.stdout"  # the big ones: a database copy, the SQL dumps

# ---------------------------------------------------------------- optional JFR profiles (untimed)
if [ "${PERF_JFR:-0}" = 1 ]; then
  JFR="$SCRATCH/jfr"; mkdir -p "$JFR"
  # JDK 17's profile settings with Java samples every 1 ms instead of 10 (a few-second run gives thousands of
  # samples, not a hundred); stacks 512 deep so that every sample reaches the salvor phase it runs under.
  JH="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  sed 's|<setting name="period" control="method-sampling-java-interval">10 ms</setting>|<setting name="period" control="method-sampling-java-interval">1 ms</setting>|' \
    "$JH/lib/jfr/profile.jfc" > "$JFR/profile-1ms.jfc"
  grep -q 'method-sampling-java-interval">1 ms' "$JFR/profile-1ms.jfc" || die "could not derive a 1 ms JFR profile from $JH/lib/jfr/profile.jfc"
  profile() {  # profile NAME salvor-args...
    local name="$1"; shift
    log "JFR: $name (load $(cut -d' ' -f1 /proc/loadavg))"
    rm -f "$JFR/$name.jfr" "$RUN/jfr-out.jsonl"
    SALVOR_JAVA_OPTS="$SALVOR_JAVA_OPTS -XX:FlightRecorderOptions=stackdepth=512 -XX:StartFlightRecording=duration=60s,settings=$JFR/profile-1ms.jfc,filename=$JFR/$name.jfr" \
      "$SALVOR" "$@" > "$JFR/$name.stdout" 2> "$JFR/$name.stderr" || true
    rm -f "$RUN/jfr-out.jsonl"
  }
  [ -d "$LDB" ] && profile check-leveldb check "$LDB" && profile salvage-leveldb salvage "$LDB" -o "$RUN/jfr-out.jsonl"
  [ -f "$SDB" ] && profile check-sqlite check "$SDB" && profile salvage-sqlite salvage "$SDB" -o "$RUN/jfr-out.jsonl"
  for f in "$JFR"/*.jfr; do /usr/bin/python3 "$SCRIPT_DIR/jfr_hot.py" "$f" 25 > "${f%.jfr}.hot.txt" || true; done
  log "JFR recordings in $JFR; where the samples go: $JFR/*.hot.txt (jfr_hot.py)"
fi
