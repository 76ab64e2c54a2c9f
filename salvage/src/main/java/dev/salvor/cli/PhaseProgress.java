package dev.salvor.cli;

import dev.salvor.salvage.backup.ProgressListener;

import java.io.PrintWriter;

/**
 * The progress line of {@code backup}, {@code restore}, {@code verify-backup} and {@code image} on stderr: phase,
 * bar, percentage and throughput, redrawn four times a second by a daemon thread once the run takes more than two
 * seconds; shown on an interactive terminal or with {@code --progress}.
 */
final class PhaseProgress implements ProgressListener, AutoCloseable {
    private static final long DELAY_MS = 2000;
    private final PrintWriter err;
    private final String command;
    private final Thread thread;
    private volatile String phase = "";
    private volatile long total;
    private volatile long done;
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

    /** On a terminal unless the flag says otherwise. */
    static boolean enabled(Boolean flag) {
        return flag != null ? flag : System.console() != null;
    }

    @Override
    public void phase(String name, long totalBytes) {
        phase = name;
        total = totalBytes;
        done = 0;
        phaseStart = System.nanoTime();
    }

    @Override
    public void done(long bytes) {
        done = bytes;
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
        long t = total;
        long d = done;
        double secs = Math.max(1e-3, (System.nanoTime() - phaseStart) / 1e9);
        String mbs = String.format("%.1f MB/s", d / 1e6 / secs);
        String line;
        if (t > 0) {
            int pct = (int) Math.min(100, 100 * Math.min(d, t) / t);
            int fill = pct * 30 / 100;
            line = String.format("%s %s [%s%s] %3d%% %s", command, phase, "#".repeat(fill), "-".repeat(30 - fill),
                    pct, mbs);
        } else {
            line = String.format("%s %s %s %s", command, phase, ReportingCommand.human(d), mbs);
        }
        if (line.length() > 100) {
            line = line.substring(0, 100);
        }
        err.print("\r" + line + "   ");
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
                err.print("\r" + " ".repeat(104) + "\r");
                err.flush();
            }
        }
    }
}
