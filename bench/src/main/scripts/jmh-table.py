#!/usr/bin/env python3
"""Turns a JMH JSON result file (-rf json) into the Markdown results table of bench/README.md.

Usage: python3 bench/src/main/scripts/jmh-table.py results.json
One row per benchmark and parameter set: the primary score (wall clock) with its 99.9 % error, the same score
rescaled to CPU time (score * mbCpu / mb, see dev.salvor.bench.Mb), MB/s wall clock (:mb) and per CPU-second
(:mbCpu), entries/s when the benchmark counts entries, and bytes allocated per operation when the run used
`-prof gc` (gc.alloc.rate.norm).
"""
import json
import sys


def fmt(v):
    if v is None:
        return ""
    if v >= 100:
        return f"{v:,.0f}".replace(",", " ")
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def main():
    rows = json.load(open(sys.argv[1]))
    print("| benchmark | params | score (wall) | ± 99.9 % | unit | score per CPU-s | MB/s wall | MB/s per CPU-s "
          "| entries/s (wall) | B/op |")
    print("|---|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        name = r["benchmark"].replace("dev.salvor.bench.", "")
        params = sorted((r.get("params") or {}).items())
        p = r["primaryMetric"]
        sec = r.get("secondaryMetrics", {})
        get = lambda k: sec[k]["score"] if k in sec else None
        mb, mbcpu = get("mb"), get("mbCpu")
        cpu_score = p["score"] * mbcpu / mb if mb and mbcpu else None
        ps = ", ".join(f"{k}={v}" for k, v in params if not (k == "table" and v == "auto"))
        print(f"| {name} | {ps} | {fmt(p['score'])} | {fmt(p['scoreError'])} | {p['scoreUnit']} | {fmt(cpu_score)} "
              f"| {fmt(mb)} | {fmt(mbcpu)} | {fmt(get('entries'))} | {fmt(get('gc.alloc.rate.norm'))} |")


if __name__ == "__main__":
    main()
