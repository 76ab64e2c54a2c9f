#!/usr/bin/env bash
# Compare salvor's hash-chain verification (parse + RFC 8785 canonicalise + SHA-256 + chain checks) with
# sha256sum over the same bytes, side by side, on a generated EventLog chain. See README.md in this folder.
#
# Usage: bench/compare/compare-jsonlog.sh [options]
#   --events N        events in the generated chain (default 1000000, ~355 bytes each)
#   --per-segment N   events per segment-NNNNNN.json file (default 1000)
#   --seed N          generator seed (default 42)
#   --threads N       salvor threads (default 2: both cores of the CI machine kind)
#   --repeat N        timed runs per tool, interleaved; the table shows the median (default 3)
#   --warmup N        untimed runs per tool first (default 1)
#   --scratch DIR     where the chain is generated (default $SALVOR_BENCH_DIR or /tmp/salvor-bench)
#   --regenerate      regenerate the chain even if a complete one exists
#   --write           also write the Markdown table to bench/compare/results-jsonlog.md
# Environment:
#   SALVOR            salvor launcher (default: the repository root's ./salvor)
#   SALVOR_JAVA_OPTS  JVM options for salvor and the in-process run (default -Xmx512m)
#
# Rows: sha256sum of every file of the chain (one process, one core: the reference); the library's
# verification timed inside one JVM (bench jar, VerifyThroughput: no JVM start, no report, no input
# fingerprints: the parse + canonicalise + hash throughput the target is about); and `salvor check DIR
# --json` end to end (JVM start, SHA-256 fingerprint of every input before and after, the report).
# Target (issue 4): parse + canonicalise + hash at >= 70 % of sha256sum's throughput, using both cores.
# Exit 0 when every tool ran and the chain verified (a missed target is reported, not a failure), 1 when
# a tool failed, 2 on a setup error.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

EVENTS=1000000
PER_SEGMENT=1000
SEED=42
THREADS=2
REPEAT=3
WARMUP=1
SCRATCH="${SALVOR_BENCH_DIR:-/tmp/salvor-bench}"
REGENERATE=0
WRITE=0
SALVOR="${SALVOR:-$REPO_ROOT/salvor}"
export SALVOR_JAVA_OPTS="${SALVOR_JAVA_OPTS:--Xmx512m}"

die() { echo "compare-jsonlog: $*" >&2; exit 2; }
log() { echo "compare-jsonlog: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --events) EVENTS="${2:?--events needs a value}"; shift ;;
    --per-segment) PER_SEGMENT="${2:?--per-segment needs a value}"; shift ;;
    --seed) SEED="${2:?--seed needs a value}"; shift ;;
    --threads) THREADS="${2:?--threads needs a value}"; shift ;;
    --repeat) REPEAT="${2:?--repeat needs a value}"; shift ;;
    --warmup) WARMUP="${2:?--warmup needs a value}"; shift ;;
    --scratch) SCRATCH="${2:?--scratch needs a value}"; shift ;;
    --regenerate) REGENERATE=1 ;;
    --write) WRITE=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done

for v in EVENTS PER_SEGMENT SEED THREADS REPEAT WARMUP; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "--$(echo "$v" | tr 'A-Z_' 'a-z-') must be a non-negative integer"
done
[ "$REPEAT" -ge 1 ] && [ "$THREADS" -ge 1 ] && [ "$EVENTS" -ge 1 ] && [ "$PER_SEGMENT" -ge 1 ] \
  || die "--repeat, --threads, --events and --per-segment must be at least 1"
command -v sha256sum >/dev/null || die "sha256sum is missing (coreutils)"
command -v java >/dev/null || die "java is missing"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian/Ubuntu: apt-get install time)"
/usr/bin/time -f '%e' true >/dev/null 2>&1 || die "/usr/bin/time does not support -f (need GNU time)"
[ -x "$SALVOR" ] || die "salvor launcher not found or not executable: $SALVOR"

BENCH_JAR="$REPO_ROOT/bench/target/benchmarks.jar"
if [ ! -f "$BENCH_JAR" ] || [ -n "$(find "$REPO_ROOT/bench/src" "$REPO_ROOT/formats/src/main" -newer "$BENCH_JAR" \
    -name '*.java' -print -quit)" ]; then
  log "building the bench jar (mvn -q -DskipTests -pl bench -am package)..."
  (cd "$REPO_ROOT" && mvn -B -q -DskipTests -pl bench -am package >&2) || die "bench build failed"
fi
# The launcher builds salvor on first use; do it now so no timed run includes a build.
"$SALVOR" --version >/dev/null || die "salvor does not run"

mkdir -p "$SCRATCH"
CHAIN="$SCRATCH/jsonlog-$EVENTS-$PER_SEGMENT-$SEED"
if [ "$REGENERATE" = 1 ] || [ ! -f "$CHAIN/.complete" ]; then
  rm -rf "$CHAIN"
  log "generating $EVENTS events in $CHAIN ..."
  java -cp "$BENCH_JAR" dev.salvor.bench.jsonlog.ChainGenerator "$CHAIN" "$EVENTS" "$PER_SEGMENT" "$SEED" >&2 \
    || die "generator failed"
  touch "$CHAIN/.complete"
fi
FILES=("$CHAIN"/segment-*.json "$CHAIN"/event-log-snapshot.json)
BYTES=$(cat "${FILES[@]}" | wc -c)
log "$EVENTS events, ${#FILES[@]} files, $BYTES bytes"
cat "${FILES[@]}" > /dev/null # page cache warm for every tool

RUN="$(mktemp -d "${TMPDIR:-/tmp}/compare-jsonlog.XXXXXX")"
trap 'rm -rf "$RUN"' EXIT

# timed NAME CMD...: runs CMD under /usr/bin/time; appends "elapsed cpu maxrss_kb" to $RUN/NAME.times.
timed() {
  local name="$1"; shift
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$RUN/time.txt" "$@" > "$RUN/$name.out" 2> "$RUN/$name.err" || rc=$?
  if [ "$rc" -gt 1 ] || { [ "$rc" = 1 ] && [ "$name" != salvor ]; }; then
    cat "$RUN/$name.err" >&2
    echo "compare-jsonlog: $name failed (exit $rc)" >&2
    return 1
  fi
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$RUN/time.txt" | tail -1 >> "$RUN/$name.times"
}

run_sha() { timed sha256sum sha256sum "${FILES[@]}"; }
run_salvor() {
  timed salvor "$SALVOR" check "$CHAIN" --json --threads "$THREADS" --no-progress || return 1
  grep -Eq '"intact" *: *true' "$RUN/salvor.out" || { echo "compare-jsonlog: salvor did not verify the chain" >&2; return 1; }
}
run_library() {
  # One JVM per sample: two untimed verifications (JIT warm-up), then one timed; interleaved with the others.
  # shellcheck disable=SC2086
  java $SALVOR_JAVA_OPTS -cp "$BENCH_JAR" dev.salvor.bench.jsonlog.VerifyThroughput "$CHAIN" "$THREADS" 1 2 \
    > "$RUN/library.out" 2> "$RUN/library.err" || { cat "$RUN/library.err" >&2; return 1; }
  sed -n 's/^median \([0-9.]*\) \([0-9.]*\) .*/\1 \2 -/p' "$RUN/library.out" >> "$RUN/library.times"
}

FAILED=0
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
for ((i = 0; i < WARMUP; i++)); do
  run_sha || FAILED=1
  run_salvor || FAILED=1
done
rm -f "$RUN"/*.times
for ((i = 0; i < REPEAT; i++)); do
  log "round $((i + 1))/$REPEAT"
  run_sha || FAILED=1
  run_library || FAILED=1
  run_salvor || FAILED=1
done
[ "$FAILED" = 0 ] || { echo "compare-jsonlog: a tool failed" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { awk -v c="$2" '{print $c}' "$RUN/$1.times"; }
SHA_T=$(col sha256sum 1 | median); SHA_CPU=$(col sha256sum 2 | median); SHA_RSS=$(col sha256sum 3 | sort -n | tail -1)
SAL_T=$(col salvor 1 | median); SAL_CPU=$(col salvor 2 | median); SAL_RSS=$(col salvor 3 | sort -n | tail -1)
LIB_T=$(col library 1 | median); LIB_CPU=$(col library 2 | median)

row() { # NAME WHAT SECONDS CPU RSS
  awk -v n="$1" -v w="$2" -v t="$3" -v c="$4" -v r="$5" -v b="$BYTES" -v e="$EVENTS" -v s="$SHA_T" 'BEGIN {
    printf "| %s | %s | %.2f | %.0f | %.0f | %.0f %% | %s | %s |\n", n, w, t, e / t, b / t / 1e6, 100 * s / t, c, r }'
}
LIB_RATIO=$(awk -v s="$SHA_T" -v t="$LIB_T" 'BEGIN {printf "%.0f", 100 * s / t}')
TARGET=$(awk -v r="$LIB_RATIO" 'BEGIN {print (r >= 70 ? "met" : "missed")}')
{
  echo "Chain: $EVENTS events in $(( (EVENTS + PER_SEGMENT - 1) / PER_SEGMENT )) segments of $PER_SEGMENT, $BYTES bytes"\
    "($(awk -v b="$BYTES" -v e="$EVENTS" 'BEGIN {printf "%.0f", b / e}') bytes/event); $(nproc) cores;"\
    "salvor threads $THREADS; medians of $REPEAT interleaved runs; load average $LOAD_BEFORE before the runs;"\
    "$(date -u +%Y-%m-%d)."
  echo
  echo "| tool | what is timed | seconds | events/s | MB/s | vs sha256sum | CPU s | max RSS KiB |"
  echo "|---|---|---|---|---|---|---|---|"
  row "sha256sum" "\`sha256sum\` of every file (1 process)" "$SHA_T" "$SHA_CPU" "$SHA_RSS"
  row "salvor library" "parse + RFC 8785 + SHA-256 + chain checks (in a warmed JVM)" "$LIB_T" "$LIB_CPU" "-"
  row "salvor check" "\`salvor check DIR --json\`: JVM start, fingerprints before/after, report" "$SAL_T" \
    "$SAL_CPU" "$SAL_RSS"
  echo
  echo "Target (parse + canonicalise + hash >= 70 % of sha256sum): $TARGET ($LIB_RATIO %). CPU s: user + system"\
    "(the library: every thread of its JVM during the timed verification, GC included)."
} > "$RUN/table.md"
cat "$RUN/table.md"
if [ "$WRITE" = 1 ]; then
  cp "$RUN/table.md" "$SCRIPT_DIR/results-jsonlog.md"
  log "written to bench/compare/results-jsonlog.md"
fi
