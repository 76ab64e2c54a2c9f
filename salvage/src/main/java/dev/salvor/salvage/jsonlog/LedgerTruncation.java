package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.jsonlog.ChainBreak;
import dev.salvor.formats.jsonlog.ChainFields;
import dev.salvor.formats.jsonlog.ChainReport;
import dev.salvor.formats.jsonlog.TruncationPlan;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Seed 004's runbook step "truncate the orphaned entries" done safely on a live PostgreSQL ledger
 * ({@code salvor rebuild --jdbc URL --table T [--apply]}): in ONE SERIALIZABLE transaction
 * <ol>
 *   <li>lock the head row ({@code SELECT ... FROM ledger_head WHERE id = 1 FOR UPDATE}), so no writer moves it;</li>
 *   <li>verify the chain (the verifier of {@code check --jdbc}) and find the last good sequence N;</li>
 *   <li>{@code CREATE TABLE IF NOT EXISTS <T>_salvor_quarantine (LIKE <T> INCLUDING ALL)};</li>
 *   <li>copy every row with sequence &gt; N into it, then {@code DELETE} them from T (the counts must agree with
 *       the rows the verification read after N);</li>
 *   <li>reset {@code ledger_head} to N and its hash;</li>
 *   <li>read T again through the same verifier, in the same transaction;</li>
 * </ol>
 * and COMMIT only if the remaining chain verifies and ends at N with that hash; otherwise ROLLBACK and report why
 * (the table is untouched). Without {@code apply} the transaction is read-only: the plan (the statements above, the
 * rows that would move and their digest) is computed and nothing is written.
 */
public final class LedgerTruncation {

    /** Largest row object read (as {@code check --jdbc} reads with the default limits). */
    static final int MAX_ROW_BYTES = 16 << 20;
    /** How long the truncation waits for a lock (the head row held by a running writer) before it gives up. */
    public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);

    private LedgerTruncation() {
    }

    /**
     * What a truncation did or would do, for the command's summary and the report.
     *
     * @param input            the table, named without credentials
     * @param brokenAt         the chain's first break ({@code file}, {@code index}, {@code id}, {@code reason}...),
     *                         null when the chain is intact
     * @param lastGoodSequence the last good sequence N (the new head), or null
     * @param lastGoodHash     its hash, or null
     * @param rowsQuarantined  rows moved (or, without apply, that would move) into the quarantine table
     * @param quarantineTable  the quarantine table, or null when nothing is to be moved
     * @param quarantineDigest SHA-256 of the moved rows' canonical JSON lines ({@link LedgerReading}), or null
     * @param applied          true when the transaction committed
     * @param failed           true when the truncation is impossible or was rolled back
     * @param message          what happened, in one sentence
     * @param sql              the statements (run, or that would run), or null when there is nothing to do
     */
    public record Result(String input, Map<String, Object> brokenAt, String lastGoodSequence, String lastGoodHash,
                         long rowsQuarantined, String quarantineTable, String quarantineDigest, boolean applied,
                         boolean failed, String message, String sql) {

        /**
         * 0 when the ledger verifies (intact, or truncated and verified); 1 when it is broken and was not truncated
         * (plan only, no safe truncation point, or rolled back).
         */
        public int exitCode() {
            return failed || (!applied && brokenAt != null) ? 1 : 0;
        }

        /** The report's {@code truncation} section. */
        public Map<String, Object> toMap() {
            return JsonLogHandler.mapOf("input", input, "broken_at", brokenAt, "last_good_sequence",
                    lastGoodSequence, "last_good_hash", lastGoodHash, "rows_quarantined", rowsQuarantined,
                    "quarantine_table", quarantineTable, "quarantine_sha256", quarantineDigest, "applied", applied,
                    "failed", failed, "message", message, "sql", sql);
        }
    }

    /**
     * Truncates the ledger {@code table} after its last good sequence ({@code apply}), or computes what that would
     * do. Credentials come from {@code env} ({@code PGPASSWORD}, {@code PGUSER}) when the URL has none; chain
     * members and anchors from {@code options} as for {@code check --jdbc}.
     *
     * @throws JdbcInput.Unreadable when the server cannot be reached or the table's columns cannot be listed
     */
    public static Result run(JdbcInput table, Map<String, String> env, JsonLogOptions options, boolean apply)
            throws JdbcInput.Unreadable {
        return run(table, env, options, apply, LOCK_TIMEOUT);
    }

    /**
     * {@link #run(JdbcInput, Map, JsonLogOptions, boolean)} waiting at most {@code lockTimeout} for a lock: a writer
     * still holding the head row makes the truncation fail (rolled back) instead of waiting for ever.
     */
    public static Result run(JdbcInput table, Map<String, String> env, JsonLogOptions options, boolean apply,
                             Duration lockTimeout) throws JdbcInput.Unreadable {
        try (Connection c = table.connect(env)) {
            ChainFields fields;
            try {
                List<String> columns = JdbcLedgerSource.describe(c, table.table(), Map.of()).stream()
                        .map(JdbcLedgerSource.Column::name).toList();
                fields = ChainInput.ofTable(table, columns).fields(options);
            } catch (SQLException e) {
                throw table.unreadable("cannot list the table's columns", e, null);
            }
            TruncationPlan.Names names = JsonLogHandler.planNames(ChainInput.ofTable(table, List.of()), fields);
            return new Transaction(c, table, fields, names, options, apply, lockTimeout).run();
        } catch (SQLException e) {
            throw table.unreadable("closing the connection failed", e, null);
        }
    }

    /** The one transaction of a run. */
    private static final class Transaction {
        private final Connection c;
        private final JdbcInput table;
        private final ChainFields fields;
        private final TruncationPlan.Names names;
        private final JsonLogOptions options;
        private final boolean apply;
        private final Duration lockTimeout;

        Transaction(Connection c, JdbcInput table, ChainFields fields, TruncationPlan.Names names,
                    JsonLogOptions options, boolean apply, Duration lockTimeout) {
            this.c = c;
            this.table = table;
            this.fields = fields;
            this.names = names;
            this.options = options;
            this.apply = apply;
            this.lockTimeout = lockTimeout;
        }

        Result run() throws SQLException {
            Result r;
            try {
                begin();
                r = steps();
            } catch (SQLException e) {
                c.rollback();
                return failure(null, null, "rolled back, the table is untouched: " + e.getMessage()
                        + (e.getSQLState() != null ? " (SQLState " + e.getSQLState() + ")" : ""), null);
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            }
            if (r.applied()) {
                try {
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    return failure(r, r.quarantineDigest(), "COMMIT failed, nothing was changed: " + e.getMessage()
                            + (e.getSQLState() != null ? " (SQLState " + e.getSQLState() + ")" : ""), r.sql());
                }
            } else {
                c.rollback();
            }
            return r;
        }

        /** SERIALIZABLE, read-write with apply; REPEATABLE READ, read-only without. */
        private void begin() throws SQLException {
            c.setAutoCommit(true);
            c.setReadOnly(!apply);
            c.setAutoCommit(false);
            c.setTransactionIsolation(apply ? Connection.TRANSACTION_SERIALIZABLE
                    : Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = c.createStatement()) {
                st.execute(apply ? "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE"
                        : "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                st.execute("SET LOCAL TIME ZONE 'UTC'");
                st.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
            }
        }

        private Result steps() throws SQLException {
            String[] head = apply ? lockHead() : null;
            LedgerReading before = LedgerReading.of(c, table, fields, options, MAX_ROW_BYTES);
            ChainReport cr = before.chain();
            Map<String, Object> brokenAt = cr.firstBreak() == null ? null : JsonLogHandler.breakMap(cr.firstBreak());
            if (cr.intact()) {
                return new Result(table.displayName(), null, cr.headId(), cr.headHash(), 0, null, null, false, false,
                        "chain intact (" + cr.events() + " rows, head " + cr.headId() + "): nothing to truncate",
                        null);
            }
            TruncationPlan plan = TruncationPlan.of(cr, names);
            TruncationStatements sql;
            try {
                sql = TruncationStatements.of(table.table(), names, plan.lastGoodSequence(), plan.lastGoodHash());
            } catch (IllegalArgumentException | NullPointerException e) {
                return new Result(table.displayName(), brokenAt, cr.lastGoodId(), cr.lastGoodHash(), 0, null, null,
                        false, true, "no safe truncation point: the chain has no intact prefix ending in an integer"
                        + " " + fields.id() + " with a SHA-256 hash (" + describe(cr.firstBreak()) + ")", null);
            }
            Result planned = new Result(table.displayName(), brokenAt, plan.lastGoodSequence(), plan.lastGoodHash(),
                    before.rowsAfter(), sql.quarantine(), before.digest(), false, false, null, sql.script());
            if (!apply) {
                return with(planned, "would move " + before.rowsAfter() + " row(s) after " + fields.id() + " "
                        + plan.lastGoodSequence() + " into " + sql.quarantine() + " and reset " + names.headTable()
                        + " (first break: " + describe(cr.firstBreak()) + "); run again with --apply to do it");
            }
            return truncate(planned, sql, head, before);
        }

        /** Locks the head row; returns its sequence and hash as they were. */
        private String[] lockHead() throws SQLException {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(TruncationStatements.lockHead(names))) {
                if (!rs.next()) {
                    throw new SQLException(names.headTable() + " has no row with " + names.headKeyColumn() + " = "
                            + names.headKey() + " to lock");
                }
                return new String[] {rs.getString(1), rs.getString(2)};
            }
        }

        private Result truncate(Result planned, TruncationStatements sql, String[] head, LedgerReading before)
                throws SQLException {
            long copied;
            long deleted;
            int reset;
            try (Statement st = c.createStatement()) {
                st.execute(sql.create());
                copied = st.executeLargeUpdate(sql.copy());
                deleted = st.executeLargeUpdate(sql.delete());
                reset = st.executeUpdate(sql.resetHead());
            }
            if (copied != before.rowsAfter() || deleted != copied || reset != 1) {
                c.rollback();
                return failure(planned, null, "rolled back, the table is untouched: copied " + copied + " row(s),"
                        + " deleted " + deleted + ", head rows reset " + reset + ", but the verification read "
                        + before.rowsAfter() + " row(s) after " + planned.lastGoodSequence(), sql.script());
            }
            LedgerReading after = LedgerReading.of(c, table, fields, options, MAX_ROW_BYTES);
            ChainReport cr = after.chain();
            boolean verifies = cr.intact() && Objects.equals(cr.headId(), planned.lastGoodSequence())
                    && Objects.equals(cr.headHash(), planned.lastGoodHash());
            if (!verifies) {
                c.rollback();
                return failure(planned, null, "rolled back, the table is untouched: after the truncation the chain"
                        + " does not verify (" + (cr.intact() ? "its head is " + cr.headId() + " " + cr.headHash()
                        + ", not " + planned.lastGoodSequence() : describe(cr.firstBreak())) + ")", sql.script());
            }
            return new Result(planned.input(), planned.brokenAt(), planned.lastGoodSequence(),
                    planned.lastGoodHash(), copied, planned.quarantineTable(), planned.quarantineDigest(), true,
                    false, "moved " + copied + " row(s) after " + fields.id() + " " + planned.lastGoodSequence()
                    + " into " + planned.quarantineTable() + ", reset " + names.headTable() + " (was " + head[0]
                    + " " + head[1] + "); the remaining " + cr.events() + " row(s) verify", sql.script());
        }

        private Result failure(Result planned, String digest, String message, String sql) {
            return planned == null
                    ? new Result(table.displayName(), null, null, null, 0, null, null, false, true, message, sql)
                    : new Result(planned.input(), planned.brokenAt(), planned.lastGoodSequence(),
                    planned.lastGoodHash(), 0, planned.quarantineTable(), digest, false, true, message, sql);
        }

        private static Result with(Result r, String message) {
            return new Result(r.input(), r.brokenAt(), r.lastGoodSequence(), r.lastGoodHash(), r.rowsQuarantined(),
                    r.quarantineTable(), r.quarantineDigest(), r.applied(), r.failed(), message, r.sql());
        }

        private static String describe(ChainBreak b) {
            return b == null ? "break not listed" : b.reason().id() + " at index " + b.index()
                    + (b.id() != null ? ", " + "id " + b.id() : "");
        }
    }
}
