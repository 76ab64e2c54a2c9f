package dev.salvor.formats.chromium;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

/**
 * The prefix of every key of an IndexedDB LevelDB database: (database id, object store id, index id). The first byte
 * holds the three lengths: bits 7–5 = database-id bytes − 1 (1..8), bits 4–2 = object-store-id bytes − 1 (1..8),
 * bits 1–0 = index-id bytes − 1 (1..4); then the three ids as little-endian Ints of those lengths. What the rest of
 * the key is follows from the ids ({@link Type}): database 0 = global metadata, object store 0 = the database's
 * metadata, index 1 = object-store data, 2 = exists entries, 3 = blob entries, 30 and above = index data.
 *
 * @param databaseId    the database id (0 for global metadata)
 * @param objectStoreId the object store id (0 for database metadata)
 * @param indexId       the index id (1, 2, 3 or ≥ 30 for records; 0 for metadata)
 * @param length        bytes the prefix takes
 */
public record KeyPrefix(long databaseId, long objectStoreId, long indexId, int length) implements Comparable<KeyPrefix> {
    /** Index id of object-store data records. */
    public static final long OBJECT_STORE_DATA = 1;
    /** Index id of exists entries (one per record: its version). */
    public static final long EXISTS_ENTRY = 2;
    /** Index id of blob entries (a record's external blobs). */
    public static final long BLOB_ENTRY = 3;
    /** The smallest id of an index's data. */
    public static final long MINIMUM_INDEX_ID = 30;

    /** What a key with this prefix is. */
    public enum Type {
        GLOBAL_METADATA, DATABASE_METADATA, OBJECT_STORE_DATA, EXISTS_ENTRY, BLOB_ENTRY, INDEX_DATA,
        /** Ids no key of Chromium's has (index id 4..29 with an object store, or metadata ids that do not fit). */
        INVALID
    }

    /** Decodes the prefix at the start of {@code key}; a key too short for its lengths is {@link Malformed}. */
    public static KeyPrefix decode(byte[] key) {
        return decode(new IdbReader(key));
    }

    static KeyPrefix decode(IdbReader in) {
        int start = in.position();
        int first = in.readByte();
        int dbBytes = ((first >> 5) & 7) + 1;
        int osBytes = ((first >> 2) & 7) + 1;
        int idxBytes = (first & 3) + 1;
        if (in.remaining() < dbBytes + osBytes + idxBytes) {
            throw new Malformed(DamageKind.BAD_KEY, start, "IndexedDB key prefix: actual=" + in.remaining()
                    + " byte(s) after the length byte vs expected=" + (dbBytes + osBytes + idxBytes));
        }
        long db = in.readInt(dbBytes);
        long os = in.readInt(osBytes);
        long idx = in.readInt(idxBytes);
        return new KeyPrefix(db, os, idx, in.position() - start);
    }

    /** What the rest of the key is, from the ids (as Chromium's {@code KeyPrefix::type}). */
    public Type type() {
        if (databaseId == 0) {
            return objectStoreId == 0 && indexId == 0 ? Type.GLOBAL_METADATA : Type.INVALID;
        }
        if (objectStoreId == 0) {
            return indexId == 0 ? Type.DATABASE_METADATA : Type.INVALID;
        }
        if (indexId == OBJECT_STORE_DATA) {
            return Type.OBJECT_STORE_DATA;
        }
        if (indexId == EXISTS_ENTRY) {
            return Type.EXISTS_ENTRY;
        }
        if (indexId == BLOB_ENTRY) {
            return Type.BLOB_ENTRY;
        }
        return indexId >= MINIMUM_INDEX_ID ? Type.INDEX_DATA : Type.INVALID;
    }

    /** The encoded prefix (each id in the fewest bytes), as Chromium writes it. */
    public static byte[] encode(long databaseId, long objectStoreId, long indexId) {
        int db = intBytes(databaseId);
        int os = intBytes(objectStoreId);
        int idx = intBytes(indexId);
        if (idx > 4) {
            throw new IllegalArgumentException("index id needs more than 4 bytes: " + indexId);
        }
        byte[] out = new byte[1 + db + os + idx];
        out[0] = (byte) (((db - 1) << 5) | ((os - 1) << 2) | (idx - 1));
        int p = 1;
        p = putInt(out, p, databaseId, db);
        p = putInt(out, p, objectStoreId, os);
        putInt(out, p, indexId, idx);
        return out;
    }

    private static int intBytes(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative id: " + v);
        }
        int n = 1;
        while (n < 8 && (v >>> (8 * n)) != 0) {
            n++;
        }
        return n;
    }

    private static int putInt(byte[] out, int p, long v, int n) {
        for (int i = 0; i < n; i++) {
            out[p + i] = (byte) (v >>> (8 * i));
        }
        return p + n;
    }

    /** Chromium's order: database id, then object store id, then index id. */
    @Override
    public int compareTo(KeyPrefix o) {
        int c = Long.compare(databaseId, o.databaseId);
        if (c != 0) {
            return c;
        }
        c = Long.compare(objectStoreId, o.objectStoreId);
        return c != 0 ? c : Long.compare(indexId, o.indexId);
    }
}
