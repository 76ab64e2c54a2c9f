package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SpillStore;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.ProgressCounter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Salvages a LevelDB database: every entry of every log and table, merged in internal-key order and classified by
 * sequence number ({@link Classifier}).
 *
 * <p>Memory: tables are merged lazily, one decoded block per table at a time; the entries of write-ahead logs (which
 * LevelDB bounds by its write buffer) are sorted in memory up to a bound, past which sorted runs go to the caller's
 * {@link SpillStore}; sidelined entries (damaged or out-of-order, few) are sorted in memory.
 * MANIFEST edits give each live table its level and are cross-checked against the directory.
 *
 * <p>Progress, in three phases: {@value #LOGS_PHASE} (the MANIFESTs and write-ahead logs read, their entries sorted
 * and spilled); {@value #OPEN_PHASE} (each table's footer, index and first block read, so the merge knows every
 * table's first key: each table counts for its size once open); {@value #MERGE_PHASE} (the tables' blocks as the
 * merge takes them, and the sorted log entries as it takes them, each counting for its share of the logs' bytes; the
 * records are written on the way), over the bytes of the tables and logs.
 */
public final class LevelDbSalvager {
    private final LevelDbLayout layout;
    private final Limits limits;
    private final Map<LevelDbFile, FileResult> results = new LinkedHashMap<>();
    private ManifestState manifest;
    private final List<String> notes = new ArrayList<>();
    /** Log entries held in memory before sorted runs spill to the spill store. */
    public static final long LOG_BUFFER_BYTES = 128L << 20;
    /** The progress phase that reads the MANIFESTs and logs. */
    public static final String LOGS_PHASE = "logs";
    /** The progress phase that opens every table for the merge. */
    public static final String OPEN_PHASE = "open tables";
    /** The progress phase that merges the tables with the log entries and emits every record. */
    public static final String MERGE_PHASE = "merge";

    private final SpillStore spill;
    private final long logBufferBytes;
    private final int threads;
    private UserKeyOrder.Resolver orders = UserKeyOrder.Resolver.BYTEWISE_ONLY;
    private UserKeyOrder keyOrder = UserKeyOrder.BYTEWISE;
    private java.util.Comparator<Entry> order = Entry.INTERNAL_ORDER;

    /**
     * @param layout         the classified files of the database
     * @param limits         allocation limits for every reader
     * @param spill          where sorted runs of log entries go past {@code logBufferBytes}
     * @param logBufferBytes log entries held in memory (approximate bytes) before a sorted run is spilled
     * @param threads        with {@code threads > 1}, table blocks are decoded ahead of the merge on
     *                       {@code threads - 1} workers
     */
    public LevelDbSalvager(LevelDbLayout layout, Limits limits, SpillStore spill, long logBufferBytes, int threads) {
        this.threads = Math.max(1, threads);
        this.layout = layout;
        this.limits = limits;
        this.spill = spill;
        this.logBufferBytes = logBufferBytes;
    }

    /**
     * The orders salvage may merge in: once the MANIFEST is read, its comparator name picks one ({@code resolver}
     * may also decide by content when no MANIFEST names one). By default only LevelDB's bytewise order is known, and
     * a database kept under another comparator is merged bytewise (its tables' entries then arrive out of order and
     * are sorted aside).
     */
    public LevelDbSalvager keyOrders(UserKeyOrder.Resolver resolver) {
        this.orders = java.util.Objects.requireNonNull(resolver);
        return this;
    }

    /** The order the last {@link #run} merged in. */
    public UserKeyOrder keyOrder() {
        return keyOrder;
    }

    /** Observations of the run (e.g. spilled sort runs). */
    public List<String> notes() {
        return notes;
    }

    /** Per-file results (damage, units) filled by {@link #run}. */
    public Map<LevelDbFile, FileResult> results() {
        return results;
    }

    /** The state of the MANIFEST used (CURRENT's, else the newest readable one), or null. */
    public ManifestState manifest() {
        return manifest;
    }

    /**
     * Reads everything and sends every classified record to {@code sink} in internal-key order.
     *
     * @param progress the phases {@value #LOGS_PHASE} and {@value #MERGE_PHASE} (see the class comment)
     */
    public void run(RecordSink sink, Progress progress) throws IOException {
        List<ByteSource> open = new ArrayList<>();
        List<AutoCloseable> closers = new ArrayList<>();
        // Blocks are decompressed and decoded one block ahead of the merge on worker threads, so decoding overlaps
        // with classification and JSON writing on the merge thread.
        java.util.concurrent.ExecutorService decoders = threads > 1 ? java.util.concurrent.Executors
                .newFixedThreadPool(threads - 1, r -> {
                    Thread t = new Thread(r, "salvor-decode");
                    t.setDaemon(true);
                    return t;
                }) : null;
        if (decoders != null) {
            closers.add(decoders::shutdownNow);
        }
        try {
            long logBytes = bytesOf(FileRole.LOG);
            ProgressCounter reading = ProgressCounter.start(progress, LOGS_PHASE, bytesOf(FileRole.MANIFEST)
                    + logBytes);
            manifest = readManifests(open, reading);
            Map<Long, Integer> levels = manifest == null ? Map.of() : manifest.levels();
            keyOrder = orders.resolve(manifest == null ? null : manifest.comparator());
            order = Entry.internalOrder(keyOrder);
            if (!keyOrder.bytewise()) {
                notes.add("keys merged in the order of comparator " + keyOrder.comparatorName());
            }

            SpillingSorter logs = new SpillingSorter(logBufferBytes, spill, order);
            closers.add(logs);
            for (LevelDbFile f : layout.files(FileRole.LOG)) {
                FileResult r = result(f);
                ByteSource src = f.member().open();
                open.add(src);
                ProgressCounter.Sequential position = reading.sequential(f.size());
                try {
                    LevelDbFileReader.readLog(src, f, limits, r, logs::add, position);
                } catch (CorruptionException e) {
                    r.addDamage(e.damage());
                } finally {
                    position.end();
                }
            }
            List<EntryCursor> logCursors = logs.cursors(); // the entries still in memory sorted
            reading.finish();
            if (logs.spilledRuns() > 0) {
                notes.add("write-ahead logs held more than " + (logBufferBytes >> 20) + " MiB of entries: sorted in "
                        + (logs.spilledRuns() + 1) + " runs through temporary files");
            }
            PriorityQueue<Entry> pending = new PriorityQueue<>(order);
            List<TableCursor> cursors = new ArrayList<>();
            Map<TableCursor, LevelDbFile> tables = new java.util.IdentityHashMap<>();
            ProgressCounter opening = ProgressCounter.start(progress, OPEN_PHASE, bytesOf(FileRole.TABLE));
            openTables(open, levels, pending, decoders, opening, cursors, tables);
            opening.finish();

            ProgressCounter merging = ProgressCounter.start(progress, MERGE_PHASE, bytesOf(FileRole.TABLE)
                    + logBytes);
            LogShare share = new LogShare(merging, logBytes, logs.entries());
            List<EntryCursor> sources = new ArrayList<>();
            for (EntryCursor c : logCursors) {
                sources.add(new CountedCursor(c, share));
            }
            for (TableCursor c : cursors) {
                c.countOn(merging.sequential(tables.get(c).size()));
            }
            sources.addAll(cursors);
            merge(sources, cursors, pending, sink);
            for (TableCursor c : cursors) {
                c.finish(); // units and bytes are known once each cursor is drained
            }
            merging.finish();
            ManifestCrossCheck.run(layout, manifest, this::result);
        } finally {
            for (ByteSource s : open) {
                s.close();
            }
            for (AutoCloseable c : closers) {
                try {
                    c.close();
                } catch (IOException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        }
    }

    /**
     * Opens every table (footer, index, first block) for the merge, {@link #threads} at a time: tables are
     * independent until the merge. Cursors are kept in directory order whatever order they open in, each table's
     * damage goes to its own result, and entries sidelined while opening go to {@code pending} under its lock (the
     * merge takes them in the database's internal-key order, a total order: the order they arrive in does not
     * matter).
     */
    private void openTables(List<ByteSource> open, Map<Long, Integer> levels, PriorityQueue<Entry> pending,
                            java.util.concurrent.ExecutorService decoders, ProgressCounter opening,
                            List<TableCursor> cursors, Map<TableCursor, LevelDbFile> tables) throws IOException {
        List<LevelDbFile> files = layout.files(FileRole.TABLE);
        java.util.function.Consumer<Entry> sideline = e -> {
            synchronized (pending) {
                pending.add(e);
            }
        };
        java.util.concurrent.ExecutorService openers = threads > 1 && files.size() > 1
                ? java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "salvor-open");
                    t.setDaemon(true);
                    return t;
                }) : null;
        try {
            List<java.util.concurrent.Future<TableCursor>> opened = new ArrayList<>();
            for (LevelDbFile f : files) {
                FileResult r = result(f);
                ByteSource src = f.member().open();
                open.add(src);
                java.util.concurrent.Callable<TableCursor> task = () -> {
                    try {
                        return new TableCursor(src, f, levels.getOrDefault(f.number(), -1), limits, r, sideline,
                                decoders, keyOrder);
                    } catch (CorruptionException e) {
                        r.addDamage(e.damage());
                        return null;
                    }
                };
                opened.add(openers == null ? java.util.concurrent.CompletableFuture.completedFuture(call(task))
                        : openers.submit(task));
            }
            for (int i = 0; i < files.size(); i++) {
                TableCursor c = get(opened.get(i));
                if (c != null) {
                    cursors.add(c);
                    tables.put(c, files.get(i));
                }
                opening.add(files.get(i).size());
            }
        } finally {
            if (openers != null) {
                openers.shutdownNow();
            }
        }
    }

    private static <T> T call(java.util.concurrent.Callable<T> task) throws IOException {
        try {
            return task.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static <T> T get(java.util.concurrent.Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while opening tables");
        }
    }

    private FileResult result(LevelDbFile f) {
        return results.computeIfAbsent(f, k -> new FileResult(k.name(), "leveldb", k.role().id(), k.size()));
    }

    /** Bytes of the files of role {@code role}. */
    private long bytesOf(FileRole role) {
        return layout.files(role).stream().mapToLong(LevelDbFile::size).sum();
    }

    private ManifestState readManifests(List<ByteSource> open, ProgressCounter progress) throws IOException {
        ManifestState chosen = null;
        long chosenNumber = Long.MIN_VALUE;
        String current = layout.currentManifest().orElse(null);
        for (LevelDbFile f : layout.files(FileRole.MANIFEST)) {
            FileResult r = result(f);
            ByteSource src = f.member().open();
            open.add(src);
            ManifestState s;
            try {
                s = LevelDbFileReader.readManifest(src, f, limits, r);
            } catch (CorruptionException e) {
                r.addDamage(e.damage());
                continue;
            } finally {
                progress.add(f.size());
            }
            boolean isCurrent = layout.isCurrentManifest(f);
            r.fact("current", isCurrent);
            if (isCurrent || (current == null && f.number() > chosenNumber)) {
                chosen = s;
                chosenNumber = isCurrent ? Long.MAX_VALUE : f.number();
            }
        }
        for (LevelDbFile f : layout.files()) {
            if (!f.role().holdsData()) {
                FileResult r = result(f);
                r.fact("recognised_by", f.how().id());
            } else {
                result(f).fact("recognised_by", f.how().id());
            }
        }
        return chosen;
    }

    /**
     * K-way merge of the table cursors and the pending (log + sidelined) entries, grouping by user key (keys the order
     * calls equal are one key, whatever their bytes: {@link UserKeyOrder#sameKey}); the cursors
     * through a {@link LoserTree} (the heap it replaced spent a quarter of salvage's samples sifting 469 cursors). A sidelined
     * entry whose key sorts before the last group emitted arrives late: it forms a group of its own.
     */
    private void merge(List<EntryCursor> sources, List<TableCursor> cursors, PriorityQueue<Entry> pending,
                       RecordSink sink) throws IOException {
        LoserTree heads = new LoserTree(sources, order);
        java.util.Set<TableCursor> gapped = new java.util.LinkedHashSet<>();
        for (TableCursor c : cursors) {
            if (c.gapOpen()) {
                gapped.add(c);
            }
        }
        List<Entry> group = new ArrayList<>();
        while (heads.top() != null || !pending.isEmpty()) {
            Entry first = smallest(heads, pending);
            byte[] key = first.userKey();
            group.clear();
            while (true) {
                EntryCursor c = heads.top();
                Entry p = pending.peek();
                boolean fromTable = c != null && keyOrder.sameKey(c.peek().userKey(), key)
                        && (p == null || !keyOrder.sameKey(p.userKey(), key)
                        || order.compare(c.peek(), p) <= 0);
                if (fromTable) {
                    group.add(c.next());
                    if (c instanceof TableCursor t && t.gapOpen()) {
                        gapped.add(t);
                    }
                    heads.advanced();
                } else if (p != null && keyOrder.sameKey(p.userKey(), key)) {
                    group.add(pending.poll());
                } else {
                    break;
                }
            }
            boolean stale = false;
            for (java.util.Iterator<TableCursor> it = gapped.iterator(); it.hasNext(); ) {
                TableCursor c = it.next();
                if (!c.gapOpen()) {
                    it.remove();
                } else if (c.inGap(key)) {
                    stale = true;
                }
            }
            Classifier.classify(group, stale, sink);
        }
    }

    private Entry smallest(LoserTree heads, PriorityQueue<Entry> pending) {
        EntryCursor top = heads.top();
        Entry t = top == null ? null : top.peek();
        Entry p = pending.peek();
        if (t == null) {
            return p;
        }
        if (p == null) {
            return t;
        }
        return order.compare(t, p) <= 0 ? t : p;
    }

    /**
     * The merge's share of the logs' bytes: the sorted log entries are counted as the merge takes them, each for an
     * equal share of the bytes the logs occupy (every 4096 entries, not per entry).
     */
    private static final class LogShare {
        private final ProgressCounter counter;
        private final long bytes;
        private final long entries;
        private long taken;
        private long credited;

        LogShare(ProgressCounter counter, long bytes, long entries) {
            this.counter = counter;
            this.bytes = bytes;
            this.entries = entries;
        }

        void took() {
            if ((++taken & 4095) == 0 && entries > 0) {
                long due = (long) ((double) bytes * Math.min(taken, entries) / entries);
                counter.add(due - credited);
                credited = due;
            }
        }
    }

    /** A cursor over sorted log entries that tells {@link LogShare} of every entry taken. */
    private static final class CountedCursor implements EntryCursor {
        private final EntryCursor inner;
        private final LogShare share;

        CountedCursor(EntryCursor inner, LogShare share) {
            this.inner = inner;
            this.share = share;
        }

        @Override
        public Entry peek() {
            return inner.peek();
        }

        @Override
        public Entry next() {
            Entry e = inner.next();
            if (e != null) {
                share.took();
            }
            return e;
        }
    }
}
