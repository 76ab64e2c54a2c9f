package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CheckLevel;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.UnitSink;
import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.ProgressCounter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a database (and its optional WAL and journal) page by page and frame by frame, never writing anything:
 * header fields, b-tree page headers, cell bounds and overlaps, freeblock chains, overflow chains (bounds, cycles,
 * length against the payload), freelist trunks and leaves, pointer-map entries (auto-vacuum), WAL salts and
 * cumulative checksums, journal record checksums; and the cross-checks of {@code PRAGMA integrity_check}: every page
 * used exactly once (b-tree, overflow, freelist, pointer map, lock-byte), the entry count of every index equal to
 * its table's row count, and every entry of an index of a rowid table pointing to a row ({@link IndexRowCheck}). Every finding goes to the sink with its file offset.
 *
 * <p>At {@link CheckLevel#CRC} (pages carry no checksum): the database header, the WAL header and frame checksums
 * (salts and the cumulative checksum chain), the journal's page-record checksums (with its nonce), and page-header
 * sanity of every b-tree page reached from the schema (header, cell pointers, cell extents, freeblock chain, child
 * pointers: the same damage as the default level finds there). Overflow chains, the freelist, the page-use and
 * pointer-map cross-checks and the index entry counts are left out. The pages checked are the b-tree pages entered.
 * {@link CheckLevel#STRUCTURE} and {@link CheckLevel#FULL} check everything above.
 *
 * <p>Progress: the WAL and journal ({@value SqliteDatabase#LOG_PHASE}), then {@value #WALK_PHASE}: the pages every
 * b-tree walk enters and the overflow pages it reads, out of every page not on the freelist.
 */
public final class SqliteChecker {
    private final Limits limits;
    private final CheckLevel level;
    /** The progress phase of the b-tree walks. */
    public static final String WALK_PHASE = "walk";

    /**
     * What was checked.
     *
     * @param pages        pages in the database
     * @param pagesChecked pages checked: every page at the default level, the b-tree pages entered at
     *                     {@link CheckLevel#CRC}
     * @param bytesChecked the database's bytes those pages cover
     */
    public record Report(long pages, long pagesChecked, long bytesChecked, int walFrames, int journalRecords, int tables, int indexes,
                         long damages) {
    }

    /** A checker at the default level ({@link CheckLevel#STRUCTURE}). */
    public SqliteChecker(Limits limits) {
        this(limits, CheckLevel.STRUCTURE);
    }

    /** A checker verifying as much as {@code level} says (see the class comment). */
    public SqliteChecker(Limits limits, CheckLevel level) {
        this.limits = Objects.requireNonNull(limits);
        this.level = Objects.requireNonNull(level);
    }

    public SqliteChecker() {
        this(Limits.DEFAULT);
    }

    /** Checks {@code db} with the optional {@code wal} and {@code journal} (either may be {@code null}). */
    public Report check(ByteSource db, ByteSource wal, ByteSource journal, DamageSink sink) {
        return check(db, wal, journal, sink, UnitSink.NONE, Progress.NONE);
    }

    /**
     * Checks as {@link #check(ByteSource, ByteSource, ByteSource, DamageSink)} and sends the state of every page,
     * frame and journal record to {@code units} (see {@link SqliteUnits}).
     */
    public Report check(ByteSource db, ByteSource wal, ByteSource journal, DamageSink sink, UnitSink units) {
        return check(db, wal, journal, sink, units, Progress.NONE);
    }

    /** As {@link #check(ByteSource, ByteSource, ByteSource, DamageSink)}, reporting its progress (class comment). */
    public Report check(ByteSource db, ByteSource wal, ByteSource journal, DamageSink sink, Progress progress) {
        return check(db, wal, journal, sink, UnitSink.NONE, progress);
    }

    /** Checks, marking units and reporting progress (see the other overloads). */
    public Report check(ByteSource db, ByteSource wal, ByteSource journal, DamageSink sink, UnitSink units,
                        Progress progress) {
        long[] count = {0};
        DamageSink counting = d -> {
            count[0]++;
            sink.report(d);
        };
        SqliteDatabase d = SqliteDatabase.open(db, wal, journal, limits, counting, progress);
        ProgressCounter walk = ProgressCounter.start(progress, WALK_PHASE, d.treeBytesEstimate());
        d.meterWalks(walk);
        String res = db.name();
        Map<Long, Long> owner = new HashMap<>();
        Map<Long, Long> parents = new HashMap<>();
        Map<Long, String> use = new HashMap<>();
        Map<Long, Long> overflowParent = new HashMap<>();
        Map<Long, Integer> overflowIndex = new HashMap<>();
        boolean structure = level.checksStructure();
        BtreeWalker.Visitor overflow = (page, cell) -> {
            if (structure && cell.firstOverflow() != 0 || cell.localSize() < cell.payloadSize()) {
                OverflowChain.Result r = OverflowChain.read(d, page.data(), cell, page.pageNumber(), counting);
                long prev = page.pageNumber();
                for (int i = 0; i < r.pages().length; i++) {
                    long ov = r.pages()[i];
                    String was = use.putIfAbsent(ov, "overflow page of a cell on page " + page.pageNumber());
                    if (was != null || owner.containsKey(ov)) {
                        counting.report(Damage.of(res, d.fileOffset(ov), d.pageSize(), DamageKind.BAD_STRUCTURE,
                                "page " + ov + " used twice: as overflow page and as "
                                        + (was != null ? was : "b-tree page")));
                    }
                    overflowParent.put(ov, prev);
                    overflowIndex.put(ov, i);
                    prev = ov;
                }
            }
        };
        List<SchemaEntry> schema = SchemaReader.read(d, owner, parents, counting, overflow);
        Map<String, Long> rowsPerTable = new HashMap<>();
        Map<String, Long> entriesPerIndex = new HashMap<>();
        IndexRowCheck rowCheck = structure ? new IndexRowCheck(d, schema) : null;
        int tables = 0;
        int indexes = 0;
        for (SchemaEntry e : schema) {
            boolean isTable = e.isStoredTable();
            boolean isIndex = "index".equals(e.type()) && e.rootPage() > 0;
            if (!isTable && !isIndex) {
                continue;
            }
            if (isTable) {
                tables++;
            } else {
                indexes++;
            }
            long[] n = {0};
            boolean rows = rowCheck != null && isTable && rowCheck.wantsRows(e.name());
            boolean entries = rowCheck != null && isIndex && rowCheck.wantsEntries(e.name());
            long damagesBefore = count[0];
            BtreeWalker.walk(d, e.rootPage(), owner, parents, counting, (page, cell) -> {
                n[0]++;
                overflow.cell(page, cell);
                if (rows) {
                    rowCheck.row(e.name(), page, cell);
                } else if (entries) {
                    rowCheck.entry(e.name(), page, cell);
                }
            });
            if (rows && count[0] > damagesBefore) {
                rowCheck.treeDamaged(e.name());
            }
            if (isTable) {
                rowsPerTable.put(e.name(), n[0]);
            } else if (e.sql() == null || !e.sql().toUpperCase().contains(" WHERE ")) {
                entriesPerIndex.put(e.name() + "\u0000" + e.tableName(), n[0]);
            }
        }
        if (!structure) {
            d.meterWalks(null);
            SqliteUnits.mark(d, owner::containsKey, n -> false, Freelist.none(), units);
            walk.finish();
            return new Report(d.pageCount(), owner.size(), Math.min(db.size(), (long) owner.size() * d.pageSize()),
                    walFrames(d), journalRecords(d), tables, indexes,
                    count[0]);
        }
        for (Map.Entry<String, Long> ix : entriesPerIndex.entrySet()) {
            String[] k = ix.getKey().split("\u0000", 2);
            Long rows = rowsPerTable.get(k[1]);
            if (rows != null && !rows.equals(ix.getValue())) {
                counting.report(new Damage(res, -1, 0, DamageKind.BAD_STRUCTURE, Long.toString(rows),
                        Long.toString(ix.getValue()), "entries in index " + k[0] + " vs rows in table " + k[1]));
            }
        }
        rowCheck.report(counting);
        d.meterWalks(null);
        Freelist free = Freelist.read(d, counting);
        boolean av = d.header().autoVacuum();
        int usable = d.usableSize();
        for (long n = 1; n <= d.pageCount(); n++) {
            int uses = 0;
            String as = null;
            if (owner.containsKey(n)) {
                uses++;
                as = "b-tree page";
            }
            if (use.containsKey(n)) {
                uses++;
                as = "overflow page";
            }
            if (free.trunks().contains(n) || free.leaves().contains(n)) {
                uses++;
                as = "freelist page";
            }
            if (av && PointerMap.isPointerMapPage(n, usable)) {
                uses++;
                as = "pointer-map page";
            }
            if (n == d.lockBytePage()) {
                uses++;
                as = "lock-byte page";
            }
            if (uses == 0) {
                counting.report(Damage.of(res, d.fileOffset(n), d.pageSize(), DamageKind.BAD_STRUCTURE,
                        "page " + n + " is never used (not in any b-tree, overflow chain or the freelist)"));
            } else if (uses > 1) {
                counting.report(Damage.of(res, d.fileOffset(n), d.pageSize(), DamageKind.BAD_STRUCTURE,
                        "page " + n + " is used " + uses + " times (last seen as " + as + ")"));
            }
            if (av && n > 1 && !PointerMap.isPointerMapPage(n, usable) && n != d.lockBytePage() && uses == 1) {
                checkPointerMap(d, n, owner, parents, overflowParent, overflowIndex, free, counting);
            }
        }
        SqliteUnits.mark(d, owner::containsKey, use::containsKey, free, units);
        walk.finish();
        return new Report(d.pageCount(), d.pageCount(), db.size(), walFrames(d), journalRecords(d), tables, indexes, count[0]);
    }

    private static int walFrames(SqliteDatabase d) {
        return d.wal() == null ? 0 : d.wal().frames().size();
    }

    private static int journalRecords(SqliteDatabase d) {
        return d.journal() == null ? 0 : d.journal().records().size();
    }

    private static void checkPointerMap(SqliteDatabase d, long n, Map<Long, Long> owner, Map<Long, Long> parents,
                                        Map<Long, Long> overflowParent, Map<Long, Integer> overflowIndex,
                                        Freelist free, DamageSink sink) {
        int usable = d.usableSize();
        long mp = PointerMap.mapPageFor(n, usable);
        byte[] map = d.page(mp);
        if (map == null) {
            return;
        }
        long[] e = PointerMap.entry(map, mp, n);
        if (e == null) {
            return;
        }
        long type;
        long parent;
        if (owner.containsKey(n)) {
            long p = parents.getOrDefault(n, 0L);
            type = p == 0 ? PointerMap.ROOT : PointerMap.BTREE;
            parent = p;
        } else if (overflowParent.containsKey(n)) {
            type = overflowIndex.get(n) == 0 ? PointerMap.OVERFLOW1 : PointerMap.OVERFLOW2;
            parent = overflowParent.get(n);
        } else if (free.trunks().contains(n) || free.leaves().contains(n)) {
            type = PointerMap.FREE;
            parent = 0;
        } else {
            return;
        }
        if (e[0] != type || e[1] != parent) {
            long off = d.fileOffset(mp) + (n - mp - 1) * 5;
            sink.report(new Damage(d.main().name(), off, 5, DamageKind.BAD_STRUCTURE, type + "/" + parent,
                    e[0] + "/" + e[1], "pointer-map entry (type/parent) for page " + n));
        }
    }
}
