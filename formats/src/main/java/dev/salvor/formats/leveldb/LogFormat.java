package dev.salvor.formats.leveldb;

/**
 * Constants of the LevelDB write-ahead log format, shared by {@code *.log} files and {@code MANIFEST-*} files.
 *
 * <p>A log is a sequence of {@value #BLOCK_SIZE}-byte blocks (the last one may be partial). Each block holds physical
 * records; a record never crosses a block boundary:
 *
 * <table>
 *   <caption>Physical record</caption>
 *   <tr><th>Offset</th><th>Size</th><th>Field</th></tr>
 *   <tr><td>0</td><td>4</td><td>masked CRC32C (little-endian) of the type byte followed by the payload</td></tr>
 *   <tr><td>4</td><td>2</td><td>payload length (little-endian, unsigned)</td></tr>
 *   <tr><td>6</td><td>1</td><td>type: 1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST (see {@link LogRecordType})</td></tr>
 *   <tr><td>7</td><td>length</td><td>payload</td></tr>
 * </table>
 *
 * <ul>
 *   <li>When fewer than {@value #HEADER_SIZE} bytes remain in a block, the writer fills them with zeros (the
 *       <em>trailer</em>) and continues in the next block.</li>
 *   <li>With exactly {@value #HEADER_SIZE} bytes left, the writer emits a FIRST fragment with an empty payload.</li>
 *   <li>A logical record is either one FULL fragment or FIRST, zero or more MIDDLE, then LAST.</li>
 *   <li>Type 0 with length 0 (seven zero bytes) marks a preallocated, never-written region: the reader skips to the
 *       next block, and a zero-filled tail is a normal end of file.</li>
 *   <li>RocksDB's recyclable types 5-8 insert a 4-byte log number after the type byte ({@value
 *       #RECYCLABLE_HEADER_SIZE}-byte header); their CRC covers type, log number and payload.</li>
 *   <li>The mask: rotate the CRC right by 15 bits and add {@code 0xa282ead8}
 *       ({@link dev.salvor.formats.core.Crc32c#mask}).</li>
 * </ul>
 *
 * <p>The payload of a logical record in a {@code .log} file is a {@link WriteBatch}; in a {@code MANIFEST} it is a
 * {@link VersionEdit}.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/log_format.md">leveldb doc/log_format.md</a>
 * @see <a href="https://github.com/google/leveldb/blob/main/db/log_writer.cc">leveldb db/log_writer.cc</a>
 */
public final class LogFormat {
    /** Size of a log block. */
    public static final int BLOCK_SIZE = 32768;
    /** Size of a LevelDB record header: CRC (4), length (2), type (1). */
    public static final int HEADER_SIZE = 7;
    /** Size of a RocksDB recyclable record header: CRC (4), length (2), type (1), log number (4). */
    public static final int RECYCLABLE_HEADER_SIZE = 11;
    /** Largest payload of one physical record (a whole block minus a header). */
    public static final int MAX_FRAGMENT_PAYLOAD = BLOCK_SIZE - HEADER_SIZE;
    /** Largest sequence number LevelDB can store (it shares 64 bits with the 8-bit value type). */
    public static final long MAX_SEQUENCE = (1L << 56) - 1;

    private LogFormat() {
    }

    /** File offset of the block containing {@code offset}. */
    public static long blockStart(long offset) {
        return offset - Math.floorMod(offset, (long) BLOCK_SIZE);
    }
}
