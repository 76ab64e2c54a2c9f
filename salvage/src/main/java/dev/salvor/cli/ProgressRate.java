package dev.salvor.cli;

import java.util.ArrayDeque;

/**
 * The throughput of one progress phase, from samples of its cumulative byte count, and the time left at that rate.
 *
 * <p>Why a window of the last {@value #WINDOW_SECONDS} seconds: within a phase the work is of one kind (hashing,
 * verifying blocks, walking pages), so the bytes still to do take what the bytes just done took, and the estimate
 * {@code remaining / rate} converges to the true time left as the phase advances. Over a phase shorter than the window,
 * the window is the whole phase: its average rate, the steadiest estimate there is. Over a longer phase, the rate of
 * the last seconds follows the changes a whole-phase average would drag behind for minutes (the page cache running
 * out, a region of damaged blocks skipped quickly, the warm-up of the first seconds); ten seconds of 250 ms samples
 * are forty of them, enough to smooth the steps of block- and chunk-sized reports. No rate is given before
 * {@value #MIN_SPAN_SECONDS} s of samples: a first sample taken milliseconds into a phase says nothing.
 *
 * <p>Not thread-safe: fed by the one thread that draws the progress line; times are seconds on any monotonic clock.
 */
final class ProgressRate {
    /** The span of samples the rate is measured over. */
    static final double WINDOW_SECONDS = 10;
    /** The shortest span of samples that gives a rate. */
    static final double MIN_SPAN_SECONDS = 0.5;

    private record Sample(double seconds, long bytes) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /** A new phase started at {@code seconds}, with nothing done yet. */
    void restart(double seconds) {
        samples.clear();
        samples.addLast(new Sample(seconds, 0));
    }

    /** The phase had done {@code bytes} at {@code seconds} (samples come in time order). */
    void sample(double seconds, long bytes) {
        Sample last = samples.peekLast();
        if (last != null && seconds < last.seconds()) {
            return; // out of time order: ignored
        }
        samples.addLast(new Sample(seconds, Math.max(bytes, last == null ? 0 : last.bytes())));
        // Keep one sample at or before the window's start, so the span covers the whole window.
        while (samples.size() > 2 && secondOldest().seconds() <= seconds - WINDOW_SECONDS) {
            samples.pollFirst();
        }
    }

    private Sample secondOldest() {
        var it = samples.iterator();
        it.next();
        return it.next();
    }

    /** Bytes per second over the window, or NaN before {@value #MIN_SPAN_SECONDS} s of samples. */
    double bytesPerSecond() {
        if (samples.size() < 2) {
            return Double.NaN;
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        double span = last.seconds() - first.seconds();
        return span < MIN_SPAN_SECONDS ? Double.NaN : (last.bytes() - first.bytes()) / span;
    }

    /**
     * Seconds left to reach {@code total} from {@code done} at {@link #bytesPerSecond()}; NaN when there is no rate
     * (too early, nothing moved in the window, or the total is unknown) and 0 when the phase is complete.
     */
    double secondsLeft(long done, long total) {
        if (total <= 0) {
            return Double.NaN;
        }
        if (done >= total) {
            return 0;
        }
        double rate = bytesPerSecond();
        return rate > 0 ? (total - done) / rate : Double.NaN;
    }
}
