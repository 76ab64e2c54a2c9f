package dev.salvor.salvage.carve;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.LongList;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.SignatureScan;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.jsonlog.JsonEventProbe;
import dev.salvor.formats.leveldb.LevelDbBlockProbe;
import dev.salvor.formats.leveldb.LevelDbLogProbe;
import dev.salvor.formats.leveldb.LevelDbTableProbe;
import dev.salvor.formats.leveldb.LevelDbUnalignedLogProbe;
import dev.salvor.formats.sqlite.SqliteHeaderProbe;
import dev.salvor.formats.sqlite.SqliteJournalProbe;
import dev.salvor.formats.sqlite.SqlitePageProbe;
import dev.salvor.formats.sqlite.SqliteWalProbe;

import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * the next is still seen; a signature is attributed to the chunk in which it starts, so none is seen twice. A chunk
 * is a view of the image (for a mapped file: the mapping itself, no copy) and all probes share one pass over it
 * ({@link SignatureScan}: each probe's {@link dev.salvor.formats.carve.Trigger} says at which offsets it is called).
 *
 * <h2>Pass 2: confirmation (never by signature alone)</h2>
 * Each probe confirms its candidates with the format's own checks (CRCs, header fields, page structure), either on
 * the worker that found them, or on the calling thread in image order: chunk by chunk as they complete for probes
 * that {@linkplain Probe#confirmsInBatches() confirm in batches}, at the end for the others.
 *
 * <h2>Memory</h2>
 * Workers run at most {@code 2 * threads + 2} chunks ahead of the chunk whose results are being collected, so the
 * pending results are bounded whatever the image size; candidates are kept as primitive {@code long}s (8 bytes
 * each). What grows with the image: the confirmed artifacts, and the candidates of probes that do not confirm in
 * batches.
 *
 * <p>Reads only; the image is never written. Safe on hostile images: every length from the image is bounded before
 * use, parsers report typed damage which is counted, never thrown out of {@link #carve}.
 */
public final class Carver {
    /** Bytes per scan chunk. */
    static final int CHUNK = 8 << 20;
    /** Extra bytes read past each chunk: the longest signature of any probe minus one. */
    static final int OVERLAP = Probe.MAX_OVERLAP;

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
        this.probes = probes(image, limits);
        for (Probe p : probes) {
            if (p.overlap() > OVERLAP) {
                throw new IllegalStateException(p.getClass().getSimpleName() + " needs more overlap than " + OVERLAP);
            }
        }
    }

    /** The probes of every format, in the carver's order (pass 2 runs in this order). */
    static List<Probe> probes(ByteSource image, Limits limits) {
        return List.of(
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
    }

    /** Pass-1 results of one chunk: per probe, its candidates (compact) and what it confirmed on the worker. */
    private static final class ChunkResult {
        final LongList[] proposed;
        final List<Artifact> found = new ArrayList<>();
        final Probe.Sink[] sinks;

        ChunkResult(int probes) {
            proposed = new LongList[probes];
            sinks = new Probe.Sink[probes];
            for (int j = 0; j < probes; j++) {
                int k = j;
                sinks[j] = new Probe.Sink() {
                    @Override
                    public void propose(long offset) {
                        if (proposed[k] == null) {
                            proposed[k] = new LongList();
                        }
                        proposed[k].add(offset);
                    }

                    @Override
                    public void found(Artifact artifact) {
                        ChunkResult.this.found.add(artifact);
                    }
                };
            }
        }
    }

    /**
     * Scans the whole image and returns the confirmed artifacts in image order.
     *
     * <p>Chunks are scanned by the worker threads at most {@link #window()} chunks ahead of the calling thread, which
     * collects each chunk's results in image order and runs the batch confirmations of pass 2 as it goes (they
     * overlap with the scan); candidates of the other probes are kept as primitive longs until the end. Memory is
     * therefore bounded by the window, not by the image size (apart from the candidates and artifacts themselves).
     *
     * @param progress receives the cumulative number of image bytes scanned (from worker threads)
     */
    public List<Artifact> carve(LongConsumer progress) throws InterruptedException {
        long size = image.size();
        AtomicLong scanned = new AtomicLong();
        SignatureScan pass1 = new SignatureScan(probes);
        int np = probes.size();
        List<Artifact> out = new ArrayList<>();
        LongList[] pending = new LongList[np];
        long[] coveredEnd = new long[np];
        for (int j = 0; j < np; j++) {
            pending[j] = new LongList();
            coveredEnd[j] = Long.MIN_VALUE;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "salvor-carve");
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<ImageChunk> chunks = ThreadLocal.withInitial(ImageChunk::new);
        try {
            ArrayDeque<Future<ChunkResult>> inflight = new ArrayDeque<>();
            long next = 0;
            while (next < size || !inflight.isEmpty()) {
                while (next < size && inflight.size() < window()) {
                    long s = next;
                    inflight.add(pool.submit(() -> scanChunk(pass1, chunks.get(), s, size, progress, scanned)));
                    next += chunk;
                }
                ChunkResult r = await(inflight.poll());
                out.addAll(r.found);
                for (int j = 0; j < np; j++) {
                    LongList c = r.proposed[j];
                    if (c == null) {
                        continue;
                    }
                    Probe p = probes.get(j);
                    if (!p.confirmsInBatches()) {
                        pending[j].addAll(c);
                        continue;
                    }
                    c.sortDistinct();
                    // Candidates inside an artifact already returned are parts of it (see confirmsInBatches).
                    c.dropBelow(coveredEnd[j]);
                    for (Artifact a : p.confirm(c.asList())) {
                        out.add(a);
                        coveredEnd[j] = Math.max(coveredEnd[j], a.end());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // Pass 2 of the other probes, in the carver's order: each sees what the probes before it confirmed.
        for (int j = 0; j < np; j++) {
            if (!probes.get(j).confirmsInBatches()) {
                pending[j].sortDistinct();
                out.sort(Comparator.comparingLong(Artifact::offset).thenComparing(Artifact::kind));
                out.addAll(probes.get(j).confirm(pending[j].asList(), List.copyOf(out)));
                dropPagesOfLogs(out);
            }
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

    /** Chunks scanned or queued ahead of the one being collected: keeps every core busy, bounds memory. */
    private int window() {
        return 2 * threads + 2;
    }

    private ChunkResult scanChunk(SignatureScan pass1, ImageChunk c, long s, long size, LongConsumer progress,
                                  AtomicLong scanned) {
        int len = (int) Math.min(chunk, size - s);
        ChunkResult r = new ChunkResult(pass1.size());
        try {
            c.fill(image, s, len, (int) Math.min((long) len + OVERLAP, size - s));
            pass1.scan(c, r.sinks);
        } catch (InternalError e) {
            // A mapped page that can no longer be read (the file shrank, or an I/O error on a device): SIGBUS.
            throw new CorruptionException(Damage.of(image.name(), s, len, DamageKind.CHANGED_DURING_READ,
                    "the image shrank or became unreadable while mapped (" + e.getMessage() + ")"));
        }
        progress.accept(scanned.addAndGet(len));
        return r;
    }

    private static <T> T await(Future<T> f) throws InterruptedException {
        try {
            return f.get();
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

    /**
     * The size of an image file or block device: {@link java.nio.file.Files#size} says 0 for a block device, the
     * channel asks the device (Linux: the BLKGETSIZE64 ioctl), which is also what {@link ByteSource#open} maps.
     */
    public static long imageSize(java.nio.file.Path image) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(image,
                java.nio.file.StandardOpenOption.READ)) {
            return ch.size();
        }
    }
}
