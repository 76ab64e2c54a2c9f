package dev.salvor.formats.sqlite;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.salvor.formats.sqlite.RowKeys.NO_COLUMNS;
import static dev.salvor.formats.sqlite.RowKeys.combine;

/**
 * De-duplication of non-live rows against live rows, in memory that grows with the non-live candidates, not with the
 * live rows: the non-live phases run twice around the live walk.
 * <ol>
 * <li>{@link #collect}: the first non-live pass gathers the keys every non-live row would be looked up by (the
 * candidates) and the pages that gave rows.</li>
 * <li>{@link #seal}, then {@link #mark}: the live walk keeps the keys of its rows that are candidates.</li>
 * <li>{@link #admit}: the second non-live pass decides with those sets. The answers are those a set of every live key
 * would give: every key looked up is a candidate, and the marked keys are the live keys ∩ candidates.</li>
 * </ol>
 * A non-live row identical to a live row (same table, and rowid when known, and values) is not emitted; a non-live
 * row is emitted once even if several page versions hold it; a deleted row whose rowid is live with other values is
 * an older version (superseded).
 */
final class RowDeduplicator {
    private final LongHashSet candidates = new LongHashSet();
    private final LongHashSet candidateTables = new LongHashSet();
    // The live keys among the candidates and the rows emitted, as marks on the candidates' slots (MemberMarks): every
    // key the second pass looks up is a candidate, so these cost bits, not tables that grow with the live copies.
    private final MemberMarks liveFull = new MemberMarks(candidates);
    private final MemberMarks liveMasked = new MemberMarks(candidates);
    private final MemberMarks liveRowids = new MemberMarks(candidates);
    private final Map<RowState, MemberMarks> emitted = new java.util.EnumMap<>(RowState.class);
    // The live walk's shortcut (a live row no candidate can share a key with is not hashed at all): the rowid key of
    // every candidate with a rowid; for candidates without one, their table and the hash of two probe columns (the
    // first two columns the candidate knows and no key masks: a live row shares a key with the candidate only if
    // it holds the same values there) in pairProbes, or of one in probes when the candidate knows only one, else
    // their table in unprobed. Each table keeps the probe column pairs its candidates were filed under (a few: the
    // unknown columns of carved rows repeat), and a live row is probed with each. One column is a weak filter where
    // its values repeat (a name, a tag: then every live row was hashed); the pair is close to unique, which spares
    // the live walk most of its hashing when deleted cells lost their rowid (every cell freed into a freeblock does)
    // or a few candidates lost a column.
    private final LongHashSet candidateRowids = new LongHashSet();
    private final LongHashSet rowidlessTables = new LongHashSet();
    private final LongHashSet probes = new LongHashSet();
    private final LongHashSet pairProbes = new LongHashSet();
    private final LongHashSet unprobed = new LongHashSet();
    private final Map<Long, List<int[]>> probeColumns = new HashMap<>();
    private static final int MAX_PROBE_COLUMNS = 8;
    /** Pages from which the first pass collected anything: the only ones the second pass has to visit again. */
    private final BitSet productive = new BitSet();
    private long collectedCalls;
    private boolean sealed;
    private final Map<String, Long> tableHashes = new HashMap<>();
    /** The name {@link #tableHash} was last asked for (compared by identity) and its hash. */
    private String lastTable;
    private long lastTableHash;

    /**
     * Unknown-column masks of the non-live candidates, per table hash, with and without a rowid (at most
     * {@link #MAX_MASKS} each): a candidate with unknown columns (a broken overflow chain, an overwritten tail)
     * whose every known value equals a live row of the same table (and rowid, when known) is that live row
     * found again (a stale copy left on a freed page by a rebalance), not a deleted row: it is not emitted.
     */
    private final Map<Long, List<List<Integer>>> masksWithRowid = new HashMap<>();
    private final Map<Long, List<List<Integer>>> masksNoRowid = new HashMap<>();
    private static final int MAX_MASKS = 16;

    /** True during the first non-live pass (before {@link #seal}). */
    boolean collecting() {
        return !sealed;
    }

    /** True when the first pass saw any row at all (else the second pass has nothing to emit). */
    boolean collectedAny() {
        return collectedCalls > 0;
    }

    /** True when the first pass found a row on page {@code n} (of any version). */
    boolean productive(long n) {
        return productive.get((int) Math.min(n, Integer.MAX_VALUE));
    }

    /** Ends the first pass: from now on the candidate sets are only looked up, once or three times per live row. */
    void seal() {
        sealed = true;
        candidates.seal();
        candidateRowids.seal();
        probes.seal();
        pairProbes.seal();
    }

    /** First pass: every key the second pass may look a non-live row up by (the masked test uses the full key). */
    void collect(FoundRow row) {
        collectedCalls++;
        productive.set((int) Math.min(row.site().page(), Integer.MAX_VALUE));
        if (row.state() == RowState.LIVE) {
            return;
        }
        TableInfo t = row.table();
        Long rowid = row.rowid();
        List<Integer> unknown = row.unknown();
        // Each value is hashed once; the keys combine those hashes (O(columns) each).
        long th = tableHash(row.tableName());
        candidateTables.add(th);
        long[] ch = RowKeys.columns(row.values());
        candidates.add(combine(th, rowid, ch, unknown));
        if (!unknown.isEmpty()) {
            noteMask(th, rowid, unknown);
        }
        if (row.state() == RowState.DELETED && rowid != null && t != null) {
            candidates.add(combine(th, rowid, NO_COLUMNS, List.of()));
        }
        if (rowid != null) {
            candidateRowids.add(combine(th, rowid, NO_COLUMNS, List.of()));
        } else {
            rowidlessTables.add(th);
            int p = probeColumn(t, 0, unknown, ch.length);
            int p2 = probeColumn(t, p + 1, unknown, ch.length);
            if (p < 0 || !addProbe(th, p, p2)) {
                unprobed.add(th);
            } else if (p2 >= 0) {
                pairProbes.add(RowKeys.pair(th, ch[p], ch[p2]));
            } else {
                probes.add(th ^ ch[p]);
            }
        }
    }

    /**
     * Files the probe columns {@code p} and {@code p2} (-1: only {@code p}) under table hash {@code th}; false when
     * the table has {@value #MAX_PROBE_COLUMNS} pairs already (its candidates are then left unprobed).
     */
    private boolean addProbe(long th, int p, int p2) {
        List<int[]> l = probeColumns.computeIfAbsent(th, k -> new ArrayList<>(1));
        for (int[] x : l) {
            if (x[0] == p && x[1] == p2) {
                return true;
            }
        }
        if (l.size() >= MAX_PROBE_COLUMNS) {
            return false;
        }
        l.add(new int[] {p, p2});
        return true;
    }

    /**
     * First pass: a record that is not a row (an index entry) was found on page {@code n}; nothing to de-duplicate,
     * but the second pass has to visit the page again to emit it.
     */
    void touch(long n) {
        collectedCalls++;
        productive.set((int) Math.min(n, Integer.MAX_VALUE));
    }

    /** The live walk: keeps the keys of a live row that are candidates (live keys ∩ candidates). */
    void mark(FoundRow row) {
        if (candidates.isEmpty()) {
            return;
        }
        TableInfo t = row.table();
        Long rowid = row.rowid();
        List<Object> values = row.values();
        long th = tableHash(row.tableName());
        if (!candidateTables.contains(th)) {
            return; // no candidate of this table: nothing to mark
        }
        // The full and rowid keys below carry the rowid: only candidates with this rowid can share them. The
        // masked key (and a WITHOUT ROWID row's full key) carries no rowid but every column except the alias:
        // only rowid-less candidates with the same probe column can share it.
        boolean maybe = rowid != null && candidateRowids.contains(combine(th, rowid, NO_COLUMNS, List.of()));
        if (!maybe && rowidlessTables.contains(th)) {
            // A candidate shares a key with this row only if their values agree on every column the key does not
            // mask: on both probe columns when the candidate knows them (pairProbes), else on the first (probes).
            maybe = unprobed.contains(th);
            List<int[]> columns = maybe ? List.of() : probeColumns.getOrDefault(th, List.of());
            for (int i = 0, n = columns.size(); i < n && !maybe; i++) {
                int p = columns.get(i)[0];
                int p2 = columns.get(i)[1];
                if (p >= values.size() || p2 >= values.size()) {
                    maybe = true;
                } else {
                    long v = RowKeys.value(values.get(p));
                    maybe = p2 < 0 ? probes.contains(th ^ v)
                            : pairProbes.contains(RowKeys.pair(th, v, RowKeys.value(values.get(p2))));
                }
            }
        }
        if (!maybe) {
            return;
        }
        long[] ch = RowKeys.columns(values);
        long k = combine(th, rowid, ch, List.of());
        if (candidates.contains(k)) {
            liveFull.add(k);
        }
        markPartialCopies(th, rowid, ch, liveFull, true);
        if (t != null) {
            k = combine(th, null, ch, maskFor(t));
            if (candidates.contains(k)) {
                liveMasked.add(k);
            }
            if (rowid != null) {
                k = combine(th, rowid, NO_COLUMNS, List.of());
                if (candidates.contains(k)) {
                    liveRowids.add(k);
                }
            }
        }
    }

    /**
     * Second pass: the state to emit a non-live row with (superseded when its rowid is live), or {@code null} when
     * it is a live row's copy or was emitted already. A live row of an orphaned page is always emitted, and hides
     * later identical non-live rows.
     */
    RowState admit(FoundRow row) {
        TableInfo t = row.table();
        Long rowid = row.rowid();
        List<Integer> unknown = row.unknown();
        RowState state = row.state();
        long th = tableHash(row.tableName());
        if (state == RowState.LIVE) {
            long[] ch = RowKeys.columns(row.values());
            liveFull.add(combine(th, rowid, ch, List.of()));
            markPartialCopies(th, rowid, ch, liveFull, false);
            if (t != null) {
                liveMasked.add(combine(th, null, ch, maskFor(t)));
                if (rowid != null) {
                    liveRowids.add(combine(th, rowid, NO_COLUMNS, List.of()));
                }
            }
            return state;
        }
        long[] ch = RowKeys.columns(row.values());
        long full = combine(th, rowid, ch, unknown);
        if (liveFull.contains(full)) {
            return null;
        }
        if (t != null && rowid == null && unknown.equals(maskFor(t)) && liveMasked.contains(full)) {
            return null;
        }
        if (!emitted.computeIfAbsent(state, k -> new MemberMarks(candidates)).add(full)) {
            return null;
        }
        if (state == RowState.DELETED && rowid != null && t != null
                && liveRowids.contains(combine(th, rowid, NO_COLUMNS, List.of()))) {
            return RowState.SUPERSEDED;
        }
        return state;
    }

    private void noteMask(long th, Long rowid, List<Integer> unknown) {
        List<List<Integer>> l = (rowid == null ? masksNoRowid : masksWithRowid).computeIfAbsent(th,
                k -> new ArrayList<>());
        if (l.size() < MAX_MASKS && !l.contains(unknown)) {
            l.add(List.copyOf(unknown));
        }
    }

    /** Adds to {@code into} the masked keys of a live row that a partial candidate may carry. */
    private void markPartialCopies(long th, Long rowid, long[] ch, MemberMarks into, boolean onlyCandidates) {
        for (List<Integer> m : masksWithRowid.getOrDefault(th, List.of())) {
            long k = combine(th, rowid, ch, m);
            if (!onlyCandidates || candidates.contains(k)) {
                into.add(k);
            }
        }
        for (List<Integer> m : masksNoRowid.getOrDefault(th, List.of())) {
            long k = combine(th, null, ch, m);
            if (!onlyCandidates || candidates.contains(k)) {
                into.add(k);
            }
        }
    }

    /**
     * The first declared column from {@code from} on that the candidate knows ({@code unknown} does not list it, it
     * is below {@code known}) and that no key masks (not the rowid alias), or -1.
     */
    private static int probeColumn(TableInfo t, int from, List<Integer> unknown, int known) {
        if (t == null || from < 0) {
            return -1;
        }
        for (int i = from; i < t.columns && i < known; i++) {
            if (i != t.ipk && !unknown.contains(i)) {
                return i;
            }
        }
        return -1;
    }

    private static List<Integer> maskFor(TableInfo t) {
        return t.ipk >= 0 ? List.of(t.ipk) : List.of();
    }

    private long tableHash(String table) {
        if (table == null) {
            return RowKeys.table(null);
        }
        if (table == lastTable) {
            return lastTableHash; // rows come table by table: the same name object as the row before
        }
        Long h = tableHashes.get(table);
        if (h == null) {
            h = RowKeys.table(table);
            tableHashes.put(table, h);
        }
        lastTable = table;
        lastTableHash = h;
        return h;
    }
}
