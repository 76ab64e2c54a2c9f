package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code sqlite_schema} (the table b-tree rooted at page 1) into {@link SchemaEntry}s and validates root pages:
 * a root of 0 for a table or index, 1, past the end, or shared by two entries is reported and the later entry is
 * not attributed (never two owners for one tree).
 */
final class SchemaReader {
    private SchemaReader() {
    }

    static List<SchemaEntry> read(SqliteDatabase db, Map<Long, Long> owner, DamageSink sink) {
        return read(db, owner, null, sink, (page, cell) -> { });
    }

    /** As above, recording parents and passing every schema cell to {@code also} (for overflow accounting). */
    static List<SchemaEntry> read(SqliteDatabase db, Map<Long, Long> owner, Map<Long, Long> parents, DamageSink sink,
                                  BtreeWalker.Visitor also) {
        List<SchemaEntry> out = new ArrayList<>();
        String res = db.main().name();
        BtreeWalker.walk(db, 1, owner, parents, sink, (page, cell) -> {
            also.cell(page, cell);
            if (!page.type().isTable()) {
                return;
            }
            try {
                OverflowChain.Result pl = OverflowChain.read(db, page.data(), cell, page.pageNumber(), sink);
                Record r = Record.decode(pl.bytes(), 0, pl.available(), cell.payloadSize(), db.encoding(), false);
                List<Object> v = r.values();
                if (v.size() < 5) {
                    sink.report(Damage.of(res, db.fileOffset(page.pageNumber()) + cell.offset(), cell.length(),
                            DamageKind.BAD_RECORD, "sqlite_schema row with " + v.size() + " columns (expected 5)"));
                    return;
                }
                String type = v.get(0) instanceof String ? (String) v.get(0) : null;
                String name = v.get(1) instanceof String ? (String) v.get(1) : null;
                String tbl = v.get(2) instanceof String ? (String) v.get(2) : null;
                long root = v.get(3) instanceof Long ? (Long) v.get(3) : 0;
                String sql = v.get(4) instanceof String ? (String) v.get(4) : null;
                TableSchema ts = "table".equals(type) ? TableSchema.parse(sql) : null;
                if (name == null) {
                    // SQLite refuses to open such a schema ("malformed database schema (?)"): the row is damaged.
                    // A table's CREATE statement still names it (SQLite itself takes the name from the statement
                    // when it builds its schema): its rows are attributed to that name, and its indexes find it.
                    String named = ts != null && ts.name() != null && !ts.name().isEmpty() ? ts.name() : null;
                    sink.report(new Damage(res, db.fileOffset(page.pageNumber()) + cell.offset(), cell.length(),
                            DamageKind.BAD_RECORD, "text", v.get(1) == null ? "NULL" : typeName(v.get(1)),
                            "name of the sqlite_schema row of " + (type == null ? "an object" : type)
                                    + " (rowid " + cell.rowid() + ")"
                                    + (named == null ? "" : "; named " + named + " after its CREATE statement")));
                    name = named;
                    tbl = tbl == null ? named : tbl;
                }
                out.add(new SchemaEntry(type, name, tbl, root, sql, ts));
            } catch (Malformed m) {
                sink.report(m.toDamage(res, db.fileOffset(page.pageNumber()) + cell.offset(), cell.length()));
            }
        });
        Map<Long, String> roots = new HashMap<>();
        List<SchemaEntry> checked = new ArrayList<>();
        for (SchemaEntry e : out) {
            boolean needsRoot = ("table".equals(e.type()) && e.table() != null) || "index".equals(e.type());
            if (!needsRoot) {
                checked.add(e);
                continue;
            }
            if (e.rootPage() < 2 || e.rootPage() > db.pageCount()) {
                if (!(e.rootPage() == 0 && e.sql() != null && e.sql().toUpperCase().contains("VIRTUAL"))) {
                    sink.report(new Damage(res, db.fileOffset(1), 0, DamageKind.BAD_POINTER, "2.." + db.pageCount(),
                            Long.toString(e.rootPage()), "root page of " + e.type() + " " + e.name()));
                }
                checked.add(new SchemaEntry(e.type(), e.name(), e.tableName(), 0, e.sql(), e.table()));
                continue;
            }
            String prev = roots.putIfAbsent(e.rootPage(), e.name());
            if (prev != null) {
                sink.report(Damage.of(res, db.fileOffset(1), 0, DamageKind.BAD_STRUCTURE, "root page "
                        + e.rootPage() + " claimed by both " + prev + " and " + e.name()));
                checked.add(new SchemaEntry(e.type(), e.name(), e.tableName(), 0, e.sql(), e.table()));
                continue;
            }
            checked.add(e);
        }
        return checked;
    }

    private static String typeName(Object v) {
        return v instanceof Long ? "integer" : v instanceof Double ? "real" : v instanceof byte[] ? "blob" : "text";
    }
}
