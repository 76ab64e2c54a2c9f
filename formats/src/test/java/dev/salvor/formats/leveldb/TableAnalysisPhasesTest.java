package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each phase of a table's structure analysis on its own, with the state it leaves for the next phase. */
class TableAnalysisPhasesTest {
    private static final TracingTableWriter.Written TABLE = new TracingTableWriter().blockSize(1024)
            .write(Tables.entries(300, 7));

    private static TableFile file(byte[] bytes) {
        return new TableFile(ByteSource.of("t.ldb", bytes), Limits.DEFAULT);
    }

    @Test
    void coverageGapsAreTheUncoveredRangesBeforeTheEnd() {
        TableCoverage c = new TableCoverage();
        c.cover(10, 20);
        c.cover(30, 45);
        assertEquals(List.of(new TableCoverage.Gap(0, 10), new TableCoverage.Gap(20, 30)), c.gaps(40));
        assertEquals(List.of(new TableCoverage.Gap(0, 10), new TableCoverage.Gap(20, 30),
                new TableCoverage.Gap(45, 50)), c.gaps(50));
        assertTrue(c.overlapsCovered(19, 21));
        assertTrue(c.overlapsCovered(5, 11));
        assertFalse(c.overlapsCovered(20, 30));
        assertFalse(c.overlapsCovered(0, 10));
    }

    @Test
    void intactFooterCoversItselfAndEndsTheBlockRegion() {
        TableCoverage c = new TableCoverage();
        List<Damage> damage = new ArrayList<>();
        FooterReader.Result r = new FooterReader(file(TABLE.bytes()), DamageSink.collectingInto(damage), c).read();
        long at = TABLE.bytes().length - Footer.ENCODED_LENGTH;
        assertEquals(new FooterReader.Result(new Footer(TABLE.metaindex(), TABLE.index()), true, true, false, at,
                true), r);
        assertEquals(List.of(), damage);
        assertEquals(List.of(new TableCoverage.Gap(0, at)), c.gaps(at));
    }

    @Test
    void zeroedFooterIsDamagedButStillABoundary() {
        byte[] b = TABLE.bytes().clone();
        long at = b.length - Footer.ENCODED_LENGTH;
        Arrays.fill(b, (int) at, b.length, (byte) 0);
        List<Damage> damage = new ArrayList<>();
        FooterReader.Result r = new FooterReader(file(b), DamageSink.collectingInto(damage), new TableCoverage())
                .read();
        assertNull(r.footer());
        assertTrue(r.footerDamaged());
        assertFalse(r.footerOk());
        assertEquals(at, r.dataEnd());
        assertTrue(r.dataEndIsBoundary());
        assertEquals(List.of(DamageKind.ZEROED), damage.stream().map(Damage::kind).toList());
    }

    @Test
    void fileShorterThanAFooterIsScannedToItsEnd() {
        List<Damage> damage = new ArrayList<>();
        FooterReader.Result r = new FooterReader(file(new byte[20]), DamageSink.collectingInto(damage),
                new TableCoverage()).read();
        assertEquals(new FooterReader.Result(null, false, false, true, 20, false), r);
        assertEquals(List.of(DamageKind.TRUNCATED), damage.stream().map(Damage::kind).toList());
    }

    @Test
    void trustedMetaindexAndIndexLeaveNoGap() {
        TableFile f = file(TABLE.bytes());
        TableCoverage c = new TableCoverage();
        List<Damage> damage = new ArrayList<>();
        DamageSink sink = DamageSink.collectingInto(damage);
        FooterReader.Result end = new FooterReader(f, sink, c).read();
        Map<String, BlockHandle> meta = new LinkedHashMap<>();
        List<BlockHandle> filters = new ArrayList<>();
        new MetaindexReader(f, sink, c, meta, filters).read(end.footer().metaindexHandle());
        assertEquals(Map.of("filter.leveldb.BuiltinBloomFilter2", TABLE.filter()), meta);
        assertEquals(List.of(TABLE.filter()), filters);
        List<DataBlockRef> refs = new ArrayList<>();
        IndexBlockReader index = new IndexBlockReader(f, sink, c, refs, end.dataEnd());
        index.read(end.footer().indexHandle());
        assertTrue(index.indexOk());
        assertEquals(TABLE.dataBlocks(), refs.stream().map(r -> new BlockHandle(r.offset(), r.size())).toList());
        assertTrue(refs.stream().allMatch(r -> r.foundBy() == BlockSource.INDEX));
        assertTrue(c.gaps(end.dataEnd()).stream().allMatch(g -> g.end() <= g.start()));
        assertEquals(List.of(), damage);
    }

    @Test
    void scannedBlocksAreClassifiedByContent() {
        TableFile f = file(TABLE.bytes());
        TableCoverage c = new TableCoverage();
        ScannedBlockClassifier k = new ScannedBlockClassifier(f, c);
        BlockHandle data = TABLE.dataBlocks().get(0);
        assertEquals(ScannedBlockClassifier.Kind.DATA, k.classify(data.offset(), (int) data.size()));
        assertEquals(ScannedBlockClassifier.Kind.FILTER,
                k.classify(TABLE.filter().offset(), (int) TABLE.filter().size()));
        // The index names the data blocks: a handle block once one of them is known, data before.
        BlockHandle ih = TABLE.index();
        assertEquals(ScannedBlockClassifier.Kind.DATA, k.classify(ih.offset(), (int) ih.size()));
        c.addKnown(data);
        assertEquals(ScannedBlockClassifier.Kind.HANDLES, k.classify(ih.offset(), (int) ih.size()));
        assertTrue(k.plausibleBlock(ih.offset(), (int) ih.size()));
    }

    @Test
    void gapScanFindsEveryDataBlockOfATableWithoutStructure() {
        byte[] b = TABLE.bytes();
        TableFile f = file(b);
        TableCoverage c = new TableCoverage();
        List<Damage> damage = new ArrayList<>();
        List<DataBlockRef> refs = new ArrayList<>();
        List<BlockHandle> filters = new ArrayList<>();
        long dataEnd = b.length - Footer.ENCODED_LENGTH;
        GapScanner scan = new GapScanner(f, DamageSink.collectingInto(damage), c, refs, filters, false);
        scan.scan(dataEnd, true);
        assertTrue(scan.scanned());
        assertEquals(TABLE.dataBlocks(), refs.stream().map(r -> new BlockHandle(r.offset(), r.size())).toList());
        assertEquals(List.of(TABLE.filter()), filters);
        assertEquals(List.of(), damage);
    }

    @Test
    void unverifiedRegionsAreZeroedOrSuspectBlocks() {
        byte[] b = TABLE.bytes().clone();
        BlockHandle first = TABLE.dataBlocks().get(0);
        BlockHandle second = TABLE.dataBlocks().get(1);
        Arrays.fill(b, (int) second.offset(), (int) second.endWithTrailer(), (byte) 0);
        List<Damage> damage = new ArrayList<>();
        List<DataBlockRef> refs = new ArrayList<>();
        UnverifiedRegions u = new UnverifiedRegions(file(b), DamageSink.collectingInto(damage), new TableCoverage(),
                refs, false);
        u.handle(second.offset(), second.endWithTrailer() - second.offset(), true, false);
        assertEquals(List.of(DamageKind.ZEROED), damage.stream().map(Damage::kind).toList());
        assertTrue(refs.isEmpty());
        u.handle(first.offset(), first.endWithTrailer() - first.offset(), true, false);
        assertEquals(List.of(new DataBlockRef(first.offset(), (int) first.size(), BlockSource.SCAN)), refs);
        assertEquals(1, damage.size());
    }

    @Test
    void analysisMatchesTheReadersLayout() {
        TableLayout viaReader = new TableReader(ByteSource.of("t.ldb", TABLE.bytes()), DamageSink.IGNORE,
                Limits.DEFAULT).layout();
        TableLayout direct = TableAnalysis.run(file(TABLE.bytes()), DamageSink.IGNORE);
        assertEquals(viaReader, direct);
        assertNotNull(direct.footer());
        assertTrue(direct.footerOk() && direct.indexOk() && !direct.scanned());
    }
}
