package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Damage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every single-byte change and every truncation of a small table (a few data blocks, filter, metaindex, index,
 * footer): nothing but damage reports leaves the reader, the damage is located in the changed unit, and every entry
 * of every other data block is still recovered with a verified checksum.
 */
class TableSweepTest {

    private static TracingTableWriter.Written small(TracingTableWriter.Codec codec) {
        TracingTableWriter.Written w = new TracingTableWriter().codec(codec).blockSize(400).write(Tables.entries(40, 17));
        assertTrue(w.dataBlocks().size() >= 3 && w.dataBlocks().size() <= 10, "blocks: " + w.dataBlocks().size());
        return w;
    }

    /** The units of the file: each data block with trailer, filter, metaindex, index, footer. */
    private static List<long[]> units(TracingTableWriter.Written w) {
        List<long[]> u = new ArrayList<>();
        for (BlockHandle h : w.dataBlocks()) {
            u.add(new long[] {h.offset(), h.endWithTrailer()});
        }
        for (BlockHandle h : new BlockHandle[] {w.filter(), w.metaindex(), w.index()}) {
            u.add(new long[] {h.offset(), h.endWithTrailer()});
        }
        u.add(new long[] {w.bytes().length - 48, w.bytes().length});
        long pos = 0;
        for (long[] x : u) {
            assertEquals(pos, x[0], "units must tile the file");
            pos = x[1];
        }
        assertEquals(w.bytes().length, pos);
        return u;
    }

    private static boolean overlaps(Damage d, long start, long end) {
        return d.offset() < end && Math.max(d.end(), d.offset() + 1) > start;
    }

    @ParameterizedTest
    @CsvSource({"SNAPPY, 255", "SNAPPY, 1", "NONE, 255", "NONE, 128"})
    void everyFlippedByteIsLocatedAndSparesTheOtherBlocks(TracingTableWriter.Codec codec, int xor) {
        TracingTableWriter.Written w = small(codec);
        List<long[]> units = units(w);
        Set<String> all = Tables.pairs(w.allEntries());
        int dataUnits = w.dataBlocks().size();
        for (int i = 0; i < w.bytes().length; i++) {
            byte[] bad = w.bytes().clone();
            bad[i] ^= (byte) xor;
            Tables.Read r = Tables.read("t.ldb", bad);
            int unit = 0;
            while (units.get(unit)[1] <= i) {
                unit++;
            }
            long[] u = units.get(unit);
            String where = "flip at " + i + " in unit " + unit + " " + Arrays.toString(u) + ": " + r.damageText();

            assertFalse(r.damage().isEmpty(), where);
            assertTrue(r.damage().stream().anyMatch(d -> overlaps(d, u[0], u[1])), where);
            if (unit < dataUnits) {
                assertTrue(r.damage().stream().allMatch(d -> d.offset() == u[0]), where);
            }
            Set<String> verified = r.verifiedPairs();
            assertTrue(all.containsAll(verified), "unwritten entry claimed verified; " + where);
            for (int b = 0; b < dataUnits; b++) {
                if (b != unit) {
                    assertTrue(verified.containsAll(Tables.pairs(w.blockEntries().get(b))),
                            "block " + b + " lost; " + where);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TracingTableWriter.Codec.class, names = {"SNAPPY", "NONE"})
    void everyTruncationKeepsTheCompleteBlocks(TracingTableWriter.Codec codec) {
        TracingTableWriter.Written w = small(codec);
        Set<String> all = Tables.pairs(w.allEntries());
        for (int len = 0; len < w.bytes().length; len++) {
            Tables.Read r = Tables.read("t.ldb", Arrays.copyOf(w.bytes(), len));
            String where = "cut at " + len + ": " + r.damageText();
            assertFalse(r.damage().isEmpty(), where);
            if (len > 0) {
                int last = len - 1;
                assertTrue(r.damage().stream().anyMatch(d -> overlaps(d, last, last + 1)), where);
            }
            Set<String> verified = r.verifiedPairs();
            assertTrue(all.containsAll(verified), "unwritten entry claimed verified; " + where);
            Set<String> complete = new HashSet<>();
            for (int b = 0; b < w.dataBlocks().size(); b++) {
                if (w.dataBlocks().get(b).endWithTrailer() <= len) {
                    complete.addAll(Tables.pairs(w.blockEntries().get(b)));
                }
            }
            assertTrue(verified.containsAll(complete), "complete block lost; " + where);
        }
    }
}
