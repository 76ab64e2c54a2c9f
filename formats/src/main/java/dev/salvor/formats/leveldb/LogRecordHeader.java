package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Crc32c;

/**
 * The one test of whether a physical log record starts at an offset (layout in {@link LogFormat}): its type byte is
 * a data type, the whole record (header and payload) ends by a given end (the end of its block, or of the bytes at
 * hand), and the masked CRC-32C in the header matches the type byte and everything after it (a recyclable record's
 * log number, then the payload). Used to recognise a log or MANIFEST by its first record, to resynchronise a reader
 * after damage, and to find logs in a raw image.
 *
 * <p>The type byte alone is a weak signature (4 or 8 of 256 values); the 32-bit CRC makes a random match about one in
 * four billion, so a verified header is trusted as the start of a record.
 */
public final class LogRecordHeader {

    private LogRecordHeader() {
    }

    /**
     * The offset just after the physical record at {@code b[at]}, or -1 unless at least a header's bytes lie before
     * {@code end}, the type is FULL, FIRST, MIDDLE or LAST (also RocksDB's recyclable 5..8 when {@code recyclable};
     * never the zero type of preallocated space), the record ends at or before {@code end}, and its CRC verifies.
     */
    public static int verifiedEnd(byte[] b, int at, int end, boolean recyclable) {
        if (end - at < LogFormat.HEADER_SIZE) {
            return -1;
        }
        int hs = headerSize(b[at + 6] & 0xff, recyclable);
        int len = length(b, at);
        if (hs < 0 || (long) at + hs + len > end) {
            return -1;
        }
        int crc = Crc32c.ofTypeThenData(b[at + 6], b, at + LogFormat.HEADER_SIZE, hs - LogFormat.HEADER_SIZE + len);
        return Crc32c.mask(crc) == ByteCursor.getFixed32(b, at) ? at + hs + len : -1;
    }

    /**
     * {@link #verifiedEnd(byte[], int, int, boolean)} for a record at offset {@code at} of {@code source}: reads the
     * header, then checks the CRC over a view of the payload (no copy of it).
     */
    public static long verifiedEnd(ByteSource source, long at, long end, boolean recyclable) {
        if (end - at < LogFormat.HEADER_SIZE) {
            return -1;
        }
        byte[] h = source.read(at, LogFormat.HEADER_SIZE);
        int hs = headerSize(h[6] & 0xff, recyclable);
        int len = length(h, 0);
        if (hs < 0 || at + hs + len > end) {
            return -1;
        }
        int crc = Crc32c.ofTypeThenData(h[6], source.view(at + LogFormat.HEADER_SIZE,
                hs - LogFormat.HEADER_SIZE + len));
        return Crc32c.mask(crc) == ByteCursor.getFixed32(h, 0) ? at + hs + len : -1;
    }

    /** The header size of a record of type {@code code}: 7 for types 1..4, 11 for 5..8 if accepted, else -1. */
    private static int headerSize(int code, boolean recyclable) {
        if (code >= LogRecordType.FULL.code() && code <= LogRecordType.LAST.code()) {
            return LogFormat.HEADER_SIZE;
        }
        if (recyclable && code >= LogRecordType.RECYCLABLE_FULL.code()
                && code <= LogRecordType.RECYCLABLE_LAST.code()) {
            return LogFormat.RECYCLABLE_HEADER_SIZE;
        }
        return -1;
    }

    /** The payload length: bytes 4..5 of the header, little-endian. */
    private static int length(byte[] b, int at) {
        return (b[at + 4] & 0xff) | (b[at + 5] & 0xff) << 8;
    }
}
