package dev.salvor.formats.leveldb;

/**
 * How {@link LevelDbLayout} decided a file's {@link FileRole}: by content that verifies, by name, or by name alone
 * because the content proves nothing. {@link #id()} is the explanation shown to users ({@code recognised_by}).
 */
public enum Recognition {
    /** The last 8 bytes are the table magic. */
    TABLE_MAGIC("table magic in footer"),
    /** {@code CURRENT}, by its name. */
    NAME("name"),
    /** {@code LOCK}, by its name and its being empty. */
    NAME_EMPTY("name, empty"),
    /** {@code LOG}/{@code LOG.old}: named like the info log and not log-format data. */
    NAME_TEXT("name, text"),
    /** The first physical log record's CRC verifies. */
    FIRST_RECORD("first log record verifies"),
    /** The footer is damaged but data blocks found by scanning verify. */
    DATA_BLOCKS("data blocks verify (footer damaged)"),
    /** The first record is damaged but later log records verify. */
    LATER_RECORDS("later log records verify (start damaged)"),
    /** Named like a LevelDB file, but nothing in its content verifies. */
    NAME_ONLY("name only: content does not verify"),
    /** Neither the name nor the content is LevelDB's. */
    NOT_RECOGNISED("not recognised");

    private final String id;

    Recognition(String id) {
        this.id = id;
    }

    /** The explanation shown to users. */
    public String id() {
        return id;
    }

    /** True when the content itself (a magic number or a checksum) proved the role. */
    public boolean byContent() {
        return this == TABLE_MAGIC || this == FIRST_RECORD || this == DATA_BLOCKS || this == LATER_RECORDS;
    }
}
