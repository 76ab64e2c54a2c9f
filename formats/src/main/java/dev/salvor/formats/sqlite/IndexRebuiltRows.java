package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Live rows whose own cells were lost with a damaged table tree, rebuilt from the entries of the table's indexes:
 * an entry of an index on a rowid table holds the indexed columns' values and the row's rowid (fileformat2 1.6), so
 * an entry of a live index whose rowid no row of the table was found for gives those columns of a row that was
 * live. The entries of every index of the table are merged per rowid (one row, not one partial row per index);
 * the columns no index holds are unknown, the rowid alias is the rowid; the row is marked
 * {@link RowKind#REBUILT_FROM_INDEX}. Only indexes whose CREATE INDEX names plain columns are used (an expression
 * index holds computed values, not columns). Run only when some tree was damaged, after every other row was
 * emitted ({@link RowEmission#emittedLive}).
 */
final class IndexRebuiltRows {
    /** Lost rows rebuilt per table at most (memory stays bounded whatever the index claims). */
    static final int MAX_ROWS = 1 << 16;
    /** Largest index entry used (its values are kept until the rows are emitted). */
    static final int MAX_ENTRY_PAYLOAD = 1 << 16;

    /** An index of a rowid table whose entries hold plain columns: their declared indexes in the table. */
    record IndexDef(SchemaEntry index, TableInfo table, int[] columns) {
    }

    /** The indexes the schema declares on {@code tables}' rowid tables with plain columns. */
    static List<IndexDef> of(List<SchemaEntry> schema, KnownTables tables) {
        Map<String, TableInfo> byName = new HashMap<>();
        for (TableInfo t : tables.stored()) {
            // a schema row may have lost its name (a NULL written over it): no index can name that table
            if (!t.withoutRowid && t.name != null) {
                byName.put(t.name.toLowerCase(Locale.ROOT), t);
            }
        }
        List<IndexDef> out = new ArrayList<>();
        for (SchemaEntry e : schema) {
            if (!"index".equals(e.type()) || e.rootPage() <= 0 || e.sql() == null || e.tableName() == null) {
                continue;
            }
            TableInfo t = byName.get(e.tableName().toLowerCase(Locale.ROOT));
            int[] cols = t == null ? null : columns(e.sql(), t.schema.columns());
            if (cols != null) {
                out.add(new IndexDef(e, t, cols));
            }
        }
        return out;
    }

    /**
     * The declared column indexes of {@code CREATE [UNIQUE] INDEX ... ON t(c [COLLATE x] [ASC|DESC], ...)}, or null
     * when an item is not a plain column of the table (an expression) or the statement does not parse.
     */
    static int[] columns(String sql, List<String> tableColumns) {
        List<String> tok = SqlTokens.tokenize(sql);
        int on = -1;
        for (int i = 0; i < tok.size(); i++) {
            if (tok.get(i).equalsIgnoreCase("ON")) {
                on = i;
                break;
            }
        }
        if (on < 0 || on + 2 >= tok.size() || !tok.get(on + 2).equals("(")) {
            return null;
        }
        List<Integer> cols = new ArrayList<>();
        List<String> item = new ArrayList<>();
        for (int i = on + 3; i < tok.size(); i++) {
            String x = tok.get(i);
            if (x.equals(",") || x.equals(")")) {
                int c = item.isEmpty() ? -1 : column(SqlTokens.unquote(item.get(0)), tableColumns);
                boolean plain = c >= 0 && (item.size() == 1 || modifiers(item));
                if (!plain) {
                    return null;
                }
                cols.add(c);
                item.clear();
                if (x.equals(")")) {
                    return cols.stream().mapToInt(Integer::intValue).toArray();
                }
            } else if (x.equals("(")) {
                return null; // a function call: an expression index
            } else {
                item.add(x);
            }
        }
        return null;
    }

    /** {@code c COLLATE name}, {@code c ASC}, {@code c DESC} or both. */
    private static boolean modifiers(List<String> item) {
        int i = 1;
        if (i + 1 < item.size() && item.get(i).equalsIgnoreCase("COLLATE")) {
            i += 2;
        }
        if (i < item.size() && (item.get(i).equalsIgnoreCase("ASC") || item.get(i).equalsIgnoreCase("DESC"))) {
            i++;
        }
        return i == item.size();
    }

    private static int column(String name, List<String> cols) {
        for (int i = 0; i < cols.size(); i++) {
            if (cols.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** A lost row being rebuilt: known values by declared column, and the first index cell it came from. */
    private static final class Partial {
        final Object[] values;
        final boolean[] known;
        final RowSite at;

        Partial(int columns, RowSite at) {
            this.values = new Object[columns];
            this.known = new boolean[columns];
            this.at = at;
        }
    }

    /**
     * Walks each index of {@code defs} through the current view and emits, per table, a row for every rowid its
     * entries name that no live row of the table was emitted with.
     */
    static void emit(SqliteDatabase db, List<IndexDef> defs, RowEmission rows) {
        Map<TableInfo, Map<Long, Partial>> lost = new HashMap<>();
        for (IndexDef d : defs) {
            TableInfo t = d.table();
            Map<Long, Partial> byRowid = lost.computeIfAbsent(t, k -> new TreeMap<>());
            BtreeWalker.walk(db, d.index().rootPage(), new HashMap<>(), DamageSink.IGNORE, (page, cell) -> {
                if (page.type().isTable() || cell.payloadSize() > MAX_ENTRY_PAYLOAD) {
                    return;
                }
                Record r;
                try {
                    OverflowChain.Result pl = OverflowChain.read(db, page.data(), cell, page.pageNumber(),
                            DamageSink.IGNORE);
                    r = Record.decode(pl.bytes(), 0, pl.available(), cell.payloadSize(), db.encoding(), false);
                } catch (Malformed m) {
                    return;
                }
                List<Object> v = r.values();
                if (!r.unknown().isEmpty() || v.size() != d.columns().length + 1
                        || !(v.get(v.size() - 1) instanceof Long rowid) || rows.emittedLive(t, rowid)) {
                    return;
                }
                Partial p = byRowid.get(rowid);
                if (p == null) {
                    if (byRowid.size() >= MAX_ROWS) {
                        return;
                    }
                    p = new Partial(t.columns, RowSite.current(db, page.pageNumber()).at(cell.offset()));
                    byRowid.put(rowid, p);
                }
                for (int i = 0; i < d.columns().length; i++) {
                    int c = d.columns()[i];
                    Object x = v.get(i);
                    if (x instanceof Long l && t.realAffinity[c]) {
                        x = l.doubleValue();
                    }
                    p.values[c] = x;
                    p.known[c] = true;
                }
            });
        }
        for (Map.Entry<TableInfo, Map<Long, Partial>> e : lost.entrySet()) {
            TableInfo t = e.getKey();
            for (Map.Entry<Long, Partial> row : e.getValue().entrySet()) {
                Partial p = row.getValue();
                List<Integer> unknown = new ArrayList<>();
                if (t.ipk >= 0) {
                    p.values[t.ipk] = row.getKey();
                    p.known[t.ipk] = true;
                }
                for (int c = 0; c < t.columns; c++) {
                    if (!p.known[c]) {
                        unknown.add(c);
                    }
                }
                rows.rebuilt(new FoundRow(t, t.name, row.getKey(), Arrays.asList(p.values), unknown, p.at,
                        RowKind.REBUILT_FROM_INDEX, null));
            }
        }
    }
}
