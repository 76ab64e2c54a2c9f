package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Intact tables written in LevelDB's format read back exactly, through the footer and index. */
class TableRoundTripTest {

    @ParameterizedTest
    @EnumSource(TracingTableWriter.Codec.class)
    void everyEntryComesBackInOrderThroughTheIndex(TracingTableWriter.Codec codec) {
        List<TracingTableWriter.Entry> written = Tables.entries(400, 7);
        TracingTableWriter.Written w = new TracingTableWriter().codec(codec).blockSize(1024).write(written);
        Tables.Read r = Tables.read("t.ldb", w.bytes());

        assertEquals(List.of(), r.damageText());
        assertTrue(r.layout().footerOk());
        assertTrue(r.layout().indexOk());
        assertFalse(r.layout().scanned());
        List<DataBlockRef> expectedRefs = new ArrayList<>();
        for (BlockHandle h : w.dataBlocks()) {
            expectedRefs.add(new DataBlockRef(h.offset(), (int) h.size(), BlockSource.INDEX));
        }
        assertEquals(expectedRefs, r.layout().dataBlocks());
        assertEquals(List.of(w.filter()), r.layout().filterBlocks());
        assertEquals(w.filter(), r.layout().metaBlocks().get("filter.leveldb.BuiltinBloomFilter2"));

        assertEquals(written.size(), r.entries().size());
        for (int i = 0; i < written.size(); i++) {
            TableEntry e = r.entries().get(i);
            assertArrayEquals(written.get(i).rawKey(), e.rawKey());
            assertArrayEquals(written.get(i).value(), e.value());
            assertTrue(e.crcOk());
            assertNotNull(e.key());
            assertEquals(1000 + i, e.key().sequence());
            assertEquals(i % 11 == 10 ? ValueType.DELETION : ValueType.VALUE, e.key().type());
            assertEquals(String.format("key%06d", i * 3), new String(e.key().userKey()));
        }
        assertEquals(new TableStats(w.dataBlocks().size(), 0, written.size(), verifiedBytes(w), true, true, false),
                r.stats());
    }

    @Test
    void snappyTablesMixCompressedAndRawBlocksAndReportTheCodecOfEach() {
        TracingTableWriter.Written w = new TracingTableWriter().blockSize(1024).write(Tables.entries(400, 7));
        assertTrue(w.blockTypes().contains(0) && w.blockTypes().contains(1), "writer should mix: " + w.blockTypes());
        TableReader reader = new TableReader(ByteSource.of("t.ldb", w.bytes()), DamageSink.STRICT, Limits.DEFAULT);
        List<DataBlockRef> refs = reader.dataBlocks();
        for (int i = 0; i < refs.size(); i++) {
            DecodedDataBlock d = reader.readDataBlock(refs.get(i));
            assertEquals(w.blockTypes().get(i) == 1 ? CompressionType.SNAPPY : CompressionType.NONE, d.compression());
            assertEquals(w.blockEntries().get(i).size(), d.entries().size());
            assertTrue(d.crcOk());
        }
    }

    @Test
    void zstdAndZlibAreRecognisedByTheirPayloadUnderTheSameId() {
        for (TracingTableWriter.Codec codec : new TracingTableWriter.Codec[] {TracingTableWriter.Codec.ZSTD, TracingTableWriter.Codec.ZLIB}) {
            TracingTableWriter.Written w = new TracingTableWriter().codec(codec).blockSize(1024).write(Tables.entries(200, 3));
            assertTrue(w.blockTypes().contains(2));
            TableReader reader = new TableReader(ByteSource.of("t.ldb", w.bytes()), DamageSink.STRICT,
                    Limits.DEFAULT);
            CompressionType expected = codec == TracingTableWriter.Codec.ZSTD ? CompressionType.ZSTD : CompressionType.ZLIB;
            for (int i = 0; i < w.dataBlocks().size(); i++) {
                DecodedDataBlock d = reader.readDataBlock(reader.dataBlocks().get(i));
                assertEquals(w.blockTypes().get(i) == 2 ? expected : CompressionType.NONE, d.compression());
            }
        }
    }

    @Test
    void tableWithoutFilterHasAnEmptyMetaindex() {
        List<TracingTableWriter.Entry> written = Tables.entries(100, 4);
        TracingTableWriter.Written w = new TracingTableWriter().filter(false).write(written);
        Tables.Read r = Tables.read("t.ldb", w.bytes());
        assertEquals(List.of(), r.damageText());
        assertTrue(r.layout().metaBlocks().isEmpty());
        assertTrue(r.layout().filterBlocks().isEmpty());
        assertEquals(Tables.pairs(written), r.verifiedPairs());
    }

    @Test
    void oneReaderServesBlocksToSeveralThreads() {
        List<TracingTableWriter.Entry> written = Tables.entries(2000, 11);
        TracingTableWriter.Written w = new TracingTableWriter().blockSize(512).write(written);
        TableReader reader = new TableReader(ByteSource.of("t.ldb", w.bytes()), DamageSink.STRICT, Limits.DEFAULT);
        List<DataBlockRef> refs = reader.dataBlocks();
        int[] counts = IntStream.range(0, refs.size()).parallel()
                .map(i -> reader.readDataBlock(refs.get(i)).entries().size()).toArray();
        assertEquals(written.size(), IntStream.of(counts).sum());
    }

    @Test
    void strictReaderAcceptsAnIntactTable() {
        TracingTableWriter.Written w = new TracingTableWriter().write(Tables.entries(50, 1));
        TableReader reader = new TableReader(ByteSource.of("t.ldb", w.bytes()), DamageSink.STRICT, Limits.DEFAULT);
        List<TableEntry> out = new ArrayList<>();
        TableStats stats = reader.scan(out::add);
        assertEquals(50, out.size());
        assertEquals(1, stats.blocksVerified());
    }

    static long verifiedBytes(TracingTableWriter.Written w) {
        long sum = 0;
        for (BlockHandle h : w.dataBlocks()) {
            sum += h.size() + 5;
        }
        return sum;
    }
}
