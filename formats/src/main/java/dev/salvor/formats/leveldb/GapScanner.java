package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.DamageSink;

import java.util.List;

/**
 * Last phase of a table's analysis: every byte range of the block region that no trusted structure covers (a
 * <em>gap</em>) is scanned for blocks by {@link BlockScanner}. That is all of the file when the footer or the index
 * is unusable, or a footerless table after a crash during compaction; for an intact table there is no gap.
 *
 * <h2>Rules</h2>
 * <ul>
 * <li>Blocks whose trailer CRC verifies are found by walking from known block boundaries (the start of each gap)
 *     and, after damage, by a linear-time resynchronisation whose candidates must also decode cleanly
 *     ({@link ScannedBlockClassifier#plausibleBlock}).</li>
 * <li>Each verified block is classified ({@link ScannedBlockClassifier}) and becomes known: filter blocks and
 *     index/metaindex blocks carry no user data and are skipped; the rest are data blocks
 *     ({@link BlockSource#SCAN}).</li>
 * <li>The end of a gap is a block boundary unless it is the end of a footerless file. The regions between verified
 *     blocks are judged by {@link UnverifiedRegions}.</li>
 * </ul>
 */
final class GapScanner {
    private final TableFile file;
    private final TableCoverage coverage;
    private final ScannedBlockClassifier classifier;
    private final UnverifiedRegions unverified;
    private final List<DataBlockRef> refs;
    private final List<BlockHandle> filters;
    private boolean scanned;

    /**
     * @param refs    receives the data blocks found, and (through {@link UnverifiedRegions}) the suspect ones
     * @param filters receives the filter blocks found
     */
    GapScanner(TableFile file, DamageSink sink, TableCoverage coverage, List<DataBlockRef> refs,
               List<BlockHandle> filters, boolean footerDamaged) {
        this.file = file;
        this.coverage = coverage;
        this.classifier = new ScannedBlockClassifier(file, coverage);
        this.unverified = new UnverifiedRegions(file, sink, coverage, refs, footerDamaged);
        this.refs = refs;
        this.filters = filters;
    }

    /** Whether any non-empty gap was scanned (valid after {@link #scan}). */
    boolean scanned() {
        return scanned;
    }

    /**
     * Scans the gaps of {@code [0, dataEnd)}.
     *
     * @param dataEndIsBoundary whether a block boundary is known at {@code dataEnd} (a footer starts there)
     */
    void scan(long dataEnd, boolean dataEndIsBoundary) {
        List<TableCoverage.Gap> gaps = coverage.gaps(dataEnd);
        BlockScanner scanner = new BlockScanner(file.source(), file.limits().maxBlockBytes(),
                classifier::plausibleBlock);
        long fileLen = file.length();
        for (TableCoverage.Gap g : gaps) {
            if (g.end() <= g.start()) {
                continue;
            }
            scanned = true;
            // The end of a gap is a block boundary unless it is the end of a footerless file.
            boolean endIsBoundary = g.end() < dataEnd || dataEndIsBoundary;
            List<BlockScanner.Segment> segs = scanner.scan(g.start(), g.end());
            for (int i = 0; i < segs.size(); i++) {
                BlockScanner.Segment s = segs.get(i);
                if (s.verified()) {
                    found(s.offset(), (int) s.length());
                } else {
                    boolean boundaryAfter = i + 1 < segs.size() || endIsBoundary;
                    unverified.handle(s.offset(), s.length(), boundaryAfter, g.end() == fileLen);
                }
            }
        }
    }

    /** A verified block found by scanning: classify it. */
    private void found(long offset, int size) {
        BlockHandle h = new BlockHandle(offset, size);
        ScannedBlockClassifier.Kind kind = classifier.classify(offset, size);
        coverage.addKnown(h);
        switch (kind) {
            case FILTER:
                filters.add(h);
                break;
            case HANDLES:
                coverage.addStructure(h);
                break;
            default:
                refs.add(new DataBlockRef(offset, size, BlockSource.SCAN));
        }
    }
}
