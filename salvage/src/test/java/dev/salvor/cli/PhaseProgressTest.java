package dev.salvor.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress line's text (rate, bar, ETA) from given counts and times; no clock involved. */
class PhaseProgressTest {

    @Test
    void lineShowsRateBarAndEta() {
        // 250 MB of 1000 MB in 2 s: 125 MB/s, 750 MB left at that rate = 6 s.
        String line = PhaseProgress.line("carve", "scan", 250_000_000L, 1_000_000_000L, 2.0);
        assertEquals("carve scan [#######-----------------------]  25% 125.0 MB/s ETA 6s", line);
    }

    @Test
    void noEtaWhenDoneOrNothingYetAndNoBarWhenTotalUnknown() {
        assertEquals("carve scan [##############################] 100% 500.0 MB/s",
                PhaseProgress.line("carve", "scan", 1_000_000_000L, 1_000_000_000L, 2.0));
        assertEquals("check [------------------------------]   0% 0.0 MB/s",
                PhaseProgress.line("check", "", 0, 1_000_000_000L, 2.0));
        String unknown = PhaseProgress.line("image", "copy", 3 << 20, 0, 1.0);
        assertTrue(unknown.startsWith("image copy ") && unknown.endsWith(" 3.1 MB/s") && !unknown.contains("ETA"),
                unknown);
    }

    @Test
    void durations() {
        assertEquals("0s", PhaseProgress.duration(0));
        assertEquals("42s", PhaseProgress.duration(41.2));
        assertEquals("3m07s", PhaseProgress.duration(187));
        assertEquals("2h05m", PhaseProgress.duration(2 * 3600 + 5 * 60 + 59));
    }

    @Test
    void outOfOrderCountsFromWorkersNeverGoBackwards() {
        StringWriter sw = new StringWriter();
        try (PhaseProgress p = new PhaseProgress(new PrintWriter(sw), "carve", false)) {
            p.phase("scan", 100);
            p.accept(60);
            p.done(40); // a worker that finished earlier reports late
            assertEquals(60, p.doneBytes());
            p.phase("write", 10);
            assertEquals(0, p.doneBytes());
            p.done(3);
            assertEquals(3, p.doneBytes());
        }
        assertEquals("", sw.toString(), "nothing drawn when disabled");
    }
}
