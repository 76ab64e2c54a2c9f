package dev.salvor.formats.sqlite;

/** Where in the files the bytes of a salvaged row were found. */
public enum RowSource {
    /** A cell of a b-tree page of the main file. */
    BTREE("btree"),
    /** A freeblock of a b-tree page (its first 4 bytes were overwritten by the freeblock header and are rebuilt). */
    FREEBLOCK("freeblock"),
    /** The unallocated gap between a page's cell pointer array and its cell content, or a page nothing reaches. */
    UNALLOCATED("unallocated"),
    /** A page on the freelist (leaf or trunk). */
    FREELIST("freelist"),
    /** A frame of the write-ahead log. */
    WAL("wal"),
    /** A page image of the rollback journal. */
    JOURNAL("journal");

    private final String id;

    RowSource(String id) {
        this.id = id;
    }

    /** The name of this source in reports and JSON Lines output. */
    public String id() {
        return id;
    }
}
