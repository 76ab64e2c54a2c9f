package dev.salvor.salvage.chromium;

import dev.salvor.formats.chromium.KeyPrefix;
import dev.salvor.formats.core.Malformed;
import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.RecordSink;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.formats.v8.ExternalObject;
import dev.salvor.formats.v8.ExternalObjects;
import dev.salvor.formats.v8.UndecodableValueException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The blob-entry records of an IndexedDB LevelDB database (key prefix index id 3, {@code (db, store, 3) + key}),
 * gathered by a pass of their own before salvage writes: in {@code idb_cmp1} order a store's blob entries follow all
 * of its data records (index id 3 after 1), so the writing pass meets a record's value before the list of external
 * objects (Blob, File, file-system handle) its Blob indexes and blob-wrapped bytes refer to.
 *
 * <p>Which version belongs to which: Chromium writes a record's data and blob entry in one transaction, the data key
 * first (its write batch is in key order), so a data version with sequence {@code s} owns the oldest blob-entry
 * version at or after {@code s} that comes before the key's next data version (which the writing pass knows: it
 * meets a key's versions newest first); a deletion found there, or none, means the version had no external objects
 * (or they are lost), and its value is decoded without them.
 *
 * <p>Memory: only blob-entry versions are kept (a few dozen bytes per external object; most records have none), at
 * most {@link #MAX_BYTES} of values and {@link #MAX_VERSIONS} versions; past that the rest are not (values then
 * decode without their list, and {@link #truncated()} says so).
 */
public final class BlobEntryIndex implements RecordSink {
    /** Blob-entry value bytes kept at most (an entry is a few dozen bytes per external object). */
    static final long MAX_BYTES = 64L << 20;
    /** Blob-entry versions kept at most. */
    static final int MAX_VERSIONS = 1 << 20;

    /** One blob-entry version: its sequence and value (null for a deletion). */
    private record Version(long sequence, byte[] value) {
    }

    private final Map<ByteBuffer, List<Version>> byKey = new HashMap<>();
    private long bytes;
    private int versions;
    private boolean truncated;

    @Override
    public void accept(Entry e, RecordState state, List<Entry> copies, boolean maybeStale) {
        KeyPrefix p = prefixOf(e.userKey());
        if (p == null || p.objectStoreId() == 0 || p.indexId() != KeyPrefix.BLOB_ENTRY) {
            return;
        }
        byte[] value = e.type() == ValueType.VALUE ? e.value() : null;
        long size = value == null ? 0 : value.length;
        if (versions >= MAX_VERSIONS || bytes + size > MAX_BYTES) {
            truncated = true;
            return;
        }
        byKey.computeIfAbsent(keyOf(p, e.userKey()), k -> new ArrayList<>(1)).add(new Version(e.sequence(), value));
        bytes += size;
        versions++;
    }

    /**
     * The external objects of the data version {@code dataKey} / {@code sequence}: empty when it has none, when its
     * blob entry is lost or was not kept, or when the entry does not decode.
     *
     * @param nextData the sequence of the key's next (newer) data version or deletion, or {@link Long#MAX_VALUE}
     */
    public List<ExternalObject> objectsOf(byte[] dataKey, long sequence, long nextData) {
        KeyPrefix p = prefixOf(dataKey);
        List<Version> v = p == null ? null : byKey.get(keyOf(p, dataKey));
        if (v == null) {
            return List.of();
        }
        Version owner = null;
        for (Version b : v) {
            if (b.sequence() >= sequence && b.sequence() < nextData
                    && (owner == null || b.sequence() < owner.sequence())) {
                owner = b;
            }
        }
        if (owner == null || owner.value() == null) {
            return List.of();
        }
        try {
            return ExternalObjects.decode(owner.value());
        } catch (UndecodableValueException ex) {
            return List.of();
        }
    }

    /** True when some versions were not kept (memory bound). */
    public boolean truncated() {
        return truncated;
    }

    private static KeyPrefix prefixOf(byte[] key) {
        try {
            return KeyPrefix.decode(key);
        } catch (Malformed ex) {
            return null;   // not a key of Chromium's: no blob entry belongs to it
        }
    }

    /** (database, store, encoded IndexedDB key): the same for a record's data and blob-entry keys. */
    private static ByteBuffer keyOf(KeyPrefix p, byte[] key) {
        ByteBuffer b = ByteBuffer.allocate(16 + key.length - p.length());
        b.putLong(p.databaseId()).putLong(p.objectStoreId()).put(key, p.length(), key.length - p.length());
        return b.flip();
    }
}
