package dev.salvor.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The progress line's text (bar, percentage, rate, ETA), the convergence of its time left, and how it is shown on a
 * terminal and in a log; from given counts and a given clock, never the real one.
 */
class PhaseProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void lineShowsPhaseBarRateAndEta() {
        // 250 MB of 1000 MB at 125 MB/s: 750 MB left = 6 s.
        String line = PhaseProgress.line("carve", "scan", 250_000_000L, 1_000_000_000L, 125e6, 6.0);
        assertEquals("carve scan [#######-----------------------]  25% 125.0 MB/s ETA 6s", line);
    }

    @Test
    void aCompletePhaseShowsOneHundredPercentAndNoEtaAndNeverMore() {
        assertEquals("salvage merge [##############################] 100% 500.0 MB/s",
                PhaseProgress.line("salvage", "merge", 1_000_000_000L, 1_000_000_000L, 500e6, 0));
        assertEquals("salvage merge [##############################] 100% 500.0 MB/s",
                PhaseProgress.line("salvage", "merge", 3_000_000_000L, 1_000_000_000L, 500e6, 0),
                "a count past the total is shown as the total");
        assertEquals("check walk [#############################-]  99% 1.0 MB/s ETA 1s",
                PhaseProgress.line("check", "walk", 999, 1000, 1e6, 1e-3), "99.9 % is not 100 %");
    }

    @Test
    void noRateOrEtaBeforeTheyAreKnownAndNoBarWhenTheTotalIsUnknown() {
        assertEquals("check hash [------------------------------]   0%",
                PhaseProgress.line("check", "hash", 0, 1_000_000_000L, Double.NaN, Double.NaN));
        assertEquals("image copy 3.0 MiB 3.1 MB/s",
                PhaseProgress.line("image", "copy", 3 << 20, 0, 3.1e6, Double.NaN));
        assertEquals("check", PhaseProgress.line("check", "", 0, 0, Double.NaN, Double.NaN).substring(0, 5));
    }

    @Test
    void durations() {
        assertEquals("0s", PhaseProgress.duration(0));
        assertEquals("42s", PhaseProgress.duration(41.2));
        assertEquals("3m07s", PhaseProgress.duration(187));
        assertEquals("2h05m", PhaseProgress.duration(2 * 3600 + 5 * 60 + 59));
    }

    /**
     * A phase of 1000 MB at a steady 50 MB/s, reported in uneven chunks (as blocks and files finish) and sampled four
     * times a second: once a rate is known, the time left is never more than 2 s off the truth, and after ten
     * seconds it is within 3 % of it, steadily.
     */
    @Test
    void etaConvergesAtASteadyRate() {
        ProgressRate rate = new ProgressRate();
        rate.restart(0);
        long total = 1_000_000_000L;
        double bytesPerSecond = 50e6;
        double truthEnd = total / bytesPerSecond;
        long reported = 0;
        for (int i = 1; i * 0.25 < truthEnd; i++) {
            double t = i * 0.25;
            long actual = (long) (t * bytesPerSecond);
            // reports lag the truth by up to 3 MB (a file still being verified), by a different amount each time
            long lag = (long) (3e6 * ((i * 7919) % 13) / 12.0);
            reported = Math.max(reported, actual - lag);
            rate.sample(t, reported);
            double eta = rate.secondsLeft(reported, total);
            double truth = truthEnd - t;
            if (t < ProgressRate.MIN_SPAN_SECONDS) {
                assertTrue(Double.isNaN(eta), "no estimate from " + t + " s of samples");
                continue;
            }
            assertTrue(Math.abs(eta - truth) <= 2.0, "at " + t + " s: ETA " + eta + " vs " + truth);
            if (t >= 10) {
                assertTrue(Math.abs(eta - truth) <= 0.03 * truth + 0.1, "at " + t + " s: ETA " + eta + " vs " + truth);
            }
        }
    }

    /**
     * A phase whose rate halves after 30 s (the page cache ran out): within the window of ten seconds the time left
     * follows the new rate, where the phase's average would still promise the old one.
     */
    @Test
    void etaFollowsAChangeOfRateWithinTheWindow() {
        ProgressRate rate = new ProgressRate();
        rate.restart(0);
        long total = 3_000_000_000L;
        double fast = 60e6;
        double slow = 30e6;
        long done = 0;
        double t = 0;
        while (t < 30) {
            t += 0.25;
            done = (long) (t * fast);
            rate.sample(t, done);
        }
        double changedAt = t;
        long doneAtChange = done;
        while (t < changedAt + ProgressRate.WINDOW_SECONDS + 0.5) {
            t += 0.25;
            done = doneAtChange + (long) ((t - changedAt) * slow);
            rate.sample(t, done);
        }
        double truth = (total - done) / slow;
        double windowed = rate.secondsLeft(done, total);
        double phaseAverage = (total - done) / (done / t);
        assertTrue(Math.abs(windowed - truth) <= 0.02 * truth, "windowed ETA " + windowed + " vs truth " + truth);
        assertTrue(Math.abs(phaseAverage - truth) > 0.2 * truth, "the whole-phase average lags: " + phaseAverage);
    }

    @Test
    void aStalledPhaseHasNoEtaAndACompleteOneHasNone() {
        ProgressRate rate = new ProgressRate();
        rate.restart(0);
        rate.sample(5, 100);
        for (double t = 5.25; t < 20; t += 0.25) {
            rate.sample(t, 100); // nothing moves for 15 s
        }
        assertTrue(Double.isNaN(rate.secondsLeft(100, 1000)), "no rate: no promise");
        assertEquals(0, rate.secondsLeft(1000, 1000));
        assertTrue(Double.isNaN(rate.secondsLeft(10, 0)), "unknown total");
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

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAndClearedAtTheEnd() {
        AtomicLong clock = new AtomicLong(0);
        StringWriter sw = new StringWriter();
        try (PhaseProgress p = new PhaseProgress(new PrintWriter(sw), "check", PhaseProgress.Mode.TERMINAL,
                clock::get, false)) {
            p.phase("hash", 1_000_000_000L);
            for (int i = 1; i <= 8; i++) {
                clock.set(i * SECOND / 4);
                p.done(i * 100_000_000L);
                p.draw();
            }
        }
        String out = sw.toString();
        assertFalse(out.contains("\n"), "no new line on a terminal");
        assertTrue(out.startsWith("\rcheck hash [###---------------------------]  10%\r"), out);
        assertTrue(out.contains("\rcheck hash [########################------]  80% 400.0 MB/s ETA 1s"), out);
        assertTrue(out.endsWith("\r"), "the line is cleared at the end");
    }

    /**
     * Not on a terminal (stderr to a file, with --progress): whole lines, never a carriage return, one when a phase
     * starts, then one every ten seconds however often the line is sampled, and where the phase ended.
     */
    @Test
    void inALogLinesComeAtPhasesAndEveryTenSecondsOnly() {
        AtomicLong clock = new AtomicLong(0);
        StringWriter sw = new StringWriter();
        try (PhaseProgress p = new PhaseProgress(new PrintWriter(sw), "salvage", PhaseProgress.Mode.LOG,
                clock::get, false)) {
            p.phase("hash", 60_000_000_000L);
            long t = 0;
            for (int i = 1; i <= 240; i++) { // 60 s at 1 GB/s, sampled 4 times a second
                t = i * SECOND / 4;
                clock.set(t);
                p.done(i * 250_000_000L);
                p.draw();
            }
            p.phase("merge", 1_000_000_000L);
            for (int i = 1; i <= 8; i++) { // a new phase: its first line at once, then none for 2 s
                clock.set(t + i * SECOND / 4);
                p.done(i * 10_000_000L);
                p.draw();
            }
        } // the run ends in the middle of the merge
        String out = sw.toString();
        assertFalse(out.contains("\r"), out);
        String[] lines = out.split("\n");
        // hash at 0.25 s, 10.25 ... 50.25 s, and where it ended; merge at its start and where the run ended
        assertEquals(9, lines.length, out);
        assertEquals("salvage hash [------------------------------]   0%", lines[0]);
        assertEquals("salvage hash [#####-------------------------]  17% 1000.0 MB/s ETA 50s", lines[1]);
        assertEquals("salvage hash [##############################] 100% 1000.0 MB/s", lines[6]);
        assertEquals("salvage merge [------------------------------]   1%", lines[7]);
        assertEquals("salvage merge [##----------------------------]   8% 40.0 MB/s ETA 23s", lines[8]);
    }
}
