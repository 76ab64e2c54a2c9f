package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.UnitMap;
import dev.salvor.formats.core.UnitState;

/**
 * How the units of LevelDB files are drawn in their map ({@link dev.salvor.formats.core.FileResult#map()}): log and
 * MANIFEST records, table data blocks, and a table's structure (footer, metaindex, index and filter blocks). What a
 * damage names is drawn damaged by the report whether or not it is marked here.
 */
final class LevelDbUnits {
    private LevelDbUnits() {
    }

    /**
     * A logical record of a log or MANIFEST, from its first header through its last fragment: verified when every
     * fragment's checksum held, else damaged (a FULL record delivered with {@code crcOk=false}).
     */
    static void record(UnitMap map, LogicalRecord rec) {
        map.mark(rec.offset(), rec.length(), rec.crcOk() ? UnitState.VERIFIED : UnitState.DAMAGED);
    }

    /**
     * The end of a log that ended cleanly after its last record ({@code from}): block trailer padding or a
     * zero-filled (preallocated) tail, which holds no record: free.
     */
    static void cleanTail(UnitMap map, LogStats stats, long from) {
        if (stats.cleanEnd()) {
            map.mark(from, map.size() - from, UnitState.FREE);
        }
    }

    /** A table's footer and the structure blocks its analysis verified (filter blocks too: their damage is named). */
    static void structure(UnitMap map, TableLayout layout) {
        if (layout.footer() != null) {
            map.mark(map.size() - Footer.ENCODED_LENGTH, Footer.ENCODED_LENGTH, UnitState.VERIFIED);
        }
        for (BlockHandle h : layout.structureBlocks()) {
            map.mark(h.offset(), h.endWithTrailer() - h.offset(), UnitState.VERIFIED);
        }
        for (BlockHandle h : layout.filterBlocks()) {
            map.mark(h.offset(), h.endWithTrailer() - h.offset(), UnitState.VERIFIED);
        }
    }

    /** One data block with its trailer: verified when its checksum held and it decoded, else damaged. */
    static void dataBlock(UnitMap map, DataBlockRef ref, boolean verified) {
        map.mark(ref.offset(), ref.endWithTrailer() - ref.offset(), verified ? UnitState.VERIFIED : UnitState.DAMAGED);
    }
}
