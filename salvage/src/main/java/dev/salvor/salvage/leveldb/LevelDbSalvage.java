package dev.salvor.salvage.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Limits;
import dev.salvor.salvage.report.FileResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongConsumer;

/**
 * Salvages a LevelDB database: every entry of every log and table, merged in internal-key order and classified by
 * sequence number ({@link Classifier}).
 *
 * <p>Memory: tables are merged lazily, one decoded block per table at a time; the entries of write-ahead logs (which
 * LevelDB bounds by its write buffer) and sidelined entries (damaged or out-of-order) are sorted in memory.
 * MANIFEST edits give each live table its level and are cross-checked against the directory.
 */
public final class LevelDbSalvage {
    private final LevelDbLayout layout;
    private final Limits limits;
    private final Map<LevelDbFile, FileResult> results = new LinkedHashMap<>();
    private ManifestState manifest;

    public LevelDbSalvage(LevelDbLayout layout, Limits limits) {
        this.layout = layout;
        this.limits = limits;
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
     * @param progress receives the number of input bytes consumed so far (approximate)
     */
    public void run(RecordSink sink, LongConsumer progress) throws IOException {
        List<ByteSource> open = new ArrayList<>();
        try {
            manifest = readManifests(open);
            Map<Long, Integer> levels = manifest == null ? Map.of() : manifest.levels();
            long done = 0;

            List<Entry> sidelined = new ArrayList<>();
            List<Entry> logEntries = new ArrayList<>();
            for (LevelDbFile f : layout.files(FileRole.LOG)) {
                FileResult r = result(f);
                ByteSource src = ByteSource.open(f.path(), f.name());
                open.add(src);
                try {
                    LevelDbFileReader.readLog(src, f, limits, r, logEntries::add);
                } catch (CorruptionException e) {
                    r.addDamage(e.damage());
                }
                done += src.size();
                progress.accept(done);
            }
            PriorityQueue<Entry> pending = new PriorityQueue<>(Entry.INTERNAL_ORDER);
            pending.addAll(logEntries);
            logEntries = null;

            List<TableCursor> cursors = new ArrayList<>();
            for (LevelDbFile f : layout.files(FileRole.TABLE)) {
                FileResult r = result(f);
                ByteSource src = ByteSource.open(f.path(), f.name());
                open.add(src);
                try {
                    cursors.add(new TableCursor(src, f, levels.getOrDefault(f.number(), -1), limits, r,
                            pending::add));
                } catch (CorruptionException e) {
                    r.addDamage(e.damage());
                }
            }
            merge(cursors, pending, sink);
            for (TableCursor c : cursors) {
                c.finish(); // units and bytes are known once each cursor is drained
            }
            progress.accept(layout.files().stream().mapToLong(f -> f.path().toFile().length()).sum());
            ManifestCrossCheck.run(layout, manifest, this::result);
        } finally {
            for (ByteSource s : open) {
                s.close();
            }
        }
    }

    private FileResult result(LevelDbFile f) {
        return results.computeIfAbsent(f, k -> new FileResult(k.name(), "leveldb", k.role().id(),
                k.path().toFile().length()));
    }

    private ManifestState readManifests(List<ByteSource> open) throws IOException {
        ManifestState chosen = null;
        long chosenNumber = Long.MIN_VALUE;
        String current = layout.currentManifest().orElse(null);
        for (LevelDbFile f : layout.files(FileRole.MANIFEST)) {
            FileResult r = result(f);
            ByteSource src = ByteSource.open(f.path(), f.name());
            open.add(src);
            ManifestState s;
            try {
                s = LevelDbFileReader.readManifest(src, f, limits, r);
            } catch (CorruptionException e) {
                r.addDamage(e.damage());
                continue;
            }
            boolean isCurrent = f.path().getFileName().toString().equals(current);
            r.fact("current", isCurrent);
            if (isCurrent || (current == null && f.number() > chosenNumber)) {
                chosen = s;
                chosenNumber = isCurrent ? Long.MAX_VALUE : f.number();
            }
        }
        for (LevelDbFile f : layout.files()) {
            if (!f.role().holdsData()) {
                FileResult r = result(f);
                r.fact("recognised_by", f.why());
            } else {
                result(f).fact("recognised_by", f.why());
            }
        }
        return chosen;
    }

    /**
     * K-way merge of the table cursors and the pending (log + sidelined) entries, grouping by user key. A sidelined
     * entry whose key sorts before the last group emitted arrives late: it forms a group of its own.
     */
    private void merge(List<TableCursor> cursors, PriorityQueue<Entry> pending, RecordSink sink) throws IOException {
        Comparator<TableCursor> byHead = (a, b) -> Entry.INTERNAL_ORDER.compare(a.peek(), b.peek());
        PriorityQueue<TableCursor> heads = new PriorityQueue<>(Math.max(1, cursors.size()), byHead);
        for (TableCursor c : cursors) {
            if (c.peek() != null) {
                heads.add(c);
            }
        }
        java.util.Set<TableCursor> gapped = new java.util.LinkedHashSet<>();
        for (TableCursor c : cursors) {
            if (c.gapOpen()) {
                gapped.add(c);
            }
        }
        List<Entry> group = new ArrayList<>();
        while (!heads.isEmpty() || !pending.isEmpty()) {
            Entry first = smallest(heads, pending);
            byte[] key = first.userKey();
            group.clear();
            while (true) {
                TableCursor c = heads.peek();
                Entry p = pending.peek();
                boolean fromTable = c != null && Arrays.equals(c.peek().userKey(), key)
                        && (p == null || !Arrays.equals(p.userKey(), key)
                        || Entry.INTERNAL_ORDER.compare(c.peek(), p) <= 0);
                if (fromTable) {
                    heads.poll();
                    group.add(c.next());
                    if (c.gapOpen()) {
                        gapped.add(c);
                    }
                    if (c.peek() != null) {
                        heads.add(c);
                    }
                } else if (p != null && Arrays.equals(p.userKey(), key)) {
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

    private static Entry smallest(PriorityQueue<TableCursor> heads, PriorityQueue<Entry> pending) {
        Entry t = heads.isEmpty() ? null : heads.peek().peek();
        Entry p = pending.peek();
        if (t == null) {
            return p;
        }
        if (p == null) {
            return t;
        }
        return Entry.INTERNAL_ORDER.compare(t, p) <= 0 ? t : p;
    }
}
