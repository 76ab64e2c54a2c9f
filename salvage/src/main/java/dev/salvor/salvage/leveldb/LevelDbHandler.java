package dev.salvor.salvage.leveldb;

import dev.salvor.formats.chromium.ChromiumStore;
import dev.salvor.salvage.chromium.BlobEntryIndex;
import dev.salvor.salvage.chromium.ChromiumMembers;
import dev.salvor.salvage.chromium.ChromiumSummary;
import dev.salvor.salvage.chromium.IndexedDbIdentity;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.leveldb.FileRole;
import dev.salvor.formats.core.CheckLevel;
import dev.salvor.formats.leveldb.LevelDbChecker;
import dev.salvor.formats.leveldb.LevelDbLayout;
import dev.salvor.formats.leveldb.LevelDbSalvager;
import dev.salvor.formats.leveldb.UserKeyOrder;
import dev.salvor.salvage.FormatHandler;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.TempFileSpillStore;
import dev.salvor.salvage.report.ImageOffsets;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * LevelDB: a database directory, or single {@code .log}, {@code .ldb}/{@code .sst} or {@code MANIFEST-*} files. Adapts
 * the engine of {@code dev.salvor.formats.leveldb} to the pipeline: the input becomes a {@link SourceSet}, records
 * are written as JSON Lines, and log entries past the engine's memory bound spill to temporary files.
 */
public final class LevelDbHandler implements FormatHandler {

    /** How many classified sets {@link #layoutOf} remembers (inputs of one run; the oldest is forgotten first). */
    private static final int REMEMBERED = 16;

    /** A set classified, held weakly: the set object itself is the key (equal sets of another run are not it). */
    private record Classified(java.lang.ref.WeakReference<SourceSet> set, LevelDbLayout layout) {
    }

    private final java.util.ArrayDeque<Classified> classified = new java.util.ArrayDeque<>();

    /**
     * The handler. Between inputs it keeps only the classification of the last sets it saw (by identity, held
     * weakly), so detecting, listing and checking one input classify its files once, not three times.
     */
    public LevelDbHandler() {
    }

    /**
     * The layout of {@code set}: classified once per set object (detection, {@link #inputFiles} and the verb of one
     * run get the same set; a set listed again, in this run or another, is classified again).
     */
    private LevelDbLayout layoutOf(SourceSet set) throws IOException {
        synchronized (classified) {
            classified.removeIf(c -> c.set().get() == null);
            for (Classified c : classified) {
                if (c.set().get() == set) {
                    return c.layout();
                }
            }
        }
        LevelDbLayout layout = LevelDbLayout.of(set);
        synchronized (classified) {
            if (classified.size() >= REMEMBERED) {
                classified.removeFirst();
            }
            classified.addLast(new Classified(new java.lang.ref.WeakReference<>(set), layout));
        }
        return layout;
    }

    @Override
    public String name() {
        return "leveldb";
    }

    @Override
    public boolean detect(Path path) throws IOException {
        return layout(path).looksLikeLevelDb();
    }

    @Override
    public boolean detect(Path path, SourceSet listed) throws IOException {
        return layoutOf(listed).looksLikeLevelDb();
    }

    @Override
    public List<SourceSet.Member> inputFiles(SourceSet input) throws IOException {
        return layoutOf(input).files().stream()
                .filter(f -> f.role().holdsData() || f.role() == FileRole.CURRENT)
                .map(f -> f.member()).toList();
    }

    @Override
    public void identify(SourceSet input, RunContext ctx, RunReport report) throws IOException {
        LevelDbLayout layout = layoutOf(input);
        report.notes().addAll(layout.notes());
        // Identification reads every record: counts and sequence ranges are what a specialist asks first, and a
        // full pass costs about as much as a check.
        Optional<ChromiumStore.Detection> chromium = ChromiumStore.detect(layout, ctx.limits());
        List<FileResult> results = new LevelDbChecker(layout, ctx.limits(), ctx.threads())
                .keyOrders(ChromiumStore.orders(chromium)).run(ctx.progress());
        report.files().addAll(results);
        addLayoutDamage(layout, ctx, report);
        if (chromium.isPresent()) {
            // A Chromium store (recognised from a bounded sample) is also read record by record, to name its
            // origins, databases and object stores with their counts; a plain LevelDB is not read twice.
            ChromiumSummary summary = new ChromiumSummary(chromium.get());
            salvager(layout, ctx).keyOrders(ChromiumStore.orders(chromium)).run(summary, ctx.progress());
            report.notes().addAll(summary.lines());
            summary.identities(input.name()).forEach(d -> IndexedDbIdentity.add(report, d));
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long entries = 0;
        long bytes = 0;
        for (FileResult r : results) {
            bytes += r.size();
            if (r.facts().get("sequence_min") instanceof Long v) {
                min = Math.min(min, v);
            }
            if (r.facts().get("sequence_max") instanceof Long v) {
                max = Math.max(max, v);
            }
            if (r.facts().get("entries") instanceof Long v) {
                entries += v;
            }
        }
        StringBuilder sb = new StringBuilder(input.name() + ": LevelDB, " + results.size() + " file(s), " + bytes + " bytes");
        layout.roleCounts().forEach((role, n) -> sb.append(", ").append(n).append(' ').append(role.id()));
        sb.append(", ").append(entries).append(" entries");
        if (min <= max) {
            sb.append(", sequence ").append(min).append("..").append(max);
        }
        report.notes().add(sb.toString());
    }

    @Override
    public void check(SourceSet input, RunContext ctx, RunReport report) throws IOException {
        LevelDbLayout layout = layoutOf(input);
        report.notes().addAll(layout.notes());
        List<FileResult> results = new LevelDbChecker(layout, ctx.limits(), ctx.threads(),
                ctx.option(CheckLevel.class, CheckLevel.STRUCTURE)).keyOrders(keyOrders(layout, ctx))
                .run(ctx.progress());
        report.files().addAll(results);
        addLayoutDamage(layout, ctx, report);
    }

    @Override
    public void salvage(SourceSet input, RunContext ctx, OutputStream out, RunReport report) throws IOException {
        LevelDbLayout layout = layoutOf(input);
        report.notes().addAll(layout.notes());
        Optional<ChromiumStore.Detection> chromium = ChromiumStore.detect(layout, ctx.limits());
        LevelDbSalvager salvage = salvager(layout, ctx).keyOrders(ChromiumStore.orders(chromium));
        Path blobRoot = ChromiumMembers.blobRoot(directoryOf(input));
        BlobEntryIndex blobEntries = null;
        if (blobRoot != null && chromium.isPresent() && chromium.get().kind() == ChromiumStore.Kind.INDEXED_DB) {
            // a store's blob entries sort after its data records: gather them first (BlobEntryIndex)
            blobEntries = new BlobEntryIndex();
            salvager(layout, ctx).keyOrders(ChromiumStore.orders(chromium)).run(blobEntries, ctx.progress());
        }
        RecordMembers members = ChromiumMembers.of(chromium, blobRoot, blobEntries).orElse(null);
        // JSON encoding on a thread of its own beside the merge (byte-identical output), only where the merge, the
        // block decoding and the encoding each have a core: on 2 cores the extra thread made salvage slower, in wall
        // and CPU time (bench/README.md, "#14: LevelDB check and salvage after").
        try (JsonLinesRecordSink json = new JsonLinesRecordSink(out,
                ctx.option(ImageOffsets.class, ImageOffsets.NONE), members);
             ParallelJsonRecordSink sink = new ParallelJsonRecordSink(json, jsonThreads(ctx.threads()))) {
            salvage.run(sink, ctx.progress());
            sink.finish();
            sink.counts().forEach((k, v) -> report.recordsByState().merge(k, v, Long::sum));
        }
        report.files().addAll(salvage.results().values());
        report.notes().addAll(salvage.notes());
        chromium.ifPresent(d -> report.notes().add("Chromium " + d.kind().id() + " (recognised by " + d.how()
                + "): records carry \"" + d.kind().id() + "\""));
        if (members != null) {
            report.notes().addAll(members.notes());
        }
        addLayoutDamage(layout, ctx, report);
    }

    /** Threads for {@link ParallelJsonRecordSink}: 2 (encoding off the merging thread) from 3 threads on, else 1. */
    static int jsonThreads(int threads) {
        return threads >= 3 ? 2 : 1;
    }

    /** Rebuilds a database C++ LevelDB opens from what salvage finds ({@link LevelDbRebuilder}). */
    @Override
    public dev.salvor.salvage.rebuild.Rebuilder rebuilder() {
        return new LevelDbRebuilder();
    }

    /** The directory {@code input} names, when it is one on disk (a carved input has none). */
    static Path directoryOf(SourceSet input) {
        if (!input.isDirectory()) {
            return null;
        }
        try {
            Path p = Path.of(input.name());
            return Files.isDirectory(p) ? p : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** The salvager {@link #salvage} runs, shared with the rebuild so both report the same. */
    static LevelDbSalvager salvager(LevelDbLayout layout, RunContext ctx) {
        return new LevelDbSalvager(layout, ctx.limits(), new TempFileSpillStore(), LevelDbSalvager.LOG_BUFFER_BYTES,
                Math.max(2, ctx.threads()));
    }

    /**
     * The key orders this database may be kept in: the MANIFEST's comparator ({@code idb_cmp1}: Chromium's IndexedDB,
     * else LevelDB's bytewise order), or {@code idb_cmp1} when no MANIFEST names one and the keys have IndexedDB's
     * shapes ({@link ChromiumStore#detect}: a bounded sample of the first log bytes and table blocks).
     */
    static UserKeyOrder.Resolver keyOrders(LevelDbLayout layout, RunContext ctx) throws IOException {
        return ChromiumStore.orders(ChromiumStore.detect(layout, ctx.limits()));
    }

    /** Classifies the files of {@code path} (a database directory or one file) for detection. */
    private static LevelDbLayout layout(Path path) throws IOException {
        return LevelDbLayout.of(SourceSet.of(path));
    }

    static void addLayoutDamage(LevelDbLayout layout, RunContext ctx, RunReport report) {
        List<dev.salvor.formats.core.Damage> damages = layout.damages();
        if (ctx.option(LooseFiles.class, null) != null) {
            damages = damages.stream().filter(d -> d.kind() != dev.salvor.formats.core.DamageKind.MISSING_FILE)
                    .toList();
            if (damages.size() != layout.damages().size()) {
                report.notes().add("carved LevelDB files have no CURRENT/MANIFEST of their own: not counted as"
                        + " damage");
            }
        }
        if (damages.isEmpty()) {
            return;
        }
        FileResult current = report.files().stream().filter(f -> f.role().equals(FileRole.CURRENT.id()))
                .findFirst().orElseGet(() -> {
                    FileResult r = new FileResult("CURRENT", "leveldb", FileRole.CURRENT.id(), 0);
                    report.files().add(r);
                    return r;
                });
        damages.forEach(current::addDamage);
    }
}
