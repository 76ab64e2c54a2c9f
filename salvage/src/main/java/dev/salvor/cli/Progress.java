package dev.salvor.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A progress bar on stderr, shown only when the run takes more than two seconds and the session is interactive
 * (or {@code --progress} forces it). Updated from any thread; drawn by a daemon timer thread.
 */
final class Progress implements LongConsumer, AutoCloseable {
    private static final long DELAY_MS = 2000;
    private final PrintWriter err;
    private final long total;
    private final String label;
    private final AtomicLong done = new AtomicLong();
    private final long start = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean drawn;

    Progress(PrintWriter err, String label, long total, boolean enabled) {
        this.err = err;
        this.label = label;
        this.total = Math.max(1, total);
        if (enabled) {
            thread = new Thread(this::loop, "salvor-progress");
            thread.setDaemon(true);
            thread.start();
        } else {
            thread = null;
        }
    }

    @Override
    public void accept(long bytesDone) {
        done.accumulateAndGet(bytesDone, Math::max);
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
        long d = Math.min(done.get(), total);
        double secs = (System.nanoTime() - start) / 1e9;
        int pct = (int) (100 * d / total);
        int width = 30;
        int fill = pct * width / 100;
        String bar = "#".repeat(fill) + "-".repeat(width - fill);
        double mbs = secs > 0 ? d / 1e6 / secs : 0;
        String eta = d > 0 && d < total ? String.format(" ETA %.0fs", (total - d) / (d / secs)) : "";
        err.printf("\r%s [%s] %3d%% %.1f MB/s%s   ", label, bar, pct, mbs, eta);
        err.flush();
        drawn = true;
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
        synchronized (this) {
            if (drawn) {
                err.print("\r" + " ".repeat(80) + "\r");
                err.flush();
            }
        }
    }
}
