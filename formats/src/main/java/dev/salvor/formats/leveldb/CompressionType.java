package dev.salvor.formats.leveldb;

/**
 * How a block's bytes are compressed, as named by the trailer's type byte ({@code include/leveldb/options.h}).
 *
 * <p>Type ids collide between LevelDB and its forks, so a reader checks the payload rather than trusting the id:
 *
 * <table>
 * <caption>type byte interpretation</caption>
 * <tr><th>id</th><th>LevelDB</th><th>forks</th><th>salvor decodes as</th></tr>
 * <tr><td>0</td><td>none</td><td>none</td><td>{@link #NONE}</td></tr>
 * <tr><td>1</td><td>Snappy</td><td>Snappy</td><td>{@link #SNAPPY}</td></tr>
 * <tr><td>2</td><td>zstd (1.23+)</td><td>RocksDB / Mojang: zlib</td><td>{@link #ZSTD} if the payload starts with
 *     the zstd magic {@code 28 b5 2f fd}; {@link #ZLIB} if it has a zlib header; else decompress-failed</td></tr>
 * <tr><td>3</td><td>-</td><td>RocksDB bzip2</td><td>zstd/zlib by payload magic, else unknown-compression</td></tr>
 * <tr><td>4</td><td>-</td><td>Mojang raw deflate; RocksDB LZ4</td><td>{@link #ZLIB_RAW} (LZ4 unsupported)</td></tr>
 * <tr><td>7</td><td>-</td><td>RocksDB zstd</td><td>{@link #ZSTD} by payload magic</td></tr>
 * <tr><td>other</td><td colspan="3">unknown-compression</td></tr>
 * </table>
 */
public enum CompressionType {
    /** Stored as is. */
    NONE(0),
    /** Snappy raw format with a varint32 length preamble. */
    SNAPPY(1),
    /** A zstd frame (LevelDB 1.23+ id 2; RocksDB id 7). */
    ZSTD(2),
    /** An RFC 1950 zlib stream (RocksDB and Mojang id 2). */
    ZLIB(2),
    /** A raw RFC 1951 deflate stream (Mojang id 4). */
    ZLIB_RAW(4),
    /** An id no supported format assigns. */
    UNKNOWN(-1);

    private final int code;

    CompressionType(int code) {
        this.code = code;
    }

    /** The id a writer of this codec stores in the trailer ({@code -1} for {@link #UNKNOWN}). */
    public int code() {
        return code;
    }

    /**
     * The nominal codec for a trailer type id, before the payload is checked: 0 none, 1 Snappy, 2 and 7 zstd,
     * 4 raw deflate; anything else {@link #UNKNOWN}.
     */
    public static CompressionType forId(int id) {
        switch (id) {
            case 0:
                return NONE;
            case 1:
                return SNAPPY;
            case 2:
            case 7:
                return ZSTD;
            case 4:
                return ZLIB_RAW;
            default:
                return UNKNOWN;
        }
    }

    /** Whether a trailer type byte is one a known writer produces (the block scanner only tries these). */
    static boolean isPlausibleId(int id) {
        return id >= 0 && id <= 4 || id == 7;
    }
}
