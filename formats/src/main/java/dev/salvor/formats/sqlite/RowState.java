package dev.salvor.formats.sqlite;

/**
 * What a salvaged row is to a reader of the database: still there, deleted, an older version of a row, or written by
 * a transaction that never committed.
 */
public enum RowState {
    /** Reachable from the current schema through the current view (WAL applied, hot journal rolled back). */
    LIVE("live"),
    /** Left in free space, a freelist page or an unreachable page: no live row has its rowid. */
    DELETED("deleted"),
    /** An older version: a page version the WAL replaced, or a carved row whose rowid is live with other values. */
    SUPERSEDED("superseded"),
    /** Written by a transaction that did not commit (WAL frames after the last commit, pages a hot journal restores). */
    UNCOMMITTED("uncommitted");

    private final String id;

    RowState(String id) {
        this.id = id;
    }

    /** The name of this state in reports and JSON Lines output. */
    public String id() {
        return id;
    }
}
