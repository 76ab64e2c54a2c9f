package dev.salvor.formats.jsonlog;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * The "truncate orphaned entries" step of seed 004's runbook, computed from a {@link ChainReport}: the last good
 * sequence number and hash (end of the intact prefix) and the SQL that would delete every later entry and reset
 * the ledger head. Text only: salvor prints it for an operator and never executes it.
 *
 * <pre>
 *   BEGIN;
 *   DELETE FROM ledger_entries WHERE sequence_number &gt; :last_good_sequence;
 *   UPDATE ledger_head SET last_sequence_number = :last_good_sequence,
 *          last_entry_hash = :hash_of_last_good_entry WHERE id = 1;
 *   COMMIT;
 * </pre>
 *
 * @param lastGoodSequence last sequence number of the intact prefix, or null when there is none
 * @param lastGoodHash     its hash, or null
 * @param entriesAfter     events read after it (all would be deleted)
 * @param sql              the script (comments only when no safe plan exists)
 */
public record TruncationPlan(String lastGoodSequence, String lastGoodHash, long entriesAfter, String sql) {

    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    /**
     * Table and column names (identifiers only: validated, never quoted from input).
     *
     * @param entriesTable   the chained table ({@code ledger_entries})
     * @param sequenceColumn its sequence column ({@code sequence_number})
     * @param headTable      the head table ({@code ledger_head})
     * @param headSequence   head's sequence column ({@code last_sequence_number})
     * @param headHash       head's hash column ({@code last_entry_hash})
     * @param headKeyColumn  head's key column ({@code id})
     * @param headKey        head's key value (an integer, {@code 1})
     */
    public record Names(String entriesTable, String sequenceColumn, String headTable, String headSequence,
                        String headHash, String headKeyColumn, long headKey) {
        /** Seed 004's names. */
        public static final Names INVARIO = new Names("ledger_entries", "sequence_number", "ledger_head",
                "last_sequence_number", "last_entry_hash", "id", 1);

        public Names {
            for (String s : new String[] {entriesTable, sequenceColumn, headTable, headSequence, headHash,
                    headKeyColumn}) {
                if (s == null || !IDENT.matcher(s).matches()) {
                    throw new IllegalArgumentException("not a plain SQL identifier: " + s);
                }
            }
        }
    }

    /** Builds the plan for {@code report}. */
    public static TruncationPlan of(ChainReport report, Names n) {
        StringBuilder sql = new StringBuilder();
        sql.append("-- salvor truncation plan (review before running; salvor never executes it)\n");
        if (report.intact()) {
            sql.append("-- chain intact: nothing to truncate\n");
            return new TruncationPlan(report.headId(), report.headHash(), 0, sql.toString());
        }
        ChainBreak first = report.firstBreak();
        String seq = report.lastGoodId();
        String hash = report.lastGoodHash();
        sql.append("-- first break: ").append(first == null ? "(not listed)" : first.reason().id() + " at "
                + first.file() + " index " + first.index() + (first.id() == null ? "" : " id " + first.id()))
                .append('\n');
        boolean numeric = seq != null && seq.chars().allMatch(c -> c >= '0' && c <= '9') && !seq.isEmpty();
        if (!numeric || !EventHash.isHash(hash)) {
            sql.append("-- no intact prefix with an integer sequence number: no safe truncation point\n");
            return new TruncationPlan(seq, hash, report.events(), sql.toString());
        }
        long after = report.events() - report.prefixEvents();
        sql.append("-- last good ").append(n.sequenceColumn()).append(" = ").append(seq).append(", hash ")
                .append(hash).append('\n');
        sql.append("-- ").append(after).append(" entr").append(after == 1 ? "y" : "ies")
                .append(" after it would be deleted");
        if (report.breakCount() > 0 && after > 1) {
            sql.append(" (some may verify on their own: check the report before deleting more than the tip)");
        }
        sql.append('\n');
        String s = new BigInteger(seq).toString();
        if (first != null && first.reasons().contains(BreakReason.DUPLICATE) && first.id() != null
                && first.id().equals(seq)) {
            sql.append("-- the first break is another entry with ").append(n.sequenceColumn()).append(" = ").append(s)
                    .append(": this DELETE keeps every entry with that number; remove the extra copy separately")
                    .append(" (e.g. by ctid) after review\n");
        }
        sql.append("BEGIN;\n");
        sql.append("DELETE FROM ").append(n.entriesTable()).append(" WHERE ").append(n.sequenceColumn())
                .append(" > ").append(s).append(";\n");
        sql.append("UPDATE ").append(n.headTable()).append(" SET ").append(n.headSequence()).append(" = ")
                .append(s).append(", ").append(n.headHash()).append(" = '").append(hash).append("' WHERE ")
                .append(n.headKeyColumn()).append(" = ").append(n.headKey()).append(";\n");
        sql.append("COMMIT;\n");
        return new TruncationPlan(s, hash, after, sql.toString());
    }
}
