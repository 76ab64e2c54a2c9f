package dev.salvor.salvage.leveldb;

import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.leveldb.FileMetaData;
import dev.salvor.formats.leveldb.LevelDbLayout;
import dev.salvor.formats.leveldb.LevelDbSalvager;
import dev.salvor.formats.leveldb.SortedRunWriter;
import dev.salvor.formats.leveldb.TableStyle;
import dev.salvor.formats.leveldb.UserKeyOrder;
import dev.salvor.formats.chromium.IdbComparator;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.rebuild.RebuildTarget;
import dev.salvor.salvage.rebuild.Rebuilder;
import dev.salvor.salvage.report.ImageOffsets;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code salvor rebuild} for LevelDB: the same salvage run as {@link LevelDbHandler#salvage} (so the report holds
 * exactly salvage's files, damage and counts), its records routed by {@link RebuildRouting}: each key's newest
 * trusted value into a new database (deletions applied, sequence numbers kept), everything else to the left-out
 * JSON Lines with its reason. The new database is one sorted run of tables at level 1
 * ({@link SortedRunWriter}), compressed as the original's tables were, with a bloom filter when they had one, and a
 * MANIFEST naming the original's comparator. salvor orders keys under LevelDB's bytewise comparator and Chromium's
 * IndexedDB comparator {@code idb_cmp1} (the rebuilt database keeps it, so the browser can open it); any other
 * application comparator is refused before anything is written.
 */
public final class LevelDbRebuilder implements Rebuilder {
    /** The comparator salvor orders keys by. */
    public static final String BYTEWISE = "leveldb.BytewiseComparator";

    @Override
    public void rebuild(SourceSet input, RunContext ctx, RebuildTarget target, RunReport report) throws IOException {
        LevelDbLayout layout = LevelDbLayout.of(input);
        TableStyle style = TableStyle.of(layout, ctx.limits());
        UserKeyOrder.Resolver orders = LevelDbHandler.keyOrders(layout, ctx);
        LevelDbSalvager salvage = LevelDbHandler.salvager(layout, ctx).keyOrders(orders);
        RebuildRouting routing;
        try (JsonLinesRecordSink leftOut = new JsonLinesRecordSink(target.leftOut(),
                ctx.option(ImageOffsets.class, ImageOffsets.NONE))) {
            routing = new RebuildRouting(target, leftOut, style, () -> comparatorOf(salvage, orders));
            boolean done = false;
            try {
                salvage.run(routing, ctx.progress());
                routing.finish();
                done = true;
            } finally {
                if (!done) {
                    routing.abandon();
                }
            }
        }
        report.notes().addAll(layout.notes());
        routing.counts().forEach((k, v) -> report.recordsByState().merge(k, v, Long::sum));
        report.files().addAll(salvage.results().values());
        report.notes().addAll(salvage.notes());
        LevelDbHandler.addLayoutDamage(layout, ctx, report);
        facts(target, style, routing);
    }

    /**
     * The comparator to record, read from the MANIFEST the salvage used (known once its logs phase ran).
     *
     * @throws RebuildRefused when it is not LevelDB's bytewise comparator
     */
    private static ComparatorName comparatorOf(LevelDbSalvager salvage, UserKeyOrder.Resolver orders)
            throws RebuildRefused {
        UserKeyOrder merged = salvage.keyOrder();
        String name = salvage.manifest() == null ? null : salvage.manifest().comparator();
        if (name == null) {
            String why = salvage.manifest() == null ? "no readable MANIFEST" : "the MANIFEST names no comparator";
            return merged.bytewise()
                    ? new ComparatorName(BYTEWISE, "assumed: " + why + " (LevelDB's default comparator)", merged)
                    : new ComparatorName(merged.comparatorName(), "by content: " + why + ", keys of Chromium's"
                    + " IndexedDB", merged);
        }
        UserKeyOrder named = orders.resolve(name);
        if (!named.comparatorName().equals(name)) {
            throw new RebuildRefused("LevelDB comparator: actual=" + name + " vs expected=" + BYTEWISE + " or "
                    + IdbComparator.NAME + " (salvor orders keys by these only: a database ordered by another"
                    + " application's comparator cannot be rebuilt faithfully; use salvor salvage)");
        }
        return new ComparatorName(name, "MANIFEST", named);
    }

    /** The comparator recorded in the new MANIFEST, where its name came from, and the order it stands for. */
    record ComparatorName(String name, String source, UserKeyOrder order) {
    }

    private static void facts(RebuildTarget target, TableStyle style, RebuildRouting routing) {
        Map<String, Object> f = target.facts();
        List<FileMetaData> tables = routing.tables();
        f.put("comparator", routing.comparator().name());
        f.put("comparator_source", routing.comparator().source());
        f.put("compression", style.compression().name().toLowerCase(java.util.Locale.ROOT));
        f.put("compression_from", style.from().orElse("default: no data block verified"));
        f.put("bloom_filter", style.bloomFilter());
        f.put("level", SortedRunWriter.LEVEL);
        f.put("tables", tables.size());
        f.put("manifest", String.format("MANIFEST-%06d", SortedRunWriter.MANIFEST_NUMBER));
        f.put("last_sequence", routing.lastSequence());
        f.put("next_file_number", SortedRunWriter.FIRST_TABLE_NUMBER + tables.size());
        Map<String, Object> stale = new LinkedHashMap<>();
        stale.put("count", routing.maybeStaleCount());
        stale.put("keys", routing.maybeStaleKeys());
        f.put("maybe_stale", stale);
    }
}
