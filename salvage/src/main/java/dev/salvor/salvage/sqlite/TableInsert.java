package dev.salvor.salvage.sqlite;

import dev.salvor.formats.sqlite.SqliteRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the rows of one table of the new database are inserted: one prepared {@code INSERT OR ABORT} per number of
 * values (a record written before an {@code ALTER TABLE ADD COLUMN} holds fewer values; the columns it lacks take
 * their defaults, as SQLite reads them), the rowid given explicitly so it is kept.
 *
 * <p>{@code OR ABORT} overrides any {@code ON CONFLICT REPLACE/IGNORE/ROLLBACK} clause of the table's constraints:
 * a row that breaks a constraint fails alone (its statement is undone, the transaction goes on) and is returned as a
 * reason, never replaced, ignored or rolled back with the others.
 *
 * <p>The rowid: an INTEGER PRIMARY KEY column is the rowid, so its value is the row's rowid; otherwise the first of
 * {@code rowid}, {@code _rowid_}, {@code oid} that no column is named. WITHOUT ROWID tables and R*Tree virtual tables
 * (whose first column is the id) get none.
 */
final class TableInsert {
    /** SQLite's primary result code for a constraint violation. */
    private static final int SQLITE_CONSTRAINT = 19;

    private final String table;
    /** Insertable column names, one per value position; null where the column is generated (no value inserted). */
    private final List<String> columns;
    private final int aliasIndex;
    private final String rowidName;
    private final boolean orphan;
    private final Map<Integer, PreparedStatement> statements = new HashMap<>();
    private final Map<Integer, String> unpreparable = new HashMap<>();
    private long written;

    private TableInsert(String table, List<String> columns, int aliasIndex, String rowidName, boolean orphan) {
        this.table = table;
        this.columns = columns;
        this.aliasIndex = aliasIndex;
        this.rowidName = rowidName;
        this.orphan = orphan;
    }

    /**
     * The insert of a table of the new database, its columns as SQLite declares them ({@code PRAGMA table_xinfo}):
     * generated columns get no value.
     *
     * @param aliasIndex   index of the INTEGER PRIMARY KEY column, or -1
     * @param withoutRowid no rowid is given (WITHOUT ROWID table, R*Tree)
     * @param virtual      a virtual table: its hidden columns are not among the values
     */
    static TableInsert of(Connection c, String table, int aliasIndex, boolean withoutRowid, boolean virtual)
            throws SQLException {
        List<String> cols = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("PRAGMA table_xinfo(" + SqlNames.quote(table) + ")")) {
            while (r.next()) {
                int hidden = r.getInt("hidden");
                if (virtual && hidden != 0) {
                    continue;
                }
                cols.add(hidden == 2 || hidden == 3 ? null : r.getString("name"));
            }
        }
        String rowid = withoutRowid || aliasIndex >= 0 ? null : freeRowidName(cols);
        return new TableInsert(table, cols, aliasIndex, rowid, false);
    }

    /**
     * The table {@code orphan_<root>} for rows whose table was lost: columns {@code c0, c1, …}, created here with
     * {@code width} columns and widened as wider rows arrive; rowids kept.
     */
    static TableInsert orphan(Connection c, String table, int width) throws SQLException {
        List<String> cols = new ArrayList<>();
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(SqlNames.quote(table)).append('(');
        for (int i = 0; i < Math.max(1, width); i++) {
            cols.add("c" + i);
            sql.append(i == 0 ? "" : ", ").append("c").append(i);
        }
        try (Statement s = c.createStatement()) {
            s.execute(sql.append(')').toString());
        }
        return new TableInsert(table, cols, -1, "rowid", true);
    }

    /** Rows this insert wrote. */
    long written() {
        return written;
    }

    /** Inserts {@code row}; null when written, else why it was left out (a constraint, a value SQLite refused). */
    String insert(Connection c, SqliteRow row) throws SQLException {
        List<Object> values = row.values();
        if (orphan && values.size() > columns.size()) {
            try {
                widen(c, values.size());
            } catch (SQLException e) {
                return "orphan table " + table + " not widened to " + values.size() + " columns: "
                        + SqlNames.detail(e);
            }
        }
        if (values.size() > columns.size()) {
            return "values: actual=" + values.size() + " vs expected<=" + columns.size()
                    + " (the record holds more values than the table has columns)";
        }
        boolean withRowid = rowidName != null && row.rowid() != null;
        int key = values.size() * 2 + (withRowid ? 1 : 0);
        String refused = unpreparable.get(key);
        if (refused != null) {
            return refused;
        }
        PreparedStatement ps = statements.get(key);
        if (ps == null) {
            try {
                ps = c.prepareStatement(sql(values.size(), withRowid));
            } catch (SQLException e) {
                refused = reason(e);
                unpreparable.put(key, refused);
                return refused;
            }
            statements.put(key, ps);
        }
        int p = 1;
        if (withRowid) {
            ps.setLong(p++, row.rowid());
        }
        for (int i = 0; i < values.size(); i++) {
            if (columns.get(i) == null) {
                continue;
            }
            Object v = i == aliasIndex && row.rowid() != null ? row.rowid() : values.get(i);
            bind(ps, p++, v);
        }
        try {
            ps.executeUpdate();
        } catch (SQLException e) {
            return reason(e);
        }
        written++;
        return null;
    }

    /** Closes the prepared statements. */
    void close() throws SQLException {
        for (PreparedStatement ps : statements.values()) {
            ps.close();
        }
        statements.clear();
    }

    /**
     * Why SQLite refused a row: {@code constraint: <SQLite's message>} for a constraint (UNIQUE, PRIMARY KEY, NOT
     * NULL, CHECK), {@code refused: <message>} for anything else.
     */
    static String reason(SQLException e) {
        String detail = SqlNames.detail(e);
        return ((e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT ? "constraint: " : "refused: ") + detail;
    }

    private String sql(int n, boolean withRowid) {
        StringBuilder names = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        if (withRowid) {
            names.append(rowidName);
            marks.append('?');
        }
        for (int i = 0; i < n; i++) {
            if (columns.get(i) == null) {
                continue;
            }
            names.append(names.length() == 0 ? "" : ", ").append(SqlNames.quote(columns.get(i)));
            marks.append(marks.length() == 0 ? "?" : ", ?");
        }
        if (names.length() == 0) {
            return "INSERT OR ABORT INTO " + SqlNames.quote(table) + " DEFAULT VALUES";
        }
        return "INSERT OR ABORT INTO " + SqlNames.quote(table) + "(" + names + ") VALUES(" + marks + ")";
    }

    private void widen(Connection c, int width) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (int i = columns.size(); i < width; i++) {
                s.execute("ALTER TABLE " + SqlNames.quote(table) + " ADD COLUMN c" + i);
                columns.add("c" + i);
            }
        }
        for (PreparedStatement ps : statements.values()) {
            ps.close();
        }
        statements.clear();
    }

    private static void bind(PreparedStatement ps, int p, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(p, Types.NULL);
        } else if (v instanceof Long l) {
            ps.setLong(p, l);
        } else if (v instanceof Double d) {
            ps.setDouble(p, d);
        } else if (v instanceof byte[] b) {
            ps.setBytes(p, b);
        } else {
            ps.setString(p, v.toString());
        }
    }

    private static String freeRowidName(List<String> cols) {
        for (String candidate : new String[] {"rowid", "_rowid_", "oid"}) {
            boolean taken = cols.stream().anyMatch(n -> n != null && n.toLowerCase(Locale.ROOT).equals(candidate));
            if (!taken) {
                return candidate;
            }
        }
        return null;
    }
}
