package dev.salvor.formats.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The counter every engine reports through: rising counts, bounded by the total, exactly the total at the end. */
class ProgressCounterTest {

    @Test
    void countsRiseStopAtTheTotalAndFinishAtIt() {
        RecordingProgress rec = new RecordingProgress();
        ProgressCounter c = ProgressCounter.start(rec, "walk", 100);
        c.add(30);
        c.add(0);
        c.add(-5);
        c.advanceTo(20); // behind: nothing
        c.advanceTo(50);
        c.add(80); // past the total: stops there
        c.add(1);
        assertEquals(List.of(30L, 50L, 100L), rec.phase("walk").counts());
        c.finish(); // already complete: nothing more
        assertEquals(List.of(30L, 50L, 100L), rec.phase("walk").counts());
        assertEquals(100, rec.phase("walk").total());

        ProgressCounter short_ = ProgressCounter.start(rec, "logs", 1000);
        short_.add(10);
        short_.finish(); // the rest was skipped: counted as done
        assertEquals(List.of(10L, 1000L), rec.phase("logs").counts());
        assertEquals(List.of("walk", "logs"), rec.names());
    }

    @Test
    void anUnknownTotalIsNotABound() {
        RecordingProgress rec = new RecordingProgress();
        ProgressCounter c = ProgressCounter.start(rec, "table", 0);
        c.add(5);
        c.add(7);
        c.finish();
        assertEquals(List.of(5L, 12L), rec.phase("table").counts());
    }

    @Test
    void aSequentialPassReportsEveryStepAndItsEnd() {
        RecordingProgress rec = new RecordingProgress();
        long size = 5 * ProgressCounter.STEP + 123;
        ProgressCounter c = ProgressCounter.start(rec, "log", size);
        ProgressCounter.Sequential pos = c.sequential(size);
        for (long at = 0; at <= size; at += 1000) {
            pos.at(at); // a position per record: reported once per step only
        }
        pos.at(size * 4); // a position past the end counts as the end
        pos.at(3); // going back changes nothing
        pos.end();
        pos.end(); // twice: no more
        RecordingProgress.Phase p = rec.phase("log").assertComplete(true);
        assertTrue(p.counts().size() <= 7, p.counts().toString());
        assertTrue(p.largestStep() < ProgressCounter.STEP + 1000, p.counts().toString());
    }

    @Test
    void workersCountTogetherAndTheListenerSeesRisingCounts() throws InterruptedException {
        RecordingProgress rec = new RecordingProgress();
        int threads = 4;
        int adds = 20_000;
        ProgressCounter c = ProgressCounter.start(rec, "tables and logs", (long) threads * adds * 3);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                for (int i = 0; i < adds; i++) {
                    c.add(3);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        RecordingProgress.Phase p = rec.phase("tables and logs").assertComplete(true);
        assertEquals((long) threads * adds, p.counts().size(), "every addition reached the listener, in order");
        assertEquals(3, p.largestStep());
    }
}
