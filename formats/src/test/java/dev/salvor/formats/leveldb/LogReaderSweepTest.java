package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.leveldb.LogTesting.Result;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static dev.salvor.formats.leveldb.LogTesting.binary;
import static dev.salvor.formats.leveldb.LogTesting.read;
import static dev.salvor.formats.leveldb.LogTesting.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Truncate-at-every-offset and flip-every-byte sweeps over small multi-block logs that have every structural
 * feature: a FIRST fragment with data crossing a block boundary, an empty FIRST fragment, a block trailer, binary and
 * text payloads. Each offset is independent, so the sweeps run in parallel.
 */
class LogReaderSweepTest {

    /** Two blocks and a bit: crossing FIRST/LAST at 0/1 and an empty FIRST at 1/2. */
    static TracingLogWriter twoBlocks() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(binary(100, 1));        // FULL  [0,107)
        w.add(text(33_000, 2));       // FIRST [107,32768) + LAST [32768,33121)
        w.add(binary(1000, 3));       // FULL  [33121,34128)
        w.add(text(31_394, 4));       // FULL  [34128,65529): 7 bytes left
        w.add(binary(300, 5));        // FIRST (empty) [65529,65536) + LAST [65536,65843)
        w.add(binary(200, 6));        // FULL  [65843,66050)
        assertEquals(List.of(1, 2, 4, 1, 1, 2, 4, 1), w.physical().stream().map(TracingLogWriter.Phys::type).toList());
        assertEquals(0, w.physical().get(5).length());
        assertEquals(66_050, w.size());
        return w;
    }

    /** A block ending in a 3-byte trailer. */
    static TracingLogWriter withTrailer() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(binary(32_658, 9));     // FULL  [0,32665)
        w.add(binary(93, 10));        // FULL  [32665,32765), then a 3-byte trailer
        w.add(binary(100, 11));       // FULL  [32768,32875)
        assertEquals(32_768, w.physical().get(2).offset());
        return w;
    }

    private static void assertSame(TracingLogWriter.Rec expected, LogicalRecord actual, String where) {
        assertEquals(expected.offset(), actual.offset(), where);
        assertEquals(expected.end() - expected.offset(), actual.length(), where);
        assertArrayEquals(expected.payload(), actual.payload(), where);
        assertEquals(expected.fragments().size(), actual.fragments(), where);
        assertTrue(actual.crcOk(), where);
    }

    @Test
    void cleanLogsReadBackExactly() {
        for (TracingLogWriter w : List.of(twoBlocks(), withTrailer())) {
            Result r = read(w.bytes());
            assertEquals(List.of(), r.texts());
            assertEquals(w.records().size(), r.records().size());
            for (int i = 0; i < w.records().size(); i++) {
                assertSame(w.records().get(i), r.records().get(i), "record " + i);
            }
            long verified = w.physical().stream().mapToLong(p -> p.end() - p.offset()).sum();
            assertEquals(new LogStats((w.size() + 32_767) / 32_768, w.physical().size(), w.records().size(),
                    verified, 0, 0, true), r.stats());
        }
    }

    @Test
    void truncateAtEveryOffset() {
        TracingLogWriter w = twoBlocks();
        byte[] log = w.bytes();
        List<TracingLogWriter.Rec> recs = w.records();
        IntStream.rangeClosed(0, log.length).parallel().forEach(c -> {
            String where = "cut at " + c;
            Result r;
            try {
                r = read(Arrays.copyOf(log, c));
            } catch (RuntimeException e) {
                throw new AssertionError(where, e);
            }
            List<TracingLogWriter.Rec> complete = recs.stream().filter(x -> x.end() <= c).toList();
            assertEquals(complete.size(), r.records().size(), where);
            for (int i = 0; i < complete.size(); i++) {
                assertSame(complete.get(i), r.records().get(i), where);
            }
            long lastPhysEnd = w.physical().stream().mapToLong(TracingLogWriter.Phys::end).filter(e -> e <= c)
                    .max().orElse(0);
            boolean tailZero = true;
            for (long i = lastPhysEnd; i < c && tailZero; i++) {
                tailZero = log[(int) i] == 0;
            }
            TracingLogWriter.Rec cutRec = recs.stream().filter(x -> x.end() > c).findFirst().orElse(null);
            boolean open = cutRec != null && cutRec.offset() < lastPhysEnd;
            if (!open && tailZero) {
                assertEquals(List.of(), r.texts(), where);
                assertTrue(r.stats().cleanEnd(), where);
            } else {
                // One damage: the file ends inside the record that was being written.
                assertEquals(1, r.damages().size(), where + ": " + r.texts());
                Damage d = r.damages().get(0);
                assertEquals(DamageKind.TRUNCATED, d.kind(), where);
                assertEquals(cutRec.offset(), d.offset(), where);
                assertEquals(tailZero ? lastPhysEnd : c, d.end(), where);
                assertFalse(r.stats().cleanEnd(), where);
            }
        });
    }

    @Test
    void flipEveryByte() {
        TracingLogWriter w = twoBlocks();
        flipSweep(w, 0, (int) w.size());
    }

    @Test
    void flipEveryByteAroundATrailer() {
        TracingLogWriter w = withTrailer();
        flipSweep(w, 32_600, (int) w.size());
    }

    /**
     * Flips each byte in {@code [from, to)} (XOR 0xff): only damage may come out, every damage lies in the blocks of
     * the record (or trailer) that was changed, and every other record is still delivered intact.
     */
    private static void flipSweep(TracingLogWriter w, int from, int to) {
        byte[] log = w.bytes();
        List<TracingLogWriter.Rec> recs = w.records();
        IntStream.range(from, to).parallel().forEach(f -> {
            String where = "flip at " + f;
            byte[] copy = log.clone();
            copy[f] ^= (byte) 0xff;
            Result r;
            try {
                r = read(copy);
            } catch (RuntimeException e) {
                throw new AssertionError(where, e);
            }
            TracingLogWriter.Rec hit = recs.stream().filter(x -> x.contains(f)).findFirst().orElse(null);
            long lo = hit != null ? hit.firstBlockStart() : f / TracingLogWriter.BS * TracingLogWriter.BS;
            long hi = hit != null ? hit.lastBlockEnd() : lo + TracingLogWriter.BS;
            assertFalse(r.damages().isEmpty(), where);
            for (Damage d : r.damages()) {
                if (d.offset() < lo || d.end() > hi) {
                    fail(where + ": damage outside [" + lo + "," + hi + "): " + d);
                }
            }
            for (TracingLogWriter.Rec x : recs) {
                if (x == hit) {
                    continue;
                }
                LogicalRecord got = r.records().stream().filter(y -> y.offset() == x.offset() && y.crcOk())
                        .findFirst().orElse(null);
                if (got == null) {
                    fail(where + ": lost the record at " + x.offset() + "; damages " + r.texts());
                }
                assertSame(x, got, where);
            }
            for (LogicalRecord y : r.records()) {
                if (y.crcOk() && hit != null && y.offset() == hit.offset()) {
                    fail(where + ": the damaged record was delivered as intact");
                }
            }
        });
    }
}
