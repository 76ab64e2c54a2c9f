package dev.salvor.formats.sqlite;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OrderedPages}: rows come out in page order whatever order the workers finish in, a page with more rows
 * than a run may keep hands them over in parts, and a failure on a page is thrown when that page's turn comes.
 */
class OrderedPagesTest {

    private static FoundRow row(long page, int i, int textChars) {
        RowSite at = new RowSite(RowState.DELETED, RowSource.FREEBLOCK, "t.db", page, i, null);
        List<Object> values = new ArrayList<>();
        values.add(page);
        values.add((long) i);
        values.add("x".repeat(textChars));
        return new FoundRow(null, "t", (long) i, values, List.of(), at);
    }

    /** Page p gives p % 7 rows (page 100: one row of 20 MB of text, more than a run may keep). */
    private static void give(long p, PageRowBuffer out, Random rnd) {
        if (rnd.nextInt(4) == 0) {
            Thread.yield();
        }
        if (p == 100) {
            for (int i = 0; i < 3; i++) {
                out.indexEntry("i", List.of((long) i), null, row(p, i, 0).site());
                out.add(row(p, 10 + i, 4 << 20));
            }
            return;
        }
        for (int i = 0; i < p % 7; i++) {
            out.add(row(p, i, 10));
        }
    }

    @Test
    void rowsComeInPageOrder() {
        for (int threads = 1; threads <= 4; threads++) {
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            AtomicLong pages = new AtomicLong();
            Random seeds = new Random(threads);
            OrderedPages.run(1, 1000, threads, out -> {
                Random rnd = new Random(seeds.nextLong());
                return p -> give(p, out, rnd);
            }, r -> got.add(r.site().page() + ":" + r.site().offset()), pages::addAndGet);
            List<String> want = new ArrayList<>();
            for (long p = 1; p <= 1000; p++) {
                if (p == 100) {
                    for (int i = 0; i < 3; i++) {
                        want.add(p + ":" + i);
                        want.add(p + ":" + (10 + i));
                    }
                    continue;
                }
                for (int i = 0; i < p % 7; i++) {
                    want.add(p + ":" + i);
                }
            }
            assertEquals(want, got, threads + " worker(s)");
            assertEquals(1000, pages.get());
        }
    }

    @Test
    void aFailureIsThrownAtItsPage() {
        IllegalStateException boom = new IllegalStateException("page 333");
        List<Long> got = new ArrayList<>();
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                OrderedPages.run(1, 1000, 2, out -> p -> {
                    if (p == 333) {
                        throw boom;
                    }
                    out.add(row(p, 0, 1));
                }, r -> got.add(r.site().page()), n -> { }));
        assertSame(boom, thrown);
        assertEquals(332, got.size());
        assertEquals(332L, got.get(got.size() - 1));
    }

    @Test
    void aFailureOfTheReceiverStopsTheWorkers() {
        AtomicLong read = new AtomicLong();
        RuntimeException full = new RuntimeException("disk full");
        RuntimeException thrown = assertThrows(RuntimeException.class, () ->
                OrderedPages.run(1, 100_000, 2, out -> p -> {
                    read.incrementAndGet();
                    out.add(row(p, 0, 1));
                }, r -> {
                    if (r.site().page() == 50) {
                        throw full;
                    }
                }, n -> { }));
        assertSame(full, thrown);
        // the workers stopped within the window instead of reading every page
        assertTrue(read.get() < 50 + (OrderedPages.WINDOW + 2L) * OrderedPages.CHUNK, "pages read: " + read.get());
    }
}
