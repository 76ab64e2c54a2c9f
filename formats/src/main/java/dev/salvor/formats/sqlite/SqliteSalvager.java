package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.UnitSink;
import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.ProgressCounter;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Salvages every row that physically survives in a database file and its optional WAL and rollback journal,
 * streaming {@link SqliteRow}s. Nothing is ever written; the inputs are read through {@link ByteSource}s only.
 *
 * <p>The work runs in phases, each a class with its own state:
 * <ol>
 * <li>{@link SchemaReader}: the schema, through the current view (WAL applied up to its last valid commit, or a hot
 * journal rolled back in memory); {@link KnownTables} and {@link VirtualTableRows} are built from it.</li>
 * <li>{@link LiveTrees#learn}: first walk of the live trees: the pages they own, their overflow pages and every
 * table's shape, and the damage of the live trees.</li>
 * <li>{@link RecoveredTables}: dropped tables carved from the schema's free space; inferred orphan tables when a
 * tree is damaged or the schema lost.</li>
 * <li>The non-live phases, {@link UnreachablePages} (free space of every b-tree page, freelist pages, pages no tree
 * reached) and {@link HistoryVersions} (page versions the WAL or a hot journal hide), first collecting the
 * de-duplication keys of their rows ({@link RowDeduplicator}).</li>
 * <li>{@link LiveTrees#emit}: the live rows, decoded and emitted; then the R*Tree rows their shadow tables imply.</li>
 * <li>The non-live phases again, emitting their rows (only the pages that gave rows the first time). The rows the
 * first pass of {@link UnreachablePages} found are kept for this one in a compact encoding ({@link NonLiveMemo}) up to
 * a byte budget (half the heap above 256 MiB, at most 128 MiB): the pages they cover are replayed, not read, parsed
 * and carved again; the pages after them are read again.</li>
 * <li>When a tree was damaged, {@link IndexRebuiltRows}: live rows no cell was found for, rebuilt from the entries
 * of their table's indexes.</li>
 * </ol>
 * A non-live row identical to a live row (same table, and rowid when known, and values) is not emitted again; a
 * non-live row is emitted once even if several page versions hold it. A carved row whose rowid is live with other
 * values is an older version: state superseded. Running the non-live phases twice keeps the de-duplication's
 * memory proportional to the rows outside the live trees, not to the live rows.
 *
 * <p>The pages of {@link UnreachablePages} are independent of one another: with more than one thread they are read
 * (parsed, decoded, carved) on worker threads, and their rows handed back in page order ({@link OrderedPages}) to
 * the calling thread, which alone de-duplicates and emits: the rows and their order are those of one thread.
 *
 * <p>Progress, phase by phase: the WAL and journal ({@value SqliteDatabase#LOG_PHASE}); {@value #WALK_PHASE} (steps 1
 * and 2: pages entered and overflow pages read, out of every page not on the freelist); {@value #FREE_PAGES_PHASE}
 * (steps 3 and 4: every page number of the view, then every page version of the history); {@value #ROWS_PHASE}
 * (steps 5 and 6: the pages the first walk of the tables read, then, when the non-live phases found rows, their pages
 * and versions again).
 */
public final class SqliteSalvager {
    /**
     * Below this many pages the non-live phases run on the calling thread: starting workers would cost more than
     * they save.
     */
    static final long MIN_PARALLEL_PAGES = 64;
    private final Limits limits;
    private final int threads;
    private final long minParallelPages;
    private final long memoBudget;
    /** The progress phase of the first walk of the live trees. */
    public static final String WALK_PHASE = "walk";
    /** The progress phase that collects what lies outside the live trees. */
    public static final String FREE_PAGES_PHASE = "free pages";
    /** The progress phase that decodes and emits the rows. */
    public static final String ROWS_PHASE = "rows";

    /**
     * Totals of one run: rows by state, and the entries of index trees no schema names (reported as index entries,
     * not rows).
     */
    public record Summary(long live, long deleted, long superseded, long uncommitted, int pageSize,
                          TextEncoding encoding, List<SchemaEntry> schema, long indexEntries) {
    }

    /**
     * The current view's database header and schema, as {@link #salvage} reads them (WAL applied up to its last valid
     * commit, a hot journal rolled back): what a writer of a new database needs before the first row arrives.
     *
     * @param header the header of the current page 1 (inferred, {@link DatabaseHeader#inferred()}, when destroyed)
     * @param schema the schema entries in the order of the schema table (empty when page 1 is lost)
     */
    public record Schema(DatabaseHeader header, List<SchemaEntry> schema) {
    }

    /**
     * Reads only the header and the schema of {@code db} with its optional {@code wal} and {@code journal}; damage is
     * not reported (the salvage that follows reports it).
     */
    public Schema schema(ByteSource db, ByteSource wal, ByteSource journal) {
        SqliteDatabase view = SqliteDatabase.open(db, wal, journal, limits, DamageSink.IGNORE, Progress.NONE);
        List<SchemaEntry> schema = SchemaReader.read(view, new PageOwners(view).owners(), DamageSink.IGNORE);
        return new Schema(view.header(), Collections.unmodifiableList(schema));
    }

    public SqliteSalvager(Limits limits) {
        this(limits, 1);
    }

    /**
     * A salvager that reads the pages of the non-live phases (step 4 and 6 of the class comment) on {@code threads}
     * worker threads when the database has at least {@value #MIN_PARALLEL_PAGES} pages; the rows and their order are
     * those of a single thread.
     */
    public SqliteSalvager(Limits limits, int threads) {
        this(limits, threads, MIN_PARALLEL_PAGES);
    }

    SqliteSalvager(Limits limits, int threads, long minParallelPages) {
        this(limits, threads, minParallelPages, NonLiveMemo.budgetFor(Runtime.getRuntime().maxMemory()));
    }

    /**
     * @param memoBudget bytes the rows of the first non-live pass may keep for the second ({@link NonLiveMemo}; 0:
     *                   every page is read again)
     */
    SqliteSalvager(Limits limits, int threads, long minParallelPages, long memoBudget) {
        this.limits = Objects.requireNonNull(limits);
        this.threads = threads;
        this.minParallelPages = minParallelPages;
        this.memoBudget = memoBudget;
    }

    public SqliteSalvager() {
        this(Limits.DEFAULT);
    }

    /**
     * Salvages {@code db} with optional {@code wal} and {@code journal} (either may be {@code null}); damage goes to
     * {@code sink} (use a collecting sink: {@link DamageSink#STRICT} stops at the first damage), rows to {@code out}.
     */
    public Summary salvage(ByteSource db, ByteSource wal, ByteSource journal, DamageSink sink,
                           Consumer<SqliteRow> out) {
        return salvage(db, wal, journal, sink, out, UnitSink.NONE, Progress.NONE);
    }

    /**
     * Salvages as {@link #salvage(ByteSource, ByteSource, ByteSource, DamageSink, Consumer)} and sends the state of
     * every page, frame and journal record to {@code units} (see {@link SqliteUnits}).
     */
    public Summary salvage(ByteSource db, ByteSource wal, ByteSource journal, DamageSink sink,
                           Consumer<SqliteRow> out, UnitSink units) {
        return salvage(db, wal, journal, sink, out, units, Progress.NONE);
    }

    /**
     * As {@link #salvage(ByteSource, ByteSource, ByteSource, DamageSink, Consumer)}, reporting its progress (class
     * comment).
     */
    public Summary salvage(ByteSource db, ByteSource wal, ByteSource journal, DamageSink sink,
                           Consumer<SqliteRow> out, Progress progress) {
        return salvage(db, wal, journal, sink, out, UnitSink.NONE, progress);
    }

    /** Salvages, marking units and reporting progress (see the other overloads). */
    public Summary salvage(ByteSource db, ByteSource wal, ByteSource journal, DamageSink sink,
                           Consumer<SqliteRow> out, UnitSink units, Progress progress) {
        SqliteDatabase view = SqliteDatabase.open(db, wal, journal, limits, sink, progress);
        ProgressCounter walk = ProgressCounter.start(progress, WALK_PHASE, view.treeBytesEstimate());
        view.meterWalks(walk);
        PageOwners pages = new PageOwners(view);
        List<SchemaEntry> schema = SchemaReader.read(view, pages.owners(), sink);
        KnownTables tables = new KnownTables(schema);

        LiveTrees live = new LiveTrees(view, pages, tables.stored());
        int treeDamage = live.learn(schema, sink);
        view.meterWalks(null);
        walk.finish();
        tables.addCandidate(tables.schemaTable()); // from now on old schema rows can be attributed by shape too
        Freelist free = Freelist.read(view, sink);
        pages.trunks(free.trunks());
        SqliteUnits.mark(view, pages::owned, pages::isOverflow, free, units);
        FreeSpaceCarver carver = new FreeSpaceCarver(view, pages::inUse);

        boolean orphansLive = treeDamage > 0 || schema.isEmpty();
        RecoveredTables recovered = new RecoveredTables(view, pages, tables, carver);
        Map<Long, TableInfo> dropped = recovered.dropped();
        Map<Long, TableInfo> orphans = orphansLive ? new HashMap<>(recovered.orphans(free)) : Map.of();
        OrphanIndexTrees indexTrees = orphansLive ? OrphanIndexTrees.classify(view, pages, free, tables) : null;
        if (indexTrees != null) {
            orphans.putAll(indexTrees.withoutRowidTables());
        }

        RowDeduplicator dedup = new RowDeduplicator();
        RowEmission rows = new RowEmission(dedup, new VirtualTableRows(schema), out);
        PageRows pageRows = new PageRows(view, tables, pages, carver, rows);
        UnreachablePages unreachable = new UnreachablePages(view, pages, tables, pageRows, dedup, free, dropped,
                orphans, orphansLive, indexTrees == null ? Map.of() : indexTrees.indexes());
        HistoryVersions history = new HistoryVersions(view, pages, tables, pageRows);

        long pageBytes = view.pageCount() * view.pageSize();
        long historyBytes = history.versions() * view.pageSize();
        ProgressCounter collect = ProgressCounter.start(progress, FREE_PAGES_PHASE, pageBytes + historyBytes);
        NonLiveMemo memo = new NonLiveMemo(memoBudget);
        rows.memo(memo);
        unreachable.run(collect, rows, threads, minParallelPages, 1, memo);
        rows.memo(null);
        history.run(collect);
        collect.finish();
        dedup.seal();
        boolean again = dedup.collectedAny();
        ProgressCounter emit = ProgressCounter.start(progress, ROWS_PHASE, live.tableBytes()
                + (again ? pageBytes + historyBytes : 0));
        // a damaged tree may have lost live rows whose indexes still name them: their rowids are kept to tell
        List<IndexRebuiltRows.IndexDef> indexes = treeDamage > 0 ? IndexRebuiltRows.of(schema, tables) : List.of();
        if (!indexes.isEmpty()) {
            rows.track(indexes.stream().map(IndexRebuiltRows.IndexDef::table).distinct().toList());
        }
        view.meterWalks(emit);
        live.emit(rows);
        view.meterWalks(null);
        emit.advanceTo(live.tableBytes());
        rows.rtreeRows(view.main().name());
        if (again) {
            // the pages the memo kept are replayed, the rest read again
            long replayed = memo.pages();
            long[] counted = {0};
            memo.replay(rows::nonLive, complete -> {
                emit.add((complete - counted[0]) * view.pageSize());
                counted[0] = complete;
            });
            emit.add((replayed - counted[0]) * view.pageSize());
            memo = null;
            unreachable.run(emit, rows, threads, minParallelPages, replayed + 1, null);
            history.run(emit);
        }
        if (!indexes.isEmpty()) {
            IndexRebuiltRows.emit(view, indexes, rows);
        }
        emit.finish();
        return new Summary(rows.count(RowState.LIVE), rows.count(RowState.DELETED), rows.count(RowState.SUPERSEDED),
                rows.count(RowState.UNCOMMITTED), view.pageSize(), view.encoding(),
                Collections.unmodifiableList(schema), rows.indexEntries());
    }
}
