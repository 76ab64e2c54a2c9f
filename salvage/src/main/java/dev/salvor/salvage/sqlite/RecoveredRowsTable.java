package dev.salvor.salvage.sqlite;

import dev.salvor.formats.sqlite.SqliteRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;

/**
 * {@code --with-deleted}: the table {@code salvor_recovered(state, source, tbl, rowid, page, offset, values_json)} of
 * the new database, holding the rows that are not live (deleted, superseded, uncommitted) with where they were found;
 * {@code values_json} is the row's values as the JSON Lines write them (blobs as {@code {"base64": …}}).
 */
final class RecoveredRowsTable implements AutoCloseable {
    private final PreparedStatement insert;
    private long rows;

    private RecoveredRowsTable(PreparedStatement insert) {
        this.insert = insert;
    }

    /** Creates the table in {@code c}. */
    static RecoveredRowsTable create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE salvor_recovered(state TEXT, source TEXT, tbl TEXT, \"rowid\" INTEGER, "
                    + "page INTEGER, \"offset\" INTEGER, values_json TEXT)");
        }
        return new RecoveredRowsTable(c.prepareStatement("INSERT INTO salvor_recovered(state, source, tbl, \"rowid\", "
                + "page, \"offset\", values_json) VALUES(?, ?, ?, ?, ?, ?, ?)"));
    }

    /** Adds {@code row}. */
    void add(SqliteRow row) throws SQLException {
        insert.setString(1, row.stateId());
        insert.setString(2, row.sourceId());
        insert.setString(3, row.table());
        if (row.rowid() == null) {
            insert.setNull(4, Types.NULL);
        } else {
            insert.setLong(4, row.rowid());
        }
        insert.setLong(5, row.page());
        insert.setLong(6, row.offset());
        insert.setString(7, SqliteRowJson.valuesArray(row.values()));
        insert.executeUpdate();
        rows++;
    }

    /** Rows added. */
    long rows() {
        return rows;
    }

    @Override
    public void close() throws SQLException {
        insert.close();
    }
}
