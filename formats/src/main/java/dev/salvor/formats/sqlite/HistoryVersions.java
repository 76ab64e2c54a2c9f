package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ProgressCounter;

/**
 * Page versions a reader no longer (or never) sees: main-file pages the WAL replaced (superseded), WAL frames older
 * than a page's current frame or of an older WAL generation (superseded), frames after the last commit
 * (uncommitted), and, with a hot journal, the main file's versions of the pages it restores and the pages the
 * unfinished transaction appended (uncommitted). Each version's rows are read as in {@link PageRows#version},
 * attributed first to the live table owning that page number.
 */
final class HistoryVersions {
    private final SqliteDatabase db;
    private final PageOwners pages;
    private final KnownTables tables;
    private final PageRows pageRows;

    HistoryVersions(SqliteDatabase db, PageOwners pages, KnownTables tables, PageRows pageRows) {
        this.db = db;
        this.pages = pages;
        this.tables = tables;
        this.pageRows = pageRows;
    }

    /**
     * The page versions {@link #run} reads: main-file pages the WAL replaced, every WAL frame, and with a hot journal
     * the main file's versions of the pages it restores and the pages the transaction appended.
     */
    long versions() {
        long n = 0;
        WalReader wal = db.wal();
        if (wal != null && wal.header() != null) {
            n += wal.currentFrames().size() + wal.frames().size();
        }
        RollbackJournal j = db.journal();
        if (j != null && j.isHot()) {
            n += j.originals().size() + (j.initialPages() > 0 ? Math.max(0, db.mainFilePages() - j.initialPages()) : 0);
        }
        return n;
    }

    /** Reads every page version (see {@link #versions}); each counts one page on {@code progress}. */
    void run(ProgressCounter progress) {
        long pageSize = db.pageSize();
        WalReader wal = db.wal();
        if (wal != null && wal.header() != null) {
            // main-file pages replaced by committed WAL frames; their rows' overflow pages are the main file's
            WalSnapshot beforeWal = WalSnapshot.mainFile(db);
            for (Long n : wal.currentFrames().keySet()) {
                progress.add(pageSize);
                byte[] old = db.mainPage(n);
                if (old != null) {
                    pageRows.version(old, tableOf(n), RowSite.mainFile(db, n, RowState.SUPERSEDED, RowSource.BTREE),
                            beforeWal);
                }
            }
            for (WalFrame f : wal.frames()) {
                progress.add(pageSize);
                if (f.pageNumber() < 1 || f.pageNumber() > Integer.MAX_VALUE) {
                    continue; // not a page: a damaged or foreign frame header
                }
                RowState state;
                switch (f.status()) {
                    case COMMITTED:
                        if (!wal.isSuperseded(f)) {
                            continue;
                        }
                        state = RowState.SUPERSEDED;
                        break;
                    case OLD_GENERATION:
                        state = RowState.SUPERSEDED;
                        break;
                    default:
                        state = RowState.UNCOMMITTED;
                }
                byte[] data = wal.pageData(f.index());
                // a frame's rows read their overflow pages in the view of its own transaction (WalSnapshot.of): a
                // committed frame's commit, the uncommitted transaction's end, an older generation's own run (a page
                // not in it unknown), a frame after the chain's break its own transaction's end
                pageRows.version(data, tableOf(f.pageNumber()), new RowSite(state, RowSource.WAL, db.walSourceName(),
                        f.pageNumber(), f.offset() + WalFrame.HEADER_SIZE, f.index()), WalSnapshot.of(db, f));
            }
        }
        RollbackJournal j = db.journal();
        if (j != null && j.isHot()) {
            // the main file holds the unfinished transaction's versions of the pages the journal restores
            for (Long n : j.originals().keySet()) {
                progress.add(pageSize);
                byte[] now = db.mainPage(n);
                if (now != null) {
                    pageRows.version(now, tableOf(n), RowSite.mainFile(db, n, RowState.UNCOMMITTED, RowSource.BTREE));
                }
            }
            for (long n = j.initialPages() + 1; j.initialPages() > 0 && n <= db.mainFilePages(); n++) {
                progress.add(pageSize);
                pageRows.version(db.mainPage(n), null, RowSite.mainFile(db, n, RowState.UNCOMMITTED,
                        RowSource.BTREE));
            }
        }
    }

    /** The live table owning page number {@code n} in the current view, or {@code null}. */
    private TableInfo tableOf(long n) {
        return tables.byRoot(pages.ownerRoot(n));
    }
}
