#!/usr/bin/env bash
# Compare salvor with the real SQLite on a ~1 GB database. See README.md in this folder.
#
# Usage: bench/compare/compare-sqlite.sh [options]
#   --write           also write the Markdown report to bench/compare/results-sqlite.md
#   --scale N         users rows (default 1000000: a ~1 GB database); events 3N, tags 2N, attachments 0.06N
#   --scratch DIR     scratch folder for the sqlite3 build, the database, the copies and the outputs
#                     (default $SALVOR_BENCH_DIR or /tmp/salvor-bench)
#   --repeat N        timed runs per tool, interleaved; the report shows the median (default 1)
#   --warmup N        untimed runs per tool before the timed ones (default 0)
#   --regenerate      delete and regenerate the database even if a complete one exists
#   --profile         after the timed runs, run salvor salvage once more under Java Flight Recorder and
#                     print where its time goes (top frames; the recording stays in SCRATCH/run)
#   --keep            keep the last copy and the outputs under SCRATCH/run
# Environment:
#   SALVOR              salvor launcher (default: the repository root's ./salvor)
#   SALVOR_JAVA_OPTS    JVM options honoured by the launcher
#                       (default "-Xmx512m -XX:+ExitOnOutOfMemoryError": proves the heap bound)
#   SALVOR_PROFILE_JAVA_OPTS  JVM options of the --profile run (default -Xmx1g: the recording needs heap too)
#   SQLITE_NPM_VERSION  version of the npm package `sqlite3` whose amalgamation is built (default 6.0.1)
#   CC                  C compiler (default gcc)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

WRITE=0
SCALE=1000000
SCRATCH="${SALVOR_BENCH_DIR:-/tmp/salvor-bench}"
REPEAT=1
WARMUP=0
REGENERATE=0
PROFILE=0
KEEP=0

die() { echo "compare-sqlite: $*" >&2; exit 2; }
log() { echo "compare-sqlite: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --write) WRITE=1 ;;
    --scale) SCALE="${2:?--scale needs a value}"; shift ;;
    --scratch) SCRATCH="${2:?--scratch needs a value}"; shift ;;
    --repeat) REPEAT="${2:?--repeat needs a value}"; shift ;;
    --warmup) WARMUP="${2:?--warmup needs a value}"; shift ;;
    --regenerate) REGENERATE=1 ;;
    --profile) PROFILE=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done
[[ "$SCALE" =~ ^[1-9][0-9]*$ ]] && [ "$SCALE" -ge 1000 ] || die "--scale must be a number >= 1000"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "--repeat must be >= 1"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup must be >= 0"

SALVOR="${SALVOR:-$REPO_ROOT/salvor}"
export SALVOR_JAVA_OPTS="${SALVOR_JAVA_OPTS:--Xmx512m -XX:+ExitOnOutOfMemoryError}"
PROFILE_JAVA_OPTS="${SALVOR_PROFILE_JAVA_OPTS:--Xmx1g}"
NPM_VERSION="${SQLITE_NPM_VERSION:-6.0.1}"
CC="${CC:-gcc}"

# ---------------------------------------------------------------- prerequisites
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian/Ubuntu: apt-get install time)"
/usr/bin/time -v true 2>&1 | grep -q 'Maximum resident set size' \
  || die "/usr/bin/time does not support -v (need GNU time: apt-get install time)"
command -v "$CC" >/dev/null || die "$CC not found"
command -v npm >/dev/null || die "npm not found (it fetches the SQLite amalgamation: apt-get install npm)"
command -v python3 >/dev/null || die "python3 not found (it counts and verifies the recovered rows)"
python3 -c 'import sqlite3' 2>/dev/null || die "python3 lacks its sqlite3 module"
[ -x "$SALVOR" ] || die "salvor launcher not found or not executable: $SALVOR (set SALVOR=...)"
if [ "$PROFILE" = 1 ]; then command -v jfr >/dev/null || die "--profile needs the JDK's jfr tool"; fi

mkdir -p "$SCRATCH"
SCRATCH="$(cd "$SCRATCH" && pwd)"
BUILD="$SCRATCH/build"
SQLITE="$BUILD/sqlite3-npm-$NPM_VERSION"
DBROOT="$SCRATCH/sqlite-scale$SCALE"
DB="$DBROOT/bench.db"
TRUTH="$DBROOT/truth.db"
RUN="$SCRATCH/run-sqlite"
mkdir -p "$BUILD"

avail_bytes() { df -P -B1 "$1" | awk 'NR==2 {print $4}'; }
json_num() { sed -n "s/.*\"$2\": *\\([0-9.eE+-]*\\).*/\\1/p" "$1" | head -n1; }

# ---------------------------------------------------------------- sqlite3 CLI with .recover (built once)
# The npm package `sqlite3` ships the SQLite amalgamation (deps/sqlite-autoconf-*.tar.gz: sqlite3.c, shell.c).
# Debian's sqlite3 lacks the dbpage virtual table that .recover needs, so the CLI is built from it.
if [ ! -x "$SQLITE" ]; then
  tmp="$(mktemp -d "$BUILD/npm.XXXXXX")"
  log "fetching the npm package sqlite3@$NPM_VERSION into $tmp"
  (cd "$tmp" && npm pack --silent "sqlite3@$NPM_VERSION" > /dev/null) || die "npm pack sqlite3@$NPM_VERSION failed"
  tar -xzf "$tmp"/sqlite3-*.tgz -C "$tmp"
  auto="$(find "$tmp/package" -name 'sqlite-autoconf-*.tar.gz' | head -n1)"
  [ -n "$auto" ] || die "no sqlite-autoconf-*.tar.gz in sqlite3@$NPM_VERSION"
  tar -xzf "$auto" -C "$tmp"
  src="$(dirname "$(find "$tmp" -name shell.c | head -n1)")"
  [ -f "$src/sqlite3.c" ] && [ -f "$src/shell.c" ] || die "sqlite3.c/shell.c not found in $auto"
  log "building $(basename "$auto" .tar.gz) with -DSQLITE_ENABLE_DBPAGE_VTAB (about 2 minutes)"
  (cd "$src" && "$CC" -O2 -DSQLITE_ENABLE_DBPAGE_VTAB -o "$SQLITE.tmp" shell.c sqlite3.c -lm -lpthread -ldl)
  mv "$SQLITE.tmp" "$SQLITE"
  rm -rf "$tmp"
fi
SQLITE_VERSION="$("$SQLITE" --version | awk '{print $1}')"
probe="$BUILD/recover-probe.db"
rm -f "$probe"
"$SQLITE" "$probe" 'CREATE TABLE t(x); INSERT INTO t VALUES(1);' \
  && "$SQLITE" "$probe" .recover | grep -q 'INSERT' || die "$SQLITE cannot .recover"
rm -f "$probe"

# ---------------------------------------------------------------- database (generated once, reused)
USERS=$SCALE
EVENTS=$(( SCALE * 3 ))
ATTACHMENTS=$(( SCALE * 3 / 50 ))
TAGS=$(( SCALE * 2 ))
EVBEGIN=$(( SCALE + 1 ))
EVEND=$(( SCALE * 13 / 10 ))
if [ "$REGENERATE" = 1 ] || [ ! -s "$DBROOT/gen.json" ]; then
  rm -rf "$DBROOT"
  mkdir -p "$DBROOT"
  need=$(( SCALE * 1100 * 6 + (1 << 30) ))  # database, copy, .recover SQL and its database, salvor output
  [ "$(avail_bytes "$DBROOT")" -ge "$need" ] || die "not enough space in $SCRATCH: need about $need bytes"
  log "generating $DB (users $USERS, events $EVENTS, attachments $ATTACHMENTS, tags $TAGS)"
  sed -e "s/@USERS@/$USERS/g; s/@EVENTS@/$EVENTS/g; s/@ATTACHMENTS@/$ATTACHMENTS/g; s/@TAGS@/$TAGS/g" \
      -e "s/@EVBEGIN@/$EVBEGIN/g; s/@EVEND@/$EVEND/g; s#@TRUTH@#$TRUTH#g" \
      "$SCRIPT_DIR/sqlite_gen.sql.in" > "$DBROOT/gen.sql"
  start=$(date +%s)
  "$SQLITE" -bail "$DB" < "$DBROOT/gen.sql" > /dev/null
  secs=$(( $(date +%s) - start ))
  [ ! -e "$DB-journal" ] && [ ! -e "$DB-wal" ] || die "generation left a journal or WAL behind"
  sha=$(sha256sum "$DB" | awk '{print $1}')
  printf '{"bytes": %s, "sha256": "%s", "seconds": %s, "users": %s, "events": %s, "attachments": %s, "tags": %s}\n' \
    "$(stat -c %s "$DB")" "$sha" "$secs" "$USERS" "$EVENTS" "$ATTACHMENTS" "$TAGS" > "$DBROOT/gen.json.tmp"
  chmod a-w "$DB"
  mv "$DBROOT/gen.json.tmp" "$DBROOT/gen.json"  # the marker of a complete database
else
  log "reusing $DB"
fi
cat "$DBROOT/gen.json" >&2
DB_BYTES=$(stat -c %s "$DB")
DB_SHA=$(sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p' "$DBROOT/gen.json")

# ---------------------------------------------------------------- one measurement
# Every run of every tool gets a fresh copy (SQLite may write when it opens a database: the original is never
# handed to any tool), written back (sync, so no writeback competes with the run) and read once (cat), so every
# tool starts with the database in the page cache: a warm-cache, CPU-bound comparison, equal for all.
fresh_copy() {
  rm -f "$RUN/copy.db" "$RUN/copy.db-journal" "$RUN/copy.db-wal" "$RUN/copy.db-shm" "$RUN"/.*.tmp
  [ "$(avail_bytes "$RUN")" -ge $(( DB_BYTES + (256 << 20) )) ] || die "not enough space in $SCRATCH for a copy"
  cp "$DB" "$RUN/copy.db"
  chmod u+w "$RUN/copy.db"
  sync
  cat "$RUN/copy.db" > /dev/null
}

# measure TOOL: runs TOOL once on a fresh copy under /usr/bin/time -v. Prints
# "seconds cpu_seconds max_rss_kb exit_code"; TOOL's outputs stay in $RUN.
measure() {
  local tool="$1" rc=0
  local -a cmd
  local out="$RUN/$tool.stdout"
  fresh_copy
  case "$tool" in
    integrity) cmd=("$SQLITE" "$RUN/copy.db" 'PRAGMA integrity_check') ;;
    recover) cmd=("$SQLITE" "$RUN/copy.db" .recover) ;;
    check) cmd=("$SALVOR" check "$RUN/copy.db" --json) ;;
    salvage) cmd=("$SALVOR" salvage "$RUN/copy.db" -o "$RUN/out.jsonl"); out="$RUN/salvage.stdout" ;;
    *) die "unknown tool $tool" ;;
  esac
  [ "$tool" = recover ] && out="$RUN/recover.sql"
  rm -f "$RUN/$tool.gc.log"
  # salvor's GC log gives the heap occupancy at each collection (the peak is reported; not a timing cost)
  SALVOR_JAVA_OPTS="$SALVOR_JAVA_OPTS -Xlog:gc:file=$RUN/$tool.gc.log" \
    /usr/bin/time -v -o "$RUN/time.txt" "${cmd[@]}" > "$out" 2> "$RUN/$tool.stderr" || rc=$?
  local elapsed cpu rss
  elapsed=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$RUN/time.txt" \
    | awk -F: '{s=0; for (i=1;i<=NF;i++) s=s*60+$i; printf "%.2f\n", s}')
  cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ {s+=$2} END {printf "%.2f\n", s}' "$RUN/time.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$RUN/time.txt")
  [ -n "$elapsed" ] && [ -n "$rss" ] || { cat "$RUN/time.txt" >&2; die "could not parse /usr/bin/time output for $tool"; }
  echo "$elapsed $cpu $rss $rc"
}

# accepted TOOL RC: sqlite3 must exit 0 (integrity_check must also print "ok"); salvor exits 0 (clean) or 1.
accepted() {
  case "$1" in
    integrity) [ "$2" = 0 ] && [ "$(cat "$RUN/integrity.stdout")" = ok ] ;;
    recover) [ "$2" = 0 ] ;;
    *) [ "$2" = 0 ] || [ "$2" = 1 ] ;;
  esac
}

rm -rf "$RUN"
mkdir -p "$RUN"
TOOLS=(integrity check recover salvage)
declare -A SECS CPUS RSS_MAX RC_BAD HEAP_MAX FAILS RUNS
for t in "${TOOLS[@]}"; do SECS[$t]=""; CPUS[$t]=""; RSS_MAX[$t]=0; RC_BAD[$t]=""; HEAP_MAX[$t]=0; FAILS[$t]=0; RUNS[$t]=""; done
# gc_peak FILE: the largest heap occupancy (MiB) right after a collection in a -Xlog:gc log ("210M->180M(512M)"):
# what the program still held then (an upper bound of its live data at that moment)
gc_peak() { [ -f "$1" ] && sed -n 's/.*M->\([0-9]*\)M([0-9]*M).*/\1/p' "$1" | sort -n | tail -n1 || true; }
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

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
    log "run $r/$REPEAT: $t: ${secs}s wall, ${cpu}s cpu, max RSS ${rss} kB, exit $rc (load $(cut -d' ' -f1 /proc/loadavg))"
    bad=""
    if grep -q 'java\.lang\.OutOfMemoryError' "$RUN/$t.stderr" "$RUN/$t.stdout" 2>/dev/null; then
      bad="OutOfMemoryError, exit $rc"
    elif ! accepted "$t" "$rc"; then
      bad="exit $rc"
    fi
    if [ -n "$bad" ]; then
      log "$t failed ($bad); last lines of its stderr:"
      tail -n 20 "$RUN/$t.stderr" >&2 || true
      RC_BAD[$t]="$bad"
      FAILS[$t]=$(( ${FAILS[$t]} + 1 ))
      RUNS[$t]+="$secs (failed: $bad), "
    else
      # medians over the successful runs only
      SECS[$t]+="$secs "
      CPUS[$t]+="$cpu "
      RUNS[$t]+="$secs, "
    fi
    if [ "$rss" -gt "${RSS_MAX[$t]}" ]; then RSS_MAX[$t]=$rss; fi
    heap=$(gc_peak "$RUN/$t.gc.log")
    if [ -n "$heap" ] && [ "$heap" -gt "${HEAP_MAX[$t]}" ]; then HEAP_MAX[$t]=$heap; fi
    # keep the outputs of the last successful run for the row counts
    if [ -z "$bad" ] && [ "$t" = salvage ] && [ -f "$RUN/out.jsonl" ]; then mv "$RUN/out.jsonl" "$RUN/out.ok.jsonl"; fi
    if [ -z "$bad" ] && [ "$t" = recover ]; then mv "$RUN/recover.sql" "$RUN/recover.ok.sql"; fi
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$RUN/copy.db"

# ---------------------------------------------------------------- rows recovered (untimed)
# .recover's SQL is loaded into a new database with the same CLI; then the verifier reads only the outputs
# and the ground truth.
log "loading .recover's output into a database and verifying both tools' rows against the ground truth"
[ -f "$RUN/recover.ok.sql" ] || die ".recover never succeeded: nothing to compare the rows with"
[ -f "$RUN/out.ok.jsonl" ] || touch "$RUN/out.ok.jsonl"  # salvage failed in every run: its rows count 0
RECOVER_INSERTS=$(grep -c '^INSERT' "$RUN/recover.ok.sql" || true)
RECOVER_LF_INSERTS=$(grep -c '^INSERT INTO lost_and_found' "$RUN/recover.ok.sql" || true)
rm -f "$RUN/recovered.db"
"$SQLITE" "$RUN/recovered.db" < "$RUN/recover.ok.sql" > /dev/null 2> "$RUN/recovered.stderr" \
  || { tail -n 5 "$RUN/recovered.stderr" >&2; die "loading .recover's output failed"; }
python3 "$SCRIPT_DIR/sqlite_verify.py" verify "$TRUTH" "$RUN/out.ok.jsonl" "$RUN/recovered.db" > "$RUN/verify.json" \
  || die "verifying the rows failed"
SALVOR_LINES=$(wc -l < "$RUN/out.ok.jsonl")
SALVOR_OUT_BYTES=$(stat -c %s "$RUN/out.ok.jsonl")
CHECK_REPORT_BYTES=$(stat -c %s "$RUN/check.stdout")
[ "$(sha256sum "$DB" | awk '{print $1}')" = "$DB_SHA" ] || die "the original database changed: $DB"

if [ "$PROFILE" = 1 ]; then
  # A flight recording takes heap too: the profiled run gets SALVOR_PROFILE_JAVA_OPTS (default -Xmx1g), so that
  # a heap at the edge of -Xmx512m still yields a profile; a failure here is reported, not fatal.
  log "profiling salvor salvage with Java Flight Recorder"
  fresh_copy
  prc=0
  SALVOR_JAVA_OPTS="$PROFILE_JAVA_OPTS -XX:StartFlightRecording=filename=$RUN/salvage.jfr,settings=profile" \
    "$SALVOR" salvage "$RUN/copy.db" -o "$RUN/profile.jsonl" > "$RUN/profile.stdout" 2> "$RUN/profile.stderr" || prc=$?
  if [ -s "$RUN/salvage.jfr" ]; then
    jfr print --stack-depth 64 --events jdk.ExecutionSample "$RUN/salvage.jfr" \
      | python3 "$SCRIPT_DIR/sqlite_verify.py" jfr-top > "$RUN/profile.txt" || true
  fi
  if [ "$prc" != 0 ] && [ "$prc" != 1 ]; then
    { echo "(profiled run failed: exit $prc)"; grep -h -m1 'OutOfMemoryError' "$RUN/profile.stdout" "$RUN/profile.stderr" || true; } \
      >> "$RUN/profile.txt"
  fi
  rm -f "$RUN/copy.db" "$RUN/profile.jsonl" "$RUN"/.profile.jsonl.*.tmp
fi

# ---------------------------------------------------------------- report
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
V="$RUN/verify.json"
# jq-free access to the verifier's JSON
vget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); 
for k in sys.argv[2].split("."): d = d.get(k, 0) if isinstance(d, dict) else 0
print(d if not isinstance(d, dict) else sum(d.values()))' "$V" "$1"; }

STATUS=0
for t in "${TOOLS[@]}"; do [ -z "${RC_BAD[$t]}" ] || STATUS=1; done
report() {
  local int_med chk_med rec_med sal_med
  int_med=$(echo "${SECS[integrity]}" | median)
  chk_med=$(echo "${SECS[check]}" | median)
  rec_med=$(echo "${SECS[recover]}" | median)
  sal_med=$(echo "${SECS[salvage]}" | median)
  local t_live t_del s_live s_del s_ph r_live r_del r_lf
  t_live=$(vget truth.live); t_del=$(vget truth.deleted)
  s_live=$(vget salvor.live); s_del=$(vget salvor.deleted_found); s_ph=$(vget salvor.phantoms)
  r_live=$(vget recover.live); r_del=$(vget recover.deleted_found); r_lf=$(vget recover.lost_and_found_rows)
  echo "# salvor vs sqlite3 (.recover, PRAGMA integrity_check)"
  echo
  echo "Generated by \`bench/compare/compare-sqlite.sh\` on $(date -u +%Y-%m-%dT%H:%MZ)."
  echo
  echo "- machine: $(nproc) CPU ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr); load average $LOAD_BEFORE before, $LOAD_AFTER after"
  echo "- sqlite3: $SQLITE_VERSION CLI built from the amalgamation in npm \`sqlite3@$NPM_VERSION\` with \`$CC -O2 -DSQLITE_ENABLE_DBPAGE_VTAB\`"
  echo "- salvor: \`$SALVOR\`, SALVOR_JAVA_OPTS=\`$SALVOR_JAVA_OPTS\`, $(java -version 2>&1 | head -n1)"
  echo "- database: $DB_BYTES bytes, $(vget truth.page_count) pages of 4096 bytes ($(vget truth.freelist_count) on the freelist), tables users/events/attachments (rowid, INTEGER PRIMARY KEY) and tags (WITHOUT ROWID), 3 indexes; $t_live live rows, $t_del deleted rows (secure_delete off); \`sqlite_gen.sql.in\` at scale $SCALE"
  echo "- method: fresh copy per run (never the original), \`sync\`, read once (warm page cache); $WARMUP untimed warm-up run(s) per tool, then $REPEAT timed run(s) per tool, interleaved; wall-clock, CPU and max RSS of the whole process from \`/usr/bin/time -v\` (JVM start-up included); the table shows medians of the successful runs (every run is listed)"
  echo
  echo "| tool | seconds | MB/s | vs sqlite3 | target | CPU s | vs sqlite3 (CPU) | max RSS | heap after GC (max) | runs (s) |"
  echo "|---|---:|---:|---:|---|---:|---:|---:|---:|---|"
  local t med cpu mbs ratio ok runs base label tgt cbase cratio
  local int_cpu rec_cpu
  int_cpu=$(echo "${CPUS[integrity]}" | median)
  rec_cpu=$(echo "${CPUS[recover]}" | median)
  for t in "${TOOLS[@]}"; do
    med=$(echo "${SECS[$t]}" | median)
    cpu=$(echo "${CPUS[$t]}" | median)
    mbs=$(awk -v b="$DB_BYTES" -v s="$med" 'BEGIN {if (s > 0) printf "%.0f", b/1e6/s; else print "-"}')
    runs="${RUNS[$t]%, }"
    case "$t" in
      integrity) label="sqlite3 \`PRAGMA integrity_check\`"; base=""; cbase=""; tgt="baseline" ;;
      check) label="\`salvor check --json\`"; base=$int_med; cbase=$int_cpu; tgt="" ;;
      recover) label="sqlite3 \`.recover\`"; base=""; cbase=""; tgt="baseline" ;;
      salvage) label="\`salvor salvage -o out.jsonl\`"; base=$rec_med; cbase=$rec_cpu; tgt="≥ 3x" ;;
    esac
    if [ -n "$base" ]; then
      ratio=$(awk -v c="$base" -v s="$med" 'BEGIN {if (s > 0) printf "%.2fx", c/s; else print "-"}')
      cratio=$(awk -v c="$cbase" -v s="$cpu" 'BEGIN {if (s > 0) printf "%.2fx", c/s; else print "-"}')
    else
      ratio="1x"; cratio="1x"
    fi
    if [ -n "${RC_BAD[$t]}" ]; then
      ok="FAILED in ${FAILS[$t]} of $REPEAT runs (${RC_BAD[$t]})"
    elif [ "$t" = salvage ]; then
      if awk -v c="$base" -v s="$med" 'BEGIN {exit !(s > 0 && c / s >= 3)}'; then ok="≥ 3x met"; else ok="≥ 3x NOT met"; fi
    elif [ "$t" = check ]; then
      ok="(none)"
    else
      ok="$tgt"
    fi
    local heap="–"
    [ "${HEAP_MAX[$t]}" = 0 ] || heap="${HEAP_MAX[$t]} MiB"
    echo "| $label | $med | $mbs | $ratio | $ok | $cpu | $cratio | $(awk -v k="${RSS_MAX[$t]}" 'BEGIN {printf "%.0f MiB", k/1024}') | $heap | $runs |"
  done
  echo
  echo "Rows recovered (last run; verified column by column against the ground truth written while generating):"
  echo
  echo "| table | live rows | salvor live | .recover live | deleted rows | salvor deleted | .recover deleted (lost_and_found) | salvor phantoms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for t in users events attachments tags; do
    echo "| $t | $(vget truth.live.$t) | $(vget salvor.live.$t) | $(vget recover.live.$t) | $(vget truth.deleted.$t) | $(vget salvor.deleted_found.$t) | $(vget recover.deleted_found.$t) | $(vget salvor.phantoms.$t) |"
  done
  echo "| **all** | $t_live | $s_live | $r_live | $t_del | $s_del | $r_del | $s_ph |"
  echo
  echo "- salvor: $SALVOR_LINES JSON lines ($SALVOR_OUT_BYTES bytes); non-live rows by table/state/source: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["salvor"]; print(", ".join(f"{k} {v}" for k, v in d["non_live_rows"].items()) or "none"); o=d["other_tables"]; print(("; rows of other tables: " + ", ".join(f"{k} {v}" for k, v in o.items())) if o else "")' "$V" | tr -d '\n')"
  echo "- salvor phantoms by kind (live_copy: a live row reported again as non-live; garbled: a real row's id with a wrong value; unidentified: no such row): $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["salvor"]["phantom_kinds"]; print(", ".join(f"{t} {k} {v}" for t, c in d.items() for k, v in sorted(c.items()) if "/" not in k) or "none")' "$V")"
  echo "- .recover: $RECOVER_INSERTS INSERT statements, $RECOVER_LF_INSERTS into lost_and_found ($r_lf rows loaded; $(vget recover.lost_and_found_not_deleted_rows) of them are not deleted rows: copies of live rows or index entries)"
  echo "- salvor check report: $CHECK_REPORT_BYTES bytes; the original database's SHA-256 is unchanged after all runs"
  echo
  echo "vs sqlite3 = the sqlite3 median / salvor's median (above 1 = salvor faster): wall-clock, and CPU time (user +"
  echo "system of all threads: a busy shared machine stretches wall-clock times, CPU times much less)."
  echo "salvor recovers $(awk -v a="$s_del" -v b="$r_del" 'BEGIN {if (b > 0) printf "%.1fx", a/b; else print "(.recover: none)"}') the deleted rows .recover does, with $s_ph phantoms; live rows: salvor $s_live, .recover $r_live, truth $t_live."
  echo "Max RSS counts resident pages of the memory-mapped input too, so it is not a heap figure. Heap after GC is the"
  echo "largest heap occupancy right after a collection in salvor's GC log (\`-Xlog:gc\`): what it still held. The heap"
  echo "bound is what \`-Xmx512m\` enforces (an OutOfMemoryError fails the run)."
  if [ "$PROFILE" = 1 ]; then
    echo
    echo "Profile of \`salvor salvage\` (one more run with SALVOR_JAVA_OPTS=\`$PROFILE_JAVA_OPTS\` and a JFR recording; execution samples of Java threads: CPU in the JIT compiler and GC is not sampled):"
    echo
    echo '```'
    head -n 60 "$RUN/profile.txt"
    echo '```'
  fi
}

REPORT="$(report)"
echo "$REPORT"
if [ "$WRITE" = 1 ]; then
  echo "$REPORT" > "$SCRIPT_DIR/results-sqlite.md"
  log "wrote $SCRIPT_DIR/results-sqlite.md"
fi
[ "$KEEP" = 1 ] || rm -rf "$RUN"
exit "$STATUS"
