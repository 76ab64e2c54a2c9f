package dev.salvor.formats.sqlite;

/** What a salvaged record is to a reader: a row of a table, or an entry of an index b-tree. */
public enum RowKind {
    /** A row of a table (a rowid table's cell, or a WITHOUT ROWID table's index-b-tree record). */
    ROW("row"),
    /**
     * An entry of an index (not a row): its values are the indexed columns followed by the rowid of the table row
     * it points to ({@link SqliteRow#pointsTo()}). Found in index trees no schema names.
     */
    INDEX("index"),
    /**
     * A table row whose own cell was not found, rebuilt from the values of index entries pointing to its rowid: the
     * columns no index holds are unknown.
     */
    REBUILT_FROM_INDEX("rebuilt_from_index");

    private final String id;

    RowKind(String id) {
        this.id = id;
    }

    /** The name of this kind in JSON Lines output. */
    public String id() {
        return id;
    }
}
