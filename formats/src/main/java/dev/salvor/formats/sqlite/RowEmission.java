package dev.salvor.formats.sqlite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The last step of every phase: a decoded record becomes a row in declared column order, goes through
 * {@link RowDeduplicator}, and is counted and handed to the caller together with the virtual-table row it implies.
 */
final class RowEmission implements NonLiveRows {
    private final RowDeduplicator dedup;
    private final VirtualTableRows virtualTables;
    private final Consumer<SqliteRow> out;
    private final long[] counts = new long[RowState.values().length];

    RowEmission(RowDeduplicator dedup, VirtualTableRows virtualTables, Consumer<SqliteRow> out) {
        this.dedup = dedup;
        this.virtualTables = virtualTables;
        this.out = out;
    }

    /**
     * A row of the live walk: emitted, and its keys marked for de-duplication. {@code r} is a record of table
     * {@code t}; {@code rowid} is {@code null} in a WITHOUT ROWID table.
     */
    void live(TableInfo t, Long rowid, Record r, RowSite at) {
        FoundRow row = found(t, t.name, rowid, r, r.unknown(), at);
        dedup.mark(row);
        deliver(row);
    }

    /**
     * A row of a non-live phase (pages outside the live trees, free space, history): its keys are collected in the
     * first pass; in the second it is emitted unless it duplicates a live or already emitted row.
     *
     * @param t             the table it is attributed to, or {@code null}
     * @param tableName     the name to report ({@code t}'s name, or a name for an unattributable tree, or null)
     * @param unknownStored stored (record) indexes of the values that could not be recovered
     */
    @Override
    public void nonLive(TableInfo t, String tableName, Long rowid, Record r, List<Integer> unknownStored,
                        RowSite at) {
        nonLive(found(t, tableName, rowid, r, unknownStored, at));
    }

    /**
     * A non-live row or index entry as {@link #nonLiveRow} or {@link #indexEntryRow} built it, possibly on another
     * thread ({@link PageRowBuffer}): handled exactly as {@link #nonLive(TableInfo, String, Long, Record, List,
     * RowSite)} or {@link #indexEntry} would have handled it.
     */
    void nonLive(FoundRow row) {
        if (memo != null && dedup.collecting()) {
            memo.add(row);
        }
        if (row.kind() == RowKind.INDEX) {
            if (dedup.collecting()) {
                dedup.touch(row.site().page());
                return;
            }
            indexEntries++;
            out.accept(row.toRow());
            return;
        }
        // One method per pass, so that the JIT compiles each pass's path on its own (a pass taking branches the
        // previous one never took would otherwise deoptimise and recompile the whole of it).
        if (dedup.collecting()) {
            dedup.collect(row);
        } else {
            emitNonLive(row);
        }
    }

    /** The row {@link #nonLive(TableInfo, String, Long, Record, List, RowSite)} handles: values in declared order. */
    static FoundRow nonLiveRow(TableInfo t, String tableName, Long rowid, Record r, List<Integer> unknownStored,
                               RowSite at) {
        return found(t, tableName, rowid, r, unknownStored, at);
    }

    /** The index entry {@link #indexEntry} handles. */
    static FoundRow indexEntryRow(String index, List<Object> values, SqliteRow.IndexTarget to, RowSite at) {
        return new FoundRow(null, index, null, values, List.of(), at, RowKind.INDEX, to);
    }

    /**
     * An entry of an index tree no schema names ({@link OrphanIndexTrees}): not a row, so neither de-duplicated nor
     * counted by state; emitted in the second pass with the row it points to.
     *
     * @param index  the index's name ({@code orphan_<root>} or a carved name)
     * @param values the entry's values, the indexed columns then the rowid
     * @param to     the table row it points to
     */
    @Override
    public void indexEntry(String index, List<Object> values, SqliteRow.IndexTarget to, RowSite at) {
        if (dedup.collecting() && memo == null) {
            dedup.touch(at.page()); // nothing to build: the first pass only learns that the page gave something
            return;
        }
        nonLive(indexEntryRow(index, values, to, at));
    }

    /**
     * From now on the non-live rows of the first pass are also recorded into {@code memo} (null: no longer), so that
     * the second pass can replay them ({@link NonLiveMemo}).
     */
    void memo(NonLiveMemo memo) {
        this.memo = memo;
    }

    private NonLiveMemo memo;

    /** Index entries emitted ({@link #indexEntry}). */
    long indexEntries() {
        return indexEntries;
    }

    private long indexEntries;

    private void emitNonLive(FoundRow row) {
        RowState state = dedup.admit(row);
        if (state != null) {
            deliver(state == row.state() ? row : row.as(state));
        }
    }

    /** The live rows of the R*Tree virtual tables, once the live walk has read their shadow tables. */
    void rtreeRows(String dbName) {
        virtualTables.rtreeRows(dbName, this::accept);
    }

    long count(RowState state) {
        return counts[state.ordinal()];
    }

    /**
     * From now on the rowids of the live rows of {@code tables} are kept, for {@link #emittedLive} (one long per
     * row of those tables).
     */
    /** Rowids tracked at most; past it tracking stops (no lost row is rebuilt) so memory stays bounded. */
    static final int MAX_TRACKED = 1 << 22;

    void track(java.util.Collection<TableInfo> tables) {
        tracked = new java.util.HashMap<>();
        for (TableInfo t : tables) {
            tracked.put(t, new LongHashSet());
        }
    }

    /**
     * Whether a live row of table {@code t} with {@code rowid} was emitted; true as well when {@code t} is not (or
     * no longer) tracked, so that nothing is rebuilt for it.
     */
    boolean emittedLive(TableInfo t, long rowid) {
        LongHashSet s = tracked == null ? null : tracked.get(t);
        return s == null || s.contains(rowid);
    }

    /** A live row rebuilt from index entries ({@link IndexRebuiltRows}): emitted as it is. */
    void rebuilt(FoundRow row) {
        deliver(row);
    }

    /** Rowids of the live rows emitted, per tracked table; null when nothing is tracked. */
    private java.util.Map<TableInfo, LongHashSet> tracked;
    private long trackedCount;

    private void deliver(FoundRow row) {
        if (tracked != null && row.rowid() != null && row.state() == RowState.LIVE) {
            LongHashSet s = tracked.get(row.table());
            if (s != null && s.add(row.rowid()) && ++trackedCount > MAX_TRACKED) {
                tracked = new java.util.HashMap<>(); // too many rows to keep: no lost row is rebuilt
            }
        }
        accept(row.toRow());
        SqliteRow implied = virtualTables.implied(row);
        if (implied != null) {
            accept(implied);
        }
    }

    private void accept(SqliteRow row) {
        counts[row.state().ordinal()]++;
        out.accept(row);
    }

    private static FoundRow found(TableInfo t, String tableName, Long rowid, Record r, List<Integer> unknownStored,
                                  RowSite at) {
        List<Integer> unknown = new ArrayList<>(0);
        List<Object> values = declared(t, rowid, r, unknownStored, unknown);
        return new FoundRow(t, tableName, rowid, values, unknown, at);
    }

    /**
     * The values of {@code r} in declared column order (REAL affinity applied, the rowid in its alias column);
     * the declared indexes of unknown values are added to {@code unknown}, sorted.
     */
    private static List<Object> declared(TableInfo t, Long rowid, Record r, List<Integer> unknownStored,
                                         List<Integer> unknown) {
        List<Object> stored = r.values();
        if (t == null) {
            unknown.addAll(unknownStored);
            Collections.sort(unknown);
            return new ArrayList<>(stored);
        }
        Object[] v = new Object[t.columns];
        List<Integer> order = t.storageOrder;
        for (int i = 0; i < stored.size() && i < order.size(); i++) {
            Object x = stored.get(i);
            int col = order.get(i);
            if (x instanceof Long && t.realAffinity[col]) {
                x = ((Long) x).doubleValue();
            }
            v[col] = x;
        }
        for (int i : unknownStored) {
            if (i < order.size()) {
                unknown.add(order.get(i));
            }
        }
        if (t.ipk >= 0 && t.inferred) {
            if (rowid == null && !unknown.contains(t.ipk)) {
                unknown.add(t.ipk); // an inferred alias: the stored NULL is kept, a lost rowid is unknown
            }
        } else if (t.ipk >= 0) {
            if (rowid != null) {
                v[t.ipk] = rowid;
                unknown.remove(Integer.valueOf(t.ipk));
            } else if (!unknown.contains(t.ipk)) {
                unknown.add(t.ipk);
            }
        }
        Collections.sort(unknown);
        return Arrays.asList(v);
    }
}
