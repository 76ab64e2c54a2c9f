package dev.salvor.formats.sqlite;

/**
 * The database as a reader saw it at one point of the WAL's history: for each page, the newest committed frame at or
 * before that reader's end-of-transaction mark (a commit frame), else the main file; page count as that commit frame
 * set it (fileformat2, section 4, "WAL-mode file format"). The view with no commit is the main file alone, as readers
 * saw it before the WAL's first transaction.
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
    private final int commit;
    private final long pageCount;

    private WalSnapshot(SqliteDatabase db, int commit, long pageCount) {
        this.db = db;
        this.commit = commit;
        this.pageCount = pageCount;
    }

    /**
     * The snapshot WAL frame {@code f} belongs to (ended by the first commit frame at or after it), or {@code null}
     * when {@code f} is not a committed frame of the current WAL generation.
     */
    static WalSnapshot of(SqliteDatabase db, WalFrame f) {
        WalReader wal = db.wal();
        int c = wal == null ? -1 : wal.commitOf(f);
        if (c < 0) {
            return null;
        }
        return new WalSnapshot(db, c, wal.frames().get(c).commitSize());
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
        Integer f = db.wal() == null ? null : db.wal().frameAsOf(n, commit);
        return f != null ? db.wal().pageData(f) : db.mainPage(n);
    }
}
