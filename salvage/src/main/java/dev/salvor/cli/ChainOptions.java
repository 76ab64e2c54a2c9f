package dev.salvor.cli;

import dev.salvor.salvage.jsonlog.JdbcInput;
import dev.salvor.salvage.jsonlog.JsonLogOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Options for hash-chained logs ({@code jsonlog}); other formats ignore them. */
final class ChainOptions {

    @Option(names = "--id-field", paramLabel = "NAME", description = "Hash chains: the event id member (default: id;"
            + " sequence_number when the content is the seed-004 ledger and no field option is given).")
    String idField;

    @Option(names = "--hash-field", paramLabel = "NAME", description = "Hash chains: the event's own hash member"
            + " (default: current_hash, or entry_hash for the ledger).")
    String hashField;

    @Option(names = "--prev-field", paramLabel = "NAME", description = "Hash chains: the previous event's hash member"
            + " (default: previous_hash).")
    String prevField;

    @Option(names = "--anchor", paramLabel = "ID=HASH", description = "Hash chains: a trusted hash of event ID"
            + " (repeatable); the only way to catch an edit whose later hashes were all recomputed.")
    List<String> anchors;

    @Option(names = {"--column-type", "--csv-type"}, paramLabel = "COL=TYPE", description = "Hash chains from CSV"
            + " exports and tables: a column's JSON type (string, integer, number, boolean, json; repeatable), over"
            + " the default. CSV default: the id column integer, plus metadata=json for the ledger, other columns"
            + " strings; table default: by SQL type (integers, numeric/float as numbers, bool, json/jsonb, the text"
            + " form of anything else).")
    List<String> csvTypes;

    @Option(names = "--jdbc", paramLabel = "URL", description = "Hash chains: verify a live PostgreSQL ledger table"
            + " (jdbc:postgresql://host:port/db) in a read-only repeatable-read transaction; with --table. The"
            + " password comes from the URL or PGPASSWORD, never from an argument.")
    String jdbc;

    @Option(names = "--table", paramLabel = "TABLE", description = "With --jdbc: the ledger table ([schema.]name).")
    String table;

    @Option(names = "--order", paramLabel = "COL", description = "With --jdbc: the column the chain is ordered by"
            + " (default: the id member, e.g. sequence_number).")
    String order;

    @Option(names = "--jdbc-user", paramLabel = "USER", description = "With --jdbc: the database user (default: the"
            + " URL's user parameter, else PGUSER).")
    String jdbcUser;

    @Option(names = "--prometheus", paramLabel = "FILE", description = "Hash chains: write salvor_chain_integrity_status,"
            + " salvor_chain_events and salvor_chain_breaks to FILE (textfile-collector format, atomically).")
    Path prometheus;

    /**
     * The live table named by {@code --jdbc}, or null.
     *
     * @throws IllegalArgumentException for a malformed value or a table option without {@code --jdbc}
     */
    JdbcInput toTable() {
        if (jdbc == null) {
            if (table != null || order != null || jdbcUser != null) {
                throw new IllegalArgumentException("--table, --order and --jdbc-user need --jdbc URL");
            }
            return null;
        }
        return new JdbcInput(jdbc, table, order, jdbcUser);
    }

    /** @throws IllegalArgumentException for a malformed value */
    JsonLogOptions toOptions(boolean truncationPlan) {
        return JsonLogOptions.parse(idField, hashField, prevField, anchors, csvTypes, truncationPlan);
    }
}
