package dev.salvor.cli;

import dev.salvor.salvage.backup.ProgressListener;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The progress line of every long-running command on stderr ({@code check}, {@code salvage}, {@code carve},
 * {@code backup}, {@code restore}, {@code verify-backup}, {@code image}): command, phase, bar, percentage, throughput
 * and an ETA, e.g. {@code carve scan [#########---------------------]  31% 1234.5 MB/s ETA 12s}. Redrawn four times a
 * second by a daemon thread once the run takes more than two seconds; shown on an interactive terminal or with
 * {@code --progress}.
 *
 * <p>{@link #done}/{@link #accept} may be called from any thread (worker threads report cumulative counts that can
 * arrive out of order: the largest wins). The ETA is the remaining bytes at the phase's average rate so far.
 */
final class PhaseProgress implements ProgressListener, LongConsumer, AutoCloseable {
    private static final long DELAY_MS = 2000;
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final String command;
    private final Thread thread;
    private volatile String phase = "";
    private volatile long total;
    private final AtomicLong done = new AtomicLong();
    private volatile long phaseStart = System.nanoTime();
    private volatile boolean running = true;
    private boolean drawn;

    PhaseProgress(PrintWriter err, String command, boolean enabled) {
        this.err = err;
        this.command = command;
        if (enabled) {
            thread = new Thread(this::loop, "salvor-progress");
            thread.setDaemon(true);
            thread.start();
        } else {
            thread = null;
        }
    }

    @Override
    public void phase(String name, long totalBytes) {
        phase = name;
        total = totalBytes;
        done.set(0);
        phaseStart = System.nanoTime();
    }

    @Override
    public void done(long bytes) {
        done.accumulateAndGet(bytes, Math::max);
    }

    /** Same as {@link #done}: a cumulative byte count. */
    @Override
    public void accept(long bytes) {
        done(bytes);
    }

    /** Bytes done in the current phase (the largest count reported). */
    long doneBytes() {
        return done.get();
    }

    private void loop() {
        try {
            Thread.sleep(DELAY_MS);
            while (running) {
                draw();
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void draw() {
        String line = line(command, phase, done.get(), total, (System.nanoTime() - phaseStart) / 1e9);
        err.print("\r" + line + "   ");
        err.flush();
        drawn = true;
    }

    /**
     * The text of the progress line: {@code done} of {@code total} bytes ({@code total <= 0}: unknown, no bar)
     * after {@code seconds} in the phase.
     */
    static String line(String command, String phase, long done, long total, double seconds) {
        double secs = Math.max(1e-3, seconds);
        double rate = done / secs;
        String mbs = String.format("%.1f MB/s", rate / 1e6);
        String head = phase.isEmpty() ? command : command + " " + phase;
        String line;
        if (total > 0) {
            long d = Math.min(done, total);
            int pct = (int) (100 * (double) d / total);
            int fill = pct * WIDTH / 100;
            String eta = d > 0 && d < total ? " ETA " + duration((total - d) / rate) : "";
            line = String.format("%s [%s%s] %3d%% %s%s", head, "#".repeat(fill), "-".repeat(WIDTH - fill), pct, mbs,
                    eta);
        } else {
            line = String.format("%s %s %s", head, ReportingCommand.human(done), mbs);
        }
        return line.length() > 100 ? line.substring(0, 100) : line;
    }

    /** {@code 42s}, {@code 3m07s}, {@code 2h05m}. */
    static String duration(double seconds) {
        long s = (long) Math.ceil(Math.max(0, seconds));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
        synchronized (this) {
            if (drawn) {
                err.print("\r" + " ".repeat(104) + "\r");
                err.flush();
            }
        }
    }
}
