package dev.salvor.formats.sqlite;

import java.util.List;

/**
 * Where {@link PageRows} sends what it finds on a page version outside the live trees: {@link RowEmission} itself
 * (de-duplicated and emitted at once), or a {@link PageRowBuffer} that keeps one page's findings for the thread that
 * emits them in page order ({@link OrderedPages}).
 */
interface NonLiveRows {
    /**
     * A row of a non-live phase.
     *
     * @param t             the table it is attributed to, or {@code null}
     * @param tableName     the name to report ({@code t}'s name, or a name for an unattributable tree, or null)
     * @param unknownStored stored (record) indexes of the values that could not be recovered
     */
    void nonLive(TableInfo t, String tableName, Long rowid, Record r, List<Integer> unknownStored, RowSite at);

    /**
     * An entry of an index tree no schema names ({@link OrphanIndexTrees}): the index's name, the entry's values (the
     * indexed columns then the rowid) and the table row it points to.
     */
    void indexEntry(String index, List<Object> values, SqliteRow.IndexTarget to, RowSite at);
}
