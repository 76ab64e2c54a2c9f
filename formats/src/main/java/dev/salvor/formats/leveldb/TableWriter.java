package dev.salvor.formats.leveldb;

import com.github.luben.zstd.Zstd;
import dev.salvor.formats.core.Crc32c;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes one sorted table ({@code table/table_builder.cc}, doc/table_format.md) to a stream, in the layout
 * {@link TableReader} reads:
 *
 * <pre>
 * data block*      ~{@value #BLOCK_SIZE} bytes uncompressed each ({@link BlockBuilder}, restart interval 16)
 * filter block     optional, {@code filter.leveldb.BuiltinBloomFilter2} ({@link FilterBlockBuilder}), never compressed
 * metaindex block  "filter.&lt;policy&gt;" -&gt; filter handle (or no entry)
 * index block      per data block: its last internal key -&gt; its {@link BlockHandle} (restart interval 1)
 * footer           {@link Footer}, 48 bytes
 * </pre>
 *
 * Every block is followed by its {@link BlockTrailer}: the compression id and the masked CRC32C of the stored bytes
 * and the id. A block is stored compressed (Snappy 1, zstd 2) only when that saves at least one eighth of it, as
 * LevelDB does; otherwise uncompressed (0). Keys are internal keys added in increasing internal-key order under
 * LevelDB's bytewise comparator; the index separator is each block's last key (a valid separator that needs no
 * shortening).
 */
public final class TableWriter {
    /** LevelDB's default {@code block_size}: a data block is cut once its contents reach this size. */
    public static final int BLOCK_SIZE = 4096;
    /** LevelDB's usual bits per key for the bloom filter. */
    public static final int BLOOM_BITS_PER_KEY = 10;
    /** The metaindex key of the bloom filter block. */
    public static final String FILTER_KEY = "filter." + BloomFilterPolicy.NAME;

    private final OutputStream out;
    private final CompressionType compression;
    private final UserKeyOrder order;
    private final BlockBuilder data = new BlockBuilder(BlockBuilder.DEFAULT_RESTART_INTERVAL);
    private final BlockBuilder index = new BlockBuilder(1);
    private final FilterBlockBuilder filter;
    private long offset;
    private long entries;
    private byte[] smallest;
    private byte[] largest;
    private boolean finished;

    /**
     * @param out         where the table's bytes go (not closed)
     * @param compression {@link CompressionType#NONE}, {@link CompressionType#SNAPPY} or {@link CompressionType#ZSTD}
     * @param bloomFilter whether to write a bloom filter block (10 bits per key)
     */
    public TableWriter(OutputStream out, CompressionType compression, boolean bloomFilter) {
        this(out, compression, bloomFilter, UserKeyOrder.BYTEWISE);
    }

    /**
     * A writer whose user keys follow {@code order} (the comparator the database's MANIFEST will name, e.g.
     * Chromium's {@code idb_cmp1}); each data block's last key is its index separator, valid under any order.
     */
    public TableWriter(OutputStream out, CompressionType compression, boolean bloomFilter, UserKeyOrder order) {
        this.order = java.util.Objects.requireNonNull(order);
        this.out = Objects.requireNonNull(out, "out");
        if (compression != CompressionType.NONE && compression != CompressionType.SNAPPY
                && compression != CompressionType.ZSTD) {
            throw new IllegalArgumentException("table compression: actual=" + compression
                    + " vs expected=NONE, SNAPPY or ZSTD (the codecs LevelDB writes)");
        }
        this.compression = compression;
        this.filter = bloomFilter ? new FilterBlockBuilder(new BloomFilterPolicy(BLOOM_BITS_PER_KEY)) : null;
        if (filter != null) {
            filter.startBlock(0);
        }
    }

    /** Appends an entry; {@code internalKey} must sort after the previous one. */
    public void add(byte[] internalKey, byte[] value) throws IOException {
        if (finished) {
            throw new IllegalStateException("table already finished");
        }
        if (internalKey.length < InternalKey.TRAILER_SIZE) {
            throw new IllegalArgumentException("internal key: actual=" + internalKey.length
                    + " bytes vs expected=>= 8 (user key + sequence/type trailer)");
        }
        if (largest != null && InternalKeyOrder.compare(largest, internalKey, order) >= 0) {
            throw new IllegalArgumentException("internal keys out of order: '" + InternalKey.printable(internalKey)
                    + "' after '" + InternalKey.printable(largest) + "'");
        }
        if (smallest == null) {
            smallest = internalKey.clone();
        }
        largest = internalKey.clone();
        if (filter != null) {
            filter.addKey(Arrays.copyOf(internalKey, internalKey.length - InternalKey.TRAILER_SIZE));
        }
        data.add(internalKey, value);
        entries++;
        if (data.estimatedSize() >= BLOCK_SIZE) {
            flush();
        }
    }

    /** Bytes written so far plus the pending data block: what the file would measure if finished now, roughly. */
    public long estimatedFileSize() {
        return offset + data.estimatedSize();
    }

    /** Entries added. */
    public long entries() {
        return entries;
    }

    /** The first internal key added, or null. */
    public byte[] smallest() {
        return smallest == null ? null : smallest.clone();
    }

    /** The last internal key added, or null. */
    public byte[] largest() {
        return largest == null ? null : largest.clone();
    }

    /** Writes the last data block, the filter, metaindex and index blocks and the footer; returns the file size. */
    public long finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("table already finished");
        }
        flush();
        finished = true;
        BlockBuilder metaindex = new BlockBuilder(BlockBuilder.DEFAULT_RESTART_INTERVAL);
        if (filter != null) {
            BlockHandle filterHandle = writeRaw(filter.finish(), CompressionType.NONE.code());
            metaindex.add(FILTER_KEY.getBytes(StandardCharsets.US_ASCII), filterHandle.encode());
        }
        BlockHandle metaHandle = writeBlock(metaindex.finish());
        BlockHandle indexHandle = writeBlock(index.finish());
        byte[] footer = new Footer(metaHandle, indexHandle).encode();
        out.write(footer);
        offset += footer.length;
        return offset;
    }

    /** Ends the current data block: writes it and adds its index entry. */
    private void flush() throws IOException {
        if (data.isEmpty()) {
            return;
        }
        byte[] lastKey = data.lastKey();
        BlockHandle handle = writeBlock(data.finish());
        data.reset();
        index.add(lastKey, handle.encode());
        if (filter != null) {
            filter.startBlock(offset);
        }
    }

    /** Compresses the block when that saves at least 1/8 ({@code TableBuilder::WriteBlock}), then writes it. */
    private BlockHandle writeBlock(byte[] raw) throws IOException {
        byte[] compressed = compress(raw);
        if (compressed != null && compressed.length < raw.length - raw.length / 8) {
            return writeRaw(compressed, compression.code());
        }
        return writeRaw(raw, CompressionType.NONE.code());
    }

    private byte[] compress(byte[] raw) throws IOException {
        return switch (compression) {
            case SNAPPY -> Snappy.compress(raw);
            case ZSTD -> Zstd.compress(raw, 1);
            default -> null;
        };
    }

    /** Writes the stored bytes and the trailer (type, masked CRC32C of bytes + type). */
    private BlockHandle writeRaw(byte[] stored, int type) throws IOException {
        BlockHandle handle = new BlockHandle(offset, stored.length);
        int crc = Crc32c.mask(Crc32c.ofDataThenType(stored, 0, stored.length, (byte) type));
        byte[] trailer = {(byte) type, (byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24)};
        out.write(stored);
        out.write(trailer);
        offset += stored.length + trailer.length;
        return handle;
    }

    /** LevelDB's internal-key order under the bytewise comparator, on encoded keys. */
    static final class InternalKeyOrder {
        private InternalKeyOrder() {
        }

        /** User keys ascending, then the 8-byte trailer (sequence, type) descending. */
        static int compare(byte[] a, byte[] b) {
            return compare(a, b, UserKeyOrder.BYTEWISE);
        }

        /** As {@link #compare(byte[], byte[])} with user keys in {@code order}. */
        static int compare(byte[] a, byte[] b, UserKeyOrder order) {
            int la = a.length - InternalKey.TRAILER_SIZE;
            int lb = b.length - InternalKey.TRAILER_SIZE;
            int c = order.compare(a, la, b, lb);
            if (c != 0) {
                return c;
            }
            return Long.compareUnsigned(dev.salvor.formats.core.ByteCursor.getFixed64(b, lb),
                    dev.salvor.formats.core.ByteCursor.getFixed64(a, la));
        }
    }
}
