package dev.salvor.formats.leveldb;

import com.github.luben.zstd.Zstd;
import dev.salvor.formats.core.Crc32c;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Test-only writer of LevelDB tables, following {@code table/table_builder.cc}, {@code table/block_builder.cc} and
 * {@code table/filter_block.cc}: data blocks cut at {@code blockSize} with prefix compression and restart points
 * every {@code restartInterval} entries, each block Snappy-compressed only when that saves at least 12.5 %, a bloom
 * filter block ({@code filter.leveldb.BuiltinBloomFilter2}, base_lg 11, 10 bits per key), a metaindex block, an
 * index block (restart interval 1, last key of each block as separator) and the 48-byte footer.
 */
final class TracingTableWriter {
    /** Block codec used for data, metaindex and index blocks. */
    enum Codec { NONE, SNAPPY, ZSTD, ZLIB, RAW_DEFLATE }

    /** One entry with the block it went to. */
    record Entry(byte[] rawKey, byte[] value) {
        String userKeyString() {
            return new String(rawKey, 0, rawKey.length - 8, StandardCharsets.ISO_8859_1);
        }
    }

    /** The written table and where everything went. */
    record Written(byte[] bytes, List<BlockHandle> dataBlocks, List<List<Entry>> blockEntries,
                   List<Integer> blockTypes, BlockHandle filter, BlockHandle metaindex, BlockHandle index) {
        List<Entry> allEntries() {
            List<Entry> all = new ArrayList<>();
            blockEntries.forEach(all::addAll);
            return all;
        }

        /** Index of the data block holding file offset {@code off}, or -1. */
        int blockAt(long off) {
            for (int i = 0; i < dataBlocks.size(); i++) {
                BlockHandle h = dataBlocks.get(i);
                if (off >= h.offset() && off < h.endWithTrailer()) {
                    return i;
                }
            }
            return -1;
        }
    }

    private int blockSize = 4096;
    private int restartInterval = 16;
    private Codec codec = Codec.SNAPPY;
    private boolean filter = true;

    TracingTableWriter blockSize(int v) {
        blockSize = v;
        return this;
    }

    TracingTableWriter restartInterval(int v) {
        restartInterval = v;
        return this;
    }

    TracingTableWriter codec(Codec v) {
        codec = v;
        return this;
    }

    TracingTableWriter filter(boolean v) {
        filter = v;
        return this;
    }

    /** Internal key bytes for a user key, sequence and type. */
    static byte[] ikey(String userKey, long seq, ValueType type) {
        return new InternalKey(userKey.getBytes(StandardCharsets.ISO_8859_1), seq, type).encode();
    }

    /** Writes entries (already in internal-key order). */
    Written write(List<Entry> entries) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<BlockHandle> handles = new ArrayList<>();
        List<List<Entry>> perBlock = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        List<byte[]> lastKeys = new ArrayList<>();
        FilterBuilder fb = new FilterBuilder();
        BlockBuilder data = new BlockBuilder(restartInterval);
        List<Entry> current = new ArrayList<>();
        for (Entry e : entries) {
            if (current.isEmpty()) {
                fb.startBlock(file.size());
            }
            data.add(e.rawKey(), e.value());
            fb.addKey(Arrays.copyOf(e.rawKey(), e.rawKey().length - 8));
            current.add(e);
            if (data.estimate() >= blockSize) {
                flush(file, data, current, handles, perBlock, types, lastKeys);
                data = new BlockBuilder(restartInterval);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            flush(file, data, current, handles, perBlock, types, lastKeys);
        }
        BlockHandle filterHandle = null;
        BlockBuilder metaindex = new BlockBuilder(restartInterval);
        if (filter) {
            fb.startBlock(file.size());
            byte[] fblock = fb.finish();
            filterHandle = writeRaw(file, fblock, 0);
            metaindex.add("filter.leveldb.BuiltinBloomFilter2".getBytes(StandardCharsets.US_ASCII),
                    filterHandle.encode());
        }
        BlockHandle metaHandle = writeBlock(file, metaindex.finish(), new int[1]);
        BlockBuilder index = new BlockBuilder(1);
        for (int i = 0; i < handles.size(); i++) {
            index.add(lastKeys.get(i), handles.get(i).encode());
        }
        BlockHandle indexHandle = writeBlock(file, index.finish(), new int[1]);
        file.writeBytes(new Footer(metaHandle, indexHandle).encode());
        return new Written(file.toByteArray(), handles, perBlock, types, filterHandle, metaHandle, indexHandle);
    }

    /**
     * A table from ready-made stored blocks (each written with a trailer whose CRC verifies), an index naming them
     * with keys {@code k000..}, an empty metaindex and the footer.
     */
    static Written assemble(List<byte[]> stored, List<Integer> types) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<BlockHandle> handles = new ArrayList<>();
        BlockBuilder index = new BlockBuilder(1);
        for (int i = 0; i < stored.size(); i++) {
            BlockHandle h = writeRaw(file, stored.get(i), types.get(i));
            handles.add(h);
            index.add(ikey(String.format("k%03d", i), 1, ValueType.VALUE), h.encode());
        }
        BlockHandle meta = writeRaw(file, new BlockBuilder(16).finish(), 0);
        BlockHandle idx = writeRaw(file, index.finish(), 0);
        file.writeBytes(new Footer(meta, idx).encode());
        return new Written(file.toByteArray(), handles, List.of(), types, null, meta, idx);
    }

    private void flush(ByteArrayOutputStream file, BlockBuilder data, List<Entry> current, List<BlockHandle> handles,
                       List<List<Entry>> perBlock, List<Integer> types, List<byte[]> lastKeys) {
        int[] type = new int[1];
        handles.add(writeBlock(file, data.finish(), type));
        perBlock.add(current);
        types.add(type[0]);
        lastKeys.add(current.get(current.size() - 1).rawKey());
    }

    /** Compresses when it saves at least 12.5 % (table_builder.cc), then writes block and trailer. */
    private BlockHandle writeBlock(ByteArrayOutputStream file, byte[] raw, int[] typeOut) {
        byte[] stored = raw;
        int type = 0;
        byte[] compressed = compress(raw);
        if (compressed != null && compressed.length < raw.length - raw.length / 8) {
            stored = compressed;
            type = switch (codec) {
                case SNAPPY -> 1;
                case ZSTD, ZLIB -> 2;
                case RAW_DEFLATE -> 4;
                case NONE -> 0;
            };
        }
        typeOut[0] = type;
        return writeRaw(file, stored, type);
    }

    private byte[] compress(byte[] raw) {
        try {
            switch (codec) {
                case SNAPPY:
                    return Snappy.compress(raw);
                case ZSTD:
                    return Zstd.compress(raw);
                case ZLIB:
                case RAW_DEFLATE: {
                    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, codec == Codec.RAW_DEFLATE);
                    d.setInput(raw);
                    d.finish();
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    byte[] buf = new byte[4096];
                    while (!d.finished()) {
                        out.write(buf, 0, d.deflate(buf));
                    }
                    d.end();
                    return out.toByteArray();
                }
                default:
                    return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BlockHandle writeRaw(ByteArrayOutputStream file, byte[] stored, int type) {
        BlockHandle h = new BlockHandle(file.size(), stored.length);
        file.writeBytes(stored);
        file.write(type);
        int crc = Crc32c.mask(Crc32c.ofDataThenType(stored, 0, stored.length, (byte) type));
        file.write(crc);
        file.write(crc >>> 8);
        file.write(crc >>> 16);
        file.write(crc >>> 24);
        return h;
    }

    /** block_builder.cc. */
    static final class BlockBuilder {
        private final int interval;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final List<Integer> restarts = new ArrayList<>(List.of(0));
        /** Offset of each entry's header. */
        final List<Integer> offsets = new ArrayList<>();
        private byte[] last = new byte[0];
        private int counter;

        BlockBuilder(int interval) {
            this.interval = interval;
        }

        void add(byte[] key, byte[] value) {
            int shared = 0;
            if (counter < interval) {
                int min = Math.min(last.length, key.length);
                while (shared < min && last[shared] == key[shared]) {
                    shared++;
                }
            } else {
                restarts.add(buf.size());
                counter = 0;
            }
            offsets.add(buf.size());
            putVarint32(buf, shared);
            putVarint32(buf, key.length - shared);
            putVarint32(buf, value.length);
            buf.write(key, shared, key.length - shared);
            buf.writeBytes(value);
            last = key.clone();
            counter++;
        }

        int estimate() {
            return buf.size() + restarts.size() * 4 + 4;
        }

        byte[] finish() {
            for (int r : restarts) {
                putFixed32(buf, r);
            }
            putFixed32(buf, restarts.size());
            return buf.toByteArray();
        }
    }

    /** filter_block.cc with bloom.cc (10 bits per key, k = 6). */
    static final class FilterBuilder {
        private static final int BASE_LG = 11;
        private final List<byte[]> keys = new ArrayList<>();
        private final ByteArrayOutputStream result = new ByteArrayOutputStream();
        private final List<Integer> offsets = new ArrayList<>();

        void startBlock(long blockOffset) {
            long index = blockOffset >> BASE_LG;
            while (index > offsets.size()) {
                generate();
            }
        }

        void addKey(byte[] userKey) {
            keys.add(userKey);
        }

        byte[] finish() {
            if (!keys.isEmpty()) {
                generate();
            }
            int arrayOffset = result.size();
            for (int o : offsets) {
                putFixed32(result, o);
            }
            putFixed32(result, arrayOffset);
            result.write(BASE_LG);
            return result.toByteArray();
        }

        private void generate() {
            offsets.add(result.size());
            if (keys.isEmpty()) {
                return;
            }
            int bitsPerKey = 10;
            int k = 6; // (int) (10 * 0.69)
            int bits = Math.max(64, keys.size() * bitsPerKey);
            int bytes = (bits + 7) / 8;
            bits = bytes * 8;
            byte[] array = new byte[bytes];
            for (byte[] key : keys) {
                int h = hash(key, 0xbc9f1d34);
                int delta = (h >>> 17) | (h << 15);
                for (int j = 0; j < k; j++) {
                    int bitpos = (int) (Integer.toUnsignedLong(h) % bits);
                    array[bitpos / 8] |= (byte) (1 << (bitpos % 8));
                    h += delta;
                }
            }
            result.writeBytes(array);
            result.write(k);
            keys.clear();
        }

        /** util/hash.cc. */
        static int hash(byte[] data, int seed) {
            int m = 0xc6a4a793;
            int h = seed ^ (data.length * m);
            int i = 0;
            for (; i + 4 <= data.length; i += 4) {
                int w = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16
                        | (data[i + 3] & 0xff) << 24;
                h += w;
                h *= m;
                h ^= h >>> 16;
            }
            int rest = data.length - i;
            if (rest == 3) {
                h += (data[i + 2] & 0xff) << 16;
            }
            if (rest >= 2) {
                h += (data[i + 1] & 0xff) << 8;
            }
            if (rest >= 1) {
                h += data[i] & 0xff;
                h *= m;
                h ^= h >>> 24;
            }
            return h;
        }
    }

    static void putVarint32(ByteArrayOutputStream out, int v) {
        BlockHandle.putVarint64(out, Integer.toUnsignedLong(v));
    }

    static void putFixed32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
