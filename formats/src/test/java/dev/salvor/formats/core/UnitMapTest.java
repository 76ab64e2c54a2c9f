package dev.salvor.formats.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.salvor.formats.core.UnitState.DAMAGED;
import static dev.salvor.formats.core.UnitState.FREE;
import static dev.salvor.formats.core.UnitState.UNVERIFIED;
import static dev.salvor.formats.core.UnitState.VERIFIED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitMapTest {

    private static UnitMap.Run run(long offset, long length, UnitState state) {
        return new UnitMap.Run(offset, length, state);
    }

    @Test
    void unitsMarkedFrontToBackInOneStateAreOneRun() {
        UnitMap m = new UnitMap(32768 * 10L);
        for (int b = 0; b < 10; b++) {
            m.mark(b * 32768L, 32768, VERIFIED);
        }
        assertEquals(List.of(run(0, 327680, VERIFIED)), m.runs());
    }

    @Test
    void neighboursInOtherStatesStaySeparateAndAGapFilledLaterJoinsBothSides() {
        UnitMap m = new UnitMap(100);
        m.mark(0, 10, VERIFIED);
        m.mark(10, 10, FREE);
        m.mark(30, 10, VERIFIED);
        m.mark(50, 10, VERIFIED);
        m.mark(40, 10, VERIFIED); // joins [30, 40) and [50, 60)
        assertEquals(List.of(run(0, 10, VERIFIED), run(10, 10, FREE), run(30, 30, VERIFIED)), m.runs());
    }

    @Test
    void overlapsKeepTheWorstStateOfEachByte() {
        UnitMap m = new UnitMap(100);
        m.mark(0, 100, VERIFIED);
        m.mark(40, 10, DAMAGED);
        assertEquals(List.of(run(0, 40, VERIFIED), run(40, 10, DAMAGED), run(50, 50, VERIFIED)), m.runs());
        m.mark(0, 100, VERIFIED); // a later "verified" never hides the damage
        assertEquals(List.of(run(0, 40, VERIFIED), run(40, 10, DAMAGED), run(50, 50, VERIFIED)), m.runs());
        m.mark(45, 20, UNVERIFIED);
        assertEquals(List.of(run(0, 40, VERIFIED), run(40, 10, DAMAGED), run(50, 15, UNVERIFIED),
                run(65, 35, VERIFIED)), m.runs());
    }

    @Test
    void rangesAreClippedToTheFileAndEmptyOnesIgnored() {
        UnitMap m = new UnitMap(50);
        m.mark(-5, 10, DAMAGED);
        m.mark(10, 0, DAMAGED);
        m.mark(60, 10, DAMAGED);
        m.mark(40, Long.MAX_VALUE, FREE);
        assertEquals(List.of(run(40, 10, FREE)), m.runs());
        new UnitMap(0).mark(0, 10, VERIFIED); // an empty file has nothing to mark
    }

    /** The map against a plain array of one state per byte, over random marks in random order. */
    @Test
    void exactMapAgreesWithOneStatePerByte() {
        Random rnd = new Random(12);
        for (int round = 0; round < 200; round++) {
            int size = 1 + rnd.nextInt(300);
            UnitMap m = new UnitMap(size, 10_000);
            int[] model = new int[size]; // 0 = unmarked, else ordinal + 1
            for (int k = 0; k < 40; k++) {
                int off = rnd.nextInt(size + 10) - 5;
                int len = rnd.nextInt(60);
                UnitState st = UnitState.values()[rnd.nextInt(UnitState.values().length)];
                m.mark(off, len, st);
                for (int b = off < 0 ? size : off; b < Math.min(size, off + len); b++) {
                    model[b] = Math.max(model[b], st.ordinal() + 1);
                }
            }
            int[] drawn = new int[size];
            UnitMap.Run prev = null;
            for (UnitMap.Run r : m.runs()) {
                assertTrue(r.length() > 0);
                if (prev != null) {
                    assertTrue(prev.end() <= r.offset(), "runs sorted and disjoint");
                    assertFalse(prev.end() == r.offset() && prev.state() == r.state(), "touching runs coalesced");
                }
                for (long b = r.offset(); b < r.end(); b++) {
                    drawn[(int) b] = r.state().ordinal() + 1;
                }
                prev = r;
            }
            assertEquals(java.util.Arrays.toString(model), java.util.Arrays.toString(drawn), "round " + round);
        }
    }

    @Test
    void beyondTheRunBoundTheMapTurnsIntoBucketsKeepingTheWorstState() {
        long size = 1 << 20;
        UnitMap m = new UnitMap(size, 8);
        for (int i = 0; i < 8; i++) {
            m.mark(i * 1000L, 500, VERIFIED);
        }
        assertFalse(m.bucketed());
        m.mark(100_000, 1, DAMAGED); // the 9th run
        assertTrue(m.bucketed());
        assertEquals(256, m.granularity()); // 2^20 / 4096
        // Millions of marks later, memory is still one byte per bucket.
        for (long off = 0; off < size; off += 16) {
            m.mark(off, 8, (off / 16) % 3 == 0 ? FREE : VERIFIED);
        }
        List<UnitMap.Run> runs = m.runs();
        assertTrue(runs.size() <= UnitMap.BUCKETS);
        UnitMap.Run hit = runs.stream().filter(r -> r.offset() <= 100_000 && r.end() > 100_000).findFirst().get();
        assertEquals(DAMAGED, hit.state());
        assertEquals(100_000 / 256 * 256, hit.offset());
        assertEquals(256, hit.length());
        assertEquals(FREE, runs.get(0).state(), "free is worse than verified in a shared bucket");
        long[] bytes = m.bytesByState();
        assertEquals(256, bytes[DAMAGED.ordinal()]);
        assertEquals(size, java.util.Arrays.stream(bytes).sum());
    }

    @Test
    void bucketsOfAnOddSizedFileEndAtItsSize() {
        UnitMap m = new UnitMap(10_000, 1);
        m.mark(0, 10, VERIFIED);
        m.mark(9_990, 10, DAMAGED);
        assertTrue(m.bucketed());
        assertEquals(4, m.granularity()); // 10000 / 4096 -> 3 -> 4
        List<UnitMap.Run> runs = m.runs();
        assertEquals(run(0, 12, VERIFIED), runs.get(0));
        assertEquals(10_000, runs.get(runs.size() - 1).end());
    }

    @Test
    void concurrentMarksLoseNothing() throws Exception {
        int threads = 8;
        int units = 20_000;
        UnitMap m = new UnitMap(units * 16L, 100_000);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int u = me; u < units; u += threads) {
                        m.mark(u * 16L, 16, u % 1000 == 7 ? DAMAGED : VERIFIED);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long[] bytes = m.bytesByState();
        assertEquals(20 * 16, bytes[DAMAGED.ordinal()]);
        assertEquals((units - 20) * 16L, bytes[VERIFIED.ordinal()]);
        assertEquals(0, bytes[UnitState.values().length]);
        assertEquals(41, m.runs().size()); // 20 damaged units between 21 verified runs
    }

    @Test
    void locatedDamagesShowAsDamagedOnACopy() {
        UnitMap m = new UnitMap(1000);
        m.mark(0, 1000, VERIFIED);
        List<Damage> ds = List.of(
                Damage.of("a.log", 100, 50, DamageKind.CRC_MISMATCH, "bad record"),
                Damage.of("a.log", 500, 0, DamageKind.CHAIN_BREAK, "break between two events"),
                Damage.of("a.log", 1200, 30, DamageKind.TRUNCATED, "ends early"),
                Damage.of("a.log", -1, 0, DamageKind.BAD_STRUCTURE, "somewhere"),
                Damage.of("other.log", 700, 10, DamageKind.CRC_MISMATCH, "another file"));
        UnitMap shown = m.withDamages(ds, "a.log");
        assertEquals(List.of(run(0, 100, VERIFIED), run(100, 50, DAMAGED), run(150, 350, VERIFIED),
                run(500, 1, DAMAGED), run(501, 498, VERIFIED), run(999, 1, DAMAGED)), shown.runs());
        assertEquals(List.of(run(0, 1000, VERIFIED)), m.runs(), "the engine's map is left as it was");
    }

    @Test
    void fileResultMapsItsOwnDamages() {
        FileResult r = new FileResult("t.ldb", "leveldb", "table", 4096);
        r.map().mark(0, 4096, VERIFIED);
        r.addDamage(Damage.of("t.ldb", 1024, 1024, DamageKind.CRC_MISMATCH, "data block"));
        assertEquals(List.of(run(0, 1024, VERIFIED), run(1024, 1024, DAMAGED), run(2048, 2048, VERIFIED)),
                r.mapWithDamages().runs());
    }
}
