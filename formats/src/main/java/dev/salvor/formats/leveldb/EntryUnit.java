package dev.salvor.formats.leveldb;

/** The kind of unit a salvaged entry was read from. {@link #id()} is the name used in reports and records. */
public enum EntryUnit {
    /** A write batch in a write-ahead log record. */
    LOG("log"),
    /** A data block of a sorted table. */
    TABLE("table");

    private final String id;

    EntryUnit(String id) {
        this.id = id;
    }

    /** {@code log} or {@code table}. */
    public String id() {
        return id;
    }
}
