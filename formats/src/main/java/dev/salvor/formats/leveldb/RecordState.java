package dev.salvor.formats.leveldb;

/**
 * What a salvaged version of a key is, decided by sequence number among every version found ({@link Classifier}).
 * {@link #id()} is the name used in reports and records.
 */
public enum RecordState {
    /** The newest trusted version of its key, and a value: what LevelDB would return for the key. */
    LIVE("live"),
    /** A value hidden by a newer trusted version of its key. */
    SUPERSEDED("superseded"),
    /** A deletion marker that is the newest trusted version, or a value such a marker hid. */
    DELETED("deleted"),
    /** A version whose unit failed its checksum, with no newer trusted version to rank it against. */
    UNVERIFIED("unverified");

    private final String id;

    RecordState(String id) {
        this.id = id;
    }

    /** The lower-case name used in reports and records ({@code live}, {@code superseded}, ...). */
    public String id() {
        return id;
    }
}
