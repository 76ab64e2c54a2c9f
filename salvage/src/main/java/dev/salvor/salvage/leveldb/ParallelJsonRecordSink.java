package dev.salvor.salvage.leveldb;

import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.RecordSink;
import dev.salvor.formats.leveldb.RecordState;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands LevelDB records to a {@link JsonLinesRecordSink} on a second thread ({@code salvor-leveldb-json}), so that
 * JSON encoding and writing do not run on the merging thread. The merge hands over batches of at most
 * {@value #BATCH_RECORDS} records or about {@value #BATCH_BYTES} bytes of keys and values through a bounded queue:
 * at most {@value #QUEUED} + 2 batches are held at once, whatever the database holds. One consumer encodes the
 * batches in the order they were handed over, so the output is byte for byte that of the {@link JsonLinesRecordSink}
 * alone. With {@code threads < 2} every record is encoded on the calling thread, as before. {@code salvage} asks for
 * the second thread only from 3 threads on ({@link LevelDbHandler#jsonThreads}): on a 2-core machine, where the merge
 * and the block decoding already take both cores, it cost more than it saved.
 *
 * <p>A record's {@link Entry}s and copy list are not modified after {@link #accept}: the classifier makes a new
 * list per record and entries are immutable. An error of the writing thread (an {@link IOException} of the output)
 * surfaces at the merge's next hand-over and again from {@link #finish()}.
 */
public final class ParallelJsonRecordSink implements RecordSink, AutoCloseable {
    static final int BATCH_RECORDS = 1024;
    static final int BATCH_BYTES = 1 << 20;
    static final int QUEUED = 4;

    private record Pending(Entry entry, RecordState state, List<Entry> copies, boolean maybeStale, Object described) {
    }

    private static final List<Pending> END = new ArrayList<>(0);

    private final JsonLinesRecordSink json;
    private final int batchRecords;
    private final BlockingQueue<List<Pending>> queue;
    private final Thread thread;
    private List<Pending> batch;
    private long batchBytes;
    private volatile Throwable failure;
    private boolean finished;

    /** Encodes into {@code json}, on a thread of its own when {@code threads >= 2}. */
    public ParallelJsonRecordSink(JsonLinesRecordSink json, int threads) {
        this(json, threads, BATCH_RECORDS);
    }

    /** As {@link #ParallelJsonRecordSink(JsonLinesRecordSink, int)} with batches of {@code batchRecords} (tests). */
    ParallelJsonRecordSink(JsonLinesRecordSink json, int threads, int batchRecords) {
        this.json = json;
        this.batchRecords = Math.max(1, batchRecords);
        if (threads >= 2) {
            queue = new ArrayBlockingQueue<>(QUEUED);
            batch = new ArrayList<>(Math.min(batchRecords, BATCH_RECORDS));
            thread = new Thread(this::drain, "salvor-leveldb-json");
            thread.setDaemon(true);
            thread.start();
        } else {
            queue = null;
            thread = null;
        }
    }

    @Override
    public void accept(Entry entry, RecordState state, List<Entry> copies, boolean maybeStale) throws IOException {
        if (thread == null) {
            json.accept(entry, state, copies, maybeStale);
            return;
        }
        if (finished) {
            throw new IllegalStateException("record after finish()");
        }
        // the layer's members are described here, on the merging thread in merge order; only rendered on the other
        batch.add(new Pending(entry, state, copies, maybeStale, json.describe(entry, state)));
        batchBytes += 64L + entry.userKey().length + (entry.value() == null ? 0 : entry.value().length);
        if (batch.size() >= batchRecords || batchBytes >= BATCH_BYTES) {
            rethrow();
            put(batch);
            batch = new ArrayList<>(Math.min(batchRecords, BATCH_RECORDS));
            batchBytes = 0;
        }
    }

    /**
     * Encodes everything still pending and waits for it (the stream is flushed by {@link JsonLinesRecordSink#close}
     * of the caller, not here); rethrows a writing error. {@link #counts()} is complete afterwards.
     */
    public void finish() throws IOException {
        if (finished) {
            rethrow();
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
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing records");
            }
            rethrow();
        }
    }

    /** Records written, by state (complete after {@link #finish()}). */
    public Map<String, Long> counts() {
        return json.counts();
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

    /** The writing thread: encodes batch after batch until END; after a failure it only drains the queue. */
    private void drain() {
        try {
            while (true) {
                List<Pending> b = queue.take();
                if (b == END) {
                    break;
                }
                if (failure == null) {
                    try {
                        for (Pending p : b) {
                            json.write(p.entry(), p.state(), p.copies(), p.maybeStale(), null, p.described());
                        }
                    } catch (IOException | RuntimeException | Error e) {
                        failure = e;
                    }
                }
            }
        } catch (InterruptedException e) {
            // close(): the salvage failed, nothing more is written
        }
    }

    private void put(List<Pending> b) throws IOException {
        try {
            queue.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing records");
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
}
