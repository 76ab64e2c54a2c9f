package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The check that every entry of an index of a rowid table points to a row: an index record is the indexed columns
 * followed by the rowid of its row (fileformat2 1.6), so an entry whose rowid no leaf cell of the table holds
 * points to no row — damage of the table tree (a lost page) or of the index (what {@code PRAGMA integrity_check}
 * reports as "row missing from index" the other way round). Indexes of WITHOUT ROWID tables end with the table's
 * key instead, and are not checked here.
 *
 * <p>Fed during the checker's walks (table rowids, index entries' last values, in any schema order), judged at
 * the end. At most {@value #REPORTED} entries per index are reported one by one, the rest in one damage with
 * their count. Memory: one long per row of an indexed table, two per index entry.
 */
final class IndexRowCheck {
    /** Entries pointing to no row reported one by one per index. */
    static final int REPORTED = 20;
    /**
     * Rows per table and entries per index kept at most (about 16 and 16 bytes each): an index or table beyond it
     * is not checked this way (the entry count check still compares it), so memory stays bounded.
     */
    static final int MAX_KEPT = 1 << 22;
    /** Tables or indexes that went past {@link #MAX_KEPT}. */
    private final Set<String> unchecked = new HashSet<>();
    private final Map<String, Integer> rowCounts = new HashMap<>();

    private final SqliteDatabase db;
    /** Rowid tables some index covers: table name to their rowids. */
    private final Map<String, LongHashSet> rowids = new HashMap<>();
    /** Index name to its table's name. */
    private final Map<String, String> tableOf = new HashMap<>();
    /** Index name to its entries' rowids and file offsets, in walk order. */
    private final Map<String, long[][]> entries = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();
    /** Tables whose own tree walk reported damage (see {@link #treeDamaged}). */
    private final Set<String> damagedTrees = new HashSet<>();

    IndexRowCheck(SqliteDatabase db, List<SchemaEntry> schema) {
        this.db = db;
        Set<String> rowidTables = new HashSet<>();
        for (SchemaEntry e : schema) {
            if (e.isStoredTable() && e.table() != null && !e.table().withoutRowid()) {
                rowidTables.add(e.name());
            }
        }
        for (SchemaEntry e : schema) {
            if ("index".equals(e.type()) && e.rootPage() > 0 && e.tableName() != null
                    && rowidTables.contains(e.tableName())) {
                tableOf.put(e.name(), e.tableName());
                rowids.computeIfAbsent(e.tableName(), k -> new LongHashSet());
            }
        }
    }

    /** Whether table {@code name}'s walk must feed its rowids. */
    boolean wantsRows(String table) {
        return rowids.containsKey(table);
    }

    /** Whether index {@code name}'s walk must feed its entries. */
    boolean wantsEntries(String index) {
        return tableOf.containsKey(index);
    }

    /** A cell of a table leaf page of {@code table}. */
    void row(String table, BtreePage page, Cell cell) {
        if (page.type() == PageType.TABLE_LEAF && !unchecked.contains(table)) {
            int n = rowCounts.merge(table, 1, Integer::sum);
            if (n > MAX_KEPT) {
                unchecked.add(table);
                rowids.put(table, new LongHashSet()); // the memory goes; its indexes are not checked
            } else {
                rowids.get(table).add(cell.rowid());
            }
        }
    }

    /** A cell of index {@code index}: its last value is the rowid it points to (an unreadable cell is skipped). */
    void entry(String index, BtreePage page, Cell cell) {
        if (page.type().isTable()) {
            return; // a table page in an index tree: the walker reports it
        }
        long rowid;
        try {
            OverflowChain.Result pl = OverflowChain.read(db, page.data(), cell, page.pageNumber(), DamageSink.IGNORE);
            Record r = Record.decode(pl.bytes(), 0, pl.available(), cell.payloadSize(), db.encoding(), false);
            List<Object> v = r.values();
            if (v.isEmpty() || !(v.get(v.size() - 1) instanceof Long last)) {
                return; // the walk reports a record it cannot read; a non-integer rowid cannot be looked up
            }
            rowid = last;
        } catch (Malformed m) {
            return;
        }
        int n = counts.getOrDefault(index, 0);
        if (n >= MAX_KEPT || unchecked.contains(index)) {
            unchecked.add(index);
            entries.remove(index);
            return;
        }
        long[][] e = entries.computeIfAbsent(index, k -> new long[2][64]);
        if (n == e[0].length) {
            e[0] = java.util.Arrays.copyOf(e[0], n * 2);
            e[1] = java.util.Arrays.copyOf(e[1], n * 2);
        }
        e[0][n] = rowid;
        e[1][n] = db.fileOffset(page.pageNumber()) + cell.offset();
        counts.put(index, n + 1);
    }

    /**
     * Marks a table whose tree walk reported damage: an entry pointing to none of its readable rows then most likely
     * names a row on a page the tree lost, not a row that never was, and the damage says so.
     */
    void treeDamaged(String table) {
        damagedTrees.add(table);
    }

    /** Reports every entry that points to no row of its table. */
    void report(DamageSink sink) {
        for (Map.Entry<String, long[][]> ix : entries.entrySet()) {
            String index = ix.getKey();
            String table = tableOf.get(index);
            if (unchecked.contains(table) || unchecked.contains(index)) {
                continue;
            }
            LongHashSet rows = rowids.get(table);
            long[][] e = ix.getValue();
            int n = counts.get(index);
            String why = damagedTrees.contains(table)
                    ? " (not among the readable rows: the table's b-tree is damaged, the row may be on a lost page)"
                    : " (no such row)";
            int missing = 0;
            for (int i = 0; i < n; i++) {
                if (rows.contains(e[0][i])) {
                    continue;
                }
                if (++missing <= REPORTED) {
                    sink.report(new Damage(db.main().name(), e[1][i], 0, DamageKind.BAD_STRUCTURE,
                            "a row of table " + table, "rowid " + e[0][i] + why,
                            "entry of index " + index + " points to no row"));
                }
            }
            if (missing > REPORTED) {
                sink.report(new Damage(db.main().name(), -1, 0, DamageKind.BAD_STRUCTURE, "0",
                        Long.toString(missing - REPORTED), "more entries of index " + index
                        + " pointing to no row of table " + table + " (not listed one by one)"));
            }
        }
    }
}
