package dev.salvor.formats.sqlite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Rows of virtual tables as a reader sees them. A virtual table stores nothing itself: FTS3/4 keeps each document in
 * its {@code <name>_content} shadow table, R*Tree keeps its cells in the {@code <name>_node} blobs and the node of
 * each rowid in {@code <name>_rowid}. The shadow rows are read by the other phases; this one turns them into rows of
 * the virtual table.
 */
final class VirtualTableRows {
    private final Map<String, VirtualTable> ftsByContent = new HashMap<>();
    private final Map<String, VirtualTable> rtreeByShadow = new HashMap<>();
    /** Live R*Tree node blobs by node number, per R*Tree. */
    private final Map<String, Map<Long, byte[]>> rtreeNodes = new HashMap<>();
    /** Live R*Tree rowids: their node number, and the page and offset of the _rowid row, per R*Tree. */
    private final Map<String, Map<Long, long[]>> rtreeRowids = new HashMap<>();

    /** The virtual tables the schema declares ({@code CREATE VIRTUAL TABLE ... USING fts3/fts4/rtree}). */
    VirtualTableRows(List<SchemaEntry> schema) {
        for (SchemaEntry e : schema) {
            VirtualTable v = "table".equals(e.type()) ? VirtualTable.parse(e.sql()) : null;
            if (v != null && v.isFts()) {
                ftsByContent.put(v.name() + "_content", v);
            } else if (v != null && v.isRtree()) {
                rtreeByShadow.put(v.name() + "_node", v);
                rtreeByShadow.put(v.name() + "_rowid", v);
            }
        }
    }

    /**
     * The FTS row an FTS content row implies (rowid = docid, values without it; same state, source and site), or
     * {@code null}. Live R*Tree shadow rows are kept for {@link #rtreeRows}.
     */
    SqliteRow implied(FoundRow row) {
        String tname = row.tableName();
        if (tname == null) {
            return null;
        }
        List<Object> values = row.values();
        VirtualTable fts = ftsByContent.get(tname);
        if (fts != null && values.size() >= 1) {
            Object docid = values.get(0);
            Long id = docid instanceof Long ? (Long) docid : row.rowid();
            List<Integer> unk = new ArrayList<>();
            for (int u : row.unknown()) {
                if (u > 0) {
                    unk.add(u - 1);
                }
            }
            RowSite at = row.site();
            return new SqliteRow(at.file(), fts.name(), id, Collections.unmodifiableList(new ArrayList<>(
                    values.subList(1, values.size()))), at.state(), at.source(), at.page(), at.offset(), at.walFrame(),
                    Collections.unmodifiableList(unk));
        }
        VirtualTable rt = rtreeByShadow.get(tname);
        if (rt != null && row.state() == RowState.LIVE && values.size() >= 2 && values.get(0) instanceof Long) {
            if (tname.endsWith("_node") && values.get(1) instanceof byte[]) {
                rtreeNodes.computeIfAbsent(rt.name(), k -> new HashMap<>()).put((Long) values.get(0),
                        (byte[]) values.get(1));
            } else if (tname.endsWith("_rowid") && values.get(1) instanceof Long) {
                rtreeRowids.computeIfAbsent(rt.name(), k -> new HashMap<>()).put((Long) values.get(0),
                        new long[] {(Long) values.get(1), row.site().page(), row.site().offset()});
            }
        }
        return null;
    }

    /**
     * The live rows of every R*Tree (after the live walk): each rowid's cell, found in the node its _rowid entry
     * names, in rowid order; the page and offset are those of the _rowid row.
     */
    void rtreeRows(String dbName, Consumer<SqliteRow> out) {
        for (Map.Entry<String, Map<Long, long[]>> e : rtreeRowids.entrySet()) {
            VirtualTable rt = rtreeByShadow.get(e.getKey() + "_rowid");
            Map<Long, byte[]> nodes = rtreeNodes.getOrDefault(e.getKey(), Map.of());
            for (Map.Entry<Long, long[]> r : new TreeMap<>(e.getValue()).entrySet()) {
                Object[] v = rt.rtreeCell(nodes.get(r.getValue()[0]), r.getKey());
                if (v != null) {
                    out.accept(new SqliteRow(dbName, rt.name(), r.getKey(), Collections.unmodifiableList(
                            Arrays.asList(v)), RowState.LIVE, RowSource.BTREE, r.getValue()[1], r.getValue()[2], null,
                            List.of()));
                }
            }
        }
    }
}
