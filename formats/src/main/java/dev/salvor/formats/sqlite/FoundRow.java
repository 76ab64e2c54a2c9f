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
 */
record FoundRow(TableInfo table, String tableName, Long rowid, List<Object> values, List<Integer> unknown,
                RowSite site) {

    RowState state() {
        return site.state();
    }

    FoundRow as(RowState state) {
        return new FoundRow(table, tableName, rowid, values, unknown, site.as(state));
    }

    SqliteRow toRow() {
        return new SqliteRow(site.file(), tableName, rowid, Collections.unmodifiableList(values), site.state(),
                site.source(), site.page(), site.offset(), site.walFrame(), Collections.unmodifiableList(unknown));
    }
}
