package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;
import dev.salvor.formats.jsonlog.ChainFields;
import dev.salvor.formats.jsonlog.CsvLedgerSource;
import dev.salvor.formats.jsonlog.EventSource;
import dev.salvor.formats.jsonlog.JsonCanonicalizer;
import dev.salvor.formats.jsonlog.LedgerRow;
import dev.salvor.formats.jsonlog.SegmentEvent;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A hash-chained ledger read from a live PostgreSQL table over JDBC, as chain events (JDBC is I/O policy of the
 * pipeline, so this source lives here and not in the byte-level library): the same events the table's
 * CSV export ({@code COPY table TO ... CSV HEADER}, read by {@link CsvLedgerSource}) gives, so both verify alike.
 *
 * <p>Reading (evidence is never written):
 * <pre>
 *   setAutoCommit(false); setReadOnly(true); setTransactionIsolation(REPEATABLE_READ)
 *   SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY      -- first statement of the transaction
 *   SET LOCAL TIME ZONE 'UTC'                                       -- timestamptz text independent of the JVM
 *   SELECT t."c1"::text, t."c2"::text, ... FROM "schema"."table" AS t ORDER BY t."order"   -- fetch size N
 *   ROLLBACK                                                        -- close(): never COMMIT
 * </pre>
 * Every read runs in the same transaction, so a second read (the verifier reads twice when it streams per-event
 * results) sees the same snapshot. The rows are streamed with a server-side cursor (autocommit off + fetch size).
 * {@code ORDER BY} names the table's column (qualified), never the text output, so integers sort as integers. When
 * the order column is not unique, rows sharing a value come in the server's order.
 *
 * <p>Values: every column is read as its text form ({@code ::text}, the type's output function - what COPY
 * writes), then typed as in {@link LedgerRow}. Default type by SQL type, overridable per column
 * ({@link Options#types()}, the CLI's {@code --column-type}/{@code --csv-type}):
 * <pre>
 *   int2 int4 int8 oid (smallint integer bigint serial)  -&gt; INTEGER  exact digits, never through a double
 *   numeric float4 float8                                -&gt; NUMBER   the server's text (numeric exact; NaN and
 *                                                                     Infinity are not JSON: row rejected)
 *   bool                                                 -&gt; BOOLEAN
 *   json jsonb                                           -&gt; JSON     the value's text (jsonb: normalised by the
 *                                                                     server; RFC 8785 removes the differences)
 *   everything else (text varchar timestamp timestamptz date uuid bytea arrays ...)
 *                                                        -&gt; STRING   the text form, e.g. 2025-12-23 00:00:00+00
 * </pre>
 * A row whose value does not fit its type, or whose object is over {@link Options#maxRowBytes()}, is a
 * {@link SegmentEvent.Status#REJECTED} event with a damage (its index is kept). Events have offset -1 (a table row
 * has no byte offset) and their {@code raw} bytes are the row's JSON object.
 *
 * <p>Not thread-safe (one connection); a failure of the connection or of a statement while reading is thrown as
 * {@link ReadFailure} (the table is unreadable, not damaged).
 * Spec: https://www.postgresql.org/docs/current/sql-set-transaction.html,
 * https://jdbc.postgresql.org/documentation/query/#getting-results-based-on-a-cursor
 */
public final class JdbcLedgerSource implements EventSource, AutoCloseable {

    /**
     * Settings.
     *
     * @param fields      chain member names (the hash member is left out of the canonical form)
     * @param table       the table, {@code [schema.]name}; unquoted parts fold to lower case as in SQL, parts in
     *                    double quotes are kept exactly
     * @param orderColumn the column the chain is ordered by (same quoting rules)
     * @param types       column types by column name, over the defaults by SQL type
     * @param excluded    columns not part of the hashed event (not selected)
     * @param fetchSize   rows per round trip of the cursor
     * @param maxRowBytes largest row object accepted
     */
    public record Options(ChainFields fields, String table, String orderColumn,
                          Map<String, CsvLedgerSource.ColumnType> types, Set<String> excluded, int fetchSize,
                          int maxRowBytes) {
        public Options {
            Objects.requireNonNull(fields, "fields");
            types = Map.copyOf(types);
            excluded = Set.copyOf(excluded);
            parseName(table, "table");
            parseColumnName(orderColumn, "order column");
            if (fetchSize <= 0 || maxRowBytes <= 0) {
                throw new IllegalArgumentException("fetch size and row limit must be positive");
            }
        }

        /** {@code table} ordered by {@code orderColumn}: no overrides, 1,000 rows per fetch, 16 MiB rows. */
        public static Options of(ChainFields fields, String table, String orderColumn) {
            return new Options(fields, table, orderColumn, Map.of(), Set.of(), 1000, 16 << 20);
        }
    }

    /**
     * One column of the table.
     *
     * @param name    its name
     * @param sqlType the server's type name ({@code int8}, {@code numeric}, {@code jsonb}, ...)
     * @param type    how its text becomes a JSON value
     */
    public record Column(String name, String sqlType, CsvLedgerSource.ColumnType type) {
    }

    /** The table could not be read (connection lost, statement failed); not damage of the ledger. */
    public static final class ReadFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReadFailure(String message, SQLException cause) {
            super(message + ": " + cause.getMessage() + " (SQLState " + cause.getSQLState() + ")", cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    private final Connection connection;
    private final String name;
    private final Options options;
    private final JsonCanonicalizer canonicalizer;
    private final List<Column> columns;
    private final List<String> selected;
    private final String query;
    private final String isolation;
    private final boolean readOnly;
    private final boolean ownsTransaction;

    private JdbcLedgerSource(Connection connection, String name, Options options, JsonCanonicalizer canonicalizer,
                             List<Column> columns, String query, String isolation, boolean readOnly,
                             boolean ownsTransaction) {
        this.connection = connection;
        this.name = name;
        this.options = options;
        this.canonicalizer = canonicalizer;
        this.columns = List.copyOf(columns);
        this.selected = columns.stream().map(Column::name).filter(c -> !options.excluded().contains(c)).toList();
        this.query = query;
        this.isolation = isolation;
        this.readOnly = readOnly;
        this.ownsTransaction = ownsTransaction;
    }

    /**
     * Starts the read-only, repeatable-read transaction on {@code connection} (the caller keeps ownership of the
     * connection; {@link #close()} rolls the transaction back) and checks that the table and the order column
     * exist.
     *
     * @param name the name used in reports (a URL without credentials)
     * @throws SQLException when the transaction cannot be made read-only and repeatable-read, or the table or the
     *                      order column is missing
     */
    public static JdbcLedgerSource open(Connection connection, String name, Options options,
                                        JsonCanonicalizer canonicalizer) throws SQLException {
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        String iso;
        String ro;
        try (Statement st = connection.createStatement()) {
            // First statement of the transaction: nothing has run in it yet, so both settings take effect.
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            st.execute("SET LOCAL TIME ZONE 'UTC'");
            iso = show(st, "transaction_isolation");
            ro = show(st, "transaction_read_only");
        }
        if (!"repeatable read".equals(iso) || !"on".equals(ro)) {
            connection.rollback();
            throw new SQLException("the server did not start a read-only repeatable-read transaction"
                    + " (transaction_isolation=" + iso + ", transaction_read_only=" + ro + ")", "25000");
        }
        try {
            return build(connection, name, options, canonicalizer, iso, ro, true);
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }

    /**
     * Reads the table inside the transaction the caller already started on {@code connection} (a truncation's
     * SERIALIZABLE transaction, {@link LedgerTruncation}): nothing is set, and {@link #close()} leaves the
     * transaction open for the caller to end.
     *
     * @throws SQLException when the table or the order column is missing (the transaction is left to the caller)
     */
    public static JdbcLedgerSource within(Connection connection, String name, Options options,
                                          JsonCanonicalizer canonicalizer) throws SQLException {
        String iso;
        String ro;
        try (Statement st = connection.createStatement()) {
            iso = show(st, "transaction_isolation");
            ro = show(st, "transaction_read_only");
        }
        return build(connection, name, options, canonicalizer, iso, ro, false);
    }

    /** Lists the columns (typed), checks the order column, and builds the SELECT. */
    private static JdbcLedgerSource build(Connection connection, String name, Options options,
                                          JsonCanonicalizer canonicalizer, String iso, String ro,
                                          boolean ownsTransaction) throws SQLException {
        String table = qualified(options.table());
        List<Column> cols = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + table + " AS t WHERE false")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String col = md.getColumnLabel(i);
                String sqlType = md.getColumnTypeName(i);
                CsvLedgerSource.ColumnType t = options.types().get(col);
                cols.add(new Column(col, sqlType, t != null ? t : defaultType(sqlType)));
            }
        }
        String order = parseColumnName(options.orderColumn(), "order column");
        if (cols.stream().noneMatch(c -> c.name().equals(order))) {
            throw new SQLException("table " + options.table() + " has no column " + order + " (columns: "
                    + String.join(", ", cols.stream().map(Column::name).toList()) + ")", "42703");
        }
        StringBuilder q = new StringBuilder("SELECT ");
        boolean first = true;
        for (Column c : cols) {
            if (options.excluded().contains(c.name())) {
                continue;
            }
            q.append(first ? "" : ", ").append("t.").append(quote(c.name())).append("::text");
            first = false;
        }
        if (first) {
            q.append("NULL"); // every column excluded: rows are empty objects
        }
        q.append(" FROM ").append(table).append(" AS t ORDER BY t.").append(quote(order));
        return new JdbcLedgerSource(connection, name, options, canonicalizer, cols, q.toString(), iso,
                "on".equals(ro), ownsTransaction);
    }

    /**
     * The columns of {@code table} (one {@code SELECT * ... WHERE false}, read-only), typed by {@code types} over
     * the defaults, to choose the chain's members before {@link #open}. When the connection is not in auto-commit
     * mode, the transaction this query started is rolled back, so that {@link #open} starts a fresh one.
     */
    public static List<Column> describe(Connection connection, String table,
                                        Map<String, CsvLedgerSource.ColumnType> types) throws SQLException {
        connection.setReadOnly(true);
        List<Column> cols = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + qualified(table) + " AS t WHERE false")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String col = md.getColumnLabel(i);
                String sqlType = md.getColumnTypeName(i);
                CsvLedgerSource.ColumnType t = types.get(col);
                cols.add(new Column(col, sqlType, t != null ? t : defaultType(sqlType)));
            }
        } finally {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        }
        return cols;
    }

    private static String show(Statement st, String setting) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The default mapping of a PostgreSQL type name (see the class comment). */
    public static CsvLedgerSource.ColumnType defaultType(String sqlType) {
        return switch (sqlType == null ? "" : sqlType.toLowerCase(Locale.ROOT)) {
            case "int2", "int4", "int8", "oid", "smallint", "integer", "bigint", "serial", "bigserial",
                 "smallserial", "serial2", "serial4", "serial8" -> CsvLedgerSource.ColumnType.INTEGER;
            case "numeric", "decimal", "float4", "float8", "real", "double precision" ->
                    CsvLedgerSource.ColumnType.NUMBER;
            case "bool", "boolean" -> CsvLedgerSource.ColumnType.BOOLEAN;
            case "json", "jsonb" -> CsvLedgerSource.ColumnType.JSON;
            default -> CsvLedgerSource.ColumnType.STRING;
        };
    }

    /**
     * The parts of a {@code [schema.]name} as SQL reads them: unquoted parts ({@code [A-Za-z_][A-Za-z0-9_$]*})
     * folded to lower case, double-quoted parts exactly (a doubled quote is one quote).
     *
     * @throws IllegalArgumentException for anything else (never passed to the server)
     */
    public static List<String> parseName(String text, String what) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (true) {
            StringBuilder part = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new IllegalArgumentException(what + " " + text + ": unclosed double quote");
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            part.append('"');
                            i++;
                            continue;
                        }
                        break;
                    }
                    part.append(c);
                }
                if (part.length() == 0 || part.indexOf("\0") >= 0) {
                    throw new IllegalArgumentException(what + " " + text + ": empty or NUL in a quoted name");
                }
            } else {
                int s = i;
                while (i < text.length() && isIdent(text.charAt(i), i == s)) {
                    i++;
                }
                if (i == s) {
                    throw new IllegalArgumentException(what + " " + text + ": not a SQL name ([schema.]name, or"
                            + " \"Quoted Name\")");
                }
                part.append(text.substring(s, i).toLowerCase(Locale.ROOT));
            }
            parts.add(part.toString());
            if (i == text.length()) {
                break;
            }
            if (text.charAt(i) != '.' || parts.size() == 2) {
                throw new IllegalArgumentException(what + " " + text + ": not a SQL name ([schema.]name, or"
                        + " \"Quoted Name\")");
            }
            i++;
        }
        return parts;
    }

    /** A column name ({@link #parseName} with one part). */
    public static String parseColumnName(String text, String what) {
        List<String> parts = parseName(text, what);
        if (parts.size() != 1) {
            throw new IllegalArgumentException(what + " " + text + ": a column name, without a table");
        }
        return parts.get(0);
    }

    private static boolean isIdent(char c, boolean first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                || (!first && ((c >= '0' && c <= '9') || c == '$'));
    }

    private static String qualified(String table) {
        return String.join(".", parseName(table, "table").stream().map(JdbcLedgerSource::quote).toList());
    }

    /** A name as a quoted SQL identifier. */
    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    @Override
    public String name() {
        return name;
    }

    /** The table's columns, with the type each is read as. */
    public List<Column> columns() {
        return columns;
    }

    /** The SELECT run by {@link #read} (for the report). */
    public String query() {
        return query;
    }

    /** The transaction's isolation level as the server reports it ({@code repeatable read}). */
    public String isolation() {
        return isolation;
    }

    /** True when the server reports the transaction read-only. */
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(DamageSink sink, Consumer<SegmentEvent> out) {
        Map<String, CsvLedgerSource.ColumnType> types = new LinkedHashMap<>();
        columns.forEach(c -> types.put(c.name(), c.type()));
        String hash = options.fields().hash();
        int n = selected.size();
        String[] values = new String[n];
        try (Statement st = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            st.setFetchSize(options.fetchSize());
            try (ResultSet rs = st.executeQuery(query)) {
                int index = 0;
                while (rs.next()) {
                    for (int i = 0; i < n; i++) {
                        values[i] = rs.getString(i + 1);
                    }
                    LedgerRow.Built built = null;
                    Malformed m;
                    try {
                        built = LedgerRow.build(selected, Arrays.asList(values), types, Set.of(), hash, canonicalizer);
                        m = built.json().length <= options.maxRowBytes() ? null : new Malformed(
                                DamageKind.LIMIT_EXCEEDED, 0, "row object longer than " + options.maxRowBytes()
                                + " bytes");
                    } catch (Malformed x) {
                        m = x;
                    }
                    if (m == null) {
                        JsonCanonicalizer.Scalar h = built.canonical().scalar(hash);
                        out.accept(new SegmentEvent(name, index++, -1, built.json().length, built.json(),
                                SegmentEvent.Status.OK, built.canonical(), h != null && h.isString() ? h.text()
                                : null, null));
                        continue;
                    }
                    byte[] raw = built != null ? built.json() : LedgerRow.valuesAsJson(values);
                    Damage d = new Damage(name, -1, raw.length, m.kind(), null, null, "ledger row " + index
                            + " rejected: " + m.detail());
                    sink.report(d);
                    out.accept(new SegmentEvent(name, index++, -1, raw.length, raw, SegmentEvent.Status.REJECTED,
                            null, null, d));
                }
            }
        } catch (SQLException e) {
            throw new ReadFailure("reading " + name + " failed", e);
        }
    }

    /**
     * Ends the transaction {@link #open} started with a ROLLBACK (nothing was written; never a COMMIT); a source
     * read {@link #within} the caller's transaction leaves it open. The connection stays open.
     */
    @Override
    public void close() throws SQLException {
        if (ownsTransaction) {
            connection.rollback();
        }
    }
}
