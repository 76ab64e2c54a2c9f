package dev.salvor.salvage.sqlite;

import dev.salvor.formats.sqlite.DatabaseHeader;
import dev.salvor.formats.sqlite.SchemaEntry;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.formats.sqlite.SqliteSalvager;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The new SQLite database of a rebuild, written through the real SQLite (sqlite-jdbc; this file is output, never
 * evidence), in one transaction, phase by phase:
 * <ol>
 * <li>{@link #create}: the original's settings before anything else ({@code page_size}, {@code encoding},
 * {@code auto_vacuum}, and {@code user_version} and {@code application_id} when its header survives), then its
 * tables in schema order with their own CREATE statements, then its UNIQUE indexes (before the rows, so a row that
 * would duplicate a unique key is refused alone, with SQLite's constraint message, like a row breaking a PRIMARY
 * KEY, NOT NULL or CHECK constraint; the first row of a key to arrive stays, and the salvager sends a table's live
 * rows in rowid order). Automatic indexes ({@code sqlite_autoindex_*}) are SQLite's own and come with their tables.
 * </li>
 * <li>{@link #insert}: the rows, each through its table's {@link TableInsert}; tables lost with page 1 become
 * {@code orphan_<root>(c0, c1, …)} as their rows arrive.</li>
 * <li>{@link #finish}: the rows of SQLite's internal tables ({@code sqlite_sequence}, {@code sqlite_stat1/4}: their
 * rows replace what SQLite put there itself), the other indexes, views and triggers in schema order (triggers last,
 * so no row inserted fired one), COMMIT, {@code PRAGMA integrity_check} (anything but {@code ok} is a bug),
 * {@code PRAGMA foreign_key_check} (its rows counted in the facts: a parent row may be lost with its page), WAL
 * mode when the original was in it (file format versions 2 in the header), and the file closed with no journal or
 * WAL beside it (the journal is kept in memory while building; the WAL is checkpointed and removed on close).</li>
 * </ol>
 * Virtual tables are created with their own statement; their module creates the shadow tables. For FTS and R*Tree
 * the salvager gives the virtual table's rows, which are inserted into it (the shadow rows are left out: the module
 * rebuilds them); other modules' shadow rows are copied as they were. A statement SQLite refuses (a module or a
 * function it lacks, a view on a lost table) is listed in the facts under {@code not_created}, and the rows of a
 * table that could not be created are left out with the reason. A collation only the application defines is stood
 * in for ({@link #stubCollation}).
 */
final class SqliteOutput implements AutoCloseable {
    private static final Pattern VIRTUAL = Pattern.compile("^\\s*CREATE\\s+VIRTUAL\\s+TABLE\\b.*?\\bUSING\\s+[\"'`\\[]?"
            + "(\\w+)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern UNIQUE_INDEX = Pattern.compile("^\\s*CREATE\\s+UNIQUE\\s+INDEX\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ORPHAN = Pattern.compile("orphan_\\d+");
    /** The statement a schema entry of each type may hold: CREATE of that type, never TEMP (nothing else runs). */
    private static final Map<String, Pattern> CREATE_OF_TYPE = Map.of(
            "table", Pattern.compile("^\\s*CREATE\\s+(VIRTUAL\\s+)?TABLE\\b", Pattern.CASE_INSENSITIVE),
            "index", Pattern.compile("^\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\b", Pattern.CASE_INSENSITIVE),
            "view", Pattern.compile("^\\s*CREATE\\s+VIEW\\b", Pattern.CASE_INSENSITIVE),
            "trigger", Pattern.compile("^\\s*CREATE\\s+TRIGGER\\b", Pattern.CASE_INSENSITIVE));
    private static final Pattern NO_COLLATION = Pattern.compile("no such collation sequence: (\\S+)");
    /** Collations of the application stood in for, at most (each one a retry of a CREATE). */
    private static final int MAX_STUB_COLLATIONS = 16;

    private final Path file;
    private final Connection c;
    private final List<SchemaEntry> schema;
    /** How each table's rows go in, by name (SQLite's names are case-insensitive). */
    private final Map<String, TableInsert> inserts = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    /** Why every row of a table is left out, by name. */
    private final Map<String, String> leftOutTables = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    /** Rows of SQLite's internal tables, written when the rows are in (SQLite fills these tables itself). */
    private final InternalTables internal = new InternalTables();
    private final Map<String, Long> created = new LinkedHashMap<>();
    private final List<Map<String, String>> notCreated = new ArrayList<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private RecoveredRowsTable recovered;
    private boolean walMode;
    private long foreignKeyViolations;
    private final List<String> stubCollations = new ArrayList<>();

    private SqliteOutput(Path file, Connection c, List<SchemaEntry> schema) {
        this.file = file;
        this.c = c;
        this.schema = schema;
        for (String kind : List.of("tables", "indexes", "views", "triggers")) {
            created.put(kind, 0L);
        }
    }

    /**
     * Creates the database at {@code file} (which must not exist) with the settings and tables of {@code original}
     * and, when {@code withDeleted}, the table {@code salvor_recovered}.
     */
    static SqliteOutput create(Path file, SqliteSalvager.Schema original, boolean withDeleted) throws IOException {
        if (Files.exists(file) || Files.exists(sibling(file, "-journal")) || Files.exists(sibling(file, "-wal"))) {
            throw new IOException("rebuild output: exists already (resource=" + file + ")");
        }
        Connection c;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:file:" + file.toAbsolutePath().toUri().getRawPath());
        } catch (SQLException e) {
            throw new IOException("rebuild output: cannot create (" + SqlNames.detail(e) + ") (resource=" + file
                    + ")", e);
        }
        SqliteOutput out = new SqliteOutput(file, c, original.schema());
        try {
            out.settings(original.header());
            c.setAutoCommit(false);
            out.tables();
            out.indexes(true);
            if (withDeleted) {
                out.recovered = RecoveredRowsTable.create(c);
            }
            return out;
        } catch (SQLException e) {
            out.close();
            throw new IOException("rebuild output: " + SqlNames.detail(e) + " (resource=" + file + ")", e);
        }
    }

    /** Phase 1a: the settings a database fixes when it is created, from the original's header. */
    private void settings(DatabaseHeader h) throws SQLException {
        int autoVacuum = !h.autoVacuum() ? 0 : h.incrementalVacuum() != 0 ? 2 : 1;
        String encoding = switch (h.encoding()) {
            case UTF_8 -> "UTF-8";
            case UTF_16LE -> "UTF-16le";
            case UTF_16BE -> "UTF-16be";
        };
        exec("PRAGMA page_size = " + h.pageSize());
        exec("PRAGMA encoding = '" + encoding + "'");
        exec("PRAGMA auto_vacuum = " + autoVacuum);
        exec("PRAGMA journal_mode = MEMORY"); // no -journal beside the output, statement rollback still works
        exec("PRAGMA synchronous = OFF"); // the file is forced to disk once, when closed
        exec("PRAGMA foreign_keys = OFF"); // rows arrive in any order; the check is the caller's
        settings.put("page_size", (long) h.pageSize());
        settings.put("encoding", encoding);
        settings.put("auto_vacuum", (long) autoVacuum);
        walMode = h.magicOk() && !h.inferred() && h.walMode();
        settings.put("journal_mode", walMode ? "wal" : "delete");
        if (h.magicOk() && !h.inferred()) {
            exec("PRAGMA user_version = " + (int) h.userVersion());
            exec("PRAGMA application_id = " + (int) h.applicationId());
            settings.put("user_version", (long) (int) h.userVersion());
            settings.put("application_id", (long) (int) h.applicationId());
        }
    }

    /** Phase 1b: the tables, in schema order, each with its own CREATE statement. */
    private void tables() throws SQLException {
        Map<String, String> moduleOf = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (SchemaEntry e : schema) {
            if (!"table".equals(e.type()) || e.name() == null) {
                continue;
            }
            String name = e.name();
            if (name.toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
                internalTable(name);
                continue;
            }
            if (exists(name)) {
                shadowTable(e, moduleOf);
                continue;
            }
            if (e.sql() == null) {
                refuseTable(e, "no CREATE statement in the schema");
                continue;
            }
            Matcher virtual = VIRTUAL.matcher(e.sql());
            if (!createObject(e, "tables")) {
                continue;
            }
            if (virtual.find()) {
                String module = virtual.group(1).toLowerCase(Locale.ROOT);
                moduleOf.put(name, module);
                inserts.put(name, TableInsert.of(c, name, -1, module.startsWith("rtree"), true));
            } else {
                int alias = e.table() == null ? -1 : e.table().rowidAlias();
                boolean withoutRowid = e.table() != null && e.table().withoutRowid();
                inserts.put(name, TableInsert.of(c, name, alias, withoutRowid, false));
            }
        }
    }

    /** SQLite's own tables: their rows are written last, over what SQLite put there. */
    private void internalTable(String name) {
        if (InternalTables.kept(name)) {
            internal.declare(name);
        } else {
            leftOutTables.put(name, "internal table " + name + " (SQLite keeps it itself)");
        }
    }

    /**
     * A table that exists before its own CREATE ran: the shadow table of a virtual table created before it. FTS and
     * R*Tree rebuild theirs from the virtual table's rows; other modules' shadow rows are copied.
     */
    private void shadowTable(SchemaEntry e, Map<String, String> moduleOf) throws SQLException {
        String owner = null;
        for (String vt : moduleOf.keySet()) {
            if (e.name().toLowerCase(Locale.ROOT).startsWith(vt.toLowerCase(Locale.ROOT) + "_")) {
                owner = vt;
            }
        }
        if (owner == null) {
            refuseTable(e, "a table of this name exists already (the schema names it twice)");
            return;
        }
        String module = moduleOf.get(owner);
        if (module.startsWith("fts") || module.startsWith("rtree")) {
            leftOutTables.put(e.name(), "shadow table of virtual table " + owner
                    + " (rebuilt by its module from the virtual table's rows)");
        } else {
            int alias = e.table() == null ? -1 : e.table().rowidAlias();
            inserts.put(e.name(), TableInsert.of(c, e.name(), alias, e.table() != null && e.table().withoutRowid(),
                    false));
        }
    }

    private void refuseTable(SchemaEntry e, String why) {
        notCreated.add(Map.of("type", "table", "name", e.name(), "error", why));
        leftOutTables.put(e.name(), "table " + e.name() + " not created: " + why);
    }

    /** Indexes with their own CREATE statement: the UNIQUE ones ({@code unique}) or the others. */
    private void indexes(boolean unique) throws SQLException {
        for (SchemaEntry e : schema) {
            if ("index".equals(e.type()) && e.sql() != null && UNIQUE_INDEX.matcher(e.sql()).find() == unique) {
                createObject(e, "indexes");
            }
        }
    }

    /**
     * Runs {@code e}'s CREATE statement in a savepoint: true when created; a refusal is rolled back alone and listed
     * under {@code not_created}.
     */
    private boolean createObject(SchemaEntry e, String kind) throws SQLException {
        Pattern allowed = CREATE_OF_TYPE.get(e.type());
        if (allowed == null || !allowed.matcher(e.sql()).find()) {
            String why = "not a CREATE " + String.valueOf(e.type()).toUpperCase(Locale.ROOT) + " statement";
            notCreated.add(Map.of("type", String.valueOf(e.type()), "name", String.valueOf(e.name()), "error", why));
            if ("table".equals(e.type())) {
                leftOutTables.put(e.name(), "table " + e.name() + " not created: " + why);
            }
            return false;
        }
        while (true) {
            exec("SAVEPOINT salvor_create");
            try {
                try (PreparedStatement ps = c.prepareStatement(e.sql())) {
                    ps.execute(); // the evidence's text: one statement is compiled and run, whatever follows it
                }
                exec("RELEASE salvor_create");
                created.merge(kind, 1L, Long::sum);
                return true;
            } catch (SQLException ex) {
                exec("ROLLBACK TO salvor_create");
                exec("RELEASE salvor_create");
                if (stubCollation(ex)) {
                    continue;
                }
                String why = SqlNames.detail(ex);
                notCreated.add(Map.of("type", e.type(), "name", String.valueOf(e.name()), "error", why));
                if ("table".equals(e.type())) {
                    leftOutTables.put(e.name(), "table " + e.name() + " not created: " + why);
                }
                return false;
            }
        }
    }

    /**
     * A collation the application registers itself (Android's {@code LOCALIZED}, {@code UNICODE}...) that SQLite
     * here lacks: a stand-in of that name ordering as BINARY does (by code point, as UTF-8 bytes compare) lets the
     * table and its indexes be created; those indexes are then in binary order, which the facts say
     * ({@code stub_collations}: the application should {@code REINDEX} them with its own collation). False when the
     * failure is something else or too many were stood in for.
     */
    private boolean stubCollation(SQLException ex) throws SQLException {
        Matcher m = NO_COLLATION.matcher(SqlNames.detail(ex));
        if (!m.find() || stubCollations.size() >= MAX_STUB_COLLATIONS || stubCollations.contains(m.group(1))) {
            return false;
        }
        org.sqlite.Collation.create(c, m.group(1), new org.sqlite.Collation() {
            @Override
            protected int xCompare(String a, String b) {
                return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
            }
        });
        stubCollations.add(m.group(1));
        return true;
    }

    /**
     * Phase 2: writes a live row into its table; null when written, else why it is left out. Rows of SQLite's
     * internal tables are held until {@link #finish}.
     */
    String insert(SqliteRow row) throws SQLException {
        String table = row.table();
        if (internal.holds(table)) {
            return internal.hold(row);
        }
        String refused = leftOutTables.get(table);
        if (refused != null) {
            return refused;
        }
        TableInsert t = inserts.get(table);
        if (t == null) {
            if (!ORPHAN.matcher(table).matches()) {
                return "table " + table + " is not in the schema";
            }
            try {
                t = TableInsert.orphan(c, table, row.values().size());
            } catch (SQLException e) {
                String why = "table " + table + " not created: " + SqlNames.detail(e);
                leftOutTables.put(table, why);
                notCreated.add(Map.of("type", "table", "name", table, "error", SqlNames.detail(e)));
                return why;
            }
            created.merge("tables", 1L, Long::sum);
            inserts.put(table, t);
        }
        return t.insert(c, row);
    }

    /** {@code --with-deleted}: a row that is not live, into {@code salvor_recovered}. */
    void recovered(SqliteRow row) throws SQLException {
        recovered.add(row);
    }

    /**
     * Phase 3: internal tables' rows (each row refused goes to {@code leftOut} with its reason, each written is
     * counted by {@code written}), the other indexes, views and triggers, COMMIT, the integrity check, and the file
     * closed and forced to disk.
     *
     * @throws IOException when the new database is not sound ({@code integrity_check} not ok: a bug) or cannot be
     *                     written
     */
    void finish(RowOutcome outcome) throws IOException {
        try {
            internal.write(c, outcome);
            indexes(false);
            for (String kind : List.of("view", "trigger")) {
                for (SchemaEntry e : schema) {
                    if (kind.equals(e.type()) && e.sql() != null) {
                        createObject(e, kind + "s");
                    }
                }
            }
            for (TableInsert t : inserts.values()) {
                t.close();
            }
            if (recovered != null) {
                recovered.close();
            }
            c.commit();
            integrityCheck();
            foreignKeyViolations = foreignKeyCheck();
            if (walMode) {
                c.setAutoCommit(true);
                exec("PRAGMA journal_mode = WAL"); // header versions 2; the -wal goes when the connection closes
            }
        } catch (SQLException e) {
            close();
            throw new IOException("rebuild output: " + SqlNames.detail(e) + " (resource=" + file + ")", e);
        }
        close();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        for (String suffix : List.of("-journal", "-wal", "-shm")) {
            if (Files.exists(sibling(file, suffix))) {
                throw new IOException("rebuild output: a " + suffix.substring(1) + " file remains beside the new "
                        + "database (resource=" + sibling(file, suffix) + ")");
            }
        }
    }

    /** What became of a row written late (internal tables). */
    interface RowOutcome {
        void written(SqliteRow row);

        void leftOut(SqliteRow row, String reason);
    }

    /**
     * Rows {@code PRAGMA foreign_key_check} lists: the foreign keys the original declared that the salvaged rows do
     * not meet (a parent row lost with its page...); reported, not repaired.
     */
    private long foreignKeyCheck() throws SQLException {
        long n = 0;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA foreign_key_check")) {
            while (r.next()) {
                n++;
            }
        }
        return n;
    }

    private void integrityCheck() throws SQLException, IOException {
        List<String> result = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
            while (r.next() && result.size() < 20) {
                result.add(r.getString(1));
            }
        }
        if (!result.equals(List.of("ok"))) {
            throw new IOException("rebuild output: integrity_check: actual=" + result + " vs expected=[ok] (a bug "
                    + "of the rebuild) (resource=" + file + ")");
        }
    }

    /** Rows written per table (tables that received at least one). */
    Map<String, Long> writtenByTable() {
        Map<String, Long> m = new LinkedHashMap<>();
        inserts.forEach((name, t) -> {
            if (t.written() > 0) {
                m.put(name, t.written());
            }
        });
        m.putAll(internal.written());
        return m;
    }

    /** The settings, objects created, objects refused and rows of {@code salvor_recovered}, for the report. */
    void facts(Map<String, Object> facts) {
        facts.putAll(settings);
        facts.put("created", new LinkedHashMap<>(created));
        facts.put("foreign_key_violations", foreignKeyViolations);
        if (!stubCollations.isEmpty()) {
            facts.put("stub_collations", new ArrayList<>(stubCollations));
        }
        if (!notCreated.isEmpty()) {
            facts.put("not_created", new ArrayList<>(notCreated));
        }
        if (recovered != null) {
            facts.put("recovered_rows", recovered.rows());
        }
    }

    private boolean exists(String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE")) {
            ps.setString(1, name);
            try (ResultSet r = ps.executeQuery()) {
                return r.next();
            }
        }
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** Closes the connection; a transaction not committed is rolled back (nothing more is written). */
    @Override
    public void close() {
        try {
            if (!c.isClosed()) {
                c.close();
            }
        } catch (SQLException e) {
            // closing an abandoned output: nothing to report beyond the failure that abandoned it
        }
    }
}
