package dev.salvor.formats.leveldb;

/** What a file in a LevelDB directory is, decided by content first and by name only when the content is damaged. */
public enum FileRole {
    /** Write-ahead log ({@code NNNNNN.log}): log format, records are write batches. */
    LOG("log"),
    /** {@code MANIFEST-NNNNNN}: log format, records are version edits. */
    MANIFEST("manifest"),
    /** Sorted table ({@code NNNNNN.ldb} / {@code .sst}). */
    TABLE("table"),
    /** {@code CURRENT}: names the live MANIFEST. */
    CURRENT("current"),
    /** {@code LOG}/{@code LOG.old}: the engine's human-readable info log (no data). */
    INFO_LOG("info-log"),
    /** {@code LOCK}: empty lock file. */
    LOCK("lock"),
    /** Anything else: not LevelDB data. */
    OTHER("other");

    private final String id;

    FileRole(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** True for the roles whose content holds keys and values or database metadata. */
    public boolean holdsData() {
        return this == LOG || this == MANIFEST || this == TABLE;
    }
}
