package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CheckLevel;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.ProgressCounter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Verifies every file of a LevelDB database, in levels: (1) checksums of every log record and table block,
 * (2) structure: fragments, batches, version edits, footer, index, restart arrays, internal keys and their order,
 * (3) cross-checks between the MANIFEST and the directory. Files are verified in parallel on all cores; work is split
 * by table and by log, so one large log is verified by one thread.
 *
 * <p>At {@link CheckLevel#CRC} only (1) runs: each table's footer and index are read to find its data blocks, whose
 * CRC-32C is checked without decompressing them ({@link TableReader#checkDataBlockCrcs}); log and MANIFEST records
 * have their CRC and framing checked, their batches and edits are not decoded, and the MANIFEST is not compared with
 * the directory. A checksum damage is the same at every level. {@link CheckLevel#STRUCTURE} and
 * {@link CheckLevel#FULL} run all three.
 */
public final class LevelDbChecker {
    private final LevelDbLayout layout;
    private final Limits limits;
    private final int threads;
    private final CheckLevel level;
    /** The name of the checker's progress phase. */
    public static final String PHASE = "tables and logs";

    /** A checker at the default level ({@link CheckLevel#STRUCTURE}). */
    public LevelDbChecker(LevelDbLayout layout, Limits limits, int threads) {
        this(layout, limits, threads, CheckLevel.STRUCTURE);
    }

    /** A checker verifying as much as {@code level} says (see the class comment). */
    public LevelDbChecker(LevelDbLayout layout, Limits limits, int threads, CheckLevel level) {
        this.layout = layout;
        this.limits = limits;
        this.threads = Math.max(1, threads);
        this.level = java.util.Objects.requireNonNull(level);
    }

    /** Verifies everything; returns one result per file, in directory order. */
    public List<FileResult> run(Progress progress) throws IOException {
        Map<LevelDbFile, FileResult> results = new LinkedHashMap<>();
        for (LevelDbFile f : layout.files()) {
            FileResult r = new FileResult(f.name(), "leveldb", f.role().id(), f.size());
            r.fact("recognised_by", f.how().id());
            results.put(f, r);
        }
        long total = layout.files().stream().filter(f -> f.role().holdsData()).mapToLong(LevelDbFile::size).sum();
        ProgressCounter counter = ProgressCounter.start(progress, PHASE, total);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "salvor-check");
            t.setDaemon(true);
            return t;
        });
        ManifestState[] manifest = new ManifestState[1];
        try {
            List<Future<?>> futures = new ArrayList<>();
            // Largest files first, so the last thread does not start a big table at the end.
            List<LevelDbFile> order = new ArrayList<>(layout.files());
            order.sort((a, b) -> Long.compare(b.size(), a.size()));
            for (LevelDbFile f : order) {
                FileResult r = results.get(f);
                futures.add(pool.submit(() -> {
                    verify(f, r, manifest, counter);
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                try {
                    fu.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) {
                        throw io;
                    }
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        counter.finish();
        if (level.checksStructure()) {
            ManifestCrossCheck.run(layout, manifest[0], results::get);
        }
        return new ArrayList<>(results.values());
    }

    /** Verifies one file; its bytes are counted on {@code counter} as it goes, and all of them once it is done. */
    private void verify(LevelDbFile f, FileResult r, ManifestState[] manifest, ProgressCounter counter)
            throws IOException {
        if (!f.role().holdsData()) {
            return;
        }
        ProgressCounter.Sequential position = counter.sequential(f.size());
        try (ByteSource src = f.member().open()) {
            if (!level.checksStructure()) {
                verifyCrcs(src, f, r, position);
                return;
            }
            switch (f.role()) {
                case LOG -> LevelDbFileReader.readLog(src, f, limits, r, e -> { }, position);
                case MANIFEST -> {
                    ManifestState s = LevelDbFileReader.readManifest(src, f, limits, r);
                    synchronized (manifest) {
                        if (layout.isCurrentManifest(f)) {
                            manifest[0] = s;
                        }
                    }
                }
                case TABLE -> verifyTable(src, f, r, position);
                default -> {
                }
            }
        } catch (CorruptionException e) {
            r.addDamage(e.damage());
        } finally {
            position.end();
        }
    }

    /** The checksums of one file ({@link CheckLevel#CRC}). */
    private void verifyCrcs(ByteSource src, LevelDbFile f, FileResult r, ProgressCounter.Sequential position) {
        switch (f.role()) {
            case LOG, MANIFEST -> LevelDbFileReader.readRecordCrcs(src, f, limits, r, position);
            case TABLE -> {
                TableReader reader = new TableReader(src, r::addDamage, limits);
                LevelDbUnits.structure(r.map(), reader.layout());
                TableStats s = reader.checkDataBlockCrcs((ref, ok) -> {
                    position.at(ref.offset());
                    LevelDbUnits.dataBlock(r.map(), ref, ok);
                });
                r.units(s.blocksVerified() + s.blocksDamaged(), s.blocksDamaged(), s.bytesVerified());
                r.fact("data_blocks", s.blocksVerified() + s.blocksDamaged());
                reader.footer().ifPresentOrElse(ft -> r.fact("footer", "ok"),
                        () -> r.fact("footer", "missing or damaged"));
            }
            default -> {
            }
        }
    }

    private void verifyTable(ByteSource src, LevelDbFile f, FileResult r, ProgressCounter.Sequential position) {
        TableReader reader = new TableReader(src, r::addDamage, limits);
        List<DataBlockRef> blocks = reader.dataBlocks();
        LevelDbUnits.structure(r.map(), reader.layout());
        long damaged = 0;
        long bytes = 0;
        long entries = 0;
        long seqMin = Long.MAX_VALUE;
        long seqMax = Long.MIN_VALUE;
        Map<String, Long> compression = new LinkedHashMap<>();
        TableEntry prev = null;
        boolean orderReported = false;
        for (DataBlockRef ref : blocks) {
            position.at(ref.offset());
            DecodedDataBlock b;
            try {
                b = reader.readDataBlock(ref);
            } catch (CorruptionException e) {
                r.addDamage(e.damage());
                damaged++;
                LevelDbUnits.dataBlock(r.map(), ref, false);
                continue;
            }
            LevelDbUnits.dataBlock(r.map(), ref, b.crcOk());
            if (!b.crcOk()) {
                damaged++;
                prev = null;
                continue;
            }
            bytes += ref.size() + 5L;
            compression.merge(b.compression().name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
            for (TableEntry te : b.entries()) {
                entries++;
                if (te.key() == null) {
                    continue;
                }
                seqMin = Math.min(seqMin, te.key().sequence());
                seqMax = Math.max(seqMax, te.key().sequence());
                if (!orderReported && prev != null && prev.key() != null && compareInternal(prev, te) > 0) {
                    orderReported = true; // once per table: a non-bytewise comparator would flag every block
                    r.addDamage(new Damage(f.name(), te.blockOffset(), ref.size(), DamageKind.BAD_STRUCTURE,
                            "ascending internal keys", "key at +" + te.offsetInBlock() + " sorts before its predecessor",
                            "table keys out of order (non-bytewise comparator, or damage that kept a valid CRC)"));
                }
                prev = te;
            }
        }
        r.units(blocks.size(), damaged, bytes);
        r.fact("data_blocks", blocks.size()).fact("entries", entries).fact("compression", compression);
        reader.footer().ifPresentOrElse(ft -> r.fact("footer", "ok"), () -> r.fact("footer", "missing or damaged"));
        if (entries > 0 && seqMin <= seqMax) {
            r.fact("sequence_min", seqMin).fact("sequence_max", seqMax);
        }
    }

    private static int compareInternal(TableEntry a, TableEntry b) {
        int c = Arrays.compareUnsigned(a.key().userKey(), b.key().userKey());
        return c != 0 ? c : Long.compare(b.key().sequence(), a.key().sequence());
    }
}
