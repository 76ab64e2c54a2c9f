package dev.salvor.salvage.sqlite;

import dev.salvor.formats.sqlite.SqliteRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rows of SQLite's own tables in the original's schema that a new database can hold: {@code sqlite_sequence}
 * (AUTOINCREMENT's counters) and {@code sqlite_stat1/2/3/4} (ANALYZE's statistics). SQLite creates these tables
 * itself and fills them as rows go in, so their salvaged rows are held until every other row is written and then
 * replace what SQLite put there: the counters and statistics are the original's.
 */
final class InternalTables {
    /**
     * Rows held, at most, per table (a damaged schema could name a large tree {@code sqlite_stat1}); past it they are
     * left out.
     */
    static final int MAX_ROWS = 100_000;

    private final Map<String, List<SqliteRow>> rows = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, Long> written = new LinkedHashMap<>();

    /** True for the internal tables whose rows are kept ({@code sqlite_sequence}, {@code sqlite_stat*}). */
    static boolean kept(String table) {
        String n = table.toLowerCase(Locale.ROOT);
        return n.equals("sqlite_sequence") || n.startsWith("sqlite_stat");
    }

    /** The original's schema has this internal table: its rows will be held. */
    void declare(String table) {
        rows.put(table, new ArrayList<>());
    }

    /** True when {@code table} is one of the declared tables. */
    boolean holds(String table) {
        return table != null && rows.containsKey(table);
    }

    /** Holds {@code row} of a declared table; null when held, else why it is left out. */
    String hold(SqliteRow row) {
        List<SqliteRow> held = rows.get(row.table());
        if (held.size() >= MAX_ROWS) {
            return "internal table " + row.table() + ": more than " + MAX_ROWS + " rows";
        }
        held.add(row);
        return null;
    }

    /**
     * Writes the held rows: each table's present rows are deleted first (SQLite's own), then the salvaged ones are
     * inserted, rowids kept. A statistics table this SQLite has not created yet is created by {@code ANALYZE} of the
     * schema table (which reads no user table); a table it cannot create leaves its rows out.
     */
    void write(Connection c, SqliteOutput.RowOutcome outcome) throws SQLException {
        for (Map.Entry<String, List<SqliteRow>> e : rows.entrySet()) {
            String name = e.getKey();
            if (name.toLowerCase(Locale.ROOT).startsWith("sqlite_stat") && !exists(c, name)) {
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE sqlite_master");
                }
            }
            if (!exists(c, name)) {
                for (SqliteRow row : e.getValue()) {
                    outcome.leftOut(row, "internal table " + name + " not created by this SQLite");
                }
                continue;
            }
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM " + SqlNames.quote(name));
            }
            TableInsert t = TableInsert.of(c, name, -1, false, false);
            for (SqliteRow row : e.getValue()) {
                String reason = t.insert(c, row);
                if (reason == null) {
                    outcome.written(row);
                    written.merge(name, 1L, Long::sum);
                } else {
                    outcome.leftOut(row, reason);
                }
            }
            t.close();
        }
    }

    /** Rows written per internal table. */
    Map<String, Long> written() {
        return written;
    }

    private static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE")) {
            ps.setString(1, name);
            try (ResultSet r = ps.executeQuery()) {
                return r.next();
            }
        }
    }
}
