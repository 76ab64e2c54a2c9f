package dev.salvor.salvage.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.sqlite.RowState;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.formats.sqlite.SqliteSalvager;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.rebuild.RebuildTarget;
import dev.salvor.salvage.rebuild.Rebuilder;
import dev.salvor.salvage.report.ImageOffsets;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Map;

/**
 * SQLite's rebuild: a new database file, written through the real SQLite ({@link SqliteOutput}), holding every live
 * row the salvage of the input finds, with the original's settings and schema; everything else in the left-out
 * JSON Lines ({@link LeftOutRows}), each row as {@code salvage} writes it plus {@code "left_out"}:
 * <ul>
 * <li>{@code deleted}, {@code superseded}, {@code uncommitted}: rows that are not live (their state); with
 * {@code --with-deleted} they are also written into the table {@code salvor_recovered(state, source, tbl, rowid,
 * page, offset, values_json)} of the new database;</li>
 * <li>{@code unattributable}: rows no table could be named for;</li>
 * <li>{@code index_entry}: entries of index trees no schema names (salvage reports them with {@code "kind":"index"}
 * and the row they point to); they are not rows, and the new database's indexes are its own;</li>
 * <li>{@code unknown_columns}: live rows some of whose values could not be read (an overflow chain broken...): a
 * NULL in their place would be a value the row never had, so the row stays out, its known values in the left-out
 * line;</li>
 * <li>{@code constraint: <SQLite's message>}: rows the new database refuses (a duplicate UNIQUE or PRIMARY KEY, a
 * NULL in a NOT NULL column, a failed CHECK); {@code refused: <message>} for any other refusal; the reasons of
 * {@link SqliteOutput} for rows of tables it could not create or rebuilds otherwise (shadow tables).</li>
 * </ul>
 * The report gets exactly what {@code salvage} of the same input adds: the rows come from the same run
 * ({@link SqliteHandler#salvageRows}), so every salvaged row is either in the new database or left out, once.
 */
final class SqliteRebuilder implements Rebuilder {
    private final SqliteHandler handler;

    SqliteRebuilder(SqliteHandler handler) {
        this.handler = handler;
    }

    @Override
    public void rebuild(SourceSet input, RunContext ctx, RebuildTarget target, RunReport report) throws IOException {
        LeftOutRows leftOut = new LeftOutRows(target, ctx.option(ImageOffsets.class, ImageOffsets.NONE));
        Routing routing = new Routing(ctx, target, leftOut);
        try {
            handler.salvageRows(input, ctx, report, routing);
        } finally {
            routing.abandon();
        }
    }

    /** Sends each salvaged row to the new database or to the left-out rows. */
    private static final class Routing implements SqliteHandler.RowSink, SqliteOutput.RowOutcome {
        private final RunContext ctx;
        private final RebuildTarget target;
        private final LeftOutRows leftOut;
        private SqliteOutput output;
        private boolean finished;

        Routing(RunContext ctx, RebuildTarget target, LeftOutRows leftOut) {
            this.ctx = ctx;
            this.target = target;
            this.leftOut = leftOut;
        }

        /** The files are open: the new database gets the original's settings and schema before the first row. */
        @Override
        public void begin(ByteSource db, ByteSource wal, ByteSource journal) throws IOException {
            SqliteSalvager.Schema schema = new SqliteSalvager(ctx.limits()).schema(db, wal, journal);
            output = SqliteOutput.create(target.database(), schema, target.options().withDeleted());
        }

        @Override
        public void accept(SqliteRow row) {
            try {
                route(row);
            } catch (SQLException e) {
                throw new UncheckedIOException(new IOException("rebuild output: " + SqlNames.detail(e)
                        + " (resource=" + target.database() + ")", e));
            }
        }

        private void route(SqliteRow row) throws SQLException {
            if (!row.isRow()) {
                leftOut(row, "index_entry"); // an index entry is not a row: the new database builds its own indexes
                return;
            }
            if (row.state() != RowState.LIVE) {
                leftOut(row, row.stateId());
                if (target.options().withDeleted()) {
                    output.recovered(row);
                }
                return;
            }
            if (row.table() == null) {
                leftOut(row, "unattributable");
                return;
            }
            if (row.unknownColumns() != null && !row.unknownColumns().isEmpty()) {
                leftOut(row, "unknown_columns");
                return;
            }
            String reason = output.insert(row);
            if (reason != null) {
                leftOut(row, reason);
            } else if (!row.table().regionMatches(true, 0, "sqlite_", 0, 7)) {
                target.written(1); // internal tables' rows are counted when they are written, at the end
            }
        }

        @Override
        public void written(SqliteRow row) {
            target.written(1);
        }

        @Override
        public void leftOut(SqliteRow row, String reason) {
            leftOut.add(row, reason);
        }

        /** Every row is in: the new database is completed and checked, the left-out rows flushed, facts added. */
        @Override
        public void finish(SqliteSalvager.Summary summary) throws IOException {
            output.finish(this);
            finished = true;
            leftOut.finish();
            Map<String, Object> facts = target.facts();
            facts.putIfAbsent("written", 0L);
            facts.put("rows_by_table", output.writtenByTable());
            output.facts(facts);
        }

        /** A salvage that failed leaves the output closed, its transaction rolled back. */
        void abandon() {
            if (output != null && !finished) {
                output.close();
            }
        }
    }
}
