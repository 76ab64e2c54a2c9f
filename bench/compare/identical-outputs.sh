#!/usr/bin/env bash
# Proves that a change to salvor's engine left its outputs byte-identical: runs one salvor jar over every fixture,
# the public SQLite corpus, the IndexedDB samples and the ext4 carving image, and records each command's exit code,
# stdout, stderr, JSON Lines output and JSON report (timestamps and durations removed, temporary paths
# normalised). Run it on the jar before a change ("record"), then on the jar after ("compare").
#
#   bench/compare/identical-outputs.sh record  BEFORE_DIR [JAR]   # JAR defaults to salvage/target/salvor.jar
#   bench/compare/identical-outputs.sh compare BEFORE_DIR [JAR]   # records into a temp dir, diffs, exit 1 on change
#   bench/compare/identical-outputs.sh baseline REF BEFORE_DIR    # builds REF in a git worktree, then records
#
# Inputs come from fixtures/ and ../shared/corpora (skipped when absent). Nothing is written inside an input.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode="${1:?record, compare or baseline}"
# ../shared beside the checkout; from a git worktree, beside the main checkout; or SALVOR_SHARED
shared="${SALVOR_SHARED:-$(cd "$here/.." && pwd)/shared}"
if [ ! -d "$shared" ]; then
  shared="$(cd "$(git -C "$here" rev-parse --path-format=absolute --git-common-dir)/../.." && pwd)/shared"
fi

paths() { # the repository, the work directory and carving's temporary directories as fixed words
  sed -E -e "s#$here/#REPO/#g" -e "s#$shared/#SHARED/#g" -e "s#${work:-/nonexistent}/#WORK/#g" \
      -e 's#/tmp/[^"/ ]*/\.salvor-carve-[0-9A-Za-z]+/#CARVE/#g' -e 's#\.salvor-carve-[0-9A-Za-z]+#.salvor-carve-X#g'
}

normalise() { # JSON report on stdin -> the same without times, durations and the version
  paths | python3 -c '
import json, sys, re
DROP = {"started", "finished", "started_at", "finished_at", "duration_ms", "duration_s", "elapsed_ms", "version",
        "mtime", "mtime_ms", "time", "timestamp"}
def walk(o):
    if isinstance(o, dict):
        return {k: walk(v) for k, v in o.items() if k not in DROP}
    if isinstance(o, list):
        return [walk(v) for v in o]
    if isinstance(o, str):
        return re.sub(r"\.salvor-carve-[A-Za-z0-9]+", ".salvor-carve-X", re.sub(r"/tmp/[^ \"]*/", "/TMP/", o))
    return o
text = sys.stdin.read()
if not text.strip():
    sys.exit(0)
try:
    print(json.dumps(walk(json.loads(text)), indent=1, sort_keys=False))
except ValueError:
    print(re.sub(r"\.salvor-carve-[A-Za-z0-9]+", ".salvor-carve-X", text), end="")
'
}

scrub() { # stderr: drop progress lines and temp paths
  paths | sed -E -e 's/\r.*//' -e 's/\.salvor-carve-[A-Za-z0-9]+/.salvor-carve-X/g' -e 's#/tmp/[^ ]*/#/TMP/#g' \
      -e 's/[0-9.]+ (MB|GB)\/s//g' -e 's/in [0-9.]+ ?m?s\b/in T/g' -e 's/[0-9]+(\.[0-9]+)? s\b/T/g' \
      -e 's/(wrote report: [^,]*), [0-9.]+ (B|KiB|MiB), sha256 [0-9a-f]{64}/\1, SIZE, sha256 X/'
}
# (the report holds its run's times, so its size and SHA-256 differ between two runs of one jar; the report itself
# is compared after normalise)

inputs() { # one "NAME|EXTRA-OPTIONS|PATH" per line
  for d in "$here"/fixtures/leveldb/*/db; do printf 'leveldb-%s||%s\n' "$(basename "$(dirname "$d")")" "$d"; done
  for f in "$here"/fixtures/sqlite/*/*.db; do printf 'sqlite-%s||%s\n' "$(basename "$f" .db)" "$f"; done
  printf 'sqlite-page1-forced|--format sqlite|%s\n' "$here/fixtures/sqlite/page1-destroyed/page1-destroyed.db"
  for d in "$here"/fixtures/jsonlog/*/; do
    n="$(basename "$d")"
    if ls "$d"segment-* >/dev/null 2>&1 || [ -f "$d/event-log-snapshot.json" ]; then
      printf 'jsonlog-%s||%s\n' "$n" "${d%/}"
    fi
    for f in "$d"ledger*.csv "$d"ledger*.json "$d"ledger*.jsonl; do
      if [ -f "$f" ]; then printf 'jsonlog-%s-%s||%s\n' "$n" "$(basename "$f")" "$f"; fi
    done
  done
  if [ -d "$shared/corpora/sqlite-forensic-corpus-v1" ]; then
    for f in "$shared"/corpora/sqlite-forensic-corpus-v1/*/*.db; do
      printf 'corpus-%s||%s\n' "$(basename "$f" .db)" "$f"
    done
  fi
  if [ -d "$shared/corpora/dfindexeddb-test-data" ]; then
    find "$shared/corpora/dfindexeddb-test-data/test_data" -name '*.leveldb' -type d | sort | while read -r d; do
      printf 'idb-%s||%s\n' "$(echo "${d#"$shared"/corpora/dfindexeddb-test-data/test_data/}" | tr '/' '_')" "$d"
    done
    find "$shared/corpora/dfindexeddb-test-data/test_data" \( -name '*.sqlite' -o -name '*.sqlite3' \) -type f | sort \
      | while read -r f; do
        printf 'idb-%s||%s\n' "$(echo "${f#"$shared"/corpora/dfindexeddb-test-data/test_data/}" | tr '/' '_')" "$f"
      done
  fi
}

record() { # record OUT JAR
  local out="$1" jar="$2" work
  mkdir -p "$out"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  run() { # NAME CMD... : exit code, stdout (normalised), stderr (scrubbed)
    local name="$1"; shift
    set +e
    java -jar "$jar" "$@" </dev/null >"$work/stdout" 2>"$work/stderr"
    echo "$?" >"$out/$name.exit"
    set -e
    normalise <"$work/stdout" >"$out/$name.stdout"
    scrub <"$work/stderr" >"$out/$name.stderr"
  }
  while IFS='|' read -r name extra path; do
    # shellcheck disable=SC2086
    run "$name.identify" identify --json --no-progress $extra "$path"
    # shellcheck disable=SC2086
    run "$name.check" check --json --no-progress $extra "$path"
    rm -f "$work/records.jsonl" "$work/report.json"
    # shellcheck disable=SC2086
    run "$name.salvage" salvage --no-progress $extra "$path" -o "$work/records.jsonl" --report "$work/report.json"
    if [ -f "$work/records.jsonl" ]; then paths <"$work/records.jsonl" >"$out/$name.records.jsonl"; fi
    if [ -f "$work/report.json" ]; then normalise <"$work/report.json" >"$out/$name.report.json"; fi
  done < <(inputs)
  # Carving: the ext4 image of fixtures/carve (gzip'd in the repository).
  if [ -f "$here/fixtures/carve/ext4/ext4.img.gz" ]; then
    gunzip -c "$here/fixtures/carve/ext4/ext4.img.gz" >"$work/ext4.img"
    run carve-ext4.carve carve --no-progress "$work/ext4.img" -o "$work/carved"
    (cd "$work/carved" && find . -type f ! -name carve-manifest.json | sort | xargs sha256sum) >"$out/carve-ext4.carved.sha256"
    normalise <"$work/carved/carve-manifest.json" >"$out/carve-ext4.carve-manifest.json"
    rm -f "$work/records.jsonl" "$work/report.json"
    run carve-ext4.salvage salvage --no-progress --carve "$work/ext4.img" -o "$work/records.jsonl" \
      --report "$work/report.json"
    if [ -f "$work/records.jsonl" ]; then paths <"$work/records.jsonl" >"$out/carve-ext4.records.jsonl"; fi
    if [ -f "$work/report.json" ]; then normalise <"$work/report.json" >"$out/carve-ext4.report.json"; fi
  fi
  echo "recorded $(find "$out" -type f | wc -l) files in $out" >&2
}

case "$mode" in
  record)
    record "${2:?BEFORE_DIR}" "${3:-$here/salvage/target/salvor.jar}"
    ;;
  compare)
    before="${2:?BEFORE_DIR}"
    after="$(mktemp -d)"
    record "$after" "${3:-$here/salvage/target/salvor.jar}"
    if diff -r "$before" "$after" >"$after.diff"; then
      echo "identical: $(find "$before" -type f | wc -l) files" >&2
      rm -rf "$after" "$after.diff"
    else
      echo "DIFFERENT: $(grep -c '^diff\|^Only' "$after.diff" || true) file(s); see $after.diff (after: $after)" >&2
      head -40 "$after.diff" >&2
      exit 1
    fi
    ;;
  baseline)
    ref="${2:?REF}"
    dir="$(mktemp -d)"
    git -C "$here" worktree add --detach "$dir/src" "$ref" >/dev/null
    (cd "$dir/src" && mvn -B -q -DskipTests -pl salvage -am package >&2)
    record "${3:?BEFORE_DIR}" "$dir/src/salvage/target/salvor.jar"
    git -C "$here" worktree remove --force "$dir/src"
    ;;
  *)
    echo "usage: $0 record|compare BEFORE_DIR [JAR] | baseline REF BEFORE_DIR" >&2
    exit 2
    ;;
esac
