package dev.salvor.formats.sqlite;

/**
 * The database as a reader saw it at one point of the WAL's history: for each page, the newest committed frame at or
 * before that reader's end-of-transaction mark (a commit frame), else the main file; page count as that commit frame
 * set it (fileformat2, section 4, "WAL-mode file format"). The view with no commit is the main file alone, as readers
 * saw it before the WAL's first transaction. A transaction that never committed sees its own frames over the last
 * commit's view; an older generation's frames see their own run only, every other page unknown
 * ({@link WalReader#snapshotEndOf}): a row whose overflow page is not there comes out with that column unknown, not
 * with a later version's bytes.
 *
 * <p>An older page version belongs to such a snapshot: a table leaf from WAL frame F was current for the readers of
 * the commit that ended F's transaction, and the overflow pages of its rows must be read from that same snapshot. The
 * newest view can hold a later version of those page numbers: rewritten for another row, or zeroed by
 * {@code secure_delete} once freed.
 *
 * <p>Nothing is copied: a page lookup is one binary search in the WAL reader's per-page frame index.
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#walformat">fileformat2: the WAL file format</a>
 */
final class WalSnapshot {
    private final SqliteDatabase db;
    private final int end;
    private final long pageCount;

    private WalSnapshot(SqliteDatabase db, int end, long pageCount) {
        this.db = db;
        this.end = end;
        this.pageCount = pageCount;
    }

    /**
     * The view WAL frame {@code f} belongs to ({@link WalReader#snapshotEndOf}): a committed frame's snapshot ends at
     * the commit frame of its transaction; an uncommitted frame's at the end of the transaction that never committed;
     * an older-generation frame's in its own run, nothing beneath; a frame after the chain's break, at the end of
     * its own (never read) transaction. {@code null} for a frame that holds no page.
     */
    static WalSnapshot of(SqliteDatabase db, WalFrame f) {
        WalReader wal = db.wal();
        int end = wal == null ? -1 : wal.snapshotEndOf(f);
        if (end < 0) {
            return null;
        }
        return new WalSnapshot(db, end, wal.pageCountAsOf(end, db.mainFilePages()));
    }

    /** The main file alone: what readers saw before the WAL's first transaction. */
    static WalSnapshot mainFile(SqliteDatabase db) {
        return new WalSnapshot(db, -1, db.mainFilePages());
    }

    /** Pages in this snapshot. */
    long pageCount() {
        return pageCount;
    }

    /** Page {@code n} as this snapshot's readers saw it; {@code null} when outside it or absent. */
    byte[] page(long n) {
        if (n < 1 || n > pageCount) {
            return null;
        }
        Integer f = db.wal() == null ? null : db.wal().frameAsOf(n, end);
        if (f != null) {
            return db.wal().pageData(f);
        }
        return db.wal() == null || db.wal().viewHasMainFile(end) ? db.mainPage(n) : null;
    }
}
