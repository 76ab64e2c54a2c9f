package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live rows: every table b-tree named by {@code sqlite_schema}, walked through the current view (WAL applied up
 * to its last valid commit, or a hot journal rolled back in memory). The trees are walked twice with the same
 * starting page map, so that both walks visit the same cells:
 * <ol>
 * <li>{@link #learn}: the pages the trees own and their overflow pages (recorded in {@link PageOwners}), and every
 * table's shape (serial types of every live row; record headers only, no value is decoded). The damage of the live
 * trees is reported here.</li>
 * <li>{@link #emit}, after the non-live phases collected their de-duplication keys: every row decoded and emitted,
 * reporting nothing again (a lenient decode fails exactly where {@link Record#serialTypes} does).</li>
 * </ol>
 */
final class LiveTrees {
    private final SqliteDatabase db;
    private final PageOwners pages;
    private final List<TableInfo> tables;
    /** The page map as the schema read left it, before the first walk: where the second walk starts from. */
    private final Map<Long, Long> ownersBeforeWalk;
    /** Pages the first walk of the tables entered or read (overflow): what the second walk reads again. */
    private long tablePages;

    /**
     * To be made once the schema is read and before any tree is walked: the second walk starts from the page map
     * as it is now, so that it visits exactly the cells the first walk visited.
     */
    LiveTrees(SqliteDatabase db, PageOwners pages, List<TableInfo> tables) {
        this.db = db;
        this.pages = pages;
        this.tables = tables;
        this.ownersBeforeWalk = new HashMap<>(pages.owners());
    }

    /**
     * First walk of every stored table's tree and every index tree (indexes only for their overflow pages, which
     * hold no deleted row). Returns the number of damages the walks reported in the trees' structure.
     */
    int learn(List<SchemaEntry> schema, DamageSink sink) {
        int treeDamage = 0;
        long before = db.pagesWalked();
        for (TableInfo t : tables) {
            treeDamage += BtreeWalker.walk(db, t.root, pages.owners(), sink,
                    (page, cell) -> learnCell(t, page, cell, sink));
        }
        tablePages = db.pagesWalked() - before;
        for (SchemaEntry e : schema) {
            if ("index".equals(e.type()) && e.rootPage() > 0) {
                treeDamage += BtreeWalker.walk(db, e.rootPage(), pages.owners(), sink, (page, cell) -> {
                    if (cell.firstOverflow() != 0) {
                        pages.markOverflow(OverflowChain.read(db, page.data(), cell, page.pageNumber(), sink));
                    }
                });
            }
        }
        return treeDamage;
    }

    /** The bytes of the pages {@link #learn} read in the tables' trees: what {@link #emit} reads again. */
    long tableBytes() {
        return tablePages * db.pageSize();
    }

    /** Second walk of every stored table's tree: each row decoded and emitted as live. */
    void emit(RowEmission rows) {
        for (TableInfo t : tables) {
            BtreeWalker.walk(db, t.root, ownersBeforeWalk, DamageSink.IGNORE,
                    (page, cell) -> liveCell(t, page, cell, rows));
        }
    }

    /** Marks the cell's overflow pages, learns its serial types, reports its damage. */
    private void learnCell(TableInfo t, BtreePage page, Cell cell, DamageSink sink) {
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
                pages.markOverflow(pl);
                t.learn(Record.serialTypes(pl.bytes(), 0, pl.available(), cell.payloadSize()), pl.bytes(), 0,
                        pl.available());
            }
        } catch (Malformed m) {
            RowSite at = RowSite.current(db, n);
            sink.report(m.toDamage(at.file(), at.offset() + cell.offset(), cell.length()));
        }
    }

    /** The site of the last page whose cells were emitted: the walker visits a page's cells one after another. */
    private RowSite lastSite;

    /** Where page {@code n}'s current version lies, looked up once per page rather than once per cell. */
    private RowSite siteOf(long n) {
        if (lastSite == null || lastSite.page() != n) {
            lastSite = RowSite.current(db, n);
        }
        return lastSite;
    }

    /** Decodes and emits one live row (its damage was reported by {@link #learnCell}). */
    private void liveCell(TableInfo t, BtreePage page, Cell cell, RowEmission rows) {
        boolean tableTree = page.type().isTable();
        if (tableTree == t.withoutRowid) {
            return; // wrong tree kind: reported by the walker
        }
        OverflowChain.Result pl = OverflowChain.read(db, page.data(), cell, page.pageNumber(), DamageSink.IGNORE);
        RowSite at = siteOf(page.pageNumber());
        Record r;
        try {
            r = Record.decode(pl.bytes(), 0, pl.available(), cell.payloadSize(), db.encoding(), false);
        } catch (Malformed m) {
            return;
        }
        rows.live(t, tableTree ? cell.rowid() : null, r, at.at(cell.offset()));
    }
}
