package dev.salvor.formats.sqlite;

import java.util.List;

/**
 * One salvaged row.
 *
 * @param file           the resource the bytes came from (database, WAL or journal name)
 * @param table          table name, {@code null} when the row cannot be attributed
 * @param rowid          rowid, {@code null} for WITHOUT ROWID tables and when it was lost (carved freeblocks)
 * @param values         column values in declaration order: {@code Long}, {@code Double}, {@code String},
 *                       {@code byte[]} or {@code null}; the INTEGER PRIMARY KEY column shows the rowid
 * @param state          live, deleted, superseded or uncommitted
 * @param source         where the row's bytes were found: a b-tree cell, a freeblock, unallocated space, a freelist
 *                       page, a WAL frame or a journal page
 * @param page           page number the cell was found in
 * @param offset         byte offset of the cell in {@code file}
 * @param walFrame       0-based WAL frame index when the page version came from the WAL, else {@code null}
 * @param unknownColumns indexes (declaration order) of values that could not be recovered (their value is
 *                       {@code null} but means "unknown", not SQL NULL)
 * @param kind           what the record is: a table row, an index entry, or a row rebuilt from index entries
 * @param pointsTo       for an index entry, the table row it points to; else {@code null}
 */
public record SqliteRow(String file, String table, Long rowid, List<Object> values, RowState state, RowSource source,
                        long page, long offset, Integer walFrame, List<Integer> unknownColumns, RowKind kind,
                        IndexTarget pointsTo) {

    /** A table row (kind {@link RowKind#ROW}). */
    public SqliteRow(String file, String table, Long rowid, List<Object> values, RowState state, RowSource source,
                     long page, long offset, Integer walFrame, List<Integer> unknownColumns) {
        this(file, table, rowid, values, state, source, page, offset, walFrame, unknownColumns, RowKind.ROW, null);
    }

    /**
     * The row an index entry points to: the table (its schema name, or {@code orphan_<root>} of its tree when the
     * schema is lost) and the rowid, the entry's last value.
     */
    public record IndexTarget(String table, long rowid) {
    }

    /** True for a table row (also one rebuilt from index entries); false for an index entry. */
    public boolean isRow() {
        return kind != RowKind.INDEX;
    }

    /** The state's name in reports and output: {@code live}, {@code deleted}, {@code superseded}, {@code uncommitted}. */
    public String stateId() {
        return state.id();
    }

    /**
     * The source's name in reports and output: {@code btree}, {@code freeblock}, {@code unallocated},
     * {@code freelist}, {@code wal} or {@code journal}.
     */
    public String sourceId() {
        return source.id();
    }
}
