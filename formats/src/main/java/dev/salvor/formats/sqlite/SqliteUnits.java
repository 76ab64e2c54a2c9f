package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.UnitSink;
import dev.salvor.formats.core.UnitState;

import java.util.function.LongPredicate;

/**
 * How the units of an SQLite database and its WAL and journal are drawn in their maps, once the check or the salvage
 * knows what each page is used for. What a damage names is drawn damaged by the report whether or not it is marked
 * here.
 *
 * <ul>
 * <li>Main file, page by page: <b>unverified</b> when the current version of the page lies in the WAL or the hot
 *     journal (these bytes are an older version), or when no tree, chain or freelist uses it but it holds a b-tree
 *     page header (an orphaned page: a tree above it is damaged); <b>free</b> when it is a freelist trunk or leaf,
 *     lies past the database's end, or no tree, chain or freelist uses it and it holds no b-tree page header;
 *     <b>verified</b> when it is a page of a b-tree walked
 *     from the schema whose page header parses (damage inside its cells is drawn from the damage list), an
 *     overflow page of a cell, a pointer-map page or the lock-byte page; <b>damaged</b> when it is a b-tree page
 *     whose page header does not parse (nothing in it could be read).</li>
 * <li>WAL: the header, then each frame: committed frames <b>verified</b> (up to the last valid commit), frames after
 *     it with a valid checksum or after the checksum chain broke <b>unverified</b>, frames of an older generation
 *     (other salts) <b>free</b>.</li>
 * <li>Journal: the first header when its magic and sizes are usable, and each page record whose checksum holds
 *     <b>verified</b>.</li>
 * </ul>
 */
final class SqliteUnits {
    private SqliteUnits() {
    }

    /**
     * Marks every unit of the view's files.
     *
     * @param btree    pages of the b-trees walked from the schema
     * @param overflow overflow pages of their cells
     */
    static void mark(SqliteDatabase d, LongPredicate btree, LongPredicate overflow, Freelist free, UnitSink units) {
        mainFile(d, btree, overflow, free, units);
        if (d.wal() != null) {
            wal(d.wal(), units);
        }
        if (d.journal() != null) {
            journal(d.journal(), units);
        }
    }

    private static void mainFile(SqliteDatabase d, LongPredicate btree, LongPredicate overflow, Freelist free,
                                 UnitSink units) {
        String res = d.main().name();
        int ps = d.pageSize();
        boolean autoVacuum = d.header().autoVacuum();
        units.unitSize(res, ps);
        for (long n = 1; n <= d.mainFilePages(); n++) {
            UnitState state;
            if (n > d.pageCount()) {
                state = UnitState.FREE;
            } else if (!"btree".equals(d.currentSource(n))) {
                state = UnitState.UNVERIFIED;
            } else if (free.trunks().contains(n) || free.leaves().contains(n)) {
                state = UnitState.FREE;
            } else if (btree.test(n)) {
                state = pageHeaderParses(d, n) ? UnitState.VERIFIED : UnitState.DAMAGED;
            } else if (overflow.test(n) || n == d.lockBytePage()
                    || (autoVacuum && PointerMap.isPointerMapPage(n, d.usableSize()))) {
                state = UnitState.VERIFIED;
            } else {
                state = pageHeaderParses(d, n) ? UnitState.UNVERIFIED : UnitState.FREE;
            }
            units.unit(res, d.fileOffset(n), ps, state);
        }
    }

    /** Whether main-file page {@code n} starts with a b-tree page header (after the database header on page 1). */
    private static boolean pageHeaderParses(SqliteDatabase d, long n) {
        int at = n == 1 ? DatabaseHeader.SIZE : 0;
        byte[] header = d.main().read(d.fileOffset(n) + at, SqliteSignature.PAGE_HEADER_BYTES);
        return BtreePageHeader.parse(header, 0) != null;
    }

    private static void wal(WalReader wal, UnitSink units) {
        String res = wal.sourceName();
        if (wal.header() == null) {
            return;
        }
        units.unit(res, 0, WalHeader.SIZE, UnitState.VERIFIED);
        long frameSize = WalFrame.HEADER_SIZE + (long) wal.header().pageSize();
        for (WalFrame f : wal.frames()) {
            UnitState state = switch (f.status()) {
                case COMMITTED -> UnitState.VERIFIED;
                case UNCOMMITTED, BROKEN -> UnitState.UNVERIFIED;
                case OLD_GENERATION -> UnitState.FREE;
            };
            units.unit(res, f.offset(), frameSize, state);
        }
    }

    private static void journal(RollbackJournal journal, UnitSink units) {
        if (journal.pageSize() > 0) {
            units.unit(journal.sourceName(), 0, 28, UnitState.VERIFIED); // the first segment's header
        }
        long recordSize = 8L + journal.pageSize();
        for (RollbackJournal.PageRecord r : journal.records()) {
            if (r.checksumOk()) {
                units.unit(journal.sourceName(), r.offset(), recordSize, UnitState.VERIFIED);
            }
        }
    }
}
