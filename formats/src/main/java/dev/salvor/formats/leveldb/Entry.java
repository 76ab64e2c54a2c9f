package dev.salvor.formats.leveldb;

import java.util.Arrays;
import java.util.Comparator;

/**
 * One physical copy of a key/value (or deletion marker) found in a log or a table, with where it came from.
 *
 * @param userKey       the user key
 * @param sequence      sequence number
 * @param type          value or deletion
 * @param value         the value (null for a deletion)
 * @param file          display name of the file
 * @param unit          the kind of unit it was read from (a log record or a table block)
 * @param offset        log: file offset of the record that holds the batch; table: file offset of the data block
 * @param offsetInBlock table: offset of the entry inside the (decompressed) block; log: index inside the batch
 * @param crcOk         false when the unit's checksum failed but the entry still parsed
 * @param level         the table's level in the MANIFEST's current version, or -1
 */
public record Entry(byte[] userKey, long sequence, ValueType type, byte[] value, String file, EntryUnit unit,
                    long offset, int offsetInBlock, boolean crcOk, int level) {

    /** LevelDB's internal key order for a bytewise comparator: user key ascending, then sequence descending. */
    public static final Comparator<Entry> INTERNAL_ORDER = (a, b) -> {
        int c = Arrays.compareUnsigned(a.userKey, b.userKey);
        return c != 0 ? c : sameKeyOrder(a, b);
    };

    /**
     * LevelDB's internal key order under {@code order}: user key ascending by that order, then sequence descending
     * (then type, file and offset, so that copies of one write keep a stable order).
     */
    public static Comparator<Entry> internalOrder(UserKeyOrder order) {
        if (order.bytewise()) {
            return INTERNAL_ORDER;
        }
        return (a, b) -> {
            int c = order.compare(a.userKey, b.userKey);
            return c != 0 ? c : sameKeyOrder(a, b);
        };
    }

    /** The order of two entries of one user key: newest sequence first, then type, file, offset. */
    private static int sameKeyOrder(Entry a, Entry b) {
        int c = Long.compare(b.sequence, a.sequence);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(b.type.code(), a.type.code());
        if (c != 0) {
            return c;
        }
        c = a.file.compareTo(b.file);
        return c != 0 ? c : Long.compare(a.offset, b.offset);
    }

    /** True when both are the same logical write (same key, sequence, type and value), e.g. a log and its flush. */
    public boolean sameWrite(Entry o) {
        return sequence == o.sequence && type == o.type && Arrays.equals(userKey, o.userKey)
                && Arrays.equals(value, o.value);
    }
}
