package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tables the live schema no longer (or never readably) names, recovered after the live-tree walk so that rows
 * outside the live trees can be attributed to them: dropped tables, from CREATE statements carved out of the schema
 * tree's free space, and inferred orphan tables, from the record shapes of unreachable pages when the schema or a
 * tree is damaged.
 */
final class RecoveredTables {
    private final SqliteDatabase db;
    private final PageOwners pages;
    private final KnownTables tables;
    private final FreeSpaceCarver carver;

    RecoveredTables(SqliteDatabase db, PageOwners pages, KnownTables tables, FreeSpaceCarver carver) {
        this.db = db;
        this.pages = pages;
        this.tables = tables;
        this.carver = carver;
    }

    /**
     * Tables that were dropped: CREATE TABLE statements carved from the free space of the schema tree's pages
     * whose name is not a live table, by their last root page. That root is known from the carved schema row, so a
     * free page with that number is attributed to them. They join the shape candidates for free pages.
     */
    Map<Long, TableInfo> dropped() {
        TableInfo schemaTable = tables.schemaTable();
        Map<Long, TableInfo> out = new HashMap<>();
        Set<String> liveNames = new HashSet<>();
        for (TableInfo t : tables.all()) {
            liveNames.add(t.name);
        }
        for (Map.Entry<Long, Long> e : pages.owners().entrySet()) {
            if (e.getValue() != 1L) {
                continue;
            }
            byte[] data = db.page(e.getKey());
            BtreePage page = data == null ? null
                    : BtreePage.parse(e.getKey(), data, db.usableSize(), db.main().name(), 0, DamageSink.IGNORE);
            if (page == null || page.type() != PageType.TABLE_LEAF) {
                continue;
            }
            List<FreeSpaceCarver.Carved> carved = new ArrayList<>();
            carver.enterPage();
            for (int[] fb : page.freeblocks()) {
                carved.addAll(carver.carve(data, fb[0], fb[0] + fb[1], true, schemaTable, true));
            }
            int[] un = page.unallocated();
            carved.addAll(carver.carve(data, un[0], un[0] + un[1], false, schemaTable, true));
            for (FreeSpaceCarver.Carved c : carved) {
                List<Object> v = c.record().values();
                if (v.size() < 5 || !"table".equals(v.get(0)) || !(v.get(1) instanceof String)
                        || !(v.get(3) instanceof Long) || !(v.get(4) instanceof String)
                        || liveNames.contains((String) v.get(1))) {
                    continue;
                }
                TableSchema ts = TableSchema.parse((String) v.get(4));
                long root = (Long) v.get(3);
                if (ts == null || root < 2 || root > db.pageCount() || out.containsKey(root)) {
                    continue;
                }
                TableInfo t = new TableInfo(new SchemaEntry("table", (String) v.get(1), (String) v.get(2), root,
                        (String) v.get(4), ts));
                out.put(root, t);
                tables.addCandidate(t);
                liveNames.add(t.name);
            }
        }
        return out;
    }

    /**
     * When the schema or a tree is damaged, table-leaf pages no tree reached and no known table's shape claims
     * are grouped by the root they hang from; each group becomes an inferred table {@code orphan_<root>} whose
     * shape (column count, storage classes, sizes; a first column that is NULL in every record is taken as a
     * rowid alias for carving, but its stored NULL is still shown) lets its free space be carved like a known
     * table's. Only groups whose records all have the same column count are inferred. Keyed by that root.
     */
    Map<Long, TableInfo> orphans(Freelist free) {
        Map<Long, List<long[]>> samples = new HashMap<>();
        for (long n = 1; n <= db.pageCount(); n++) {
            if (pages.owned(n) || free.trunks().contains(n) || free.leaves().contains(n) || pages.isOverflow(n)) {
                continue;
            }
            byte[] data = db.page(n);
            BtreePage page = data == null ? null : BtreePage.parse(n, data, db.usableSize(), db.mainAvailable(n),
                    db.main().name(), 0, DamageSink.IGNORE);
            if (page == null || page.type() != PageType.TABLE_LEAF) {
                continue;
            }
            for (Cell c : page.cells()) {
                try {
                    Record r = Record.decode(data, c.payloadOffset(), c.localSize(), c.payloadSize(),
                            db.encoding(), false);
                    if (tables.attribute(r.serialTypes(), true) == null) {
                        List<long[]> l = samples.computeIfAbsent(pages.treeRootOf(n), k -> new ArrayList<>());
                        if (l.size() < 4096) {
                            l.add(r.serialTypes());
                        }
                    }
                } catch (Malformed m) {
                    // not a record: skipped here, reported by the walk that reads it
                }
            }
        }
        Map<Long, TableInfo> out = new HashMap<>();
        for (Map.Entry<Long, List<long[]>> e : samples.entrySet()) {
            List<long[]> l = e.getValue();
            int cols = l.get(0).length;
            boolean sameCount = l.stream().allMatch(t -> t.length == cols);
            if (!sameCount || cols == 0) {
                continue;
            }
            boolean firstNull = l.size() >= 2 && l.stream().allMatch(t -> t[0] == 0);
            StringBuilder sql = new StringBuilder("CREATE TABLE orphan_" + e.getKey() + "(");
            for (int i = 0; i < cols; i++) {
                sql.append(i == 0 ? "" : ", ").append("c").append(i).append(i == 0 && firstNull
                        ? " INTEGER PRIMARY KEY" : "");
            }
            String ddl = sql.append(')').toString();
            TableInfo t = new TableInfo(new SchemaEntry("table", "orphan_" + e.getKey(), "orphan_" + e.getKey(),
                    e.getKey(), ddl, TableSchema.parse(ddl)));
            t.inferred = true;
            for (long[] types : l) {
                t.learn(types);
            }
            out.put(e.getKey(), t);
        }
        return out;
    }
}
