package dev.salvor.salvage.jsonlog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.cli.CliRun;
import dev.salvor.cli.ExitCodes;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.jsonlog.JsonCanonicalizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LedgerTruncation} against a real PostgreSQL server ({@link PostgresServer}; skipped when not installed),
 * on the seed-004 ledger of fixtures/jsonlog loaded with {@code COPY FROM} its CSV (as {@link JsonLogPostgresTest}):
 * a tampered or deleted-row ledger is truncated after its last good sequence (the rows after it in the quarantine
 * table, the head reset, {@code check --jdbc} clean again); an intact ledger is left alone; a ledger that would not
 * verify after the truncation (a duplicated row keeps its copy) is rolled back, table and head untouched; without
 * apply nothing is written.
 */
class LedgerTruncationTest {
    private static final JsonLogOptions OPTIONS = JsonLogOptions.parse(null, null, null, List.of(),
            List.of("amount=string"), false);
    private static PostgresServer pg;
    private static int databases;

    @BeforeAll
    static void startServer() throws Exception {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    /** A new database holding the fixture's ledger and its head (at the last row, as the application keeps it). */
    private static String load(String fixture) throws Exception {
        String db = fixture.replace('-', '_') + "_" + (++databases);
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        }
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ledger_entries (sequence_number bigint NOT NULL, transaction_id text NOT NULL,"
                    + " partner text NOT NULL, amount numeric(14,2) NOT NULL, status text NOT NULL,"
                    + " created_at text NOT NULL, metadata jsonb, previous_hash text, entry_hash text NOT NULL)");
            st.execute("CREATE INDEX ON ledger_entries (sequence_number)");
            st.execute("CREATE TABLE ledger_head (id int PRIMARY KEY, last_sequence_number bigint,"
                    + " last_entry_hash text)");
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY ledger_entries FROM STDIN WITH (FORMAT csv,"
                    + " HEADER)", Files.newBufferedReader(Fixtures.path("jsonlog/" + fixture + "/ledger.csv"),
                    StandardCharsets.UTF_8));
            st.execute("INSERT INTO ledger_head SELECT 1, sequence_number, entry_hash FROM ledger_entries"
                    + " ORDER BY sequence_number DESC LIMIT 1");
        }
        return db;
    }

    private static JdbcInput table(String db) {
        return new JdbcInput(pg.url(db), "ledger_entries", null, null);
    }

    private static Map<String, String> env() {
        return Map.of("PGUSER", PostgresServer.USER, "PGPASSWORD", pg.password());
    }

    private static String query(String db, String sql) throws SQLException {
        try (Connection c = pg.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Digest and count of the rows of {@code table} matching {@code where}, by the server's text of each row. */
    private static String rows(String db, String table, String where) throws SQLException {
        return query(db, "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY sequence_number)), '-') || ':'"
                + " || count(*) FROM " + table + " t WHERE " + where);
    }

    private static String head(String db) throws SQLException {
        return query(db, "SELECT last_sequence_number || ' ' || last_entry_hash FROM ledger_head WHERE id = 1");
    }

    private static boolean quarantineExists(String db) throws SQLException {
        return "1".equals(query(db, "SELECT count(*) FROM information_schema.tables WHERE table_name ="
                + " 'ledger_entries_salvor_quarantine'"));
    }

    private static CliRun check(String db) {
        return CliRun.of("check", "--jdbc", pg.url(db) + "?user=" + PostgresServer.USER + "&password="
                + pg.password(), "--table", "ledger_entries", "--column-type=amount=string");
    }

    /** SHA-256 of the canonical JSON lines of the fixture's JSON Lines export from row {@code from} on. */
    private static String digestOfExport(String fixture, int from) throws IOException, Exception {
        List<String> lines = Files.readAllLines(Fixtures.path("jsonlog/" + fixture + "/ledger.jsonl"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        JsonCanonicalizer canon = new JsonCanonicalizer(Limits.DEFAULT);
        for (String l : lines.subList(from, lines.size())) {
            sha.update(canon.canonicalize(l).bytes());
            sha.update((byte) '\n');
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ledger-tampered", "ledger-deleted"})
    void aBrokenLedgerIsTruncatedAfterItsLastGoodRow(String fixture) throws Exception {
        String db = load(fixture);
        JsonNode exp = Fixtures.json(Fixtures.path("jsonlog/" + fixture + "/expected.json"));
        String lastGood = exp.get("last_good").get("id").asText();
        String lastHash = exp.get("last_good").get("hash").asText();
        int keptRows = exp.get("first_break").get("index").asInt();
        long total = Long.parseLong(query(db, "SELECT count(*) FROM ledger_entries"));
        String prefix = rows(db, "ledger_entries", "sequence_number <= " + lastGood);
        String after = rows(db, "ledger_entries", "sequence_number > " + lastGood);
        String headBefore = head(db);

        // Without apply: the plan, and nothing written.
        LedgerTruncation.Result plan = LedgerTruncation.run(table(db), env(), OPTIONS, false);
        assertFalse(plan.applied() || plan.failed(), plan.message());
        assertEquals(lastGood, plan.lastGoodSequence());
        assertEquals(lastHash, plan.lastGoodHash());
        assertEquals(total - keptRows, plan.rowsQuarantined());
        assertEquals(digestOfExport(fixture, keptRows), plan.quarantineDigest());
        assertTrue(plan.sql().contains("DELETE FROM \"ledger_entries\" WHERE \"sequence_number\" > " + lastGood),
                plan.sql());
        assertNotNull(plan.brokenAt());
        assertEquals(1, plan.exitCode(), "broken and not truncated");
        assertEquals(prefix, rows(db, "ledger_entries", "sequence_number <= " + lastGood));
        assertEquals(after, rows(db, "ledger_entries", "sequence_number > " + lastGood));
        assertEquals(headBefore, head(db));
        assertFalse(quarantineExists(db));
        assertEquals(ExitCodes.DAMAGE, check(db).exit());

        // Applied: the prefix stays, the rest is in quarantine, the head is reset, the chain checks clean.
        LedgerTruncation.Result done = LedgerTruncation.run(table(db), env(), OPTIONS, true);
        assertTrue(done.applied(), done.message());
        assertEquals(0, done.exitCode());
        assertEquals(total - keptRows, done.rowsQuarantined());
        assertEquals(plan.quarantineDigest(), done.quarantineDigest());
        assertEquals("\"ledger_entries_salvor_quarantine\"", done.quarantineTable());
        assertEquals(prefix, rows(db, "ledger_entries", "true"));
        assertEquals(after, rows(db, "ledger_entries_salvor_quarantine", "true"));
        assertEquals(lastGood + " " + lastHash, head(db));
        CliRun check = check(db);
        assertEquals(ExitCodes.CLEAN, check.exit(), check.err());
        assertEquals(true, done.toMap().get("applied"));

        // Again: the chain is intact, nothing to do.
        LedgerTruncation.Result again = LedgerTruncation.run(table(db), env(), OPTIONS, true);
        assertFalse(again.applied() || again.failed(), again.message());
        assertTrue(again.message().contains("nothing to truncate"), again.message());
    }

    @Test
    void theRebuildCommandPrintsThePlanThenAppliesIt() throws Exception {
        String db = load("ledger-tampered");
        String all = rows(db, "ledger_entries", "true");
        String url = pg.url(db) + "?user=" + PostgresServer.USER + "&password=" + pg.password();
        CliRun plan = CliRun.of("rebuild", "--jdbc", url, "--table", "ledger_entries", "--column-type=amount=string");
        assertEquals(ExitCodes.DAMAGE, plan.exit(), plan.err());
        assertTrue(plan.err().contains("plan (run again with --apply):"), plan.err());
        assertTrue(plan.err().contains("DELETE FROM \"ledger_entries\" WHERE \"sequence_number\" > "), plan.err());
        assertFalse(plan.err().contains(pg.password()) || plan.out().contains(pg.password()), "password leaked");
        assertEquals(all, rows(db, "ledger_entries", "true"));

        CliRun applied = CliRun.of("rebuild", "--jdbc", url, "--table", "ledger_entries",
                "--column-type=amount=string", "--apply", "--json");
        assertEquals(ExitCodes.CLEAN, applied.exit(), applied.err());
        JsonNode t = new com.fasterxml.jackson.databind.ObjectMapper().readTree(applied.out()).get("truncation");
        assertTrue(t.get("applied").asBoolean(), applied.out());
        assertEquals(19, t.get("rows_quarantined").asLong());
        assertEquals(64, t.get("quarantine_sha256").asText().length());
        assertEquals("hash-mismatch", t.get("broken_at").get("reason").asText());
        assertTrue(applied.err().contains("verdict: TRUNCATED"), applied.err());
        assertEquals(ExitCodes.CLEAN, check(db).exit());
    }

    @Test
    void applyIsOnlyForTables() {
        assertEquals(ExitCodes.USAGE, CliRun.of("rebuild", "--apply", "x", "-o", "y").exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("rebuild", "--jdbc", pg.url("postgres"), "--table", "t", "-o", "y")
                .exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("rebuild", "--jdbc", pg.url("postgres")).exit());
    }

    @Test
    void anIntactLedgerIsLeftAlone() throws Exception {
        String db = load("ledger");
        String all = rows(db, "ledger_entries", "true");
        String headBefore = head(db);
        LedgerTruncation.Result r = LedgerTruncation.run(table(db), env(), OPTIONS, true);
        assertFalse(r.applied() || r.failed(), r.message());
        assertTrue(r.message().contains("nothing to truncate"), r.message());
        assertNull(r.brokenAt());
        assertNull(r.sql());
        assertEquals(0, r.rowsQuarantined());
        assertEquals(all, rows(db, "ledger_entries", "true"));
        assertEquals(headBefore, head(db));
        assertFalse(quarantineExists(db));
    }

    @Test
    void aTruncationThatWouldNotVerifyIsRolledBack() throws Exception {
        // Row 20 written twice: both copies share the last good sequence, so "DELETE ... > N" keeps the copy and
        // the remaining chain still breaks there; the transaction must roll back.
        String db = load("ledger-duplicated");
        String all = rows(db, "ledger_entries", "true");
        String headBefore = head(db);
        LedgerTruncation.Result r = LedgerTruncation.run(table(db), env(), OPTIONS, true);
        assertTrue(r.failed(), r.message());
        assertFalse(r.applied());
        assertEquals(1, r.exitCode());
        assertTrue(r.message().startsWith("rolled back, the table is untouched: after the truncation the chain does"
                + " not verify (duplicate"), r.message());
        assertEquals(all, rows(db, "ledger_entries", "true"));
        assertEquals(headBefore, head(db));
        assertFalse(quarantineExists(db), "the quarantine table's creation was rolled back too");
    }

    @Test
    void aWriterHoldingTheHeadMakesItFailInsteadOfWaiting() throws Exception {
        String db = load("ledger-tampered");
        String all = rows(db, "ledger_entries", "true");
        try (Connection writer = pg.connect(db); Statement st = writer.createStatement()) {
            writer.setAutoCommit(false);
            st.executeQuery("SELECT * FROM ledger_head WHERE id = 1 FOR UPDATE").close();
            LedgerTruncation.Result r = LedgerTruncation.run(table(db), env(), OPTIONS, true,
                    java.time.Duration.ofMillis(300));
            assertTrue(r.failed(), r.message());
            assertTrue(r.message().contains("lock"), r.message());
            writer.rollback();
        }
        assertEquals(all, rows(db, "ledger_entries", "true"));
        assertFalse(quarantineExists(db));
    }

    @Test
    void aMissingHeadRowFailsWithoutWriting() throws Exception {
        String db = load("ledger-tampered");
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            st.execute("DELETE FROM ledger_head");
        }
        String all = rows(db, "ledger_entries", "true");
        LedgerTruncation.Result r = LedgerTruncation.run(table(db), env(), OPTIONS, true);
        assertTrue(r.failed(), r.message());
        assertTrue(r.message().contains("ledger_head has no row with id = 1"), r.message());
        assertEquals(all, rows(db, "ledger_entries", "true"));
        assertFalse(quarantineExists(db));
    }
}
