package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
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
 * <p>Order of work:
 * <ol>
 * <li>Live rows: every table b-tree named by {@code sqlite_schema}, walked through the current view (WAL applied up
 * to its last valid commit, or a hot journal rolled back in memory).</li>
 * <li>Pages no tree reached: table-leaf pages that are not free are orphaned live pages when some tree was damaged
 * or the schema is lost (state live), else deleted pages (state deleted, source unallocated); freelist leaf pages
 * give deleted rows (source freelist). Rows are attributed by record shape when no tree owns the page.</li>
 * <li>Free space of every b-tree page: freeblocks (first 4 bytes rebuilt) and the unallocated gap
 * ({@link FreeSpaceCarver}).</li>
 * <li>History: main-file pages superseded by the WAL, older and uncommitted WAL frames, frames of an older WAL
 * generation, and the main-file versions of pages a hot journal restores (uncommitted).</li>
 * </ol>
 * A non-live row identical to a live row (same table, and rowid when known, and values) is not emitted again; a
 * non-live row is emitted once even if several page versions hold it. A carved row whose rowid is live with other
 * values is an older version: state superseded. The de-duplication keeps 64-bit row keys of the non-live candidates
 * only, so its memory grows with the rows outside the live trees, not with the live rows: a first walk of the live
 * trees learns their pages and shapes (record headers only), phases 2 to 4 collect the candidates' keys, the second
 * walk decodes and emits the live rows and marks their keys that are candidates, and phases 2 to 4 run again (on
 * the pages that gave rows only) to emit the non-live rows.
 */
public final class SqliteSalvager {
    private final Limits limits;

    /** The schema table's own definition (fileformat2 2.6). */
    static final String SCHEMA_SQL = "CREATE TABLE sqlite_schema(type text, name text, tbl_name text, "
            + "rootpage integer, sql text)";

    /** Totals of one run. */
    public record Summary(long live, long deleted, long superseded, long uncommitted, int pageSize,
                          TextEncoding encoding, List<SchemaEntry> schema) {
    }

    public SqliteSalvager(Limits limits) {
        this.limits = Objects.requireNonNull(limits);
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
        return new Run(SqliteDatabase.open(db, wal, journal, limits, sink), sink, out).run();
    }

    private static final class Run {
        final SqliteDatabase db;
        final DamageSink sink;
        final Consumer<SqliteRow> out;
        final String dbName;
        final Map<Long, Long> owner = new HashMap<>();
        final Map<Long, TableInfo> byRoot = new HashMap<>();
        final List<TableInfo> tables = new ArrayList<>();
        final BitSet overflow = new BitSet();
        // De-duplication against live rows, in memory that grows with the non-live candidates, not the live rows:
        // the non-live phases run twice. COLLECT gathers the keys every non-live row would be looked up by
        // (candidates); MARK walks the live trees exactly as the first walk did, emits their rows and keeps the live
        // keys that are candidates; EMIT re-runs the non-live phases and decides with those sets (identical answers: every key
        // looked up is a candidate, and marked = live keys ∩ candidates).
        final LongHashSet candidates = new LongHashSet();
        final LongHashSet candidateTables = new LongHashSet();
        final LongHashSet liveFull = new LongHashSet();
        final LongHashSet liveMasked = new LongHashSet();
        final LongHashSet liveRowids = new LongHashSet();
        final LongHashSet emitted = new LongHashSet();
        // MARK's shortcut (a live row no candidate can share a key with is not hashed at all): the rowid key of every
        // candidate with a rowid; for candidates without one, their table and the hash of their probe column (the
        // first column a live row's keys never mask), or their table in unprobed when that column is not known.
        final LongHashSet candidateRowids = new LongHashSet();
        final LongHashSet rowidlessTables = new LongHashSet();
        final LongHashSet probes = new LongHashSet();
        final LongHashSet unprobed = new LongHashSet();
        Mode mode = Mode.COLLECT;
        /** Pages of the current view from which COLLECT emitted anything: the only ones EMIT has to visit again. */
        final BitSet productive = new BitSet();
        long collectedCalls;
        final FreeSpaceCarver carver;
        final Map<String, VirtualTable> ftsByContent = new HashMap<>();
        final Map<String, VirtualTable> rtreeByShadow = new HashMap<>();
        final Map<String, Map<Long, byte[]>> rtreeNodes = new HashMap<>();
        final Map<String, Map<Long, long[]>> rtreeRowids = new HashMap<>();
        long live;
        long deleted;
        long superseded;
        long uncommitted;
        int treeDamage;
        boolean schemaLost;

        Run(SqliteDatabase db, DamageSink sink, Consumer<SqliteRow> out) {
            this.db = db;
            this.sink = sink;
            this.out = out;
            this.dbName = db.main().name();
            this.carver = new FreeSpaceCarver(db, this::inUse);
        }

        Summary run() {
            List<SchemaEntry> schema = SchemaReader.read(db, owner, sink);
            schemaLost = schema.isEmpty();
            for (SchemaEntry e : schema) {
                if (e.isStoredTable()) {
                    TableInfo t = new TableInfo(e);
                    tables.add(t);
                    byRoot.put(t.root, t);
                }
            }
            for (SchemaEntry e : schema) {
                VirtualTable v = "table".equals(e.type()) ? VirtualTable.parse(e.sql()) : null;
                if (v != null && v.isFts()) {
                    ftsByContent.put(v.name() + "_content", v);
                } else if (v != null && v.isRtree()) {
                    rtreeByShadow.put(v.name() + "_node", v);
                    rtreeByShadow.put(v.name() + "_rowid", v);
                }
            }
            // sqlite_schema itself: its old versions and free space hold CREATE statements of dropped objects
            TableInfo schemaTable = new TableInfo(new SchemaEntry("table", "sqlite_schema", "sqlite_schema", 1,
                    SCHEMA_SQL, TableSchema.parse(SCHEMA_SQL)));
            schemaTable.profile[0] = 8;
            schemaTable.profile[1] = 8;
            schemaTable.profile[2] = 8;
            schemaTable.profile[3] = 2;
            schemaTable.profile[4] = 9;
            // the type column is 'table', 'index', 'view' or 'trigger': the sizes a lost first serial type can have
            // (a schema row shorter than 128 bytes loses it under a freeblock header)
            schemaTable.sizesSeen[0] = (1L << 4) | (1L << 5) | (1L << 7);
            schemaTable.liveRows = Math.max(1, schema.size());
            schemaTable.strictNulls = true;
            byRoot.put(1L, schemaTable);
            // 1. live trees, first walk: the pages they own, their overflow pages and every table's shape (serial
            // types of every live row; no value is decoded); the damage of the live trees is reported here
            List<TableInfo> liveTables = new ArrayList<>(tables);
            Map<Long, Long> ownerBeforeWalk = new HashMap<>(owner);
            for (TableInfo t : tables) {
                treeDamage += BtreeWalker.walk(db, t.root, owner, sink, (page, cell) -> learnCell(t, page, cell));
            }
            for (SchemaEntry e : schema) {
                if ("index".equals(e.type()) && e.rootPage() > 0) {
                    treeDamage += BtreeWalker.walk(db, e.rootPage(), owner, sink, (page, cell) -> {
                        if (cell.firstOverflow() != 0) {
                            OverflowChain.Result r = OverflowChain.read(db, page.data(), cell, page.pageNumber(),
                                    sink);
                            markOverflow(r);
                        }
                    });
                }
            }
            tables.add(schemaTable); // from now on old schema rows can be attributed by shape too
            Freelist free = Freelist.read(db, sink);
            trunks = free.trunks();
            Map<Long, TableInfo> dropped = droppedTables(schemaTable);
            Map<Long, TableInfo> orphans = treeDamage > 0 || schemaLost ? orphanTables(free) : Map.of();
            mode = Mode.COLLECT;
            nonLive(free, dropped, orphans);
            // live rows: the same walk as the first (same tables, same owner map to start from), the same cells,
            // now decoded and emitted; their keys that are candidates are marked on the way (MARK)
            mode = Mode.MARK;
            candidates.seal(); // from now on only looked up, once or three times per live row
            candidateRowids.seal();
            probes.seal();
            for (TableInfo t : liveTables) {
                BtreeWalker.walk(db, t.root, ownerBeforeWalk, DamageSink.IGNORE,
                        (page, cell) -> liveCell(t, page, cell));
            }
            emitRtrees();
            if (collectedCalls > 0) {
                mode = Mode.EMIT;
                nonLive(free, dropped, orphans);
            }
            return new Summary(live, deleted, superseded, uncommitted, db.pageSize(), db.encoding(),
                    Collections.unmodifiableList(schema));
        }

        /** Phases 2 to 4: pages no tree reached, free space of every page, history. */
        private void nonLive(Freelist free, Map<Long, TableInfo> dropped, Map<Long, TableInfo> orphans) {
            // 2 + 3. every page of the current view
            for (long n = 1; n <= db.pageCount(); n++) {
                if (mode == Mode.EMIT && !productive.get((int) Math.min(n, Integer.MAX_VALUE))) {
                    continue; // nothing was emitted from this page in COLLECT: the same work finds nothing again
                }
                if (free.trunks().contains(n) && !overflow.get((int) Math.min(n, Integer.MAX_VALUE))) {
                    byte[] data = db.page(n);
                    if (data != null) {
                        carveTrunk(data, n, dropped.get(n));
                    }
                    continue;
                }
                if (overflow.get((int) Math.min(n, Integer.MAX_VALUE)) || n == db.lockBytePage()
                        || (db.header().autoVacuum() && PointerMap.isPointerMapPage(n, db.usableSize()))) {
                    continue;
                }
                byte[] data = db.page(n);
                if (data == null) {
                    continue;
                }
                String src = db.currentSource(n);
                String file = fileOf(src);
                long base = baseOffset(src, n);
                Integer frame = db.currentFrame(n);
                Long root = owner.get(n);
                if (root != null) {
                    TableInfo t = byRoot.get(root);
                    BtreePage page = BtreePage.parse(n, data, db.usableSize(), db.available(n), dbName, base,
                            DamageSink.IGNORE);
                    TableInfo rival = dropped.get(n);
                    if (t != null && page != null && rival != null && rival != t) {
                        carveContested(page, t, rival, file, base, frame);
                    } else if (t != null && page != null) {
                        carveFree(page, t, SqliteRow.DELETED, file, base, frame);
                    }
                    continue;
                }
                if (free.leaves().contains(n)) {
                    version(data, n, dropped.get(n), SqliteRow.DELETED, "freelist", file, base, frame);
                } else {
                    boolean orphanLive = treeDamage > 0 || schemaLost;
                    version(data, n, orphans.isEmpty() ? null : orphans.get(rootOf(n)),
                            orphanLive ? SqliteRow.LIVE : SqliteRow.DELETED,
                            orphanLive ? src : "unallocated", file, base, frame);
                }
            }
            // 4. history
            history();
        }

        /**
         * Tables that were dropped: CREATE TABLE statements carved from the free space of the schema tree's pages
         * whose name is not a live table. Their last root page is known from the carved schema row, so a free page
         * with that number is attributed to them. They join the shape candidates for free pages.
         */
        private Map<Long, TableInfo> droppedTables(TableInfo schemaTable) {
            Map<Long, TableInfo> out = new HashMap<>();
            java.util.Set<String> liveNames = new java.util.HashSet<>();
            for (TableInfo t : tables) {
                liveNames.add(t.name);
            }
            for (Map.Entry<Long, Long> e : owner.entrySet()) {
                if (e.getValue() != 1L) {
                    continue;
                }
                byte[] data = db.page(e.getKey());
                BtreePage page = data == null ? null
                        : BtreePage.parse(e.getKey(), data, db.usableSize(), dbName, 0, DamageSink.IGNORE);
                if (page == null || page.type() != PageType.TABLE_LEAF) {
                    continue;
                }
                List<FreeSpaceCarver.Carved> carved = new ArrayList<>();
                for (int[] fb : page.freeblocks()) {
                    carved.addAll(carver.carve(data, fb[0], fb[0] + fb[1], true, schemaTable, true));
                }
                int[] un = page.unallocated();
                carved.addAll(carver.carve(data, un[0], un[0] + un[1], false, schemaTable, true));
                for (FreeSpaceCarver.Carved c : carved) {
                    List<Object> v = c.record().values();
                    if (v.size() < 5 || !"table".equals(v.get(0)) || !(v.get(1) instanceof String)
                            || !(v.get(3) instanceof Long) || !(v.get(4) instanceof String)
                            || liveNames.contains((String) v.get(1))) {
                        continue;
                    }
                    TableSchema ts = TableSchema.parse((String) v.get(4));
                    long root = (Long) v.get(3);
                    if (ts == null || root < 2 || root > db.pageCount() || out.containsKey(root)) {
                        continue;
                    }
                    TableInfo t = new TableInfo(new SchemaEntry("table", (String) v.get(1), (String) v.get(2), root,
                            (String) v.get(4), ts));
                    out.put(root, t);
                    tables.add(t);
                    liveNames.add(t.name);
                }
            }
            return out;
        }

        /**
         * When the schema or a tree is damaged, table-leaf pages no tree reached and no known table's shape claims
         * are grouped by the root they hang from; each group becomes an inferred table {@code orphan_<root>} whose
         * shape (column count, storage classes, sizes; a first column that is NULL in every record is taken as a
         * rowid alias for carving, but its stored NULL is still shown) lets its free space be carved like a known
         * table's. Only groups whose records all have the same column count are inferred.
         */
        private Map<Long, TableInfo> orphanTables(Freelist free) {
            Map<Long, List<long[]>> samples = new HashMap<>();
            for (long n = 1; n <= db.pageCount(); n++) {
                if (owner.containsKey(n) || free.trunks().contains(n) || free.leaves().contains(n)
                        || overflow.get((int) Math.min(n, Integer.MAX_VALUE))) {
                    continue;
                }
                byte[] data = db.page(n);
                BtreePage page = data == null ? null
                        : BtreePage.parse(n, data, db.usableSize(), db.mainAvailable(n), dbName, 0, DamageSink.IGNORE);
                if (page == null || page.type() != PageType.TABLE_LEAF) {
                    continue;
                }
                for (Cell c : page.cells()) {
                    try {
                        Record r = Record.decode(data, c.payloadOffset(), c.localSize(), c.payloadSize(),
                                db.encoding(), false);
                        if (attribute(r.serialTypes(), true) == null) {
                            List<long[]> l = samples.computeIfAbsent(rootOf(n), k -> new ArrayList<>());
                            if (l.size() < 4096) {
                                l.add(r.serialTypes());
                            }
                        }
                    } catch (Malformed m) {
                        // not a record: skipped here, reported by the walk that reads it
                    }
                }
            }
            Map<Long, TableInfo> out = new HashMap<>();
            for (Map.Entry<Long, List<long[]>> e : samples.entrySet()) {
                List<long[]> l = e.getValue();
                int cols = l.get(0).length;
                boolean sameCount = l.stream().allMatch(t -> t.length == cols);
                if (!sameCount || cols == 0) {
                    continue;
                }
                boolean firstNull = l.size() >= 2 && l.stream().allMatch(t -> t[0] == 0);
                StringBuilder sql = new StringBuilder("CREATE TABLE orphan_" + e.getKey() + "(");
                for (int i = 0; i < cols; i++) {
                    sql.append(i == 0 ? "" : ", ").append("c").append(i).append(i == 0 && firstNull
                            ? " INTEGER PRIMARY KEY" : "");
                }
                String ddl = sql.append(')').toString();
                TableInfo t = new TableInfo(new SchemaEntry("table", "orphan_" + e.getKey(), "orphan_" + e.getKey(),
                        e.getKey(), ddl, TableSchema.parse(ddl)));
                t.inferred = true;
                for (long[] types : l) {
                    t.learn(types);
                }
                out.put(e.getKey(), t);
            }
            return out;
        }

        /**
         * A freelist trunk page lost its first 8 + 4n bytes (next trunk, leaf count, leaf numbers); the rest still
         * holds the cells of the b-tree page it was. Intact cells are carved there, for the dropped table whose root
         * this was, else for any table whose shape they match.
         */
        private void carveTrunk(byte[] data, long n, TableInfo hint) {
            int from = 8 + 4 * Freelist.leafCount(data, db.usableSize());
            int to = db.usableSize();
            if (from + 3 >= to) {
                return;
            }
            List<TableInfo> candidates = new ArrayList<>();
            if (hint != null) {
                candidates.add(hint);
            } else {
                candidates.addAll(tables);
            }
            int p = from;
            while (p + 3 <= to) {
                // The page header (and with it the freeblock chain's head) is gone, but freeblocks keep their own
                // 4-byte headers: where one plausibly starts (size >= 4 inside the page, next offset 0 or past
                // it), its cells are rebuilt as in any freeblock. Only for the page of a known (dropped) table:
                // guessing freeblock headers in anonymous free pages invents rows.
                int size = p + 4 <= to ? DatabaseHeader.u16(data, p + 2) : 0;
                int next = p + 4 <= to ? DatabaseHeader.u16(data, p) : 0;
                if (hint != null && size >= 6 && p + size <= to && (next == 0 || (next >= p + size && next < to))) {
                    List<FreeSpaceCarver.Carved> got = null;
                    TableInfo gotT = null;
                    for (TableInfo t : candidates) {
                        List<FreeSpaceCarver.Carved> c = carver.carve(data, p, p + size, true, t, !t.withoutRowid);
                        if (!c.isEmpty() && c.get(0).offset() == p) {
                            got = c;
                            gotT = t;
                            break;
                        }
                    }
                    if (got != null) {
                        for (FreeSpaceCarver.Carved c : got) {
                            emit(gotT, c.rowid(), c.record(), c.unknown(), SqliteRow.DELETED, "freelist", dbName, n,
                                    db.fileOffset(n) + c.offset(), null);
                        }
                        p += size;
                        continue;
                    }
                }
                FreeSpaceCarver.Carved best = null;
                TableInfo bestT = null;
                for (TableInfo t : candidates) {
                    if (t.withoutRowid) {
                        continue;
                    }
                    FreeSpaceCarver.Carved c = carver.intactAt(data, p, to, t, true);
                    if (c != null) {
                        best = c;
                        bestT = t;
                        break;
                    }
                }
                if (best == null) {
                    p++;
                    continue;
                }
                emit(bestT, best.rowid(), best.record(), best.unknown(), SqliteRow.DELETED, "freelist", dbName, n,
                        db.fileOffset(n) + best.offset(), null);
                p = best.end();
            }
        }

        /** Freelist trunk pages (set once the freelist is read). */
        private java.util.Set<Long> trunks = java.util.Set.of();

        /**
         * A page whose bytes are not a deleted row's overflow data: a b-tree page or a live overflow page (live
         * data), or a freelist trunk (its first 8 + 4n bytes were overwritten with the freelist's own pointers).
         */
        private boolean inUse(long p) {
            return owner.containsKey(p) || (p <= Integer.MAX_VALUE && overflow.get((int) p)) || trunks.contains(p);
        }

        private void markOverflow(OverflowChain.Result r) {
            for (long p : r.pages()) {
                if (p <= Integer.MAX_VALUE) {
                    overflow.set((int) p);
                }
            }
        }

        private String fileOf(String src) {
            if ("wal".equals(src)) {
                return db.walSourceName();
            }
            if ("journal".equals(src)) {
                return db.journalSourceName();
            }
            return dbName;
        }

        private long baseOffset(String src, long n) {
            if ("wal".equals(src)) {
                return db.wal().frames().get(db.currentFrame(n)).offset() + WalFrame.HEADER_SIZE;
            }
            if ("journal".equals(src)) {
                return db.journal().originals().get(n).offset() + 4;
            }
            return db.fileOffset(n);
        }

        /**
         * First walk of a live tree: marks the cell's overflow pages, learns its serial types, reports its damage
         * (a lenient decode fails exactly where {@link Record#serialTypes} does, so {@link #liveCell} finds the same
         * rows without reporting anything again).
         */
        private void learnCell(TableInfo t, BtreePage page, Cell cell) {
            if (page.type().isTable() == t.withoutRowid) {
                return; // wrong tree kind: reported by the walker
            }
            long n = page.pageNumber();
            try {
                if (cell.firstOverflow() == 0 && cell.payloadSize() == cell.localSize()) {
                    // all local: read the header in place (positions made relative to the payload, as below)
                    int off = cell.payloadOffset();
                    try {
                        t.learn(Record.serialTypes(page.data(), off, cell.localSize(), cell.payloadSize()),
                                page.data(), off, cell.localSize());
                    } catch (Malformed m) {
                        throw new Malformed(m.kind(), m.position() - off, m.detail());
                    }
                } else {
                    OverflowChain.Result pl = OverflowChain.read(db, page.data(), cell, n, sink);
                    markOverflow(pl);
                    t.learn(Record.serialTypes(pl.bytes(), 0, pl.available(), cell.payloadSize()), pl.bytes(), 0,
                            pl.available());
                }
            } catch (Malformed m) {
                String src = db.currentSource(n);
                sink.report(m.toDamage(fileOf(src), baseOffset(src, n) + cell.offset(), cell.length()));
            }
        }

        /** Second walk of a live tree: decodes and emits each row (damage was reported by {@link #learnCell}). */
        private void liveCell(TableInfo t, BtreePage page, Cell cell) {
            boolean tableTree = page.type().isTable();
            if (tableTree == t.withoutRowid) {
                return; // wrong tree kind: reported by the walker
            }
            OverflowChain.Result pl = OverflowChain.read(db, page.data(), cell, page.pageNumber(), DamageSink.IGNORE);
            long n = page.pageNumber();
            String src = db.currentSource(n);
            long base = baseOffset(src, n);
            Record r;
            try {
                r = Record.decode(pl.bytes(), 0, pl.available(), cell.payloadSize(), db.encoding(), false);
            } catch (Malformed m) {
                return;
            }
            Long rowid = tableTree ? cell.rowid() : null;
            List<Integer> unknown = new ArrayList<>(0);
            List<Object> values = declared(t, rowid, r, r.unknown(), unknown);
            mark(t, t.name, rowid, values);
            deliver(t, t.name, rowid, values, unknown, SqliteRow.LIVE, src, fileOf(src), n, base + cell.offset(),
                    db.currentFrame(n));
        }

        /** Rows of one page version (cells, then free space) that no live tree walk owns. */
        private void version(byte[] data, long n, TableInfo owned, String state, String source, String file,
                             long base, Integer frame) {
            int available = file.equals(dbName) ? db.mainAvailable(n) : db.usableSize();
            BtreePage page = BtreePage.parse(n, data, db.usableSize(), available, file, base, DamageSink.IGNORE);
            if (page == null) {
                return;
            }
            boolean tableLeaf = page.type() == PageType.TABLE_LEAF;
            boolean indexPage = !page.type().isTable();
            if (!tableLeaf && !indexPage) {
                return;
            }
            TableInfo pageTable = owned;
            int votes = 0;
            for (Cell c : page.cells()) {
                OverflowChain.Result pl = OverflowChain.read(db, data, c, n, DamageSink.IGNORE,
                        SqliteRow.LIVE.equals(state) ? p -> false : this::inUse);
                Record r;
                try {
                    r = Record.decode(pl.bytes(), 0, pl.available(), c.payloadSize(), db.encoding(), false);
                } catch (Malformed m) {
                    continue;
                }
                TableInfo t = owned != null && owned.matches(r.serialTypes(), false) ? owned
                        : attribute(r.serialTypes(), tableLeaf);
                if (t == null && (indexPage || !r.unknown().isEmpty())) {
                    continue; // index entries of unknown origin are not rows; partial unattributed rows neither
                }
                if (t != null && pageTable == null) {
                    pageTable = t;
                }
                if (t != null && t == pageTable) {
                    votes++;
                }
                emit(t, t == null ? "orphan_" + rootOf(n) : null, tableLeaf ? c.rowid() : null, r, r.unknown(), state,
                        source, file, n, base + c.offset(), frame);
            }
            if (pageTable != null && (votes > 0 || owned != null)) {
                carveFree(page, pageTable, SqliteRow.LIVE.equals(state) ? SqliteRow.DELETED : state, file, base,
                        frame);
            }
        }

        private TableInfo attribute(long[] types, boolean tableLeaf) {
            TableInfo found = null;
            for (TableInfo t : tables) {
                if (t.withoutRowid == tableLeaf) {
                    continue;
                }
                if (t.matches(types, true)) {
                    if (found != null) {
                        return null; // ambiguous: two tables have this shape
                    }
                    found = t;
                }
            }
            return found;
        }

        /**
         * Carves the free space of a page of table {@code t}: freeblocks of leaf pages (first 4 bytes rebuilt) and
         * the unallocated gap of every page of its tree. The gap of an interior page still holds leaf cells from
         * before the page became interior (a root that split), so it is carved with the leaf cell format.
         */
        private void carveFree(BtreePage page, TableInfo t, String state, String file, long base, Integer frame) {
            boolean tableTree = page.type().isTable();
            if (tableTree == t.withoutRowid) {
                return;
            }
            byte[] data = page.data();
            if (page.type().isLeaf()) {
                for (int[] fb : page.freeblocks()) {
                    for (FreeSpaceCarver.Carved c : carver.carve(data, fb[0], fb[0] + fb[1], true, t, tableTree)) {
                        emit(t, c.rowid(), c.record(), c.unknown(), state, "freeblock", file, page.pageNumber(),
                                base + c.offset(), frame);
                    }
                }
            }
            int[] un = page.unallocated();
            // The gap of an index interior page mixes stale leaf cells with stale interior cells written over
            // them (no rowid to cross-check): too easy to carve a cell with a foreign tail, so it is skipped.
            if (un[1] > 0 && page.type() != PageType.INDEX_INTERIOR) {
                for (FreeSpaceCarver.Carved c : carver.carve(data, un[0], un[0] + un[1], false, t, tableTree)) {
                    emit(t, c.rowid(), c.record(), c.unknown(), state, "unallocated", file, page.pageNumber(),
                            base + c.offset(), frame);
                }
            }
        }

        /**
         * The free space of a live table's page that was also the root of a dropped table (its CREATE statement
         * carved from the schema's free space names this page): SQLite reused the freed root for the new table, so
         * its free space holds deleted rows of either. A cell only one of the two shapes accepts is that table's;
         * a cell both accept cannot be attributed (table {@code null}) rather than be given to the wrong one.
         */
        private void carveContested(BtreePage page, TableInfo live, TableInfo rival, String file, long base,
                                    Integer frame) {
            boolean tableTree = page.type().isTable();
            if (tableTree == live.withoutRowid || tableTree == rival.withoutRowid) {
                carveFree(page, live, SqliteRow.DELETED, file, base, frame);
                return;
            }
            byte[] data = page.data();
            List<int[]> regions = new ArrayList<>();
            if (page.type().isLeaf()) {
                for (int[] fb : page.freeblocks()) {
                    regions.add(new int[] {fb[0], fb[0] + fb[1], 1});
                }
            }
            int[] un = page.unallocated();
            if (un[1] > 0 && page.type() != PageType.INDEX_INTERIOR) {
                regions.add(new int[] {un[0], un[0] + un[1], 0});
            }
            for (int[] rg : regions) {
                boolean fb = rg[2] == 1;
                Map<Integer, FreeSpaceCarver.Carved> byLive = new java.util.TreeMap<>();
                for (FreeSpaceCarver.Carved c : carver.carve(data, rg[0], rg[1], fb, live, tableTree)) {
                    byLive.put(c.offset(), c);
                }
                Map<Integer, FreeSpaceCarver.Carved> byRival = new java.util.TreeMap<>();
                for (FreeSpaceCarver.Carved c : carver.carve(data, rg[0], rg[1], fb, rival, tableTree)) {
                    byRival.put(c.offset(), c);
                }
                java.util.TreeSet<Integer> offsets = new java.util.TreeSet<>(byLive.keySet());
                offsets.addAll(byRival.keySet());
                for (int off : offsets) {
                    FreeSpaceCarver.Carved a = byLive.get(off);
                    FreeSpaceCarver.Carved b = byRival.get(off);
                    FreeSpaceCarver.Carved c = a != null ? a : b;
                    TableInfo owner = a != null && b != null ? null : a != null ? live : rival;
                    emit(owner, null, c.rowid(), c.record(), c.unknown(), SqliteRow.DELETED,
                            fb ? "freeblock" : "unallocated", file, page.pageNumber(), base + c.offset(), frame);
                }
            }
        }

        private void history() {
            WalReader wal = db.wal();
            if (wal != null && wal.header() != null) {
                // main-file pages replaced by committed WAL frames
                for (Long n : wal.currentFrames().keySet()) {
                    byte[] old = db.mainPage(n);
                    if (old != null) {
                        version(old, n, tableOf(n), SqliteRow.SUPERSEDED, "btree", dbName, db.fileOffset(n), null);
                    }
                }
                for (WalFrame f : wal.frames()) {
                    if (f.pageNumber() < 1 || f.pageNumber() > Integer.MAX_VALUE) {
                        continue; // not a page: a damaged or foreign frame header
                    }
                    String state;
                    switch (f.status()) {
                        case COMMITTED:
                            if (!wal.isSuperseded(f)) {
                                continue;
                            }
                            state = SqliteRow.SUPERSEDED;
                            break;
                        case OLD_GENERATION:
                            state = SqliteRow.SUPERSEDED;
                            break;
                        default:
                            state = SqliteRow.UNCOMMITTED;
                    }
                    byte[] data = wal.pageData(f.index());
                    version(data, f.pageNumber(), tableOf(f.pageNumber()), state, "wal", db.walSourceName(),
                            f.offset() + WalFrame.HEADER_SIZE, f.index());
                }
            }
            RollbackJournal j = db.journal();
            if (j != null && j.isHot()) {
                // the main file holds the unfinished transaction's versions of the pages the journal restores
                for (Long n : j.originals().keySet()) {
                    byte[] now = db.mainPage(n);
                    if (now != null) {
                        version(now, n, tableOf(n), SqliteRow.UNCOMMITTED, "btree", dbName, db.fileOffset(n), null);
                    }
                }
                for (long n = j.initialPages() + 1; j.initialPages() > 0 && n <= db.mainFilePages(); n++) {
                    version(db.mainPage(n), n, null, SqliteRow.UNCOMMITTED, "btree", dbName, db.fileOffset(n), null);
                }
            }
        }

        private Map<Long, Long> parentOf;

        /**
         * The root of the tree page {@code n} hangs from, found by climbing parent links collected from every
         * interior page (first parent wins; cycle-checked): the stable name of an unattributable tree.
         */
        private long rootOf(long n) {
            if (parentOf == null) {
                parentOf = new HashMap<>();
                for (long p = 1; p <= db.pageCount(); p++) {
                    byte[] d = db.page(p);
                    BtreePage page = d == null ? null
                            : BtreePage.parse(p, d, db.usableSize(), dbName, 0, DamageSink.IGNORE);
                    if (page == null || page.type().isLeaf()) {
                        continue;
                    }
                    for (Cell c : page.cells()) {
                        parentOf.putIfAbsent(c.leftChild(), p);
                    }
                    parentOf.putIfAbsent(page.header().rightChild(), p);
                }
            }
            long cur = n;
            java.util.Set<Long> seen = new java.util.HashSet<>();
            while (parentOf.containsKey(cur) && seen.add(cur)) {
                cur = parentOf.get(cur);
            }
            return cur;
        }

        private TableInfo tableOf(long n) {
            Long root = owner.get(n);
            return root == null ? null : byRoot.get(root);
        }

        /** Maps a record to declared column order, applies the alias and REAL affinity, dedups and emits. */
        private void emit(TableInfo t, Long rowid, Record r, List<Integer> unknownStored, String state,
                          String source, String file, long page, long offset, Integer frame) {
            emit(t, null, rowid, r, unknownStored, state, source, file, page, offset, frame);
        }

        private void emit(TableInfo t, String orphan, Long rowid, Record r, List<Integer> unknownStored,
                          String state, String source, String file, long page, long offset, Integer frame) {
            List<Integer> unknown = new ArrayList<>(0);
            List<Object> values = declared(t, rowid, r, unknownStored, unknown);
            String tname = t == null ? orphan : t.name;
            // One method per pass, so that the JIT compiles each pass's path on its own (a pass taking branches the
            // previous one never took would otherwise deoptimise and recompile the whole of it).
            switch (mode) {
                case COLLECT:
                    collect(t, tname, rowid, values, unknown, state, page);
                    break;
                case MARK:
                    mark(t, tname, rowid, values);
                    deliver(t, tname, rowid, values, unknown, state, source, file, page, offset, frame);
                    break;
                default:
                    emitNonLive(t, tname, rowid, values, unknown, state, source, file, page, offset, frame);
            }
        }

        /**
         * The values of {@code r} in declared column order (REAL affinity applied, the rowid in its alias column);
         * the declared indexes of unknown values are added to {@code unknown}, sorted.
         */
        private static List<Object> declared(TableInfo t, Long rowid, Record r, List<Integer> unknownStored,
                                             List<Integer> unknown) {
            List<Object> stored = r.values();
            if (t == null) {
                unknown.addAll(unknownStored);
                Collections.sort(unknown);
                return new ArrayList<>(stored);
            }
            Object[] v = new Object[t.columns];
            List<Integer> order = t.storageOrder;
            for (int i = 0; i < stored.size() && i < order.size(); i++) {
                Object x = stored.get(i);
                int col = order.get(i);
                if (x instanceof Long && t.realAffinity[col]) {
                    x = ((Long) x).doubleValue();
                }
                v[col] = x;
            }
            for (int i : unknownStored) {
                if (i < order.size()) {
                    unknown.add(order.get(i));
                }
            }
            if (t.ipk >= 0 && t.inferred) {
                if (rowid == null && !unknown.contains(t.ipk)) {
                    unknown.add(t.ipk); // an inferred alias: the stored NULL is kept, a lost rowid is unknown
                }
            } else if (t.ipk >= 0) {
                if (rowid != null) {
                    v[t.ipk] = rowid;
                    unknown.remove(Integer.valueOf(t.ipk));
                } else if (!unknown.contains(t.ipk)) {
                    unknown.add(t.ipk);
                }
            }
            Collections.sort(unknown);
            return Arrays.asList(v);
        }

        /** COLLECT: every key the EMIT pass may look a non-live row up by (the masked test uses the full key). */
        private void collect(TableInfo t, String tname, Long rowid, List<Object> values, List<Integer> unknown,
                             String state, long page) {
            collectedCalls++;
            productive.set((int) Math.min(page, Integer.MAX_VALUE));
            if (!SqliteRow.LIVE.equals(state)) {
                // Each value is hashed once; the keys combine those hashes (O(columns) each).
                long th = tableHash(tname);
                candidateTables.add(th);
                long[] ch = columnHashes(values);
                candidates.add(combine(th, rowid, ch, unknown));
                if (!unknown.isEmpty()) {
                    noteMask(th, rowid, unknown);
                }
                if (SqliteRow.DELETED.equals(state) && rowid != null && t != null) {
                    candidates.add(combine(th, rowid, NO_COLUMNS, List.of()));
                }
                if (rowid != null) {
                    candidateRowids.add(combine(th, rowid, NO_COLUMNS, List.of()));
                } else {
                    rowidlessTables.add(th);
                    int p = t == null ? -1 : probeColumn(t);
                    if (p < 0 || p >= ch.length || unknown.contains(p)) {
                        unprobed.add(th);
                    } else {
                        probes.add(th ^ ch[p]);
                    }
                }
            }
        }

        /** The first declared column a live row's keys never mask (not the rowid alias), or -1. */
        private static int probeColumn(TableInfo t) {
            for (int i = 0; i < t.columns; i++) {
                if (i != t.ipk) {
                    return i;
                }
            }
            return -1;
        }

        /** MARK: the keys of a live row that are candidates (live keys ∩ candidates). */
        private void mark(TableInfo t, String tname, Long rowid, List<Object> values) {
            if (candidates.isEmpty()) {
                return;
            }
            long th = tableHash(tname);
            if (!candidateTables.contains(th)) {
                return; // no candidate of this table: nothing to mark
            }
            // The full and rowid keys below carry the rowid: only candidates with this rowid can share them. The
            // masked key (and a WITHOUT ROWID row's full key) carries no rowid but every column except the alias:
            // only rowid-less candidates with the same probe column can share it.
            boolean maybe = rowid != null && candidateRowids.contains(combine(th, rowid, NO_COLUMNS, List.of()));
            if (!maybe && rowidlessTables.contains(th)) {
                int p = probeColumn(t);
                maybe = p < 0 || p >= values.size() || unprobed.contains(th)
                        || probes.contains(th ^ valueHash(values.get(p)));
            }
            if (!maybe) {
                return;
            }
            long[] ch = columnHashes(values);
            long k = combine(th, rowid, ch, List.of());
            if (candidates.contains(k)) {
                liveFull.add(k);
            }
            markPartialCopies(th, rowid, ch, liveFull, true);
            if (t != null) {
                k = combine(th, null, ch, maskFor(t));
                if (candidates.contains(k)) {
                    liveMasked.add(k);
                }
                if (rowid != null) {
                    k = combine(th, rowid, NO_COLUMNS, List.of());
                    if (candidates.contains(k)) {
                        liveRowids.add(k);
                    }
                }
            }
        }

        /** EMIT: a non-live row unless it is a live row's copy or was emitted already; superseded when its rowid is. */
        private void emitNonLive(TableInfo t, String tname, Long rowid, List<Object> values, List<Integer> unknown,
                                 String state, String source, String file, long page, long offset, Integer frame) {
            long th = tableHash(tname);
            if (SqliteRow.LIVE.equals(state)) {
                // a live row of an orphaned page (EMIT): it hides later identical non-live rows, as it always did
                long[] ch = columnHashes(values);
                liveFull.add(combine(th, rowid, ch, List.of()));
                markPartialCopies(th, rowid, ch, liveFull, false);
                if (t != null) {
                    liveMasked.add(combine(th, null, ch, maskFor(t)));
                    if (rowid != null) {
                        liveRowids.add(combine(th, rowid, NO_COLUMNS, List.of()));
                    }
                }
            } else {
                long[] ch = columnHashes(values);
                long full = combine(th, rowid, ch, unknown);
                if (liveFull.contains(full)) {
                    return;
                }
                if (t != null && rowid == null && unknown.equals(maskFor(t)) && liveMasked.contains(full)) {
                    return;
                }
                if (!emitted.add(tableHash(state) ^ full)) {
                    return;
                }
                if (SqliteRow.DELETED.equals(state) && rowid != null && t != null
                        && liveRowids.contains(combine(th, rowid, NO_COLUMNS, List.of()))) {
                    state = SqliteRow.SUPERSEDED;
                }
            }
            deliver(t, tname, rowid, values, unknown, state, source, file, page, offset, frame);
        }

        /** Counts and hands out a row that passed de-duplication (and the virtual-table row it implies). */
        private void deliver(TableInfo t, String tname, Long rowid, List<Object> values, List<Integer> unknown,
                              String state, String source, String file, long page, long offset, Integer frame) {
            count(state);
            out.accept(new SqliteRow(file, tname, rowid, Collections.unmodifiableList(values), state, source, page,
                    offset, frame, Collections.unmodifiableList(unknown)));
            virtualRows(tname, rowid, values, unknown, state, source, file, page, offset, frame);
        }

        /**
         * Rows of virtual tables as a reader sees them: an FTS content row is also emitted as a row of the FTS
         * table (rowid = docid, values without it); live R*Tree shadow rows are collected for {@link #emitRtrees}.
         */
        private void virtualRows(String tname, Long rowid, List<Object> values, List<Integer> unknown, String state,
                                 String source, String file, long page, long offset, Integer frame) {
            if (tname == null) {
                return;
            }
            VirtualTable fts = ftsByContent.get(tname);
            if (fts != null && values.size() >= 1) {
                Object docid = values.get(0);
                Long id = docid instanceof Long ? (Long) docid : rowid;
                List<Integer> unk = new ArrayList<>();
                for (int u : unknown) {
                    if (u > 0) {
                        unk.add(u - 1);
                    }
                }
                count(state);
                out.accept(new SqliteRow(file, fts.name(), id, Collections.unmodifiableList(new ArrayList<>(
                        values.subList(1, values.size()))), state, source, page, offset, frame,
                        Collections.unmodifiableList(unk)));
                return;
            }
            VirtualTable rt = rtreeByShadow.get(tname);
            if (rt != null && SqliteRow.LIVE.equals(state) && values.size() >= 2 && values.get(0) instanceof Long) {
                if (tname.endsWith("_node") && values.get(1) instanceof byte[]) {
                    rtreeNodes.computeIfAbsent(rt.name(), k -> new HashMap<>()).put((Long) values.get(0),
                            (byte[]) values.get(1));
                } else if (tname.endsWith("_rowid") && values.get(1) instanceof Long) {
                    rtreeRowids.computeIfAbsent(rt.name(), k -> new HashMap<>()).put((Long) values.get(0),
                            new long[] {(Long) values.get(1), page, offset});
                }
            }
        }

        /** Emits the live rows of every R*Tree: each rowid's cell, found in the node its _rowid entry names. */
        private void emitRtrees() {
            for (Map.Entry<String, Map<Long, long[]>> e : rtreeRowids.entrySet()) {
                VirtualTable rt = rtreeByShadow.get(e.getKey() + "_rowid");
                Map<Long, byte[]> nodes = rtreeNodes.getOrDefault(e.getKey(), Map.of());
                for (Map.Entry<Long, long[]> r : new java.util.TreeMap<>(e.getValue()).entrySet()) {
                    Object[] v = rt.rtreeCell(nodes.get(r.getValue()[0]), r.getKey());
                    if (v != null) {
                        count(SqliteRow.LIVE);
                        out.accept(new SqliteRow(dbName, rt.name(), r.getKey(), Collections.unmodifiableList(
                                Arrays.asList(v)), SqliteRow.LIVE, "btree", r.getValue()[1], r.getValue()[2], null,
                                List.of()));
                    }
                }
            }
        }

        /**
         * Unknown-column masks of the non-live candidates, per table hash, with and without a rowid (at most
         * {@link #MAX_MASKS} each): a candidate with unknown columns (a broken overflow chain, an overwritten tail)
         * whose every known value equals a live row of the same table (and rowid, when known) is that live row
         * found again (a stale copy left on a freed page by a rebalance), not a deleted row: it is not emitted.
         */
        private final Map<Long, List<List<Integer>>> masksWithRowid = new HashMap<>();
        private final Map<Long, List<List<Integer>>> masksNoRowid = new HashMap<>();
        private static final int MAX_MASKS = 16;

        private void noteMask(long th, Long rowid, List<Integer> unknown) {
            List<List<Integer>> l = (rowid == null ? masksNoRowid : masksWithRowid).computeIfAbsent(th,
                    k -> new ArrayList<>());
            if (l.size() < MAX_MASKS && !l.contains(unknown)) {
                l.add(List.copyOf(unknown));
            }
        }

        /** Adds to {@code into} the masked keys of a live row that a partial candidate may carry. */
        private void markPartialCopies(long th, Long rowid, long[] ch, LongHashSet into, boolean onlyCandidates) {
            for (List<Integer> m : masksWithRowid.getOrDefault(th, List.of())) {
                long k = combine(th, rowid, ch, m);
                if (!onlyCandidates || candidates.contains(k)) {
                    into.add(k);
                }
            }
            for (List<Integer> m : masksNoRowid.getOrDefault(th, List.of())) {
                long k = combine(th, null, ch, m);
                if (!onlyCandidates || candidates.contains(k)) {
                    into.add(k);
                }
            }
        }

        /**
         * Which pass {@link #emit} serves: COLLECT (non-live rows: keys only), MARK (live rows: emitted, their keys
         * that are candidates kept), EMIT (non-live rows again: de-duplicated and emitted).
         */
        private enum Mode { COLLECT, MARK, EMIT }

        private void count(String state) {
            switch (state) {
                case SqliteRow.LIVE: live++; break;
                case SqliteRow.DELETED: deleted++; break;
                case SqliteRow.SUPERSEDED: superseded++; break;
                default: uncommitted++;
            }
        }

        private static List<Integer> maskFor(TableInfo t) {
            return t.ipk >= 0 ? List.of(t.ipk) : List.of();
        }

        private static final long[] NO_COLUMNS = new long[0];
        private final Map<String, Long> tableHashes = new HashMap<>();

        private long tableHash(String table) {
            if (table == null) {
                return mixLong(0xcbf29ce484222325L, 0x5a5a);
            }
            Long h = tableHashes.get(table);
            if (h == null) {
                h = mixChars(0xcbf29ce484222325L, table);
                tableHashes.put(table, h);
            }
            return h;
        }

        /** One 64-bit hash per value (the canonical encoding of {@link #hash}). */
        static long[] columnHashes(List<Object> values) {
            long[] out = new long[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = valueHash(values.get(i));
            }
            return out;
        }

        /** The hash of one value (an integral REAL hashes as the integer it may be stored as). */
        static long valueHash(Object v) {
            long h = 0xcbf29ce484222325L;
            if (v == null) {
                return mixLong(h, 0x4444);
            } else if (v instanceof byte[]) {
                return mixBytes(mixLong(h, 0x5555), (byte[]) v);
            } else if (v instanceof Double) {
                double d = (Double) v;
                return d == Math.rint(d) && Math.abs(d) < 1e18 ? mixLong(mixLong(h, 0x6666), (long) d)
                        : mixLong(mixLong(h, 0x7777), Double.doubleToLongBits(d));
            } else if (v instanceof Long) {
                return mixLong(mixLong(h, 0x6666), (Long) v);
            }
            return mixChars(mixLong(h, 0x8888), v.toString());
        }

        /** The row key: table hash, rowid (or its absence), then the column hashes; masked columns as a marker. */
        static long combine(long tableHash, Long rowid, long[] columns, List<Integer> masked) {
            long h = rowid == null ? mixLong(tableHash, 0x1111) : mixLong(mixLong(tableHash, 0x2222), rowid);
            for (int i = 0; i < columns.length; i++) {
                h = mixLong(h, masked.contains(i) ? 0x3333 : columns[i]);
            }
            return h;
        }

        /** 64-bit hash over a canonical encoding; values at masked indexes are skipped. */
        static long hash(String table, Long rowid, List<Object> values, List<Integer> masked) {
            long h = 0xcbf29ce484222325L;
            h = table == null ? mixLong(h, 0x5a5a) : mixChars(h, table);
            h = rowid == null ? mixLong(h, 0x1111) : mixLong(mixLong(h, 0x2222), rowid);
            for (int i = 0; i < values.size(); i++) {
                if (masked.contains(i)) {
                    h = mixLong(h, 0x3333);
                    continue;
                }
                Object v = values.get(i);
                if (v == null) {
                    h = mixLong(h, 0x4444);
                } else if (v instanceof byte[]) {
                    h = mixBytes(mixLong(h, 0x5555), (byte[]) v);
                } else if (v instanceof Double) {
                    // an integral REAL hashes as the integer it may be stored as
                    double d = (Double) v;
                    h = d == Math.rint(d) && Math.abs(d) < 1e18 ? mixLong(mixLong(h, 0x6666), (long) d)
                            : mixLong(mixLong(h, 0x7777), Double.doubleToLongBits(d));
                } else if (v instanceof Long) {
                    h = mixLong(mixLong(h, 0x6666), (Long) v);
                } else {
                    h = mixChars(mixLong(h, 0x8888), v.toString());
                }
            }
            return h;
        }

        /**
         * One step of the row hash: {@code v} folded into {@code h}, then a full 64-bit avalanche (a bijection, the
         * finaliser of SplitMix64/Murmur3 with two multiplies), so different value sequences collide only by chance.
         */
        private static long mixLong(long h, long v) {
            h = (h ^ v) * 0x9e3779b97f4a7c15L;
            h = (h ^ (h >>> 32)) * 0xd6e8feb86659fd93L;
            return h ^ (h >>> 32);
        }

        /** The chars of {@code s}, four per step, then its length. */
        private static long mixChars(long h, String s) {
            int n = s.length();
            int i = 0;
            for (; i + 4 <= n; i += 4) {
                h = mixLong(h, s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32
                        | (long) s.charAt(i + 3) << 48);
            }
            if (i < n) {
                long v = 0;
                for (int k = 0; i < n; i++, k += 16) {
                    v |= (long) s.charAt(i) << k;
                }
                h = mixLong(h, v);
            }
            return mixLong(h, n);
        }

        /** The bytes of {@code b}, eight per step, then its length. */
        private static long mixBytes(long h, byte[] b) {
            int n = b.length;
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                h = mixLong(h, (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16
                        | (b[i + 3] & 0xffL) << 24 | (b[i + 4] & 0xffL) << 32 | (b[i + 5] & 0xffL) << 40
                        | (b[i + 6] & 0xffL) << 48 | (b[i + 7] & 0xffL) << 56);
            }
            if (i < n) {
                long v = 0;
                for (int k = 0; i < n; i++, k += 8) {
                    v |= (b[i] & 0xffL) << k;
                }
                h = mixLong(h, v);
            }
            return mixLong(h, n);
        }
    }
}
