package dev.salvor.formats.sqlite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables the salvager attributes rows to: the stored tables of the schema, {@code sqlite_schema} itself (its
 * old versions and free space hold the CREATE statements of dropped objects), then tables recovered from carved
 * schema rows ({@link RecoveredTables}). Rows found outside any live tree are attributed by record shape.
 */
final class KnownTables {
    /** The schema table's own definition (fileformat2 2.6). */
    static final String SCHEMA_SQL = "CREATE TABLE sqlite_schema(type text, name text, tbl_name text, "
            + "rootpage integer, sql text)";

    private final List<TableInfo> stored = new ArrayList<>();
    /** Shape candidates, in the order attribution tries them. */
    private final List<TableInfo> all = new ArrayList<>();
    private final Map<Long, TableInfo> byRoot = new HashMap<>();
    private final TableInfo schemaTable;

    KnownTables(List<SchemaEntry> schema) {
        for (SchemaEntry e : schema) {
            if (e.isStoredTable()) {
                TableInfo t = new TableInfo(e);
                stored.add(t);
                all.add(t);
                byRoot.put(t.root, t);
            }
        }
        schemaTable = new TableInfo(new SchemaEntry("table", "sqlite_schema", "sqlite_schema", 1,
                SCHEMA_SQL, TableSchema.parse(SCHEMA_SQL)));
        schemaTable.profile[0] = 8;
        schemaTable.profile[1] = 8;
        schemaTable.profile[2] = 8;
        schemaTable.profile[3] = 2;
        schemaTable.profile[4] = 9;
        // the type column is 'table', 'index', 'view' or 'trigger': the sizes a lost first serial type can have
        // (a schema row shorter than 128 bytes loses it under a freeblock header)
        schemaTable.sizesSeen[0] = (1L << 4) | (1L << 5) | (1L << 7);
        schemaTable.liveRows = Math.max(1, schema.size());
        schemaTable.strictNulls = true;
        byRoot.put(1L, schemaTable);
    }

    /** The stored tables the schema names (the live trees), in schema order. */
    List<TableInfo> stored() {
        return Collections.unmodifiableList(stored);
    }

    /** Every shape candidate: the stored tables, then (once the live shapes are learnt) sqlite_schema and others. */
    List<TableInfo> all() {
        return Collections.unmodifiableList(all);
    }

    TableInfo schemaTable() {
        return schemaTable;
    }

    /** Makes {@code t} a shape candidate for rows found outside the live trees. */
    void addCandidate(TableInfo t) {
        all.add(t);
    }

    /** The live table whose tree has root {@code root} (root 1: sqlite_schema), or {@code null}. */
    TableInfo byRoot(Long root) {
        return root == null ? null : byRoot.get(root);
    }

    /** The only table of the right kind whose shape accepts {@code types}, or {@code null} (none, or ambiguous). */
    TableInfo attribute(long[] types, boolean tableLeaf) {
        TableInfo found = null;
        for (TableInfo t : all) {
            if (t.withoutRowid == tableLeaf) {
                continue;
            }
            if (t.matches(types, true)) {
                if (found != null) {
                    return null; // ambiguous: two tables have this shape
                }
                found = t;
            }
        }
        return found;
    }
}
