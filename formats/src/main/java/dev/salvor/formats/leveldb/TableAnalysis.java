package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.DamageSink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Works out a table's structure ({@link TableLayout}) in four phases, each trusting only what the previous ones
 * verified, and reports the damage found on the way (once per table: {@link TableReader} keeps the result).
 *
 * <ol>
 * <li>{@link FooterReader}: the footer, the block region's end, and whether its handles are usable.</li>
 * <li>{@link MetaindexReader}: the metaindex and the filter blocks it names (if the metaindex handle is usable).</li>
 * <li>{@link IndexBlockReader}: the data blocks the index names (if the index handle is usable).</li>
 * <li>{@link GapScanner}: every range of the block region no trusted structure covers ({@link TableCoverage}) is
 *     scanned for blocks; verified ones are classified, the rest judged by {@link UnverifiedRegions}.</li>
 * </ol>
 *
 * The data blocks are returned in file order; the metaindex entries in block order; the filter blocks named by the
 * metaindex first, then those found by the scan.
 */
final class TableAnalysis {
    private TableAnalysis() {
    }

    static TableLayout run(TableFile file, DamageSink sink) {
        TableCoverage coverage = new TableCoverage();
        List<DataBlockRef> refs = new ArrayList<>();
        Map<String, BlockHandle> meta = new LinkedHashMap<>();
        List<BlockHandle> filters = new ArrayList<>();

        FooterReader.Result end = new FooterReader(file, sink, coverage).read();
        if (end.metaindexUsable()) {
            new MetaindexReader(file, sink, coverage, meta, filters).read(end.footer().metaindexHandle());
        }
        boolean indexOk = false;
        if (end.footerOk()) {
            IndexBlockReader index = new IndexBlockReader(file, sink, coverage, refs, end.dataEnd());
            index.read(end.footer().indexHandle());
            indexOk = index.indexOk();
        }
        GapScanner gaps = new GapScanner(file, sink, coverage, refs, filters, end.footerDamaged());
        gaps.scan(end.dataEnd(), end.dataEndIsBoundary());

        refs.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        return new TableLayout(end.footer(), end.footerOk(), indexOk, gaps.scanned(), List.copyOf(refs),
                Collections.unmodifiableMap(meta), List.copyOf(filters), coverage.structureBlocks());
    }
}
