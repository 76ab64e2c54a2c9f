package dev.salvor.cli;

import dev.salvor.salvage.backup.ProgressListener;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The progress line of every long-running command on stderr ({@code check}, {@code salvage}, {@code carve},
 * {@code backup}, {@code restore}, {@code verify-backup}, {@code image}): command, phase, bar, percentage, throughput
 * and the time left, e.g. {@code salvage merge [#########---------------------]  31% 95.3 MB/s ETA 12s}. Nothing is
 * shown in the first two seconds, so a quick run prints nothing.
 *
 * <p>Each phase has its own total, and the bytes done count from 0 to that total ({@link #line}: never above 100 %,
 * exactly 100 % once the phase is complete). The rate and the time left are measured over the phase's last ten seconds
 * ({@link ProgressRate}, where the choice is explained).
 *
 * <p>On a terminal the line is redrawn in place four times a second. Elsewhere (stderr to a file or a pipe, with
 * {@code --progress}) the same line is written as a line of its own when a new phase is seen (at most one a second),
 * every {@value #LOG_EVERY_SECONDS} seconds, and once more where a phase so logged ended: a log, not a stream of
 * carriage returns.
 *
 * <p>{@link #phase}, {@link #done} and {@link #accept} may be called from any thread (worker threads report cumulative
 * counts that can arrive out of order: the largest wins).
 */
final class PhaseProgress implements ProgressListener, AutoCloseable {
    /** How the line is shown. */
    enum Mode {
        /** Not at all. */
        OFF,
        /** Redrawn in place with a carriage return. */
        TERMINAL,
        /** Written as separate lines, now and then. */
        LOG
    }

    private static final long DELAY_MS = 2000;
    private static final long SAMPLE_MS = 250;
    /** In {@link Mode#LOG}, the longest time between two lines of the same phase. */
    static final int LOG_EVERY_SECONDS = 10;
    private static final int WIDTH = 30;
    private static final int MAX_LINE = 100;

    /** One phase: its name, total and running count. */
    private record Phase(String name, long total, long startNanos, AtomicLong done) {
    }

    private final PrintWriter err;
    private final String command;
    private final Mode mode;
    private final LongSupplier clock;
    private final Thread thread;
    private final ProgressRate rate = new ProgressRate();
    private volatile Phase current;
    private volatile boolean running = true;
    // state of the drawing thread
    private Phase sampled;
    private int drawnLength;
    private long lastLogNanos;
    private Phase lastLogged;
    private long lastLoggedDone;

    /** Shown on a terminal when stderr is one, else as a log; not at all when {@code enabled} is false. */
    PhaseProgress(PrintWriter err, String command, boolean enabled) {
        this(err, command, !enabled ? Mode.OFF : stderrIsTerminal() ? Mode.TERMINAL : Mode.LOG);
    }

    PhaseProgress(PrintWriter err, String command, Mode mode) {
        this(err, command, mode, System::nanoTime, true);
    }

    /**
     * @param clock   nanoseconds on a monotonic clock
     * @param drawing true: a daemon thread samples and draws (tests call {@link #draw()} themselves)
     */
    PhaseProgress(PrintWriter err, String command, Mode mode, LongSupplier clock, boolean drawing) {
        this.err = err;
        this.command = command;
        this.mode = mode;
        this.clock = clock;
        this.current = new Phase("", 0, clock.getAsLong(), new AtomicLong());
        if (mode != Mode.OFF && drawing) {
            thread = new Thread(this::loop, "salvor-progress");
            thread.setDaemon(true);
            thread.start();
        } else {
            thread = null;
        }
    }

    /**
     * True when this process's stderr is a terminal. Java 17 cannot ask that of stderr itself
     * ({@link System#console()} looks at stdin and stdout), so on Linux the target of {@code /proc/self/fd/2} tells;
     * elsewhere the console's presence stands in for it.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    @Override
    public void phase(String name, long totalBytes) {
        current = new Phase(name, Math.max(0, totalBytes), clock.getAsLong(), new AtomicLong());
    }

    @Override
    public void done(long bytes) {
        current.done().accumulateAndGet(bytes, Math::max);
    }

    /** Same as {@link #done}: a cumulative byte count. */
    @Override
    public void accept(long bytes) {
        done(bytes);
    }

    /** Bytes done in the current phase (the largest count reported). */
    long doneBytes() {
        return current.done().get();
    }

    private void loop() {
        try {
            Thread.sleep(DELAY_MS);
            while (running) {
                draw();
                Thread.sleep(SAMPLE_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Samples the current phase now and shows it as the mode says. */
    synchronized void draw() {
        if (mode == Mode.OFF) {
            return;
        }
        long now = clock.getAsLong();
        Phase p = current;
        if (p != sampled) {
            closeLogged(sampled);
            sampled = p;
            rate.restart(seconds(p.startNanos()));
        }
        long done = p.done().get();
        rate.sample(seconds(now), done);
        String text = text(p, done);
        if (mode == Mode.TERMINAL) {
            // blanks over what is left of a longer previous line
            err.print("\r" + text + " ".repeat(Math.max(0, drawnLength - text.length())));
            err.flush();
            drawnLength = Math.max(drawnLength, text.length());
        } else if (logDue(p, now)) {
            err.println(text);
            err.flush();
            lastLogged = p;
            lastLoggedDone = done;
            lastLogNanos = now;
        }
    }

    private String text(Phase p, long done) {
        return line(command, p.name(), done, p.total(), rate.bytesPerSecond(), rate.secondsLeft(done, p.total()));
    }

    /**
     * In {@link Mode#LOG}, the last line of a phase that was logged and has ended (or the run ended): where it got,
     * so that a log shows each long phase's end (its rate is the one last measured).
     */
    private void closeLogged(Phase ended) {
        if (mode != Mode.LOG || ended == null || ended != lastLogged) {
            return;
        }
        long done = ended.done().get();
        if (done != lastLoggedDone) {
            err.println(text(ended, done));
            err.flush();
            lastLoggedDone = done;
        }
    }

    /** In {@link Mode#LOG}: a new phase (at most one line a second), or the same one after a while. */
    private boolean logDue(Phase p, long now) {
        double since = (now - lastLogNanos) / 1e9;
        if (lastLogged == null) {
            return true;
        }
        return p != lastLogged ? since >= 1 : since >= LOG_EVERY_SECONDS;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * The text of the progress line: {@code done} of {@code total} bytes ({@code total <= 0}: unknown, no bar) at
     * {@code bytesPerSecond} with {@code secondsLeft} to go (NaN: not known yet, shown without rate or ETA).
     */
    static String line(String command, String phase, long done, long total, double bytesPerSecond,
                       double secondsLeft) {
        String head = phase.isEmpty() ? command : command + " " + phase;
        String speed = Double.isNaN(bytesPerSecond) ? "" : String.format(" %.1f MB/s", bytesPerSecond / 1e6);
        String line;
        if (total > 0) {
            long d = Math.max(0, Math.min(done, total));
            int pct = (int) (100 * (double) d / total); // 100 only when complete
            int fill = pct * WIDTH / 100;
            String eta = d < total && !Double.isNaN(secondsLeft) ? " ETA " + duration(secondsLeft) : "";
            line = String.format("%s [%s%s] %3d%%%s%s", head, "#".repeat(fill), "-".repeat(WIDTH - fill), pct, speed,
                    eta);
        } else {
            line = head + " " + ReportingCommand.human(Math.max(0, done)) + speed;
        }
        return line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line;
    }

    /** {@code 42s}, {@code 3m07s}, {@code 2h05m}. */
    static String duration(double seconds) {
        long s = (long) Math.ceil(Math.max(0, Math.min(seconds, 1e9)));
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
            try {
                thread.join(1000); // no line drawn after the clearing below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            closeLogged(sampled);
            if (drawnLength > 0) {
                err.print("\r" + " ".repeat(drawnLength) + "\r");
                err.flush();
                drawnLength = 0; // closing twice clears once
            }
        }
    }
}
