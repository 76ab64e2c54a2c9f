package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.ProgressCounter;

import java.util.Map;

/**
 * The non-live rows of the current view, page by page: the free space of every live b-tree page, the freelist
 * (trunks: what is left of their former b-tree page; leaves: whole deleted pages), and the table-leaf pages no live
 * tree reached. Those are orphaned live pages when some tree was damaged or the schema is lost (state live, their
 * rows are still the database's), else deleted pages (source unallocated). Rows are attributed to a dropped table
 * whose last root this page was, to an inferred orphan table of the tree the page hangs from, else by record shape.
 * Overflow pages of live cells, the lock-byte page and pointer-map pages hold no rows and are skipped.
 */
final class UnreachablePages {
    private final SqliteDatabase db;
    private final PageOwners pages;
    private final KnownTables tables;
    private final PageRows pageRows;
    private final RowDeduplicator dedup;
    private final Freelist free;
    private final Map<Long, TableInfo> dropped;
    private final Map<Long, TableInfo> orphans;
    private final boolean orphansLive;
    private final Map<Long, OrphanIndexTrees.IndexTree> indexes;

    /**
     * @param dropped     tables recovered from carved schema rows, by their last root page
     * @param orphans     inferred tables of unreachable trees, by root (empty unless {@code orphansLive})
     * @param orphansLive a tree was damaged or the schema lost: unreached pages may still be live data
     * @param indexes     unreached index trees ({@link OrphanIndexTrees}), by root: their entries are reported as
     *                    index entries, not rows
     */
    UnreachablePages(SqliteDatabase db, PageOwners pages, KnownTables tables, PageRows pageRows,
                     RowDeduplicator dedup, Freelist free, Map<Long, TableInfo> dropped,
                     Map<Long, TableInfo> orphans, boolean orphansLive,
                     Map<Long, OrphanIndexTrees.IndexTree> indexes) {
        this.indexes = indexes;
        this.db = db;
        this.pages = pages;
        this.tables = tables;
        this.pageRows = pageRows;
        this.dedup = dedup;
        this.free = free;
        this.dropped = dropped;
        this.orphans = orphans;
        this.orphansLive = orphansLive;
    }

    /**
     * One pass over the page numbers {@code from..} the last of the view; each page counts on {@code progress} as it
     * is reached, and {@code memo} (when not null) learns how many pages, from the first, are complete. With
     * {@code threads} above 1 and at least {@code minParallelPages} pages, the pages are read on that many worker
     * threads ({@link OrderedPages}) and their rows handed to {@code rows} in page order: the same rows in the same
     * order as the single-threaded pass.
     */
    void run(ProgressCounter progress, RowEmission rows, int threads, long minParallelPages, long from,
             NonLiveMemo memo) {
        long count = db.pageCount();
        if (threads <= 1 || count - from + 1 < minParallelPages) {
            for (long n = from; n <= count; n++) {
                progress.add(db.pageSize());
                page(n, pageRows);
                if (memo != null) {
                    memo.pagesDone(n);
                }
            }
            return;
        }
        long[] handed = {from - 1};
        OrderedPages.run(from, count, threads, out -> {
            // each worker its own carver (it keeps the cells of the page it is in) and its own page reader
            PageRows reader = pageRows.with(new FreeSpaceCarver(db, pages::inUse), out);
            return n -> page(n, reader);
        }, rows::nonLive, done -> {
            progress.add(done * db.pageSize());
            handed[0] += done;
            if (memo != null) {
                memo.pagesDone(handed[0]);
            }
        });
    }

    /** The rows of page {@code n} (none when the first pass found none there and this is the second). */
    private void page(long n, PageRows pageRows) {
        if (!dedup.collecting() && !dedup.productive(n)) {
            return; // no row came from this page in the first pass: the same work finds nothing again
        }
        if (free.trunks().contains(n) && !pages.isOverflow(n)) {
            byte[] data = db.page(n);
            if (data != null) {
                pageRows.freelistTrunk(data, n, dropped.get(n));
            }
            return;
        }
        if (pages.isOverflow(n) || n == db.lockBytePage()
                || (db.header().autoVacuum() && PointerMap.isPointerMapPage(n, db.usableSize()))) {
            return;
        }
        byte[] data = db.page(n);
        if (data == null) {
            return;
        }
        RowSite current = RowSite.current(db, n);
        Long root = pages.ownerRoot(n);
        if (root != null) {
            liveTreePage(n, data, tables.byRoot(root), current.as(RowState.DELETED), pageRows);
        } else if (free.leaves().contains(n)) {
            pageRows.version(data, dropped.get(n), current.as(RowState.DELETED).from(RowSource.FREELIST));
        } else {
            // the walk up to the tree's root is done once, and only when some tree is known by its root
            long treeRoot = indexes.isEmpty() && orphans.isEmpty() ? -1 : pages.treeRootOf(n);
            OrphanIndexTrees.IndexTree index = indexes.isEmpty() ? null : indexes.get(treeRoot);
            RowSite at = orphansLive ? current : current.as(RowState.DELETED).from(RowSource.UNALLOCATED);
            if (index != null) {
                pageRows.indexEntries(data, index, at);
            } else {
                pageRows.version(data, orphans.isEmpty() ? null : orphans.get(treeRoot), at);
            }
        }
    }

    /** The free space of a page of a live tree: deleted rows of its table (or of a dropped table it was root of). */
    private void liveTreePage(long n, byte[] data, TableInfo t, RowSite at, PageRows pageRows) {
        BtreePage page = BtreePage.parse(n, data, db.usableSize(), db.available(n), db.main().name(), at.offset(),
                DamageSink.IGNORE);
        TableInfo rival = dropped.get(n);
        if (t != null && page != null && rival != null && rival != t) {
            pageRows.contestedFreeSpace(page, t, rival, at);
        } else if (t != null && page != null) {
            pageRows.freeSpace(page, t, at);
        }
    }
}
