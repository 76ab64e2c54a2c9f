package dev.salvor.formats.sqlite;

/**
 * Where rows were found and what they are: the state and source every row found there gets, the file, the page
 * number and the byte offset in that file. For a whole page version the offset is where the page's bytes start in
 * its file; {@link #at} gives the site of one cell of it.
 *
 * @param walFrame 0-based WAL frame index when the page version came from the WAL, else {@code null}
 */
record RowSite(RowState state, RowSource source, String file, long page, long offset, Integer walFrame) {

    /**
     * The current version of page {@code n} (the one a reader sees: WAL frame, else hot journal image, else main
     * file) as the site of live rows.
     */
    static RowSite current(SqliteDatabase db, long n) {
        String src = db.currentSource(n);
        Integer frame = db.currentFrame(n);
        if ("wal".equals(src)) {
            return new RowSite(RowState.LIVE, RowSource.WAL, db.walSourceName(), n,
                    db.wal().frames().get(frame).offset() + WalFrame.HEADER_SIZE, frame);
        }
        if ("journal".equals(src)) {
            return new RowSite(RowState.LIVE, RowSource.JOURNAL, db.journalSourceName(), n,
                    db.journal().originals().get(n).offset() + 4, frame);
        }
        return new RowSite(RowState.LIVE, RowSource.BTREE, db.main().name(), n, db.fileOffset(n), frame);
    }

    /** Page {@code n} of the main file, whatever the WAL or journal hold for it. */
    static RowSite mainFile(SqliteDatabase db, long n, RowState state, RowSource source) {
        return new RowSite(state, source, db.main().name(), n, db.fileOffset(n), null);
    }

    /** The site of the cell at {@code offsetInPage} of this page version. */
    RowSite at(int offsetInPage) {
        return new RowSite(state, source, file, page, offset + offsetInPage, walFrame);
    }

    RowSite as(RowState newState) {
        return new RowSite(newState, source, file, page, offset, walFrame);
    }

    RowSite from(RowSource newSource) {
        return new RowSite(state, newSource, file, page, offset, walFrame);
    }
}
