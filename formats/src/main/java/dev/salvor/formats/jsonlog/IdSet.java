package dev.salvor.formats.jsonlog;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The set of event ids seen, for duplicate detection, in memory proportional to the number of runs of consecutive
 * integer ids rather than to the number of events: ids written as plain decimal integers (no sign on zero, no
 * leading zero, at most 18 digits) are kept as ranges; any other id text (strings, huge numbers) in a hash set.
 * Membership is by id text, exactly as a set of strings: {@code "7"} and {@code "007"} differ.
 */
final class IdSet {
    /** Closed ranges [start, end] of integer ids, disjoint, keyed by start (the current run excluded). */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private final Set<String> others = new HashSet<>();
    private boolean hasRun;
    private long runStart;
    private long runEnd;

    boolean contains(String id) {
        long v = integer(id);
        if (v == Long.MIN_VALUE) {
            return others.contains(id);
        }
        return inRanges(v);
    }

    private boolean inRanges(long v) {
        if (hasRun && v >= runStart && v <= runEnd) {
            return true;
        }
        Map.Entry<Long, Long> e = ranges.floorEntry(v);
        return e != null && e.getValue() >= v;
    }

    void add(String id) {
        long v = integer(id);
        if (v == Long.MIN_VALUE) {
            others.add(id);
            return;
        }
        if (inRanges(v)) {
            return;
        }
        if (hasRun && v == runEnd + 1) {
            runEnd = v; // the usual case: the next id
            return;
        }
        if (hasRun) {
            ranges.put(runStart, runEnd);
        }
        hasRun = true;
        runStart = v;
        runEnd = v;
    }

    /** The value of a plain decimal integer id of at most 18 digits, or Long.MIN_VALUE for any other text. */
    static long integer(String id) {
        int n = id.length();
        int i = 0;
        boolean neg = false;
        if (n > 0 && id.charAt(0) == '-') {
            neg = true;
            i = 1;
        }
        int digits = n - i;
        if (digits < 1 || digits > 18) {
            return Long.MIN_VALUE;
        }
        char first = id.charAt(i);
        if (first == '0' && (digits > 1 || neg)) {
            return Long.MIN_VALUE; // "007", "-0": not the canonical text of their value
        }
        long v = 0;
        for (; i < n; i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return Long.MIN_VALUE;
            }
            v = v * 10 + (c - '0');
        }
        return neg ? -v : v;
    }
}
