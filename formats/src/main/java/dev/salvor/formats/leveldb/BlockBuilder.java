package dev.salvor.formats.leveldb;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Builds one block of a table ({@code table/block_builder.cc}): the layout {@link Block} decodes.
 *
 * <pre>
 * entry*:        varint32 shared | varint32 non_shared | varint32 value_length | key delta | value
 * restart array: fixed32[num_restarts]  offsets of the entries that carry their whole key (shared = 0)
 * num_restarts:  fixed32
 * </pre>
 *
 * Keys must be added in increasing order (the caller's comparator); every {@code restartInterval}-th entry is a
 * restart point. Data and metaindex blocks use 16, index blocks 1.
 */
public final class BlockBuilder {
    /** LevelDB's default {@code block_restart_interval}. */
    public static final int DEFAULT_RESTART_INTERVAL = 16;

    private final int restartInterval;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096 + 512);
    private int[] restarts = new int[16];
    private int restartCount;
    private int counter;
    private byte[] lastKey = new byte[0];
    private int entries;

    /** A builder with a restart point every {@code restartInterval} entries (at least 1). */
    public BlockBuilder(int restartInterval) {
        if (restartInterval < 1) {
            throw new IllegalArgumentException("restart interval: actual=" + restartInterval + " vs expected=>= 1");
        }
        this.restartInterval = restartInterval;
        reset();
    }

    /** Empties the builder for the next block. */
    public void reset() {
        buffer.reset();
        restartCount = 0;
        addRestart(0);
        counter = 0;
        lastKey = new byte[0];
        entries = 0;
    }

    /** Appends an entry; {@code key} must sort after the previous key. */
    public void add(byte[] key, byte[] value) {
        int shared = 0;
        if (counter < restartInterval) {
            shared = Arrays.mismatch(lastKey, key);
            if (shared < 0) {
                shared = key.length; // identical keys: the caller broke the ordering contract; still encodable
            }
            shared = Math.min(shared, Math.min(lastKey.length, key.length));
        } else {
            addRestart(buffer.size());
            counter = 0;
        }
        int nonShared = key.length - shared;
        putVarint32(buffer, shared);
        putVarint32(buffer, nonShared);
        putVarint32(buffer, value.length);
        buffer.write(key, shared, nonShared);
        buffer.write(value, 0, value.length);
        lastKey = key.clone();
        counter++;
        entries++;
    }

    /** Bytes the block will have once finished: entries, restart array and count. */
    public int estimatedSize() {
        return buffer.size() + restartCount * 4 + 4;
    }

    /** True when no entry was added since the last reset. */
    public boolean isEmpty() {
        return entries == 0;
    }

    /** The last key added (empty before the first). */
    public byte[] lastKey() {
        return lastKey.clone();
    }

    /** The finished block (the builder must be reset before it is used again). */
    public byte[] finish() {
        for (int i = 0; i < restartCount; i++) {
            putFixed32(buffer, restarts[i]);
        }
        putFixed32(buffer, restartCount);
        return buffer.toByteArray();
    }

    private void addRestart(int offset) {
        if (restartCount == restarts.length) {
            restarts = Arrays.copyOf(restarts, restarts.length * 2);
        }
        restarts[restartCount++] = offset;
    }

    static void putVarint32(ByteArrayOutputStream out, int v) {
        BlockHandle.putVarint64(out, v & 0xffffffffL);
    }

    static void putFixed32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    static void putFixed64(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }
}
