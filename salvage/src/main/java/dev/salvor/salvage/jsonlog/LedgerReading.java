package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.jsonlog.ChainEvent;
import dev.salvor.formats.jsonlog.ChainFields;
import dev.salvor.formats.jsonlog.ChainReport;
import dev.salvor.formats.jsonlog.ChainVerifier;
import dev.salvor.formats.jsonlog.JsonCanonicalizer;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One verification of a live ledger table inside the caller's transaction ({@link JdbcLedgerSource#within}), by the
 * same verifier {@code check --jdbc} uses, plus the rows after the chain's last good sequence: their count and the
 * SHA-256 of their RFC 8785 canonical JSON (each row's object with every column, its hash included, then a line
 * feed), in the table's order. The digest names exactly what a truncation moves to quarantine.
 *
 * @param chain     the verdict
 * @param rowsAfter rows whose sequence is greater than the last good one (all of them when there is none)
 * @param digest    SHA-256 (hex) of those rows' canonical JSON lines
 */
record LedgerReading(ChainReport chain, long rowsAfter, String digest) {

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,40}");

    /** Reads and verifies {@code table} with {@code fields} and the anchors of {@code options}. */
    static LedgerReading of(Connection c, JdbcInput table, ChainFields fields, JsonLogOptions options,
                            int maxRowBytes) throws SQLException {
        JsonCanonicalizer canonicalizer = new JsonCanonicalizer(dev.salvor.formats.core.Limits.DEFAULT);
        String order = table.order() != null ? table.order() : JdbcLedgerSource.quote(fields.id());
        JdbcLedgerSource src = JdbcLedgerSource.within(c, table.displayName(), new JdbcLedgerSource.Options(fields,
                table.table(), order, options.csvTypes(), Set.of(), 1000, maxRowBytes), canonicalizer);
        ChainVerifier verifier = new ChainVerifier(ChainVerifier.Options.defaults(fields)
                .withAnchors(options.anchors()));
        Digest after = new Digest(canonicalizer);
        try {
            ChainReport cr = verifier.verifyThen(List.of(src), null, d -> { }, chain -> after.from(chain));
            return new LedgerReading(cr, after.rows, HexFormat.of().formatHex(after.sha.digest()));
        } catch (JdbcLedgerSource.ReadFailure e) {
            throw e.getCause();
        }
    }

    /** Counts and hashes the rows after the chain's last good sequence. */
    private static final class Digest {
        private final JsonCanonicalizer canonicalizer;
        private final MessageDigest sha;
        private long rows;

        Digest(JsonCanonicalizer canonicalizer) {
            this.canonicalizer = canonicalizer;
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every Java platform", e);
            }
        }

        Consumer<ChainEvent> from(ChainReport chain) {
            BigInteger lastGood = integer(chain.lastGoodId());
            return e -> {
                BigInteger id = integer(e.id());
                if (id != null && (lastGood == null || id.compareTo(lastGood) > 0)) {
                    rows++;
                    sha.update(canonical(e.raw()));
                    sha.update((byte) '\n');
                }
            };
        }

        private byte[] canonical(byte[] row) {
            try {
                return canonicalizer.canonicalize(row).bytes();
            } catch (RuntimeException rejected) {
                return row; // a row whose object cannot be canonicalised: its bytes as built
            }
        }
    }

    private static BigInteger integer(String s) {
        return s != null && INTEGER.matcher(s).matches() ? new BigInteger(s) : null;
    }
}
