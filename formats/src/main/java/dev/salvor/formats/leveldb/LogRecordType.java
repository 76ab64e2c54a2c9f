package dev.salvor.formats.leveldb;

/**
 * The type byte of a physical log record (byte 6 of the header). See {@link LogFormat} for the layout.
 *
 * <p>LevelDB writes only {@link #FULL}, {@link #FIRST}, {@link #MIDDLE} and {@link #LAST}; {@link #ZERO} is reserved
 * for preallocated (zero-filled) regions. Types 5-8 are RocksDB's "recyclable" variants, whose header is 11 bytes
 * (a 4-byte log number follows the type byte); {@link LogReader} recognises and reports them but does not decode
 * them.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/db/log_format.h">leveldb db/log_format.h</a>
 */
public enum LogRecordType {
    /** Reserved for preallocated files: a header of seven zero bytes means "nothing written here". */
    ZERO(0),
    /** A whole logical record in one fragment. */
    FULL(1),
    /** The first fragment of a logical record split across blocks (may be empty). */
    FIRST(2),
    /** An interior fragment. */
    MIDDLE(3),
    /** The final fragment. */
    LAST(4),
    /** RocksDB: {@link #FULL} with an 11-byte header. */
    RECYCLABLE_FULL(5),
    /** RocksDB: {@link #FIRST} with an 11-byte header. */
    RECYCLABLE_FIRST(6),
    /** RocksDB: {@link #MIDDLE} with an 11-byte header. */
    RECYCLABLE_MIDDLE(7),
    /** RocksDB: {@link #LAST} with an 11-byte header. */
    RECYCLABLE_LAST(8);

    private static final LogRecordType[] BY_CODE = values();

    private final int code;

    LogRecordType(int code) {
        this.code = code;
    }

    /** The on-disk type byte. */
    public int code() {
        return code;
    }

    /** True for the RocksDB recyclable types (5-8), whose header is {@link LogFormat#RECYCLABLE_HEADER_SIZE} bytes. */
    public boolean recyclable() {
        return code >= RECYCLABLE_FULL.code;
    }

    /** Header size for this type: 7, or 11 for the recyclable types. */
    public int headerSize() {
        return recyclable() ? LogFormat.RECYCLABLE_HEADER_SIZE : LogFormat.HEADER_SIZE;
    }

    /** The type with this code, or {@code null} if the code is not defined. */
    public static LogRecordType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
