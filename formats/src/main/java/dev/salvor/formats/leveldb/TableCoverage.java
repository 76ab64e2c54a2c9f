package dev.salvor.formats.leveldb;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the trusted structures of a table account for, shared by the analysis phases of a {@link TableReader}.
 *
 * <ul>
 * <li><b>Covered</b> regions {@code [start, end)}: the footer, and every block (plus trailer) that a verified
 *     structure names and that was accepted. Covered bytes are never scanned, and a handle that overlaps a covered
 *     region is rejected: blocks of one table never overlap.</li>
 * <li><b>Known</b> blocks: blocks known to exist (verified, or named by a verified structure). A clean block found
 *     by scanning is recognised as an index or metaindex block when it names one of them.</li>
 * <li><b>Structure hints</b>: structure blocks named by handles whose block did not verify. Their damage was
 *     reported when they were read, so the scan does not report an unverified region equal to one again.</li>
 * </ul>
 */
final class TableCoverage {
    /** A byte range {@code [start, end)} no trusted structure covers. */
    record Gap(long start, long end) {
    }

    /** Trusted regions [start, end) (block plus trailer, footer): not scanned. Value: end. */
    private final TreeMap<Long, Long> covered = new TreeMap<>();
    /** Blocks known to exist (verified or named by a verified structure), for index-block recognition. */
    private final Set<BlockHandle> knownBlocks = new HashSet<>();
    /** Structure blocks named by handles that did not verify: an unverified region equal to one is skipped. */
    private final Set<BlockHandle> structureHints = new HashSet<>();
    /** Index and metaindex blocks whose checksum verified, in the order found (for the table's map). */
    private final List<BlockHandle> structureBlocks = new ArrayList<>();

    void cover(long start, long end) {
        covered.put(start, end);
    }

    /** Covers a block and its trailer and records it as known. */
    void coverBlock(BlockHandle h) {
        cover(h.offset(), h.endWithTrailer());
        knownBlocks.add(h);
    }

    boolean overlapsCovered(long start, long end) {
        Map.Entry<Long, Long> below = covered.floorEntry(start);
        if (below != null && below.getValue() > start) {
            return true;
        }
        Map.Entry<Long, Long> above = covered.ceilingEntry(start);
        return above != null && above.getKey() < end;
    }

    /** Records a verified index or metaindex block (it carries no user data). */
    void addStructure(BlockHandle h) {
        structureBlocks.add(h);
    }

    List<BlockHandle> structureBlocks() {
        return List.copyOf(structureBlocks);
    }

    void addKnown(BlockHandle h) {
        knownBlocks.add(h);
    }

    boolean isKnown(BlockHandle h) {
        return knownBlocks.contains(h);
    }

    void addStructureHint(BlockHandle h) {
        structureHints.add(h);
    }

    boolean isStructureHint(BlockHandle h) {
        return structureHints.contains(h);
    }

    /**
     * The uncovered ranges of {@code [0, dataEnd)}, in file order. A range may be empty (callers skip those) when a
     * covered region reaches past {@code dataEnd}.
     */
    List<Gap> gaps(long dataEnd) {
        List<Gap> gaps = new ArrayList<>();
        long pos = 0;
        for (Map.Entry<Long, Long> c : covered.entrySet()) {
            if (c.getKey() > pos) {
                gaps.add(new Gap(pos, Math.min(c.getKey(), dataEnd)));
            }
            pos = Math.max(pos, c.getValue());
        }
        if (pos < dataEnd) {
            gaps.add(new Gap(pos, dataEnd));
        }
        return gaps;
    }
}
