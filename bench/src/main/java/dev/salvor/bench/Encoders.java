package dev.salvor.bench;

import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.leveldb.BlockHandle;
import dev.salvor.formats.leveldb.Footer;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal LevelDB writers for benchmark inputs (a re-implementation of the formats module's test writers, which are
 * not on this module's classpath): write batches ({@code db/write_batch.cc}), the log ({@code db/log_writer.cc})
 * and tables ({@code table/table_builder.cc}, {@code table/block_builder.cc}) without a filter block.
 */
public final class Encoders {
    private Encoders() {
    }

    /** LevelDB's log block size. */
    public static final int LOG_BLOCK = 32 * 1024;
    private static final int LOG_HEADER = 7;

    // ------------------------------------------------------------------------------------------- primitives

    /** Appends a varint (LevelDB PutVarint32/64). */
    public static void putVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** Appends a little-endian fixed32. */
    public static void putFixed32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    /** Appends a little-endian fixed64. */
    public static void putFixed64(ByteArrayOutputStream out, long v) {
        putFixed32(out, (int) v);
        putFixed32(out, (int) (v >>> 32));
    }

    // ------------------------------------------------------------------------------------------- write batch

    /**
     * A write batch of {@code ops} operations starting at sequence {@code seq}, drawn from {@code w}: 8 % overwrite a
     * key written earlier in the batch, 3 % delete one, the rest put a new key (as leveldb_gen does per database).
     */
    public static byte[] writeBatch(Workload w, long seq, int ops) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ops * 1100 + 12);
        putFixed64(out, seq);
        putFixed32(out, ops);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            int r = w.range(0, 99);
            if (r < 3 && !keys.isEmpty()) {
                out.write(0); // Delete
                byte[] k = keys.get(w.range(0, keys.size() - 1));
                putVarint(out, k.length);
                out.writeBytes(k);
                continue;
            }
            byte[] k = r < 11 && !keys.isEmpty() ? keys.get(w.range(0, keys.size() - 1)) : w.nextKey();
            keys.add(k);
            byte[] v = w.nextValue();
            out.write(1); // Put
            putVarint(out, k.length);
            out.writeBytes(k);
            putVarint(out, v.length);
            out.writeBytes(v);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------------------- log

    /** {@code log::Writer::AddRecord}: fragments records over 32 KiB blocks, zero-pads block tails under 7 bytes. */
    public static final class LogBuilder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int records;

        /** Appends one logical record. */
        public LogBuilder add(byte[] data) {
            int ptr = 0;
            int left = data.length;
            boolean begin = true;
            do {
                int leftover = LOG_BLOCK - out.size() % LOG_BLOCK;
                if (leftover < LOG_HEADER) {
                    out.write(new byte[leftover], 0, leftover);
                }
                int avail = LOG_BLOCK - out.size() % LOG_BLOCK - LOG_HEADER;
                int fragment = Math.min(left, avail);
                boolean end = left == fragment;
                int type = begin && end ? 1 : begin ? 2 : end ? 4 : 3;
                int crc = Crc32c.mask(Crc32c.ofTypeThenData((byte) type, data, ptr, fragment));
                putFixed32(out, crc);
                out.write(fragment);
                out.write(fragment >>> 8);
                out.write(type);
                out.write(data, ptr, fragment);
                ptr += fragment;
                left -= fragment;
                begin = false;
            } while (left > 0);
            records++;
            return this;
        }

        /** Bytes written so far. */
        public int size() {
            return out.size();
        }

        /** Logical records added. */
        public int records() {
            return records;
        }

        /** The log. */
        public byte[] bytes() {
            return out.toByteArray();
        }
    }

    // ------------------------------------------------------------------------------------------- table

    /** {@code BlockBuilder}: prefix compression, a restart point every {@code interval} entries. */
    public static final class BlockBuilder {
        private final int interval;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
        private final List<Integer> restarts = new ArrayList<>(List.of(0));
        private byte[] last = new byte[0];
        private int counter;
        private int entries;

        public BlockBuilder(int interval) {
            this.interval = interval;
        }

        public void add(byte[] key, byte[] value) {
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
            putVarint(buf, shared);
            putVarint(buf, key.length - shared);
            putVarint(buf, value.length);
            buf.write(key, shared, key.length - shared);
            buf.writeBytes(value);
            last = key;
            counter++;
            entries++;
        }

        public int entries() {
            return entries;
        }

        public int estimate() {
            return buf.size() + restarts.size() * 4 + 4;
        }

        public byte[] finish() {
            for (int r : restarts) {
                putFixed32(buf, r);
            }
            putFixed32(buf, restarts.size());
            return buf.toByteArray();
        }
    }

    /**
     * A table of {@code entries} sorted internal-key/value pairs: 4 KiB data blocks (restart interval 16), each
     * Snappy-compressed when that saves at least 12.5 %, an empty metaindex, an index (restart interval 1, the last
     * key of each block as its separator) and the footer.
     */
    public static byte[] table(List<byte[][]> entries) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        BlockBuilder index = new BlockBuilder(1);
        BlockBuilder data = new BlockBuilder(16);
        byte[] lastKey = null;
        for (byte[][] e : entries) {
            data.add(e[0], e[1]);
            lastKey = e[0];
            if (data.estimate() >= 4096) {
                index.add(lastKey, writeBlock(file, data.finish(), true).encode());
                data = new BlockBuilder(16);
            }
        }
        if (data.entries() > 0) {
            index.add(lastKey, writeBlock(file, data.finish(), true).encode());
        }
        BlockHandle meta = writeBlock(file, new BlockBuilder(16).finish(), true);
        BlockHandle idx = writeBlock(file, index.finish(), true);
        file.writeBytes(new Footer(meta, idx).encode());
        return file.toByteArray();
    }

    private static BlockHandle writeBlock(ByteArrayOutputStream file, byte[] raw, boolean snappy) {
        byte[] stored = raw;
        int type = 0;
        if (snappy) {
            try {
                byte[] c = Snappy.compress(raw);
                if (c.length < raw.length - raw.length / 8) {
                    stored = c;
                    type = 1;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        BlockHandle h = new BlockHandle(file.size(), stored.length);
        file.writeBytes(stored);
        file.write(type);
        putFixed32(file, Crc32c.mask(Crc32c.ofDataThenType(stored, 0, stored.length, (byte) type)));
        return h;
    }

    /** Internal key: user key + fixed64 ({@code seq << 8 | type}). */
    public static byte[] internalKey(byte[] userKey, long seq, int type) {
        byte[] k = new byte[userKey.length + 8];
        System.arraycopy(userKey, 0, k, 0, userKey.length);
        long tag = seq << 8 | type;
        for (int i = 0; i < 8; i++) {
            k[userKey.length + i] = (byte) (tag >>> (8 * i));
        }
        return k;
    }

    /** A generated table of about {@code targetBytes} (keys ascending, 3 % deletions), deterministic per seed. */
    public static byte[] generatedTable(long seed, int targetBytes) {
        Workload w = new Workload(seed);
        List<byte[][]> entries = new ArrayList<>();
        long raw = 0;
        long seq = 1_000_000;
        // Values average ~1 KB raw and compress ~1.4x overall, so generate ~1.45x the target in raw bytes.
        while (raw < targetBytes * 1.45) {
            byte[] uk = w.nextKey();
            boolean del = w.range(0, 99) < 3;
            byte[] v = del ? new byte[0] : w.nextValue();
            entries.add(new byte[][] {internalKey(uk, seq++, del ? 0 : 1), v});
            raw += uk.length + 8 + v.length;
        }
        return table(entries);
    }
}
