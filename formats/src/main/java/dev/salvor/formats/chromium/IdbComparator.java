package dev.salvor.formats.chromium;

import dev.salvor.formats.core.Malformed;
import dev.salvor.formats.leveldb.UserKeyOrder;

import java.util.Arrays;

/**
 * {@code idb_cmp1}: the order of the keys of Chromium's IndexedDB LevelDB databases ({@code indexed_db::Compare} in
 * {@code indexed_db_leveldb_coding.cc}), so that salvor's checker verifies these tables' order and salvage's merge
 * groups a key's versions as the browser's LevelDB did.
 *
 * <p>Keys compare by {@link KeyPrefix} (database id, object store id, index id, numerically), then by what the prefix
 * says follows: a metadata type byte and its fields (ids numerically, names by UTF-16 code unit), or IndexedDB keys
 * ({@link IdbKey#compare}'s order, compared on the encoded bytes without building them); index keys by index key,
 * then primary key, then sequence number.
 *
 * <p>Where Chromium's comparator gives up (a key that does not decode: it returns "equal"), this one stays a total
 * order: a key whose prefix does not decode sorts after every key whose prefix does, and a suffix that does not
 * decode is compared bytewise with its peer's suffix. Keys Chromium calls equal compare 0 here too, whatever their
 * bytes (simple metadata keys followed by extra bytes; the numbers −0 and +0, which Chromium encodes as different
 * doubles): to the browser's LevelDB they are one key, the newer version shadowing the older, and salvage groups them
 * so ({@link UserKeyOrder#sameKey}).
 */
public final class IdbComparator implements UserKeyOrder {
    /** The comparator name Chromium records in the MANIFEST. */
    public static final String NAME = "idb_cmp1";
    /** The one instance (stateless). */
    public static final IdbComparator INSTANCE = new IdbComparator();

    private IdbComparator() {
    }

    @Override
    public String comparatorName() {
        return NAME;
    }

    @Override
    public int compare(byte[] a, byte[] b) {
        return compare(a, a.length, b, b.length);
    }

    /** Compares the keys {@code a[0, aLength)} and {@code b[0, bLength)} in place. */
    @Override
    public int compare(byte[] a, int aLength, byte[] b, int bLength) {
        IdbReader ra = new IdbReader(a, 0, aLength);
        IdbReader rb = new IdbReader(b, 0, bLength);
        KeyPrefix pa;
        KeyPrefix pb;
        try {
            pa = KeyPrefix.decode(ra);
        } catch (Malformed e) {
            pa = null;
        }
        try {
            pb = KeyPrefix.decode(rb);
        } catch (Malformed e) {
            pb = null;
        }
        if (pa == null || pb == null) {
            // Undecodable prefixes sort after every decodable one, bytewise among themselves.
            return pa == null && pb == null ? Arrays.compareUnsigned(a, 0, aLength, b, 0, bLength) : pa == null ? 1 : -1;
        }
        int c = pa.compareTo(pb);
        if (c != 0) {
            return c;
        }
        int suffixA = ra.position();
        int suffixB = rb.position();
        try {
            c = compareSuffix(pa.type(), ra, rb);
        } catch (Malformed e) {
            c = Arrays.compareUnsigned(a, suffixA, aLength, b, suffixB, bLength);
        }
        return c;
    }

    private static int compareSuffix(KeyPrefix.Type type, IdbReader a, IdbReader b) {
        switch (type) {
            case GLOBAL_METADATA:
                return global(a, b);
            case DATABASE_METADATA:
                return database(a, b);
            case OBJECT_STORE_DATA:
            case EXISTS_ENTRY:
            case BLOB_ENTRY:
                if (!a.hasRemaining() || !b.hasRemaining()) {
                    return Integer.compare(a.remaining(), b.remaining());
                }
                return compareKeys(a, b, 0);
            case INDEX_DATA:
                return index(a, b);
            default:
                return rest(a, b);
        }
    }

    private static int global(IdbReader a, IdbReader b) {
        if (!a.hasRemaining() || !b.hasRemaining()) {
            return Integer.compare(a.remaining(), b.remaining());
        }
        int ta = a.readByte();
        int tb = b.readByte();
        if (ta != tb) {
            return Integer.compare(ta, tb);
        }
        switch (ta) {
            case IdbRecordKey.DATABASE_FREE_LIST_BYTE:
                return Long.compare(a.readVarint(), b.readVarint());
            case IdbRecordKey.DATABASE_NAME_BYTE: {
                int c = compareStringWithLength(a, b);
                return c != 0 ? c : compareStringWithLength(a, b);
            }
            default:
                // Simple metadata (Chromium: equal), scopes keys (Chromium: bytewise) and unknown types: bytewise.
                return rest(a, b);
        }
    }

    private static int database(IdbReader a, IdbReader b) {
        if (!a.hasRemaining() || !b.hasRemaining()) {
            return Integer.compare(a.remaining(), b.remaining());
        }
        int ta = a.readByte();
        int tb = b.readByte();
        if (ta != tb) {
            return Integer.compare(ta, tb);
        }
        int c;
        switch (ta) {
            case IdbRecordKey.OBJECT_STORE_META_BYTE:
                c = Long.compare(a.readVarint(), b.readVarint());
                return c != 0 ? c : Integer.compare(a.readByte(), b.readByte());
            case IdbRecordKey.INDEX_META_BYTE:
                c = Long.compare(a.readVarint(), b.readVarint());
                if (c != 0) {
                    return c;
                }
                c = Long.compare(a.readVarint(), b.readVarint());
                return c != 0 ? c : Integer.compare(a.readByte(), b.readByte());
            case IdbRecordKey.OBJECT_STORE_FREE_LIST_BYTE:
                return Long.compare(a.readVarint(), b.readVarint());
            case IdbRecordKey.INDEX_FREE_LIST_BYTE:
                c = Long.compare(a.readVarint(), b.readVarint());
                return c != 0 ? c : Long.compare(a.readVarint(), b.readVarint());
            case IdbRecordKey.OBJECT_STORE_NAMES_BYTE:
                return compareStringWithLength(a, b);
            case IdbRecordKey.INDEX_NAMES_BYTE:
                c = Long.compare(a.readVarint(), b.readVarint());
                return c != 0 ? c : compareStringWithLength(a, b);
            default:
                return rest(a, b);
        }
    }

    private static int index(IdbReader a, IdbReader b) {
        if (!a.hasRemaining() || !b.hasRemaining()) {
            return Integer.compare(a.remaining(), b.remaining());
        }
        int c = compareKeys(a, b, 0);
        if (c != 0) {
            return c;
        }
        long seqA = a.hasRemaining() ? a.readVarint() : -1;
        long seqB = b.hasRemaining() ? b.readVarint() : -1;
        if (!a.hasRemaining() || !b.hasRemaining()) {
            return Integer.compare(a.remaining(), b.remaining());
        }
        c = compareKeys(a, b, 0);
        return c != 0 ? c : Long.compare(seqA, seqB);
    }

    /** Chromium's key type order on type bytes: MinKey, number, date, string, binary, array, then none (0). */
    private static int rank(IdbReader in, int type) {
        switch (type) {
            case IndexedDbKeyDecoder.MIN_KEY:
                return 0;
            case IndexedDbKeyDecoder.NUMBER:
                return 1;
            case IndexedDbKeyDecoder.DATE:
                return 2;
            case IndexedDbKeyDecoder.STRING:
                return 3;
            case IndexedDbKeyDecoder.BINARY:
                return 4;
            case IndexedDbKeyDecoder.ARRAY:
                return 5;
            case IndexedDbKeyDecoder.NONE:
                return 6;
            default:
                throw in.malformed("IndexedDB key type byte: actual=" + type + " vs expected=0..6");
        }
    }

    /** Compares two encoded IndexedDB keys in place, advancing both readers past them. */
    static int compareKeys(IdbReader a, IdbReader b, int depth) {
        if (depth > IndexedDbKeyDecoder.MAX_DEPTH) {
            throw a.malformed("IndexedDB array key nested deeper than " + IndexedDbKeyDecoder.MAX_DEPTH);
        }
        int ta = a.readByte();
        int tb = b.readByte();
        int c = Integer.compare(rank(a, ta), rank(b, tb));
        if (c != 0) {
            return c;
        }
        switch (ta) {
            case IndexedDbKeyDecoder.NONE:
            case IndexedDbKeyDecoder.MIN_KEY:
                return 0;
            case IndexedDbKeyDecoder.NUMBER:
            case IndexedDbKeyDecoder.DATE: {
                double x = a.readDoubleLe();
                double y = b.readDoubleLe();
                return x < y ? -1 : x > y ? 1 : 0;
            }
            case IndexedDbKeyDecoder.STRING:
                return compareStringWithLength(a, b);
            case IndexedDbKeyDecoder.BINARY: {
                int la = a.readCount(1, "binary key length");
                int lb = b.readCount(1, "binary key length");
                return compareRanges(a, la, b, lb);
            }
            default: { // array
                long la = a.readCount(1, "array key length");
                long lb = b.readCount(1, "array key length");
                for (long i = 0; i < la && i < lb; i++) {
                    c = compareKeys(a, b, depth + 1);
                    if (c != 0) {
                        return c;
                    }
                }
                return Long.compare(la, lb);
            }
        }
    }

    /** StringWithLength: UTF-16BE code units compare as their bytes do; then the shorter first. */
    private static int compareStringWithLength(IdbReader a, IdbReader b) {
        int la = a.readCount(2, "string length");
        int lb = b.readCount(2, "string length");
        return compareRanges(a, la * 2, b, lb * 2);
    }

    private static int compareRanges(IdbReader a, int la, IdbReader b, int lb) {
        int pa = a.position();
        int pb = b.position();
        a.skip(la);
        b.skip(lb);
        return Arrays.compareUnsigned(a.array(), pa, pa + la, b.array(), pb, pb + lb);
    }

    private static int rest(IdbReader a, IdbReader b) {
        return Arrays.compareUnsigned(a.array(), a.position(), a.end(), b.array(), b.position(), b.end());
    }

    @Override
    public String toString() {
        return NAME;
    }
}
