package dev.salvor.salvage.carve;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Finds LevelDB and SQLite artifacts in a raw image (a {@code dd} copy of a disk or partition, or a block device
 * opened read-only). Each format contributes a {@link Probe}:
 * <ul>
 * <li>{@link LevelDbTableProbe}: LevelDB tables by footer magic;</li>
 * <li>{@link LevelDbLogProbe}: LevelDB logs by CRC-verified record headers at sector boundaries;</li>
 * <li>{@link SqliteHeaderProbe}: SQLite databases by their header and page 1;</li>
 * <li>{@link SqliteWalProbe}: SQLite WAL files by their header checksum and the frames that verify;</li>
 * <li>{@link SqliteJournalProbe}: SQLite rollback journals by their header and page record checksums;</li>
 * <li>{@link SqlitePageProbe}: lone SQLite b-tree pages (no database header) by page structure.</li>
 * </ul>
 *
 * <h2>Pass 1: signatures (parallel)</h2>
 * The image is cut into chunks of {@link #CHUNK} bytes scanned on all cores. Each chunk is read with
 * {@link #OVERLAP} extra bytes (the longest signature minus one), so a signature that starts in a chunk and ends in
 * the next is still seen; a signature is attributed to the chunk in which it starts, so none is seen twice.
 *
 * <h2>Pass 2: confirmation (never by signature alone)</h2>
 * Each probe confirms its candidates with the format's own checks (CRCs, header fields, page structure), either on
 * the worker that found them or afterwards in image order.
 *
 * <p>Reads only; the image is never written. Safe on hostile images: every length from the image is bounded before
 * use, parsers report typed damage which is counted, never thrown out of {@link #carve}.
 */
public final class Carver {
    /** Bytes per scan chunk. */
    static final int CHUNK = 8 << 20;
    /** Extra bytes read past each chunk: the longest signature of any probe minus one. */
    static final int OVERLAP = 15;

    private final ByteSource image;
    private final int threads;
    private final int chunk;
    private final List<Probe> probes;

    /** A carver over {@code image} using {@code threads} worker threads. */
    public Carver(ByteSource image, int threads, Limits limits) {
        this(image, threads, limits, CHUNK);
    }

    /** As above with a chunk size of {@code chunk} bytes (tests use small chunks to exercise the overlap). */
    Carver(ByteSource image, int threads, Limits limits, int chunk) {
        this.image = Objects.requireNonNull(image, "image");
        this.threads = Math.max(1, threads);
        Objects.requireNonNull(limits, "limits");
        if (chunk < OVERLAP + 1) {
            throw new IllegalArgumentException("chunk too small: " + chunk);
        }
        this.chunk = chunk;
        this.probes = List.of(
                new LevelDbTableProbe(image, limits),
                new LevelDbLogProbe(image),
                new SqliteHeaderProbe(image),
                new SqliteWalProbe(image),
                new SqliteJournalProbe(image),
                // After the table and log probes: block runs skip what those confirmed (see Probe#confirm).
                new LevelDbBlockProbe(image, limits),
                new LevelDbUnalignedLogProbe(image),
                new JsonEventProbe(image),
                new SqlitePageProbe(image)); // last: it leaves out pages inside what the others found
        for (Probe p : probes) {
            if (p.overlap() > OVERLAP) {
                throw new IllegalStateException(p.getClass().getSimpleName() + " needs more overlap than " + OVERLAP);
            }
        }
    }

    /** Pass-1 results of one probe, filled from the worker threads. */
    private static final class Collected implements Probe.Sink {
        final List<Long> proposed = Collections.synchronizedList(new ArrayList<>());
        final List<Artifact> found;

        Collected(List<Artifact> found) {
            this.found = found;
        }

        @Override
        public void propose(long offset) {
            proposed.add(offset);
        }

        @Override
        public void found(Artifact artifact) {
            found.add(artifact);
        }
    }

    /**
     * Scans the whole image and returns the confirmed artifacts in image order.
     *
     * @param progress receives the cumulative number of image bytes scanned (from worker threads)
     */
    public List<Artifact> carve(LongConsumer progress) throws InterruptedException {
        long size = image.size();
        AtomicLong scanned = new AtomicLong();
        List<Artifact> found = Collections.synchronizedList(new ArrayList<>());
        List<Collected> sinks = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            sinks.add(new Collected(found));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "salvor-carve");
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<ImageChunk> chunks = ThreadLocal.withInitial(() -> new ImageChunk(chunk + OVERLAP));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (long start = 0; start < size; start += chunk) {
                long s = start;
                futures.add(pool.submit(() -> {
                    ImageChunk c = chunks.get();
                    int len = (int) Math.min(chunk, size - s);
                    c.fill(image, s, len, (int) Math.min((long) len + OVERLAP, size - s));
                    for (int i = 0; i < probes.size(); i++) {
                        probes.get(i).scan(c, sinks.get(i));
                    }
                    progress.accept(scanned.addAndGet(len));
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    if (c instanceof Error er) {
                        throw er;
                    }
                    throw new IllegalStateException(c);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<Artifact> out = new ArrayList<>(found);
        for (int i = 0; i < probes.size(); i++) {
            List<Long> proposed = new ArrayList<>(sinks.get(i).proposed);
            Collections.sort(proposed);
            out.sort(Comparator.comparingLong(Artifact::offset).thenComparing(Artifact::kind));
            out.addAll(probes.get(i).confirm(proposed.stream().distinct().toList(), List.copyOf(out)));
            dropPagesOfLogs(out);
        }
        out.sort(Comparator.comparingLong(Artifact::offset).thenComparing(Artifact::kind));
        return out;
    }

    /**
     * A SQLite WAL frame or journal record holding page 1 carries a complete database header: such a "database"
     * starting inside a carved WAL or journal is that page's copy, not a database file (its page count would
     * otherwise claim the bytes after it). It is salvaged with the WAL or journal.
     */
    private static void dropPagesOfLogs(List<Artifact> out) {
        List<Artifact> logs = out.stream().filter(a -> a.kind() == Artifact.Kind.SQLITE_WAL
                || a.kind() == Artifact.Kind.SQLITE_JOURNAL).toList();
        if (!logs.isEmpty()) {
            out.removeIf(a -> a.kind() == Artifact.Kind.SQLITE_DATABASE
                    && logs.stream().anyMatch(l -> a.offset() > l.offset() && a.offset() < l.end()));
        }
    }

    /** The name a carved region is reported under: {@code image@0xOFFSET}. */
    static String name(ByteSource image, long offset) {
        return image.name() + "@0x" + Long.toHexString(offset);
    }
}
