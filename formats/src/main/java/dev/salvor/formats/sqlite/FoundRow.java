package dev.salvor.formats.sqlite;

import java.util.Collections;
import java.util.List;

/**
 * A row as a phase found it, before de-duplication decides whether (and with which state) it is emitted.
 *
 * @param table     the table it was attributed to, {@code null} when none
 * @param tableName the table's name, or the name of an unattributable tree ({@code orphan_<root>}), or {@code null}
 * @param values    values in declared column order (REAL affinity applied, the rowid in its alias column)
 * @param unknown   declared indexes of the values that could not be recovered, sorted
 * @param kind      a table row, an index entry, or a row rebuilt from index entries
 * @param pointsTo  the row an index entry points to, else {@code null}
 */
record FoundRow(TableInfo table, String tableName, Long rowid, List<Object> values, List<Integer> unknown,
                RowSite site, RowKind kind, SqliteRow.IndexTarget pointsTo) {

    /** A table row. */
    FoundRow(TableInfo table, String tableName, Long rowid, List<Object> values, List<Integer> unknown,
             RowSite site) {
        this(table, tableName, rowid, values, unknown, site, RowKind.ROW, null);
    }

    RowState state() {
        return site.state();
    }

    FoundRow as(RowState state) {
        return new FoundRow(table, tableName, rowid, values, unknown, site.as(state), kind, pointsTo);
    }

    SqliteRow toRow() {
        return new SqliteRow(site.file(), tableName, rowid, Collections.unmodifiableList(values), site.state(),
                site.source(), site.page(), site.offset(), site.walFrame(), Collections.unmodifiableList(unknown),
                kind, pointsTo);
    }
}
