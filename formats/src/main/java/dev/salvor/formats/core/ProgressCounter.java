package dev.salvor.formats.core;

/**
 * The running count of one phase of a {@link Progress}: passes add the bytes they finished (per block, page or
 * chunk), from any number of threads; the listener receives the cumulative count, in rising order, never above the
 * phase's total, and exactly the total after {@link #finish}. A total of 0 means unknown: the count is not bounded.
 *
 * <p>One synchronised addition per call: reported per block or page, it costs nothing measurable next to reading
 * the block (a 4 KiB LevelDB block takes tens of microseconds to verify).
 */
public final class ProgressCounter {
    private final Progress progress;
    private final long total;
    private long done;

    private ProgressCounter(Progress progress, long total) {
        this.progress = progress;
        this.total = Math.max(0, total);
    }

    /** Starts the phase {@code name} of {@code totalBytes} bytes on {@code progress} and returns its counter. */
    public static ProgressCounter start(Progress progress, String name, long totalBytes) {
        Progress p = progress == null ? Progress.NONE : progress;
        p.phase(name, Math.max(0, totalBytes));
        return new ProgressCounter(p, totalBytes);
    }

    /** A counter that reports to nobody (a fresh one each time: counters are synchronised, never share one). */
    public static ProgressCounter none() {
        return new ProgressCounter(Progress.NONE, 0);
    }

    /** The phase's total. */
    public long total() {
        return total;
    }

    /** Bytes counted so far. */
    public synchronized long done() {
        return done;
    }

    /** Adds {@code bytes} finished (ignored when not positive); the count stops at the total. */
    public synchronized void add(long bytes) {
        if (bytes > 0) {
            advanceTo(bytes > Long.MAX_VALUE - done ? Long.MAX_VALUE : done + bytes);
        }
    }

    /** Raises the count to {@code position} (a pass that knows how far it is); a lower position changes nothing. */
    public synchronized void advanceTo(long position) {
        long to = total > 0 ? Math.min(total, position) : position;
        if (to > done) {
            done = to;
            progress.done(done);
        }
    }

    /** The pass is over: the count becomes the total (what is left was skipped or held nothing to read). */
    public synchronized void finish() {
        if (done < total) {
            done = total;
            progress.done(done);
        }
    }

    /**
     * One sequential pass over {@code size} bytes of this phase (a log, a segment, the pages of a file): it reports
     * its position as it goes, at most once per {@link #STEP} bytes, so a caller may tell it the position of every
     * record (a subtraction and a comparison, no lock). Not thread-safe: one per pass.
     */
    public Sequential sequential(long size) {
        return new Sequential(this, size);
    }

    /** Positions are reported when they moved at least this far (64 KiB) since the last report. */
    public static final long STEP = 64 << 10;

    /** See {@link #sequential}. */
    public static final class Sequential {
        private final ProgressCounter counter;
        private final long size;
        private long reported;

        private Sequential(ProgressCounter counter, long size) {
            this.counter = counter;
            this.size = Math.max(0, size);
        }

        /** The pass has reached {@code position} (bytes from its start; positions past the size count as the size). */
        public void at(long position) {
            if (position - reported >= STEP) {
                long to = Math.min(position, size);
                counter.add(to - reported);
                reported = to;
            }
        }

        /** The pass is over: the rest of its bytes are counted. */
        public void end() {
            counter.add(size - reported);
            reported = size;
        }
    }
}
