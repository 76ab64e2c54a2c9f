package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
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

    private UserKeyOrder.Resolver orders = UserKeyOrder.Resolver.BYTEWISE_ONLY;
    private UserKeyOrder userKeyOrder = UserKeyOrder.BYTEWISE;

    /**
     * The orders the tables may be verified in: before the run, the MANIFEST's comparator name
     * ({@link ManifestComparator}) picks one. By default only LevelDB's bytewise order is known, and the tables of a
     * database kept under another comparator are reported out of order.
     */
    public LevelDbChecker keyOrders(UserKeyOrder.Resolver resolver) {
        this.orders = java.util.Objects.requireNonNull(resolver);
        return this;
    }

    /** The order the last {@link #run} verified the tables' keys in. */
    public UserKeyOrder keyOrder() {
        return userKeyOrder;
    }

    /** Verifies everything; returns one result per file, in directory order. */
    public List<FileResult> run(Progress progress) throws IOException {
        userKeyOrder = orders == UserKeyOrder.Resolver.BYTEWISE_ONLY ? UserKeyOrder.BYTEWISE
                : orders.resolve(ManifestComparator.name(layout, limits).orElse(null));
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
        Map<String, Long> compression = new LinkedHashMap<>();
        TableKeys keys = new TableKeys(f.name(), r, userKeyOrder);
        Block.Scratch scratch = new Block.Scratch();
        for (DataBlockRef ref : blocks) {
            position.at(ref.offset());
            TableReader.CheckedDataBlock b;
            keys.block = ref;
            try {
                b = reader.verifyDataBlock(ref, scratch, keys);
                keys.reportOrder();
            } catch (CorruptionException e) {
                keys.dropOrder();
                r.addDamage(e.damage());
                damaged++;
                LevelDbUnits.dataBlock(r.map(), ref, false);
                continue;
            }
            LevelDbUnits.dataBlock(r.map(), ref, b.crcOk());
            if (!b.crcOk()) {
                damaged++;
                keys.forgetPrevious();
                continue;
            }
            keys.entries += b.entries();
            bytes += ref.size() + 5L;
            compression.merge(b.compression().name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
        }
        r.units(blocks.size(), damaged, bytes);
        r.fact("data_blocks", blocks.size()).fact("entries", keys.entries).fact("compression", compression);
        reader.footer().ifPresentOrElse(ft -> r.fact("footer", "ok"), () -> r.fact("footer", "missing or damaged"));
        if (keys.entries > 0 && keys.seqMin <= keys.seqMax) {
            r.fact("sequence_min", keys.seqMin).fact("sequence_max", keys.seqMax);
        }
    }

    /**
     * The key checks of one table, entry by entry in place: sequence range and internal-key order (user key
     * ascending, then sequence descending). An order violation is reported once per table: a table written with a
     * comparator other than {@link #order} would otherwise flag every block. The previous key is kept in a reused
     * buffer; a block whose CRC fails breaks the chain (its keys are not trusted).
     */
    private static final class TableKeys implements TableReader.CheckedEntryVisitor {
        private final String name;
        private final FileResult result;
        private final UserKeyOrder order;
        DataBlockRef block;
        long entries;
        long seqMin = Long.MAX_VALUE;
        long seqMax = Long.MIN_VALUE;
        private byte[] previous = new byte[64];
        private int previousUserLength = -1; // -1: no previous key
        private long previousSequence;
        private boolean orderReported;
        /** An order violation found in the current block, reported after the block's own damage. */
        private Damage orderDamage;

        TableKeys(String name, FileResult result, UserKeyOrder order) {
            this.name = name;
            this.result = result;
            this.order = order;
        }

        void forgetPrevious() {
            previousUserLength = -1;
        }

        /** Reports the current block's order violation, if any, after the damage the block reader reported. */
        void reportOrder() {
            if (orderDamage != null) {
                result.addDamage(orderDamage);
                orderDamage = null;
            }
        }

        /** The block failed as a whole: its entries count for nothing. */
        void dropOrder() {
            if (orderDamage != null) {
                orderDamage = null;
                orderReported = false;
            }
        }

        @Override
        public void entry(byte[] key, int keyLength, boolean internalKey, int offsetInBlock) {
            if (!internalKey) {
                return;
            }
            int userLength = keyLength - InternalKey.TRAILER_SIZE;
            long sequence = ByteCursor.getFixed64(key, userLength) >>> 8;
            seqMin = Math.min(seqMin, sequence);
            seqMax = Math.max(seqMax, sequence);
            if (!orderReported && previousUserLength >= 0) {
                int c = order.compare(previous, previousUserLength, key, userLength);
                if (c == 0) {
                    c = Long.compare(sequence, previousSequence);
                }
                if (c > 0) {
                    orderReported = true;
                    orderDamage = new Damage(name, block.offset(), block.size(), DamageKind.BAD_STRUCTURE,
                            "ascending internal keys", "key at +" + offsetInBlock + " sorts before its predecessor",
                            "table keys out of order for comparator " + order.comparatorName()
                                    + " (another comparator, or damage that kept a valid CRC)");
                }
            }
            if (previous.length < userLength) {
                previous = new byte[Math.max(userLength, 2 * previous.length)];
            }
            System.arraycopy(key, 0, previous, 0, userLength);
            previousUserLength = userLength;
            previousSequence = sequence;
        }
    }
}
