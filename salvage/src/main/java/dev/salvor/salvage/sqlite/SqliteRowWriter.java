package dev.salvor.salvage.sqlite;

import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.salvage.report.ImageOffsets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Writes salvaged rows as JSON Lines, in the order they arrive. With {@code threads >= 2} the JSON encoding and the
 * writing run on a second thread (producer/consumer): the salvaging thread hands over batches of rows through a
 * bounded queue, so at most {@value #QUEUED} + 2 batches of at most {@value #BATCH_ROWS} rows or about
 * {@value #BATCH_BYTES} bytes of values each are held at once, whatever the database holds. One consumer thread keeps
 * the output order: the bytes are identical to those of the single-threaded writer.
 *
 * <p>Errors of the writing thread (an {@link IOException} of the output) surface in the salvaging thread at its next
 * hand-over, as an {@link UncheckedIOException}, and again from {@link #finish()}.
 */
final class SqliteRowWriter implements Consumer<SqliteRow>, AutoCloseable {
    static final int BATCH_ROWS = 1024;
    static final int BATCH_BYTES = 1 << 20;
    static final int QUEUED = 4;
    /** Output is handed to the stream in chunks of about this size. */
    private static final int CHUNK = 1 << 18;
    private static final List<SqliteRow> END = new ArrayList<>(0);

    private final OutputStream out;
    private final SqliteRowJson json;
    private final BlockingQueue<List<SqliteRow>> queue;
    private final Thread thread;
    private List<SqliteRow> batch;
    private long batchBytes;
    private volatile Throwable failure;
    private boolean finished;

    SqliteRowWriter(OutputStream out, int threads) {
        this(out, threads, ImageOffsets.NONE);
    }

    /** Rows that start with {@code image_offset} where {@code imageOffsets} knows the row's place in an image. */
    SqliteRowWriter(OutputStream out, int threads, ImageOffsets imageOffsets) {
        this.out = out;
        this.json = new SqliteRowJson(CHUNK + (1 << 12), imageOffsets);
        if (threads >= 2) {
            queue = new ArrayBlockingQueue<>(QUEUED);
            batch = new ArrayList<>(BATCH_ROWS);
            thread = new Thread(this::drain, "salvor-sqlite-json");
            thread.setDaemon(true);
            thread.start();
        } else {
            queue = null;
            thread = null;
        }
    }

    @Override
    public void accept(SqliteRow row) {
        if (thread == null) {
            try {
                encode(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        batch.add(row);
        batchBytes += weight(row);
        if (batch.size() >= BATCH_ROWS || batchBytes >= BATCH_BYTES) {
            handOver(batch);
            batch = new ArrayList<>(BATCH_ROWS);
            batchBytes = 0;
        }
    }

    /**
     * Rows of Chromium's IndexedDB tables carry an {@code "indexeddb"} member; to be called before the first row (the
     * hand-over to the writing thread publishes it).
     */
    void indexedDb(dev.salvor.salvage.chromium.IndexedDbSqliteJson members) {
        json.indexedDb(members);
    }

    /** Writes everything still pending to the stream (not flushed, not closed); rethrows a writing error. */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (thread != null) {
            rethrow();
            if (!batch.isEmpty()) {
                put(batch);
            }
            batch = null;
            put(END);
            join();
            rethrow();
        } else {
            json.drainTo(out);
        }
    }

    /** Stops the writing thread if {@link #finish()} was not reached (the salvage failed); writes nothing more. */
    @Override
    public void close() {
        if (thread != null && thread.isAlive()) {
            finished = true;
            failure = failure != null ? failure : new IOException("salvage stopped");
            queue.clear();
            queue.offer(END);
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void encode(SqliteRow row) throws IOException {
        json.row(row);
        if (json.size() >= CHUNK) {
            json.drainTo(out);
        }
    }

    /** The writing thread: encodes batch after batch until END; after a failure it only drains the queue. */
    private void drain() {
        try {
            while (true) {
                List<SqliteRow> b = queue.take();
                if (b == END) {
                    break;
                }
                if (failure == null) {
                    try {
                        for (SqliteRow r : b) {
                            encode(r);
                        }
                    } catch (IOException | RuntimeException | Error e) {
                        failure = e;
                    }
                }
            }
            if (failure == null) {
                json.drainTo(out);
            }
        } catch (InterruptedException e) {
            // close(): the salvage failed, nothing more is written
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        }
    }

    private void handOver(List<SqliteRow> b) {
        rethrowUnchecked();
        put(b);
    }

    private void put(List<SqliteRow> b) {
        try {
            queue.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while writing rows"));
        }
    }

    private void join() throws IOException {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing rows");
        }
    }

    private void rethrowUnchecked() {
        try {
            rethrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void rethrow() throws IOException {
        Throwable f = failure;
        if (f instanceof IOException e) {
            throw e;
        }
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
    }

    /** About the bytes a row's values hold (what bounds a batch besides its row count). */
    private static long weight(SqliteRow r) {
        long w = 64;
        for (Object v : r.values()) {
            if (v instanceof String s) {
                w += 2L * s.length();
            } else if (v instanceof byte[] b) {
                w += b.length;
            } else {
                w += 16;
            }
        }
        return w;
    }
}
