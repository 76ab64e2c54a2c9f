#!/usr/bin/env bash
# salvor rebuild vs sqlite3 .recover on the SQLite fixtures (fixtures/sqlite): rows in each repaired database, and
# how many of them are ground-truth live rows with their exact values. See bench/README.md ("rebuild vs .recover").
#
# Usage: bench/compare/rebuild-sqlite.sh [--scratch DIR]
#   --scratch DIR   where the sqlite3 CLI is built and the outputs go (default $SALVOR_BENCH_DIR or
#                   /tmp/salvor-bench-rebuild); nothing is written into the repository
# Environment:
#   SALVOR              salvor launcher (default: the repository root's ./salvor)
#   SQLITE_NPM_VERSION  version of the npm package `sqlite3` whose amalgamation is built (default 6.0.1): Debian's
#                       sqlite3 lacks the dbpage table .recover needs ("SQL logic error")
#   CC                  C compiler (default gcc)
# .recover reads a copy of each fixture (with its -wal / -journal); salvor reads the fixture itself (read-only).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
SCRATCH="${SALVOR_BENCH_DIR:-/tmp/salvor-bench-rebuild}"
die() { echo "rebuild-sqlite: $*" >&2; exit 2; }
log() { echo "rebuild-sqlite: $*" >&2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --scratch) SCRATCH="${2:?--scratch needs a value}"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done
SALVOR="${SALVOR:-$REPO_ROOT/salvor}"
NPM_VERSION="${SQLITE_NPM_VERSION:-6.0.1}"
CC="${CC:-gcc}"
mkdir -p "$SCRATCH"
SQLITE="$SCRATCH/sqlite3-npm-$NPM_VERSION"

# The npm package `sqlite3` ships the SQLite amalgamation (deps/sqlite-autoconf-*.tar.gz: sqlite3.c, shell.c).
if [ ! -x "$SQLITE" ]; then
  command -v npm >/dev/null || die "npm not found (it fetches the SQLite amalgamation)"
  tmp="$(mktemp -d "$SCRATCH/npm.XXXXXX")"
  (cd "$tmp" && npm pack --silent "sqlite3@$NPM_VERSION" > /dev/null) || die "npm pack sqlite3@$NPM_VERSION failed"
  tar -xzf "$tmp"/sqlite3-*.tgz -C "$tmp"
  auto="$(ls "$tmp"/package/deps/sqlite-autoconf-*.tar.gz | head -1)"
  tar -xzf "$auto" -C "$tmp"
  src="$(ls -d "$tmp"/sqlite-autoconf-*/ | head -1)"
  log "building $(basename "$src") with -DSQLITE_ENABLE_DBPAGE_VTAB (a few minutes)"
  (cd "$src" && "$CC" -O1 -DSQLITE_ENABLE_DBPAGE_VTAB -o "$SQLITE.tmp" shell.c sqlite3.c -lm -lpthread -ldl)
  mv "$SQLITE.tmp" "$SQLITE"
  rm -rf "$tmp"
fi

RUN="$SCRATCH/run"
rm -rf "$RUN"
mkdir -p "$RUN"
for dir in "$REPO_ROOT"/fixtures/sqlite/*/; do
  case="$(basename "$dir")"
  [ -f "$dir/ground-truth.json" ] || continue
  db="$(ls "$dir"/*.db | head -1)"
  out="$RUN/$case"
  mkdir -p "$out/copy"
  cp "$dir"/*.db* "$out/copy/"
  "$SALVOR" rebuild --format sqlite "$db" -o "$out/salvor.db" >/dev/null 2>"$out/salvor.err" || true
  "$SQLITE" "$out/copy/$(basename "$db")" .recover 2>"$out/recover.err" | "$SQLITE" "$out/recover.db" \
      >/dev/null 2>>"$out/recover.err" || true
done
python3 "$SCRIPT_DIR/rebuild_sqlite_count.py" "$REPO_ROOT/fixtures/sqlite" "$RUN" "$("$SQLITE" --version | cut -d' ' -f1)"
