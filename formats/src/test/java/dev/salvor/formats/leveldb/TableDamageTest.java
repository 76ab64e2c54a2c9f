package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each damage case of a table, with the exact damage reported and what is still recovered. */
class TableDamageTest {
    private static final String CRC_CAUSE = "checksum mismatch (bytes changed after writing: bit rot, overwrite or"
            + " torn write)";

    private static String at(long offset, long length) {
        return "(resource=t.ldb, offset=0x" + Long.toHexString(offset) + ", length=" + length + ")";
    }

    /** Masked CRC of block bytes plus type byte, computed here from the bytes as they are now. */
    private static int maskedCrc(byte[] file, BlockHandle h) {
        return Crc32c.mask(Crc32c.of(file, (int) h.offset(), (int) h.size() + 1));
    }

    private static int storedCrc(byte[] file, BlockHandle h) {
        return ByteCursor.getFixed32(file, (int) (h.offset() + h.size() + 1));
    }

    private static Set<String> pairsOfBlocksExcept(TracingTableWriter.Written w, Set<Integer> except) {
        Set<String> s = new HashSet<>();
        for (int i = 0; i < w.blockEntries().size(); i++) {
            if (!except.contains(i)) {
                s.addAll(Tables.pairs(w.blockEntries().get(i)));
            }
        }
        return s;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void flippedByteInADataBlockIsReportedThereAndEveryOtherBlockStillVerifies() {
        TracingTableWriter.Written w = new TracingTableWriter().codec(TracingTableWriter.Codec.NONE).blockSize(1024)
                .write(Tables.entries(200, 5));
        BlockHandle b2 = w.dataBlocks().get(2);
        // Flip a byte inside the first value of block 2 (stored uncompressed), so every entry still parses.
        List<TracingTableWriter.Entry> in2 = w.blockEntries().get(2);
        int vi = 0;
        while (in2.get(vi).value().length < 8) {
            vi++;
        }
        TracingTableWriter.Entry victim = in2.get(vi);
        int valueAt = indexOf(w.bytes(), victim.value(), (int) b2.offset());
        assertTrue(valueAt > b2.offset() && valueAt < b2.offset() + b2.size());
        byte[] bad = w.bytes().clone();
        bad[valueAt + 1] ^= 0x20;

        Tables.Read r = Tables.read("t.ldb", bad);

        assertEquals(List.of("data block " + CRC_CAUSE + ": actual=" + Damage.hex32(maskedCrc(bad, b2))
                + " vs expected=" + Damage.hex32(storedCrc(bad, b2)) + " (crc-mismatch) "
                + at(b2.offset(), b2.size() + 5)), r.damageText());
        assertEquals(pairsOfBlocksExcept(w, Set.of(2)), r.verifiedPairs());
        List<TableEntry> block2 = r.entries().stream().filter(e -> e.blockOffset() == b2.offset()).toList();
        assertEquals(w.blockEntries().get(2).size(), block2.size());
        assertTrue(block2.stream().noneMatch(TableEntry::crcOk));
        byte[] expectedValue = victim.value().clone();
        expectedValue[1] ^= 0x20;
        assertArrayEquals(expectedValue, block2.get(vi).value());
        assertEquals(new TableStats(w.dataBlocks().size() - 1, 1, 200,
                TableRoundTripTest.verifiedBytes(w) - b2.size() - 5, true, true, false), r.stats());
    }

    @Test
    void zeroedFooterFallsBackToScanningAndRecoversEverything() {
        List<TracingTableWriter.Entry> written = Tables.entries(300, 9);
        TracingTableWriter.Written w = new TracingTableWriter().blockSize(1024).write(written);
        byte[] bad = w.bytes().clone();
        int footerAt = bad.length - 48;
        Arrays.fill(bad, footerAt, bad.length, (byte) 0);

        Tables.Read r = Tables.read("t.ldb", bad);

        assertEquals(List.of("table footer is all zeros (overwritten, or a preallocated file never finished):"
                + " actual=48 zero bytes vs expected=0xdb4775248b80fb57 (zeroed) " + at(footerAt, 48)),
                r.damageText());
        assertEquals(Tables.pairs(written), r.verifiedPairs());
        assertEquals(written.size(), r.entries().size());
        List<DataBlockRef> expected = new ArrayList<>();
        for (BlockHandle h : w.dataBlocks()) {
            expected.add(new DataBlockRef(h.offset(), (int) h.size(), BlockSource.SCAN));
        }
        assertEquals(expected, r.layout().dataBlocks());
        assertEquals(List.of(w.filter()), r.layout().filterBlocks());
        assertFalse(r.layout().footerOk());
        assertTrue(r.layout().scanned());
        assertFalse(r.layout().footer() != null);
    }

    @Test
    void scannedTableWithoutFilterListsOnlyDataBlocks() {
        List<TracingTableWriter.Entry> written = Tables.entries(120, 9);
        TracingTableWriter.Written w = new TracingTableWriter().filter(false).blockSize(1024).write(written);
        byte[] bad = w.bytes().clone();
        Arrays.fill(bad, bad.length - 48, bad.length, (byte) 0);
        Tables.Read r = Tables.read("t.ldb", bad);
        assertEquals(1, r.damage().size());
        assertEquals(w.dataBlocks().size(), r.layout().dataBlocks().size());
        assertEquals(Tables.pairs(written), r.verifiedPairs());
        assertEquals(new TableStats(w.dataBlocks().size(), 0, written.size(), TableRoundTripTest.verifiedBytes(w),
                false, false, true), r.stats());
    }

    @Test
    void overwrittenIndexBlockFallsBackToScanningAndRecoversEverything() {
        List<TracingTableWriter.Entry> written = Tables.entries(300, 9);
        TracingTableWriter.Written w = new TracingTableWriter().codec(TracingTableWriter.Codec.NONE).blockSize(1024).write(written);
        BlockHandle ih = w.index();
        byte[] bad = w.bytes().clone();
        Arrays.fill(bad, (int) ih.offset(), (int) (ih.offset() + ih.size()), (byte) 0xa5); // trailer kept
        int n = (int) ih.size();

        Tables.Read r = Tables.read("t.ldb", bad);

        long len = n + 5;
        assertEquals(List.of(
                "index block " + CRC_CAUSE + ": actual=" + Damage.hex32(maskedCrc(bad, ih)) + " vs expected="
                        + Damage.hex32(storedCrc(bad, ih)) + " (crc-mismatch) " + at(ih.offset(), len),
                "block restart count does not fit in the block at +" + (n - 4) + ": actual=2779096485 vs expected=<= "
                        + (n - 4) / 4 + " (bad-restart-array) " + at(ih.offset(), len),
                "block entry header undecodable at +0: actual=overlong or cut off at +4 vs expected=varint32 of <= 5"
                        + " bytes ending before +" + (n - 4) + " (bad-varint) " + at(ih.offset(), len)),
                r.damageText());
        assertEquals(Tables.pairs(written), r.verifiedPairs());
        assertEquals(written.size(), r.entries().size());
        assertTrue(r.layout().footerOk());
        assertFalse(r.layout().indexOk());
        assertTrue(r.layout().dataBlocks().stream().allMatch(b -> b.foundBy() == BlockSource.SCAN));
        assertEquals(w.dataBlocks().size(), r.layout().dataBlocks().size());
    }

    @Test
    void overwrittenSnappyIndexIsReportedOnceAndEverythingIsRecovered() {
        List<TracingTableWriter.Entry> written = Tables.entries(300, 9);
        TracingTableWriter.Written w = new TracingTableWriter().blockSize(1024).write(written);
        BlockHandle ih = w.index();
        byte[] bad = w.bytes().clone();
        new java.util.Random(1).nextBytes(new byte[0]);
        for (long i = ih.offset(); i < ih.offset() + ih.size(); i++) {
            bad[(int) i] = (byte) (i * 131 + 7);
        }
        Tables.Read r = Tables.read("t.ldb", bad);
        assertTrue(r.damage().stream().allMatch(d -> d.offset() == ih.offset()), r.damageText().toString());
        assertEquals(DamageKind.CRC_MISMATCH, r.damage().get(0).kind());
        assertEquals(Tables.pairs(written), r.verifiedPairs());
        assertEquals(written.size(), r.entries().size());
    }

    @Test
    void zeroedPageLosesOnlyTheBlocksItTouches() {
        List<TracingTableWriter.Entry> written = Tables.entries(400, 13);
        TracingTableWriter.Written w = new TracingTableWriter().blockSize(1024).write(written);
        int from = 4096;
        int to = 8192;
        Set<Integer> touched = new HashSet<>();
        for (int i = 0; i < w.dataBlocks().size(); i++) {
            BlockHandle h = w.dataBlocks().get(i);
            if (h.offset() < to && h.endWithTrailer() > from) {
                touched.add(i);
            }
        }
        assertTrue(touched.size() >= 3, "page should span several blocks: " + touched);
        for (boolean footerToo : new boolean[] {false, true}) {
            byte[] bad = w.bytes().clone();
            Arrays.fill(bad, from, to, (byte) 0);
            if (footerToo) {
                Arrays.fill(bad, bad.length - 48, bad.length, (byte) 0);
            }
            Tables.Read r = Tables.read("t.ldb", bad);

            assertEquals(pairsOfBlocksExcept(w, touched), r.verifiedPairs(), "footer zeroed: " + footerToo);
            for (Damage d : r.damage()) {
                boolean inPage = d.offset() < to && d.end() > from;
                boolean footer = footerToo && d.offset() == bad.length - 48;
                assertTrue(inPage || footer, "damage outside the zeroed page: " + d);
            }
            for (int i : touched) {
                BlockHandle h = w.dataBlocks().get(i);
                assertTrue(r.damage().stream().anyMatch(d -> d.offset() <= h.offset() && d.end() > h.offset()
                        || d.offset() >= h.offset() && d.offset() < h.endWithTrailer()), "block " + i);
            }
        }
    }

    @Test
    void truncatedTableKeepsEveryCompleteBlock() {
        List<TracingTableWriter.Entry> written = Tables.entries(300, 21);
        TracingTableWriter.Written w = new TracingTableWriter().blockSize(1024).write(written);
        BlockHandle b3 = w.dataBlocks().get(3);
        int cut = (int) (b3.offset() + b3.size() / 2);
        byte[] bad = Arrays.copyOf(w.bytes(), cut);

        Tables.Read r = Tables.read("t.ldb", bad);

        long magic = ByteCursor.getFixed64(bad, cut - 8);
        assertEquals(List.of(
                "table footer magic wrong (table not finished: crash or close during compaction, truncated, or"
                        + " overwritten): actual=" + String.format("0x%016x", magic)
                        + " vs expected=0xdb4775248b80fb57 (bad-magic) " + at(cut - 48, 48),
                "incomplete block at the end of a table without footer (table not finished: crash during"
                        + " compaction, or truncated): actual=" + (cut - b3.offset()) + " bytes vs expected=a block"
                        + " and a 5-byte trailer whose checksum verifies (truncated) " + at(b3.offset(),
                        cut - b3.offset())),
                r.damageText());
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            expected.addAll(Tables.pairs(w.blockEntries().get(i)));
        }
        assertEquals(expected, r.verifiedPairs());
        assertEquals(expected.size(), r.entries().size());
    }

    @Test
    void footerlessTableEndingOnABlockBoundaryOnlyLacksItsFooter() {
        List<TracingTableWriter.Entry> written = Tables.entries(300, 21);
        TracingTableWriter.Written w = new TracingTableWriter().blockSize(1024).write(written);
        int cut = (int) w.dataBlocks().get(w.dataBlocks().size() - 1).endWithTrailer();
        Tables.Read r = Tables.read("t.ldb", Arrays.copyOf(w.bytes(), cut));
        assertEquals(1, r.damage().size());
        assertEquals(DamageKind.BAD_MAGIC, r.damage().get(0).kind());
        assertEquals(Tables.pairs(written), r.verifiedPairs());
    }

    @Test
    void snappyPreambleClaimingFourGibibytesIsRefusedBeforeAllocating() throws IOException {
        TracingTableWriter.BlockBuilder good = new TracingTableWriter.BlockBuilder(16);
        good.add(TracingTableWriter.ikey("a", 1, ValueType.VALUE), "x".repeat(300).getBytes(StandardCharsets.US_ASCII));
        byte[] compressed = Snappy.compress(good.finish());
        // Replace the real preamble (a varint) by 0xffffffff, keep the rest of the stream.
        int pre = 0;
        while ((compressed[pre] & 0x80) != 0) {
            pre++;
        }
        byte[] body = Arrays.copyOfRange(compressed, pre + 1, compressed.length);
        byte[] bomb = new byte[5 + body.length];
        bomb[0] = (byte) 0xff;
        bomb[1] = (byte) 0xff;
        bomb[2] = (byte) 0xff;
        bomb[3] = (byte) 0xff;
        bomb[4] = 0x0f;
        System.arraycopy(body, 0, bomb, 5, body.length);
        TracingTableWriter.BlockBuilder second = new TracingTableWriter.BlockBuilder(16);
        second.add(TracingTableWriter.ikey("b", 2, ValueType.VALUE), "y".getBytes(StandardCharsets.US_ASCII));
        TracingTableWriter.Written w = TracingTableWriter.assemble(List.of(bomb, second.finish()), List.of(1, 0));

        Tables.Read r = Tables.read("t.ldb", w.bytes());

        assertEquals(List.of("snappy preamble claims an uncompressed block larger than the configured limit"
                + " (damaged length, or raise maxBlockBytes): actual=4294967295 vs expected=<= 67108864"
                + " (limit-exceeded) " + at(0, bomb.length + 5)), r.damageText());
        assertEquals(1, r.entries().size());
        assertEquals("b", new String(r.entries().get(0).key().userKey(), StandardCharsets.US_ASCII));
    }

    @Test
    void hugeRestartCountIsReportedAndTheEntriesAreStillRecovered() {
        TracingTableWriter.BlockBuilder bb = new TracingTableWriter.BlockBuilder(4);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] k = TracingTableWriter.ikey("user" + i, 10 + i, ValueType.VALUE);
            keys.add(k);
            bb.add(k, ("v" + i).getBytes(StandardCharsets.US_ASCII));
        }
        byte[] block = bb.finish();
        int n = block.length;
        block[n - 4] = (byte) 0xf0;
        block[n - 3] = (byte) 0xff;
        block[n - 2] = (byte) 0xff;
        block[n - 1] = (byte) 0xff;
        TracingTableWriter.Written w = TracingTableWriter.assemble(List.of(block), List.of(0));

        Tables.Read r = Tables.read("t.ldb", w.bytes());

        assertEquals(List.of("block restart count does not fit in the block at +" + (n - 4)
                + ": actual=4294967280 vs expected=<= " + (n - 4) / 4 + " (bad-restart-array) " + at(0, n + 5)),
                r.damageText());
        assertEquals(10, r.entries().size());
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(keys.get(i), r.entries().get(i).rawKey());
        }
    }

    @Test
    void sharedPrefixLongerThanThePreviousKeyReanchorsAtTheNextRestart() {
        TracingTableWriter.BlockBuilder bb = new TracingTableWriter.BlockBuilder(4);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] k = TracingTableWriter.ikey("user" + (char) ('a' + i), 100 + i, ValueType.VALUE);
            keys.add(k);
            bb.add(k, ("value" + i).getBytes(StandardCharsets.US_ASCII));
        }
        byte[] block = bb.finish();
        int e5 = bb.offsets.get(5);
        block[e5] = 100; // shared (a one-byte varint) far beyond the previous key's length
        TracingTableWriter.Written w = TracingTableWriter.assemble(List.of(block), List.of(0));

        Tables.Read r = Tables.read("t.ldb", w.bytes());

        assertEquals(List.of("block entry shares more key bytes than the previous key has at +" + e5
                + ": actual=100 vs expected=<= " + keys.get(4).length + " (previous key length) (bad-key) "
                + at(0, block.length + 5)), r.damageText());
        List<Integer> expected = List.of(0, 1, 2, 3, 4, 8, 9, 10, 11);
        assertEquals(expected.size(), r.entries().size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(keys.get(expected.get(i)), r.entries().get(i).rawKey());
            assertTrue(r.entries().get(i).crcOk());
        }
    }

    @Test
    void flippedTypeByteIsReportedAndTheBlockStillDecodes() {
        List<TracingTableWriter.Entry> written = Tables.entries(200, 5);
        TracingTableWriter.Written w = new TracingTableWriter().blockSize(1024).write(written);
        int snappyBlock = w.blockTypes().indexOf(1);
        BlockHandle h = w.dataBlocks().get(snappyBlock);
        byte[] bad = w.bytes().clone();
        bad[(int) (h.offset() + h.size())] = 0x41; // type byte 1 -> 0x41

        Tables.Read r = Tables.read("t.ldb", bad);

        assertEquals(List.of(
                "data block " + CRC_CAUSE + ": actual=" + Damage.hex32(maskedCrc(bad, h)) + " vs expected="
                        + Damage.hex32(storedCrc(bad, h)) + " (crc-mismatch) " + at(h.offset(), h.size() + 5),
                "block compression id unknown; block decodes as snappy instead (type byte damaged?): actual=65 vs"
                        + " expected=0 (none), 1 (snappy), 2 (zstd/zlib), 4 (raw deflate) or 7 (zstd)"
                        + " (unknown-compression) " + at(h.offset(), h.size() + 5)),
                r.damageText());
        assertEquals(pairsOfBlocksExcept(w, Set.of(snappyBlock)), r.verifiedPairs());
        assertEquals(written.size(), r.entries().size());
    }

    @Test
    void indexHandlePastTheEndOfTheFileIsABadPointer() {
        TracingTableWriter.BlockBuilder data = new TracingTableWriter.BlockBuilder(16);
        data.add(TracingTableWriter.ikey("a", 1, ValueType.VALUE), "1".getBytes(StandardCharsets.US_ASCII));
        TracingTableWriter.Written ok = TracingTableWriter.assemble(List.of(data.finish()), List.of(0));
        // Rebuild with an index whose only handle points far past the end.
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        BlockHandle d = TracingTableWriter.writeRaw(file, Arrays.copyOfRange(ok.bytes(), 0, (int) ok.dataBlocks().get(0)
                .size()), 0);
        BlockHandle meta = TracingTableWriter.writeRaw(file, new TracingTableWriter.BlockBuilder(16).finish(), 0);
        TracingTableWriter.BlockBuilder index = new TracingTableWriter.BlockBuilder(1);
        index.add(TracingTableWriter.ikey("a", 1, ValueType.VALUE), new BlockHandle(1_000_000, d.size()).encode());
        BlockHandle idx = TracingTableWriter.writeRaw(file, index.finish(), 0);
        file.writeBytes(new Footer(meta, idx).encode());
        byte[] bytes = file.toByteArray();

        Tables.Read r = Tables.read("t.ldb", bytes);

        long regionEnd = bytes.length - 48;
        assertEquals(List.of("index entry 0 handle runs past the block region (into the footer or past the end of"
                + " the file) (at +0): actual=[1000000, " + (1_000_000 + d.size() + 5) + ") vs expected=block and"
                + " trailer inside [0, " + regionEnd + ") not overlapping other blocks (bad-pointer) "
                + at(idx.offset(), idx.size() + 5)), r.damageText());
        // The data block the index no longer reaches is found by scanning.
        assertEquals(List.of(new DataBlockRef(0, (int) d.size(), BlockSource.SCAN)), r.layout().dataBlocks());
        assertEquals(1, r.entries().size());
        assertTrue(r.entries().get(0).crcOk());
    }

    @Test
    void indexHandlesOverlappingEachOtherOrTheIndexAreBadPointers() {
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        TracingTableWriter.BlockBuilder data = new TracingTableWriter.BlockBuilder(16);
        data.add(TracingTableWriter.ikey("a", 1, ValueType.VALUE), "1".getBytes(StandardCharsets.US_ASCII));
        BlockHandle d = TracingTableWriter.writeRaw(file, data.finish(), 0);
        BlockHandle meta = TracingTableWriter.writeRaw(file, new TracingTableWriter.BlockBuilder(16).finish(), 0);
        TracingTableWriter.BlockBuilder index = new TracingTableWriter.BlockBuilder(1);
        index.add(TracingTableWriter.ikey("a", 1, ValueType.VALUE), d.encode());
        index.add(TracingTableWriter.ikey("b", 1, ValueType.VALUE), new BlockHandle(2, d.size()).encode());
        index.add(TracingTableWriter.ikey("c", 1, ValueType.VALUE), meta.encode());
        BlockHandle idx = TracingTableWriter.writeRaw(file, index.finish(), 0);
        file.writeBytes(new Footer(meta, idx).encode());

        Tables.Read r = Tables.read("t.ldb", file.toByteArray());

        String expected = " vs expected=block and trailer inside [0, " + (file.size() - 48)
                + ") not overlapping other blocks (bad-pointer) " + at(idx.offset(), idx.size() + 5);
        assertEquals(List.of(
                "index entry 1 handle overlaps another block (at +" + index.offsets.get(1) + "): actual=[2, "
                        + (2 + d.size() + 5) + ")" + expected,
                "index entry 2 handle overlaps another block (at +" + index.offsets.get(2) + "): actual=["
                        + meta.offset() + ", " + meta.endWithTrailer() + ")" + expected),
                r.damageText());
        assertEquals(List.of(new DataBlockRef(0, (int) d.size(), BlockSource.INDEX)), r.layout().dataBlocks());
        assertFalse(r.layout().indexOk());
        assertEquals(1, r.entries().size());
    }

    @Test
    void aBlockLargerThanTheLimitIsNotAllocated() {
        List<TracingTableWriter.Entry> written = Tables.entries(100, 5);
        TracingTableWriter.Written w = new TracingTableWriter().codec(TracingTableWriter.Codec.NONE).blockSize(4096).write(written);
        Limits small = Limits.DEFAULT.withMaxBlockBytes(1024);
        Tables.Read r = Tables.read("t.ldb", w.bytes(), small);
        assertFalse(r.damage().isEmpty());
        assertTrue(r.damage().stream().allMatch(d -> d.kind() == DamageKind.LIMIT_EXCEEDED
                || d.kind() == DamageKind.UNRECOGNISED), r.damageText().toString());
        assertTrue(r.entries().isEmpty());
    }
}
