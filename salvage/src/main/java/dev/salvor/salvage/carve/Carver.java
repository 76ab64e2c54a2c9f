package dev.salvor.salvage.carve;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;
import dev.salvor.formats.leveldb.BlockTrailer;
import dev.salvor.formats.leveldb.Footer;
import dev.salvor.formats.leveldb.LogFormat;
import dev.salvor.formats.leveldb.TableLayout;
import dev.salvor.formats.leveldb.TableReader;
import dev.salvor.formats.leveldb.TableStats;
import dev.salvor.formats.sqlite.BtreePage;
import dev.salvor.formats.sqlite.DatabaseHeader;

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
 * Finds LevelDB tables, LevelDB logs and SQLite databases in a raw image (a {@code dd} copy of a disk or
 * partition, or a block device opened read-only).
 *
 * <h2>Pass 1: signatures (parallel)</h2>
 * The image is cut into chunks of {@link #CHUNK} bytes scanned on all cores. Each chunk is read with
 * {@link #OVERLAP} extra bytes (the longest signature minus one), so a signature that starts in a chunk and ends in
 * the next is still seen; a signature is attributed to the chunk in which it starts, so none is seen twice.
 * <ul>
 * <li>LevelDB table footer magic {@code 0xdb4775248b80fb57} (8 bytes little-endian, the last 8 bytes of the
 *     48-byte footer), at any byte offset.</li>
 * <li>SQLite header string {@code "SQLite format 3\0"} (16 bytes), at any byte offset.</li>
 * <li>LevelDB log block start: at every 512-byte-aligned offset, a 7-byte record header (masked CRC-32C, length,
 *     type 1..4) whose record fits in the 32 KiB block and whose CRC verifies over type and payload.</li>
 * </ul>
 *
 * <h2>Pass 2: confirmation (never by signature alone)</h2>
 * <ul>
 * <li>Table: the footer decodes; its index handle gives the table length ({@code index.offset + index.size + 5 +
 *     48}, since the index block is the last block before the footer), hence the start; {@link TableReader} on
 *     that region must find the footer and a verifying index block, and at least one data block whose trailer CRC
 *     verifies.</li>
 * <li>SQLite: {@link DatabaseHeader#parse} reports no anomaly and page 1 parses as a b-tree page
 *     ({@link BtreePage#parse}) without damage. Length = in-header page count x page size when the header page
 *     count is valid (SQLite's own rule); otherwise only page 1 is carved (extent unknown).</li>
 * <li>Log: from a candidate block, records are walked while their CRCs verify; a block walked to its end (the
 *     tail of fewer than 7 bytes is the writer's zero padding) continues into the next block if that one starts
 *     with a verifying record. The extent ends after the last verified record. Candidates inside an extent already
 *     found are skipped (they are later blocks of the same log).</li>
 * </ul>
 *
 * <p>Reads only; the image is never written. Safe on hostile images: every length from the image is bounded before
 * use, parsers report typed damage which is counted, never thrown out of {@link #carve}.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/table_format.md">table_format.md</a>
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/log_format.md">log_format.md</a>
 * @see <a href="https://www.sqlite.org/fileformat2.html">SQLite file format</a>
 */
public final class Carver {
    /** Bytes per scan chunk. */
    static final int CHUNK = 8 << 20;
    /** Extra bytes read past each chunk: the longest signature (16) minus one. */
    static final int OVERLAP = 15;
    /** Alignment at which log block starts are tried (a sector). */
    static final int LOG_ALIGN = 512;

    private static final int LOG_HEADER = LogFormat.HEADER_SIZE;
    private static final int BLOCK = LogFormat.BLOCK_SIZE;
    private static final int TRAILER = BlockTrailer.ENCODED_LENGTH;
    private static final byte[] SQLITE_MAGIC = DatabaseHeader.MAGIC;

    private final ByteSource image;
    private final int threads;
    private final Limits limits;
    private final int chunk;

    /** A carver over {@code image} using {@code threads} worker threads. */
    public Carver(ByteSource image, int threads, Limits limits) {
        this(image, threads, limits, CHUNK);
    }

    /** As above with a chunk size of {@code chunk} bytes (tests use small chunks to exercise the overlap). */
    Carver(ByteSource image, int threads, Limits limits, int chunk) {
        this.image = Objects.requireNonNull(image, "image");
        this.threads = Math.max(1, threads);
        this.limits = Objects.requireNonNull(limits, "limits");
        if (chunk < OVERLAP + 1) {
            throw new IllegalArgumentException("chunk too small: " + chunk);
        }
        this.chunk = chunk;
    }

    private record Candidate(Artifact.Kind kind, long offset) {
    }

    /**
     * Scans the whole image and returns the confirmed artifacts in image order.
     *
     * @param progress receives the cumulative number of image bytes scanned (from worker threads)
     */
    public List<Artifact> carve(LongConsumer progress) throws InterruptedException {
        long size = image.size();
        AtomicLong scanned = new AtomicLong();
        List<Candidate> candidates = Collections.synchronizedList(new ArrayList<>());
        List<Artifact> found = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "salvor-carve");
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[chunk + OVERLAP]);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (long start = 0; start < size; start += chunk) {
                long s = start;
                futures.add(pool.submit(() -> {
                    scanChunk(s, buffers.get(), candidates, found);
                    progress.accept(scanned.addAndGet(Math.min(chunk, size - s)));
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
        // Log runs: sequential, in image order, so later blocks of a run already carved are skipped (linear time).
        List<Candidate> logs = new ArrayList<>(candidates);
        logs.sort(Comparator.comparingLong(Candidate::offset));
        long covered = -1;
        for (Candidate c : logs) {
            if (c.offset() < covered) {
                continue;
            }
            Artifact a = confirmLog(c.offset());
            if (a != null) {
                found.add(a);
                covered = a.end();
            }
        }
        List<Artifact> out = new ArrayList<>(found);
        out.sort(Comparator.comparingLong(Artifact::offset).thenComparing(Artifact::kind));
        return out;
    }

    private void scanChunk(long start, byte[] buf, List<Candidate> logs, List<Artifact> found) {
        long size = image.size();
        int chunkLen = (int) Math.min(chunk, size - start);
        int n = (int) Math.min((long) chunkLen + OVERLAP, size - start);
        image.read(start, buf, 0, n);
        for (int w = 0; w < chunkLen; w += 8) {
            // SWAR skip: a word with neither a 0x57 (first byte of the LE table magic) nor an 'S' is passed over.
            if (w + 8 <= n) {
                long v = (long) LONGS.get(buf, w);
                if (!hasByte(v, 0x5757575757575757L) && !hasByte(v, 0x5353535353535353L)) {
                    continue;
                }
            }
            for (int i = w; i < Math.min(w + 8, chunkLen); i++) {
                scanAt(buf, i, n, start, found);
            }
        }
        // Log block starts, at every sector boundary inside this chunk.
        long first = (start + LOG_ALIGN - 1) / LOG_ALIGN * LOG_ALIGN;
        for (long a = first; a < start + chunkLen; a += LOG_ALIGN) {
            int t = (int) (a - start) + 6;
            // Precheck from the chunk buffer (type byte 1..4) before any read of the image.
            if (t < n && (buf[t] < 1 || buf[t] > 4)) {
                continue;
            }
            if (firstRecordVerifies(a)) {
                logs.add(new Candidate(Artifact.Kind.LEVELDB_LOG, a));
            }
        }
    }

    /** Checks the signatures starting at {@code buf[i]} ({@code n} valid bytes; chunk starts at {@code start}). */
    private void scanAt(byte[] buf, int i, int n, long start, List<Artifact> found) {
        byte b = buf[i];
        if (b == (byte) 0x57) {
            if (i + 8 <= n && (long) LONGS.get(buf, i) == Footer.TABLE_MAGIC) {
                Artifact a = confirmTable(start + i + 8);
                if (a != null) {
                    found.add(a);
                }
            }
        } else if (b == 'S') {
            if (i + 16 <= n && startsWith(buf, i, SQLITE_MAGIC)) {
                Artifact a = confirmSqlite(start + i);
                if (a != null) {
                    found.add(a);
                }
            }
        }
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** True if some byte of {@code v} equals the byte repeated in {@code pattern} (the classic has-zero-byte test). */
    private static boolean hasByte(long v, long pattern) {
        long x = v ^ pattern;
        return ((x - 0x0101010101010101L) & ~x & 0x8080808080808080L) != 0;
    }

    private static boolean startsWith(byte[] b, int i, byte[] magic) {
        for (int k = 0; k < magic.length; k++) {
            if (b[i + k] != magic[k]) {
                return false;
            }
        }
        return true;
    }

    // ---- LevelDB table ----------------------------------------------------------------------------------------

    private Artifact confirmTable(long footerEnd) {
        long footerStart = footerEnd - Footer.ENCODED_LENGTH;
        if (footerStart < 0) {
            return null;
        }
        try {
            Footer footer = Footer.decode(image.read(footerStart, Footer.ENCODED_LENGTH), image.name(), footerStart);
            long indexEnd = footer.indexHandle().offset() + footer.indexHandle().size();
            // Varint64 handles can claim anything: bound before arithmetic that could overflow.
            if (footer.indexHandle().offset() < 0 || footer.indexHandle().size() < 0 || indexEnd < 0
                    || indexEnd > footerStart) {
                return null;
            }
            long length = indexEnd + TRAILER + Footer.ENCODED_LENGTH;
            long start = footerEnd - length;
            if (start < 0) {
                return null;
            }
            int[] damage = new int[1];
            DamageSink counting = d -> damage[0]++;
            TableReader reader = new TableReader(new SliceSource(image, start, length, name(start)), counting, limits);
            TableLayout layout = reader.layout();
            if (!layout.footerOk() || !layout.indexOk()) {
                return null;
            }
            TableStats stats = reader.scan(e -> { });
            if (stats.blocksVerified() == 0) {
                return null;
            }
            return new Artifact(Artifact.Kind.LEVELDB_TABLE, start, length,
                    "footer magic; footer handles decode; index block CRC verifies; " + stats.blocksVerified()
                            + " of " + (stats.blocksVerified() + stats.blocksDamaged())
                            + " data block CRCs verify", damage[0]);
        } catch (CorruptionException | Malformed e) {
            return null;
        }
    }

    // ---- SQLite -------------------------------------------------------------------------------------------------

    private Artifact confirmSqlite(long offset) {
        long size = image.size();
        if (size - offset < DatabaseHeader.SIZE) {
            return null;
        }
        try {
            List<Damage> damage = new ArrayList<>();
            DamageSink sink = DamageSink.collectingInto(damage);
            DatabaseHeader h = DatabaseHeader.parse(image.read(offset, DatabaseHeader.SIZE), name(offset), sink);
            if (!damage.isEmpty() || !h.magicOk()) {
                return null;
            }
            int ps = h.pageSize();
            int avail = (int) Math.min(ps, size - offset);
            byte[] page = new byte[ps];
            image.read(offset, page, 0, avail);
            BtreePage p1 = BtreePage.parse(1, page, h.usableSize(), avail, name(offset), 0, sink);
            if (p1 == null || !damage.isEmpty()) {
                return null;
            }
            String how = "header magic; header fields valid; page 1 b-tree header and cells parse";
            long length;
            if (h.headerPageCountValid()) {
                long claimed = h.pageCount(0) * (long) ps;
                length = Math.min(claimed, size - offset);
                how += length < claimed ? "; extent from in-header page count, cut short by the image end"
                        : "; extent from in-header page count";
            } else {
                length = avail;
                how += "; in-header page count not valid: page 1 only (extent unknown)";
            }
            return new Artifact(Artifact.Kind.SQLITE_DATABASE, offset, length, how, 0);
        } catch (CorruptionException | Malformed e) {
            return null;
        }
    }

    // ---- LevelDB log --------------------------------------------------------------------------------------------

    /** The record starting at {@code at}: its end offset if its header is plausible and its CRC verifies, else -1. */
    private long verifiedRecordEnd(long at, long blockEnd) {
        if (blockEnd - at < LOG_HEADER) {
            return -1;
        }
        byte[] h = image.read(at, LOG_HEADER);
        int type = h[6] & 0xff;
        int len = (h[4] & 0xff) | (h[5] & 0xff) << 8;
        if (type < 1 || type > 4 || at + LOG_HEADER + len > blockEnd) {
            return -1;
        }
        int stored = (h[0] & 0xff) | (h[1] & 0xff) << 8 | (h[2] & 0xff) << 16 | (h[3] & 0xff) << 24;
        // A view, not a copy: on a random image thousands of headers pass the precheck and each names ~16 KiB.
        if (Crc32c.mask(Crc32c.ofTypeThenData((byte) type, image.view(at + LOG_HEADER, len))) != stored) {
            return -1;
        }
        return at + LOG_HEADER + len;
    }

    private boolean firstRecordVerifies(long at) {
        return verifiedRecordEnd(at, Math.min(at + BLOCK, image.size())) >= 0;
    }

    private Artifact confirmLog(long start) {
        long size = image.size();
        long end = -1;
        int blocks = 0;
        long records = 0;
        long block = start;
        while (block < size) {
            long blockEnd = Math.min(block + BLOCK, size);
            long pos = block;
            long r;
            int inBlock = 0;
            while ((r = verifiedRecordEnd(pos, blockEnd)) >= 0) {
                pos = r;
                inBlock++;
            }
            if (inBlock == 0) {
                break;
            }
            blocks++;
            records += inBlock;
            end = pos;
            // Resync rule: only a block walked to its end (< 7 bytes left: the writer's zero padding) continues
            // into the next block; a record that fails mid-block ends the run there.
            if (blockEnd - pos >= LOG_HEADER || blockEnd - block < BLOCK) {
                break;
            }
            block = blockEnd;
        }
        if (end < 0) {
            return null;
        }
        return new Artifact(Artifact.Kind.LEVELDB_LOG, start, end - start,
                "log record CRCs verify: " + records + " records in " + blocks + " consecutive 32 KiB blocks", 0);
    }

    private String name(long offset) {
        return image.name() + "@0x" + Long.toHexString(offset);
    }
}
