package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.jsonlog.EventHash;
import dev.salvor.formats.jsonlog.TruncationPlan;

import java.math.BigInteger;
import java.util.List;

/**
 * The statements of a ledger truncation ({@link LedgerTruncation}), the same text printed as a plan and executed
 * with {@code --apply}: lock the head row, create the quarantine table ({@code <T>_salvor_quarantine}, same schema
 * as the ledger, {@code LIKE T INCLUDING ALL}), copy every row after the last good sequence into it, delete them,
 * and reset the head. Identifiers are quoted ({@code "..."}); the sequence number is an integer and the hash 64 hex
 * digits, both validated before they are written into the text.
 *
 * @param lockHead   {@code SELECT ... FROM ledger_head WHERE id = 1 FOR UPDATE}
 * @param create     {@code CREATE TABLE IF NOT EXISTS <T>_salvor_quarantine (LIKE <T> INCLUDING ALL)}
 * @param copy       {@code INSERT INTO <T>_salvor_quarantine SELECT * FROM <T> WHERE seq > N}
 * @param delete     {@code DELETE FROM <T> WHERE seq > N}
 * @param resetHead  {@code UPDATE ledger_head SET last = N, hash = 'H' WHERE id = 1}
 * @param quarantine the quarantine table as written in the statements
 */
record TruncationStatements(String lockHead, String create, String copy, String delete, String resetHead,
                            String quarantine) {

    /** Suffix of the quarantine table's name. */
    static final String QUARANTINE_SUFFIX = "_salvor_quarantine";

    /**
     * The statements for the ledger {@code table} ({@code [schema.]name} as given) truncated after
     * {@code lastGood} (hash {@code hash}), with the head's names from {@code names}.
     *
     * @throws IllegalArgumentException when {@code lastGood} is not an integer or {@code hash} not a SHA-256 hex
     */
    static TruncationStatements of(String table, TruncationPlan.Names names, String lastGood, String hash) {
        String n = new BigInteger(lastGood).toString();
        if (!EventHash.isHash(hash)) {
            throw new IllegalArgumentException("not a SHA-256 hex hash: " + hash);
        }
        List<String> parts = JdbcLedgerSource.parseName(table, "table");
        String entries = qualified(parts);
        String quarantineName = parts.get(parts.size() - 1) + QUARANTINE_SUFFIX;
        String quarantine = parts.size() == 2 ? JdbcLedgerSource.quote(parts.get(0)) + "."
                + JdbcLedgerSource.quote(quarantineName) : JdbcLedgerSource.quote(quarantineName);
        String seq = JdbcLedgerSource.quote(names.sequenceColumn());
        String where = " WHERE " + names.headKeyColumn() + " = " + names.headKey();
        return new TruncationStatements(lockHead(names),
                "CREATE TABLE IF NOT EXISTS " + quarantine + " (LIKE " + entries + " INCLUDING ALL)",
                "INSERT INTO " + quarantine + " SELECT * FROM " + entries + " WHERE " + seq + " > " + n,
                "DELETE FROM " + entries + " WHERE " + seq + " > " + n,
                "UPDATE " + names.headTable() + " SET " + names.headSequence() + " = " + n + ", "
                        + names.headHash() + " = '" + hash + "'" + where,
                quarantine);
    }

    /** {@code SELECT last_sequence_number, last_entry_hash FROM ledger_head WHERE id = 1 FOR UPDATE}. */
    static String lockHead(TruncationPlan.Names names) {
        return "SELECT " + names.headSequence() + ", " + names.headHash() + " FROM " + names.headTable() + " WHERE "
                + names.headKeyColumn() + " = " + names.headKey() + " FOR UPDATE";
    }

    private static String qualified(List<String> parts) {
        return String.join(".", parts.stream().map(JdbcLedgerSource::quote).toList());
    }

    /** The whole transaction as text, for the plan and the report. */
    String script() {
        return "BEGIN ISOLATION LEVEL SERIALIZABLE;\n"
                + lockHead + ";\n"
                + create + ";\n"
                + copy + ";\n"
                + delete + ";\n"
                + resetHead + ";\n"
                + "-- salvor re-verifies the remaining chain here, in the same transaction\n"
                + "COMMIT; -- only if it verifies; otherwise ROLLBACK\n";
    }
}
