package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One table's b-tree in the current view of a database (the main file's pages, replaced by the WAL's committed frames
 * or a hot journal's originals), read on its own: none of check's or salvage's page-ownership, freelist or free-space
 * passes, for questions one tree answers — which rows a small table holds ({@link #rows}), how many rows a large one
 * holds by the value of one integer column ({@link #countBy}, which decodes no value but that column's).
 *
 * <p>Live rows only: what the tree reaches. Hostile trees are walked as check walks them (every page entered once,
 * cycles and bad child pointers reported and skipped, depth capped); each problem goes to the sink and is counted in
 * the result, so a caller can tell a complete answer from a partial one.
 */
public final class TableTree {
    private TableTree() {
    }

    /** The schema of {@code db} ({@code sqlite_schema}, the table tree at page 1); damage goes to {@code sink}. */
    public static List<SchemaEntry> schema(SqliteDatabase db, DamageSink sink) {
        return SchemaReader.read(db, new HashMap<>(), sink);
    }

    /** One row: its rowid (0 for a WITHOUT ROWID table's row) and its record. */
    public record Row(long rowid, Record record) {
    }

    /**
     * The rows of one table, decoded ({@link Record#decode} lenient, overflow chains followed).
     *
     * @param records  the first {@code maxRows} rows in key order (the rest are counted, not kept)
     * @param rows     every row the tree holds, kept or not
     * @param damages  problems met in the tree (pages that could not be read: their rows are missing); a row whose
     *                 record cannot be decoded counts here too
     */
    public record Rows(List<Row> records, long rows, int damages) {
    }

    /**
     * Reads the rows of {@code table} (a rowid table's table tree or a WITHOUT ROWID table's index tree; for the
     * latter the record's columns are the primary key's first, as SQLite stores them). Memory: at most
     * {@code maxRows} records are kept; the walk reads each page of the tree once.
     */
    public static Rows rows(SqliteDatabase db, SchemaEntry table, int maxRows, DamageSink sink) {
        List<Row> out = new ArrayList<>();
        long[] seen = {0};
        int[] bad = {0};
        DamageSink counting = counting(sink, bad);
        if (table.rootPage() < 2) {
            return new Rows(out, 0, 0);
        }
        BtreeWalker.walk(db, table.rootPage(), new HashMap<>(), counting, (page, cell) -> {
            seen[0]++;
            if (out.size() >= maxRows) {
                return;
            }
            try {
                OverflowChain.Result pl = OverflowChain.read(db, page.data(), cell, page.pageNumber(), counting);
                out.add(new Row(page.type().isTable() ? cell.rowid() : 0,
                        Record.decode(pl.bytes(), 0, pl.available(), cell.payloadSize(), db.encoding(), false)));
            } catch (Malformed m) {
                counting.report(m.toDamage(db.main().name(), db.fileOffset(page.pageNumber()) + cell.offset(),
                        cell.length()));
            }
        });
        return new Rows(out, seen[0], bad[0]);
    }

    /**
     * Row (or index entry) counts of one tree by the integer value of one column.
     *
     * @param byValue    rows by the column's value (integers only)
     * @param rows       every row the tree holds
     * @param unreadable rows whose column is not an integer or could not be read from the cell (a damaged record
     *                   header, the value in an overflow page)
     * @param damages    problems met in the tree: pages that could not be read, so rows that could not be counted
     */
    public record Counts(Map<Long, Long> byValue, long rows, long unreadable, int damages) {
    }

    /**
     * Counts the rows of {@code tree} (a rowid table, or an index: its entries) by the value of its {@code column}-th
     * column (0-based, in record order), reading only each cell's record header and that one value from the cell's
     * bytes in the page: no overflow page is read and no other value decoded, so counting costs one read of each page
     * of the tree (every page of one tree is of the root's kind: the walk skips a child of the other kind). An
     * INTEGER PRIMARY KEY column is stored as NULL in the record (the rowid holds it): count by another column.
     */
    public static Counts countBy(SqliteDatabase db, SchemaEntry tree, int column, DamageSink sink) {
        Map<Long, Long> counts = new TreeMap<>();
        long[] rows = {0};
        long[] unreadable = {0};
        int[] bad = {0};
        if (tree.rootPage() < 2 || column < 0) {
            return new Counts(counts, 0, 0, 0);
        }
        BtreeWalker.walk(db, tree.rootPage(), new HashMap<>(), counting(sink, bad), (page, cell) -> {
            rows[0]++;
            Long v = integerColumn(page.data(), cell, column);
            if (v == null) {
                unreadable[0]++;
            } else {
                counts.merge(v, 1L, Long::sum);
            }
        });
        return new Counts(counts, rows[0], unreadable[0], bad[0]);
    }

    /** The integer value of column {@code column} of the cell's record, from the page's bytes only; else null. */
    private static Long integerColumn(byte[] page, Cell cell, int column) {
        int off = cell.payloadOffset();
        int local = cell.localSize();
        if (off < 0 || local <= 0 || (long) off + local > page.length) {
            return null;
        }
        long[] types;
        try {
            types = Record.serialTypes(page, off, local, cell.payloadSize());
        } catch (Malformed m) {
            return null;
        }
        if (column >= types.length || !SerialType.isInteger(types[column])) {
            return null;
        }
        long at = off + SqliteVarint.read(page, off, off + local); // the header size counts itself
        for (int i = 0; i < column; i++) {
            at += SerialType.contentSize(types[i]);
        }
        int size = (int) SerialType.contentSize(types[column]);
        if (at + size > off + local) {
            return null; // the value lies in an overflow page: not read here
        }
        long t = types[column];
        if (t == 8 || t == 9) {
            return t - 8; // the constants 0 and 1, stored in the header alone
        }
        return SerialType.readInt(page, (int) at, size);
    }

    private static DamageSink counting(DamageSink sink, int[] count) {
        return (Damage d) -> {
            count[0]++;
            sink.report(d);
        };
    }
}
