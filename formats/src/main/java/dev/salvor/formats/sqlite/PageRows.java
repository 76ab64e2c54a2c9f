package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rows one page version holds outside the live trees, read for the non-live phases ({@link UnreachablePages},
 * {@link HistoryVersions}): the cells of a b-tree page no live walk reached (or an older version of one), the free
 * space of any b-tree page (freeblocks, first 4 bytes rebuilt, and the unallocated gap, carved by
 * {@link FreeSpaceCarver}), and what is left of the b-tree page a freelist trunk was.
 */
final class PageRows {
    private final SqliteDatabase db;
    private final String dbName;
    private final KnownTables tables;
    private final PageOwners pages;
    private final FreeSpaceCarver carver;
    private final NonLiveRows rows;

    PageRows(SqliteDatabase db, KnownTables tables, PageOwners pages, FreeSpaceCarver carver, NonLiveRows rows) {
        this.db = db;
        this.dbName = db.main().name();
        this.tables = tables;
        this.pages = pages;
        this.carver = carver;
        this.rows = rows;
    }

    /** A reader of the same database that carves with {@code carver} and sends what it finds to {@code rows}. */
    PageRows with(FreeSpaceCarver carver, NonLiveRows rows) {
        return new PageRows(db, tables, pages, carver, rows);
    }

    /**
     * Rows of one page version (cells, then free space) that no live tree walk owns, with the state and source of
     * {@code at} (free space: deleted when the cells are live). Cells are attributed to {@code owned} when its
     * shape accepts them, else by shape; a row of no known table is reported under its tree's root
     * ({@code orphan_<root>}) when it is complete. Index pages give only rows a table's shape claims.
     */
    void version(byte[] data, TableInfo owned, RowSite at) {
        version(data, owned, at, null);
    }

    /**
     * As {@link #version(byte[], TableInfo, RowSite)} for an older page version that belongs to {@code snapshot}
     * ({@code null}: none known): its cells were live there, so their overflow chains are read from that snapshot,
     * whole, whatever the page numbers hold today.
     */
    void version(byte[] data, TableInfo owned, RowSite at, WalSnapshot snapshot) {
        long n = at.page();
        int available = at.file().equals(dbName) ? db.mainAvailable(n) : db.usableSize();
        BtreePage page = BtreePage.parse(n, data, db.usableSize(), available, at.file(), at.offset(),
                DamageSink.IGNORE);
        if (page == null) {
            return;
        }
        boolean tableLeaf = page.type() == PageType.TABLE_LEAF;
        boolean indexPage = !page.type().isTable();
        if (!tableLeaf && !indexPage) {
            return;
        }
        boolean live = at.state() == RowState.LIVE;
        TableInfo pageTable = owned;
        int votes = 0;
        for (Cell c : page.cells()) {
            // the overflow pages of a non-live cell may since have been reused by live data: such chains are cut,
            // unless the version's own snapshot is known (its chain is then read as it was)
            OverflowChain.Result pl = snapshot != null ? OverflowChain.read(db, snapshot, data, c, n, DamageSink.IGNORE)
                    : OverflowChain.read(db, data, c, n, DamageSink.IGNORE, live ? p -> false : pages::inUse);
            Record r;
            try {
                r = Record.decode(pl.bytes(), 0, pl.available(), c.payloadSize(), db.encoding(), false);
            } catch (Malformed m) {
                continue;
            }
            TableInfo t = owned != null && owned.matches(r.serialTypes(), false) ? owned
                    : tables.attribute(r.serialTypes(), tableLeaf);
            if (t == null && (indexPage || !r.unknown().isEmpty())) {
                continue; // index entries of unknown origin are not rows; partial unattributed rows neither
            }
            if (t != null && pageTable == null) {
                pageTable = t;
            }
            if (t != null && t == pageTable) {
                votes++;
            }
            rows.nonLive(t, t == null ? "orphan_" + pages.treeRootOf(n) : t.name, tableLeaf ? c.rowid() : null, r,
                    r.unknown(), at.at(c.offset()));
        }
        if (pageTable != null && (votes > 0 || owned != null)) {
            freeSpace(page, pageTable, live ? at.as(RowState.DELETED) : at);
        }
    }

    /**
     * The entries of one page of an index tree no schema names ({@link OrphanIndexTrees}): each record that ends
     * with an integer is reported as an index entry pointing to that rowid of the index's table, never as a row.
     * Records read only in part (an overflow chain cut) are left out: their rowid is not proven.
     */
    void indexEntries(byte[] data, OrphanIndexTrees.IndexTree index, RowSite at) {
        long n = at.page();
        BtreePage page = BtreePage.parse(n, data, db.usableSize(), db.mainAvailable(n), at.file(), at.offset(),
                DamageSink.IGNORE);
        if (page == null || page.type().isTable()) {
            return;
        }
        boolean live = at.state() == RowState.LIVE;
        for (Cell c : page.cells()) {
            OverflowChain.Result pl = OverflowChain.read(db, data, c, n, DamageSink.IGNORE,
                    live ? p -> false : pages::inUse);
            Record r;
            try {
                r = Record.decode(pl.bytes(), 0, pl.available(), c.payloadSize(), db.encoding(), false);
            } catch (Malformed m) {
                continue;
            }
            List<Object> v = r.values();
            if (!r.unknown().isEmpty() || v.size() < 2 || !(v.get(v.size() - 1) instanceof Long rowid)) {
                continue;
            }
            rows.indexEntry(index.name(), v, new SqliteRow.IndexTarget(index.table(), rowid), at.at(c.offset()));
        }
    }

    /**
     * Carves the free space of a page of table {@code t}: freeblocks of leaf pages (first 4 bytes rebuilt) and
     * the unallocated gap of every page of its tree. The gap of an interior page still holds leaf cells from
     * before the page became interior (a root that split), so it is carved with the leaf cell format.
     */
    void freeSpace(BtreePage page, TableInfo t, RowSite at) {
        boolean tableTree = page.type().isTable();
        if (tableTree == t.withoutRowid) {
            return;
        }
        byte[] data = page.data();
        carver.enterPage();
        if (page.type().isLeaf()) {
            RowSite freeblock = at.from(RowSource.FREEBLOCK);
            for (int[] fb : page.freeblocks()) {
                for (FreeSpaceCarver.Carved c : carver.carve(data, fb[0], fb[0] + fb[1], true, t, tableTree)) {
                    rows.nonLive(t, t.name, c.rowid(), c.record(), c.unknown(), freeblock.at(c.offset()));
                }
            }
        }
        int[] un = page.unallocated();
        // The gap of an index interior page mixes stale leaf cells with stale interior cells written over
        // them (no rowid to cross-check): too easy to carve a cell with a foreign tail, so it is skipped.
        if (un[1] > 0 && page.type() != PageType.INDEX_INTERIOR) {
            RowSite gap = at.from(RowSource.UNALLOCATED);
            for (FreeSpaceCarver.Carved c : carver.carve(data, un[0], un[0] + un[1], false, t, tableTree)) {
                rows.nonLive(t, t.name, c.rowid(), c.record(), c.unknown(), gap.at(c.offset()));
            }
        }
    }

    /**
     * The free space of a live table's page that was also the root of a dropped table (its CREATE statement
     * carved from the schema's free space names this page): SQLite reused the freed root for the new table, so
     * its free space holds deleted rows of either. A cell only one of the two shapes accepts is that table's;
     * a cell both accept cannot be attributed (table {@code null}) rather than be given to the wrong one.
     */
    void contestedFreeSpace(BtreePage page, TableInfo live, TableInfo rival, RowSite at) {
        boolean tableTree = page.type().isTable();
        if (tableTree == live.withoutRowid || tableTree == rival.withoutRowid) {
            freeSpace(page, live, at);
            return;
        }
        byte[] data = page.data();
        carver.enterPage();
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
            Map<Integer, FreeSpaceCarver.Carved> byLive = new TreeMap<>();
            for (FreeSpaceCarver.Carved c : carver.carve(data, rg[0], rg[1], fb, live, tableTree)) {
                byLive.put(c.offset(), c);
            }
            Map<Integer, FreeSpaceCarver.Carved> byRival = new TreeMap<>();
            for (FreeSpaceCarver.Carved c : carver.carve(data, rg[0], rg[1], fb, rival, tableTree)) {
                byRival.put(c.offset(), c);
            }
            TreeSet<Integer> offsets = new TreeSet<>(byLive.keySet());
            offsets.addAll(byRival.keySet());
            RowSite region = at.from(fb ? RowSource.FREEBLOCK : RowSource.UNALLOCATED);
            for (int off : offsets) {
                FreeSpaceCarver.Carved a = byLive.get(off);
                FreeSpaceCarver.Carved b = byRival.get(off);
                FreeSpaceCarver.Carved c = a != null ? a : b;
                TableInfo owner = a != null && b != null ? null : a != null ? live : rival;
                rows.nonLive(owner, owner == null ? null : owner.name, c.rowid(), c.record(), c.unknown(),
                        region.at(c.offset()));
            }
        }
    }

    /**
     * A freelist trunk page lost its first 8 + 4n bytes (next trunk, leaf count, leaf numbers); the rest still
     * holds the cells of the b-tree page it was. Intact cells are carved there, for the dropped table whose root
     * this was ({@code hint}), else for any table whose shape they match; the rows are deleted, from the freelist,
     * at main-file offsets.
     */
    void freelistTrunk(byte[] data, long n, TableInfo hint) {
        int from = 8 + 4 * Freelist.leafCount(data, db.usableSize());
        int to = db.usableSize();
        if (from + 3 >= to) {
            return;
        }
        List<TableInfo> candidates = new ArrayList<>();
        if (hint != null) {
            candidates.add(hint);
        } else {
            candidates.addAll(tables.all());
        }
        RowSite at = RowSite.mainFile(db, n, RowState.DELETED, RowSource.FREELIST);
        carver.enterPage();
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
                        rows.nonLive(gotT, gotT.name, c.rowid(), c.record(), c.unknown(), at.at(c.offset()));
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
            rows.nonLive(bestT, bestT.name, best.rowid(), best.record(), best.unknown(), at.at(best.offset()));
            p = best.end();
        }
    }
}
