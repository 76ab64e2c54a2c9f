package dev.salvor.formats.leveldb;

import java.util.Arrays;
import java.util.Objects;

/**
 * One logical record recovered from a log: a FULL fragment, or FIRST..LAST fragments joined.
 *
 * @param resource  the log's name
 * @param offset    file offset of the first fragment's header
 * @param length    bytes spanned in the file from {@code offset} through the end of the last fragment (headers and
 *                  any block trailers in between included)
 * @param payload   the record's bytes (a write batch or a version edit); the array is owned by the record
 * @param crcOk     true when every fragment's checksum verified. {@code false} only for a single FULL fragment whose
 *                  checksum failed but whose length fits its block: the bytes are delivered so the caller can decide
 *                  (they may be damaged anywhere, header included)
 * @param fragments number of physical records joined
 */
public record LogicalRecord(String resource, long offset, long length, byte[] payload, boolean crcOk, int fragments) {

    /** Checks that the required components are not null. */
    public LogicalRecord {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(payload, "payload");
    }

    /** File offset one past the last fragment. */
    public long end() {
        return offset + length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogicalRecord r && r.resource.equals(resource) && r.offset == offset
                && r.length == length && r.crcOk == crcOk && r.fragments == fragments
                && Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resource, offset, length, crcOk, fragments) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "LogicalRecord[" + resource + " @0x" + Long.toHexString(offset) + ", length=" + length + ", payload="
                + payload.length + " bytes, crcOk=" + crcOk + ", fragments=" + fragments + "]";
    }
}
