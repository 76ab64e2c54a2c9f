package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link TableWriter}: its tables read back by {@link TableReader} with every checksum verified (a strict sink throws
 * at the first damage), the same bytes as the reference writer, and the same data and filter blocks as the real
 * C++ LevelDB wrote for the same entries.
 */
class TableWriterTest {

    record Kv(byte[] key, byte[] value) {
    }

    static List<Kv> entries(int n, boolean compressible, long seed) {
        Random rnd = new Random(seed);
        List<Kv> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] user = String.format("key-%07d", i * 3).getBytes(StandardCharsets.UTF_8);
            byte[] value;
            if (compressible) {
                value = ("value of " + i + " ").repeat(1 + i % 7).getBytes(StandardCharsets.UTF_8);
            } else {
                value = new byte[20 + rnd.nextInt(200)];
                rnd.nextBytes(value);
            }
            out.add(new Kv(new InternalKey(user, 1000 + i, ValueType.VALUE).encode(), value));
        }
        return out;
    }

    static byte[] write(List<Kv> entries, CompressionType compression, boolean filter) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TableWriter w = new TableWriter(out, compression, filter);
        for (Kv e : entries) {
            w.add(e.key(), e.value());
        }
        long size = w.finish();
        assertEquals(out.size(), size);
        assertArrayEquals(entries.get(0).key(), w.smallest());
        assertArrayEquals(entries.get(entries.size() - 1).key(), w.largest());
        return out.toByteArray();
    }

    @ParameterizedTest
    @CsvSource({"NONE,false", "NONE,true", "SNAPPY,false", "SNAPPY,true", "ZSTD,true"})
    void tablesReadBackWithEveryChecksumVerified(CompressionType compression, boolean filter) throws IOException {
        List<Kv> entries = entries(5000, true, 1);
        byte[] table = write(entries, compression, filter);
        TableReader reader = new TableReader(ByteSource.of("t.ldb", table), DamageSink.STRICT, Limits.DEFAULT);
        assertTrue(reader.footer().isPresent());
        List<TableEntry> read = new ArrayList<>();
        TableStats stats = reader.scan(read::add);
        assertEquals(0, stats.blocksDamaged());
        assertEquals(entries.size(), read.size());
        for (int i = 0; i < entries.size(); i++) {
            assertArrayEquals(entries.get(i).key(), read.get(i).rawKey());
            assertArrayEquals(entries.get(i).value(), read.get(i).value());
            assertTrue(read.get(i).crcOk());
        }
        assertTrue(reader.dataBlocks().size() > 10, "several blocks");
        for (DataBlockRef ref : reader.dataBlocks()) {
            DecodedDataBlock b = reader.readDataBlock(ref);
            assertTrue(b.crcOk());
            assertEquals(compression, b.compression(), "compressible blocks are stored compressed");
            int uncompressed = Block.decode(blockContents(table, ref, b.compression()), "t", 0, DamageSink.STRICT,
                    Limits.DEFAULT).entries().size();
            assertEquals(b.entries().size(), uncompressed);
        }
        assertEquals(filter, reader.metaBlocks().containsKey(TableWriter.FILTER_KEY));
        if (filter) {
            assertFilterCoversEveryBlock(table, reader);
        }
    }

    @Test
    void blocksCompressionDoesNotShrinkAreStoredUncompressed() throws IOException {
        byte[] table = write(entries(2000, false, 2), CompressionType.SNAPPY, true);
        TableReader reader = new TableReader(ByteSource.of("t.ldb", table), DamageSink.STRICT, Limits.DEFAULT);
        for (DataBlockRef ref : reader.dataBlocks()) {
            assertEquals(0, table[(int) (ref.offset() + ref.size())], "type byte 0: stored uncompressed");
        }
        assertEquals(2000, reader.scan(e -> { }).entries());
    }

    @Test
    void sameBytesAsTheReferenceWriter() throws IOException {
        List<Kv> entries = entries(3000, true, 3);
        List<TracingTableWriter.Entry> ref = entries.stream()
                .map(e -> new TracingTableWriter.Entry(e.key(), e.value())).toList();
        byte[] expected = new TracingTableWriter().codec(TracingTableWriter.Codec.SNAPPY).filter(true).write(ref)
                .bytes();
        assertArrayEquals(expected, write(entries, CompressionType.SNAPPY, true));
    }

    @Test
    void keysOutOfOrderAreRefused() throws IOException {
        TableWriter w = new TableWriter(new ByteArrayOutputStream(), CompressionType.NONE, false);
        byte[] b = new InternalKey("b".getBytes(StandardCharsets.UTF_8), 5, ValueType.VALUE).encode();
        byte[] a = new InternalKey("a".getBytes(StandardCharsets.UTF_8), 9, ValueType.VALUE).encode();
        w.add(b, new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> w.add(a, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> w.add(b, new byte[0]), "the same internal key twice");
    }

    /**
     * A table C++ LevelDB wrote (Snappy, bloom filter): its entries written again give the same data blocks (same
     * cuts, same prefix compression and restarts) and the same filter block, byte for byte.
     */
    @Test
    void sameDataAndFilterBlocksAsTheRealEngine() throws IOException {
        Path file = Path.of(System.getProperty("salvor.fixtures", "../fixtures"), "leveldb", "snappy", "db",
                "000005.ldb");
        assumeTrue(Files.exists(file), "fixtures present");
        byte[] original = Files.readAllBytes(file);
        TableReader real = new TableReader(ByteSource.of("real", original), DamageSink.STRICT, Limits.DEFAULT);
        List<Kv> entries = new ArrayList<>();
        real.scan(e -> entries.add(new Kv(e.rawKey(), e.value())));
        byte[] mine = write(entries, CompressionType.SNAPPY, true);
        TableReader rebuilt = new TableReader(ByteSource.of("mine", mine), DamageSink.STRICT, Limits.DEFAULT);

        assertEquals(real.dataBlocks().size(), rebuilt.dataBlocks().size(), "same block cuts");
        for (int i = 0; i < real.dataBlocks().size(); i++) {
            DataBlockRef a = real.dataBlocks().get(i);
            DataBlockRef b = rebuilt.dataBlocks().get(i);
            assertArrayEquals(blockContents(original, a, real.readDataBlock(a).compression()),
                    blockContents(mine, b, rebuilt.readDataBlock(b).compression()), "data block " + i);
        }
        // The filter depends on the data blocks' offsets, so rebuild it from the original's offsets and keys.
        FilterBlockBuilder filter = new FilterBlockBuilder(new BloomFilterPolicy(10));
        for (DataBlockRef ref : real.dataBlocks()) {
            filter.startBlock(ref.offset());
            for (TableEntry e : real.readDataBlock(ref).entries()) {
                filter.addKey(Arrays.copyOf(e.rawKey(), e.rawKey().length - 8));
            }
        }
        List<DataBlockRef> blocks = real.dataBlocks();
        filter.startBlock(blocks.get(blocks.size() - 1).endWithTrailer());
        BlockHandle h = real.metaBlocks().get(TableWriter.FILTER_KEY);
        assertArrayEquals(Arrays.copyOfRange(original, (int) h.offset(), (int) (h.offset() + h.size())),
                filter.finish(), "filter block");
    }

    /** The uncompressed contents of a data block. */
    static byte[] blockContents(byte[] table, DataBlockRef ref, CompressionType type) throws IOException {
        byte[] stored = Arrays.copyOfRange(table, (int) ref.offset(), (int) ref.offset() + ref.size());
        return switch (type) {
            case NONE -> stored;
            case SNAPPY -> org.xerial.snappy.Snappy.uncompress(stored);
            case ZSTD -> com.github.luben.zstd.Zstd.decompress(stored,
                    (int) com.github.luben.zstd.Zstd.getFrameContentSize(stored));
            default -> throw new AssertionError(type);
        };
    }

    /** Every key of data block i matches filter number (block offset / 2 KiB), decoded as filter_block.cc reads. */
    static void assertFilterCoversEveryBlock(byte[] table, TableReader reader) {
        BlockHandle h = reader.metaBlocks().get(TableWriter.FILTER_KEY);
        byte[] f = Arrays.copyOfRange(table, (int) h.offset(), (int) (h.offset() + h.size()));
        assertEquals(FilterBlockBuilder.BASE_LG, f[f.length - 1]);
        int arrayOffset = ByteCursor.getFixed32(f, f.length - 5);
        int count = (f.length - 5 - arrayOffset) / 4;
        int falseMatches = 0;
        for (DataBlockRef ref : reader.dataBlocks()) {
            int index = (int) (ref.offset() >> FilterBlockBuilder.BASE_LG);
            assertTrue(index < count);
            int start = ByteCursor.getFixed32(f, arrayOffset + index * 4);
            int limit = index + 1 < count ? ByteCursor.getFixed32(f, arrayOffset + index * 4 + 4) : arrayOffset;
            for (TableEntry e : reader.readDataBlock(ref).entries()) {
                byte[] user = Arrays.copyOf(e.rawKey(), e.rawKey().length - 8);
                assertTrue(BloomFilterPolicy.mayMatch(user, f, start, limit - start));
                byte[] absent = Arrays.copyOf(user, user.length + 1);
                falseMatches += BloomFilterPolicy.mayMatch(absent, f, start, limit - start) ? 1 : 0;
            }
        }
        assertFalse(falseMatches > 200, "false matches: " + falseMatches);
    }
}
