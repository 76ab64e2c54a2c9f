#!/usr/bin/python3
"""Where the CPU samples of a JFR recording go: self and total (inclusive) time per method, and per thread.

Usage: jfr_hot.py RECORDING.jfr [TOP=15] [PREFIX=dev.salvor.]

Reads `jfr print --json --stack-depth 512 --events jdk.ExecutionSample` (its default depth, 5, hides the phases) (JDK 17's jfr has no `view hot-methods`). For each sample:
  - self: the top frame's method;
  - total: every distinct method on the stack (counted once per sample);
  - salvor: the innermost frame whose class starts with PREFIX (which salvor method the time is spent under,
    JDK methods included);
  - phases: total, restricted to salvor's own methods (the pipeline's phases and what they call);
  - thread: the sampled thread's name.
Prints percentages of all execution samples. JFR samples only threads running Java code (about every 10-20 ms
with settings=profile); time in native code without a Java frame (GC, JIT compiler) is not in these samples:
compare with /usr/bin/time's CPU seconds.
"""
import collections
import json
import re
import subprocess
import sys


def frames_of(event):
    trace = event["values"].get("stackTrace") or {}
    out = []
    for f in trace.get("frames") or []:
        m = f.get("method") or {}
        cls = (m.get("type") or {}).get("name", "?").replace("/", ".")
        out.append("%s.%s" % (cls, m.get("name", "?")))
    return out


def seconds(iso):
    """An ISO-8601 duration as jfr prints it (PT0.0207S, PT1M2.5S) in seconds."""
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", iso or "")
    if not m:
        return 0.0
    return int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3) or 0)


def gc_summary(recording):
    """Garbage collections and their summed pauses (GC threads are not in the execution samples)."""
    raw = subprocess.run(["jfr", "print", "--json", "--events", "jdk.GarbageCollection", recording],
                         check=True, capture_output=True).stdout
    gcs = json.loads(raw)["recording"]["events"]
    pauses = sum(seconds(e["values"].get("sumOfPauses")) for e in gcs)
    return "%d garbage collections, %.2f s of pauses" % (len(gcs), pauses)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 64
    top = int(argv[2]) if len(argv) > 2 else 15
    prefix = argv[3] if len(argv) > 3 else "dev.salvor."
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "512", "--events", "jdk.ExecutionSample", argv[1]],
                         check=True, capture_output=True).stdout
    events = json.loads(raw)["recording"]["events"]
    n = len(events)
    if n == 0:
        print("no execution samples")
        return 1
    self_c, total_c, salvor_c, thread_c = (collections.Counter() for _ in range(4))
    for e in events:
        frames = frames_of(e)
        if frames:
            self_c[frames[0]] += 1
        for m in set(frames):
            total_c[m] += 1
        salvor_c[next((f for f in frames if f.startswith(prefix)), "(no salvor frame)")] += 1
        thread = (e["values"].get("sampledThread") or {}).get("javaName") or "?"
        thread_c[thread.rstrip("0123456789-")] += 1
    print("%s: %d execution samples; %s" % (argv[1], n, gc_summary(argv[1])))
    phases = collections.Counter({m: c for m, c in total_c.items() if m.startswith(prefix)})
    for title, counter in (("self (top frame)", self_c), ("innermost salvor frame", salvor_c),
                           ("total (on the stack)", total_c), ("total, salvor methods only (phases)", phases),
                           ("thread", thread_c)):
        print("-- %s" % title)
        for name, c in counter.most_common(top):
            print("%5.1f%%  %s" % (100.0 * c / n, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
