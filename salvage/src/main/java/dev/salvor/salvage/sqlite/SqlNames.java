package dev.salvor.salvage.sqlite;

import java.sql.SQLException;

/** Quoting of SQL identifiers and SQLite's own words out of sqlite-jdbc's exception messages. */
final class SqlNames {
    private SqlNames() {
    }

    /** {@code name} as a double-quoted SQL identifier. */
    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * SQLite's message inside sqlite-jdbc's ({@code [SQLITE_CONSTRAINT_UNIQUE] A UNIQUE constraint failed (UNIQUE
     * constraint failed: t.a)} gives {@code UNIQUE constraint failed: t.a}); the whole message when it has no such
     * part.
     */
    static String detail(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int close = m.indexOf(']');
        int open = m.indexOf(" (", Math.max(0, close));
        if (m.startsWith("[") && close > 0 && open > 0 && m.endsWith(")")) {
            return m.substring(open + 2, m.length() - 1);
        }
        return m;
    }
}
