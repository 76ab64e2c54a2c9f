package dev.salvor.salvage.jsonlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.salvor.cli.CliRun;
import dev.salvor.cli.ExitCodes;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed-004 ledger in a real PostgreSQL table ({@code --jdbc}): for every fixtures/jsonlog ledger case (clean,
 * edited, deleted, duplicated, edited and re-hashed), loaded with {@code COPY FROM} its CSV, the table verifies
 * exactly as the generator's ground truth (expected.json, independent of salvor's code) says, and exactly as the
 * CSV and JSON Lines exports and the table's own {@code COPY TO} export do. The server is started by
 * {@link PostgresServer} (skipped when PostgreSQL is not installed) and stopped after the class, even on failure.
 *
 * <p>The ledger's table: {@code amount numeric(14,2)} (the writer hashed it as a string, so
 * {@code --column-type amount=string}), {@code created_at text} (the ISO text the writer hashed), {@code metadata
 * jsonb} (re-formatted by the server: RFC 8785 removes the difference).
 */
class JsonLogPostgresTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CASES = List.of("ledger", "ledger-tampered", "ledger-deleted",
            "ledger-duplicated", "ledger-rehashed");
    private static final String TYPES = "--column-type=amount=string";

    private static PostgresServer pg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() throws Exception {
        pg = PostgresServer.start();
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            for (String name : CASES) {
                st.execute("CREATE DATABASE " + db(name));
            }
            st.execute("CREATE DATABASE types");
        }
        for (String name : CASES) {
            try (Connection c = pg.connect(db(name)); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE ledger_entries (sequence_number bigint NOT NULL, transaction_id text NOT NULL,"
                        + " partner text NOT NULL, amount numeric(14,2) NOT NULL, status text NOT NULL,"
                        + " created_at text NOT NULL, metadata jsonb, previous_hash text, entry_hash text NOT NULL)");
                st.execute("CREATE INDEX ON ledger_entries (sequence_number)");
                st.execute("CREATE TABLE ledger_head (id int PRIMARY KEY, last_sequence_number bigint,"
                        + " last_entry_hash text)");
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY ledger_entries FROM STDIN WITH (FORMAT csv,"
                        + " HEADER)", Files.newBufferedReader(Fixtures.path("jsonlog/" + name + "/ledger.csv"),
                        StandardCharsets.UTF_8));
                st.execute("INSERT INTO ledger_head SELECT 1, sequence_number, entry_hash FROM ledger_entries"
                        + " ORDER BY sequence_number DESC LIMIT 1");
            }
        }
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    private static String db(String fixture) {
        return fixture.replace('-', '_');
    }

    static JsonNode expected(String name) throws IOException {
        return Fixtures.json(Fixtures.path("jsonlog/" + name + "/expected.json"));
    }

    /** The URL with the password as a parameter (the test cannot set PGPASSWORD for the in-process CLI). */
    private static String url(String db) {
        return pg.url(db) + "?user=" + PostgresServer.USER + "&password=" + pg.password();
    }

    private static String sourceName(String db) {
        return pg.url(db) + "?table=ledger_entries";
    }

    record Checked(CliRun run, JsonNode report) {
        JsonNode chain() {
            assertEquals(1, report.get("chains").size(), report.toString());
            return report.get("chains").get(0);
        }
    }

    private static Checked check(List<String> args) throws IOException {
        List<String> a = new ArrayList<>(List.of("check", "--json"));
        a.addAll(args);
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertNotEquals(ExitCodes.INTERNAL, r.exit(), r.err());
        assertFalse(r.out().contains(pg.password()) || r.err().contains(pg.password()), "password leaked");
        return new Checked(r, JSON.readTree(r.out()));
    }

    private static List<String> jdbcArgs(String fixture, String... more) {
        List<String> a = new ArrayList<>(List.of("--jdbc", url(db(fixture)), "--table", "ledger_entries", "--order",
                "sequence_number", TYPES));
        a.addAll(List.of(more));
        return a;
    }

    /** The chain section without what names the input (file names, the input itself). */
    private static String verdict(JsonNode chain) {
        ObjectNode v = chain.deepCopy();
        v.remove(List.of("input", "breaks_listed"));
        if (v.get("first_break").isObject()) {
            ((ObjectNode) v.get("first_break")).remove(List.of("file", "message", "offset"));
        }
        if (v.has("truncation_plan")) {
            // Its comments name the first break's file.
            ObjectNode plan = (ObjectNode) v.get("truncation_plan");
            plan.put("sql", plan.get("sql").asText().lines().filter(l -> !l.startsWith("-- first break"))
                    .reduce("", (x, y) -> x + y + "\n"));
        }
        return v.toString();
    }

    private static List<String> texts(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(x -> l.add(x.asText()));
        return l;
    }

    /** Asserts one verdict against the ground truth ({@code exp}: expected.json or one of its with_* sections). */
    private static void assertVerdict(JsonNode exp, long events, Checked c, String file) {
        boolean intact = exp.get("chain_intact").asBoolean();
        assertEquals(intact ? ExitCodes.CLEAN : ExitCodes.DAMAGE, c.run.exit(), c.run.err());
        JsonNode chain = c.chain();
        assertEquals(events, chain.get("events").asLong());
        assertEquals(intact, chain.get("intact").asBoolean());
        assertEquals(exp.get("breaks").size(), chain.get("breaks").asInt(), chain.toString());
        for (int i = 0; i < exp.get("breaks").size(); i++) {
            JsonNode e = exp.get("breaks").get(i);
            JsonNode a = chain.get("breaks_listed").get(i);
            assertEquals(file, a.get("file").asText());
            assertEquals(e.get("index").asInt(), a.get("index").asInt(), a.toString());
            assertEquals(e.get("id").asText(), a.get("id").asText(), a.toString());
            assertEquals(texts(e.get("reasons")), texts(a.get("reasons")), a.toString());
        }
        if (exp.get("last_good").isNull()) {
            assertTrue(chain.get("last_good").isNull() || chain.get("last_good").get("id").isNull(), chain.toString());
        } else {
            assertEquals(exp.get("last_good").get("id").asText(), chain.get("last_good").get("id").asText());
            assertEquals(exp.get("last_good").get("hash").asText(), chain.get("last_good").get("hash").asText());
        }
        if (exp.has("forgery_suspected")) {
            assertEquals(exp.get("forgery_suspected").asBoolean(), chain.get("forgery_suspected").asBoolean());
        }
        if (exp.has("truncation_sql")) {
            JsonNode plan = chain.get("truncation_plan");
            String sql = plan.get("sql").asText().lines().filter(l -> !l.startsWith("--"))
                    .reduce("", (x, y) -> x + y + "\n");
            assertEquals(exp.get("truncation_sql").asText(), sql);
            assertFalse(plan.get("executed").asBoolean());
        }
    }

    /** One verdict per source: the table, the table's own COPY TO export, and the fixture's CSV and JSON Lines. */
    private List<Checked> allSources(String name, String... flags) throws Exception {
        Path export = tmp.resolve(name + "-export.csv");
        try (Connection c = pg.connect(db(name)); StringWriter w = new StringWriter()) {
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM ledger_entries ORDER BY"
                    + " sequence_number) TO STDOUT WITH (FORMAT csv, HEADER)", w);
            Files.writeString(export, w.toString(), StandardCharsets.UTF_8);
        }
        List<Checked> out = new ArrayList<>();
        out.add(check(jdbcArgs(name, flags)));
        for (Path p : List.of(export, Fixtures.path("jsonlog/" + name + "/ledger.csv"),
                Fixtures.path("jsonlog/" + name + "/ledger.jsonl"))) {
            List<String> a = new ArrayList<>(List.of(flags));
            a.add(p.toString());
            out.add(check(a));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ledger", "ledger-tampered", "ledger-deleted", "ledger-duplicated", "ledger-rehashed"})
    void tableVerifiesLikeItsCsvAndJsonLinesExports(String name) throws Exception {
        JsonNode exp = expected(name);
        long events = exp.get("events").asLong();
        List<Checked> runs = allSources(name);
        assertVerdict(exp, events, runs.get(0), sourceName(db(name)));
        JsonNode table = runs.get(0).report;
        assertEquals(sourceName(db(name)), runs.get(0).chain().get("input").asText());
        JsonNode file = table.get("files").get(0);
        assertEquals(sourceName(db(name)), file.get("file").asText());
        assertEquals("table", file.get("role").asText());
        assertEquals("repeatable read, read only", file.get("facts").get("transaction").asText());
        assertEquals(0, table.get("inputs").size(), "no file was read");
        String v = verdict(runs.get(0).chain());
        for (int i = 1; i < runs.size(); i++) {
            assertEquals(v, verdict(runs.get(i).chain()), "source " + i + " of " + name);
        }
        if (exp.has("with_anchor")) {
            // The forgery: only an anchor (the genuine head) catches it, from every source alike.
            JsonNode a = exp.get("anchor");
            String anchor = "--anchor=" + a.get("id").asText() + "=" + a.get("hash").asText();
            List<Checked> anchored = allSources(name, anchor);
            assertVerdict(exp.get("with_anchor"), events, anchored.get(0), sourceName(db(name)));
            assertTrue(anchored.get(0).run.err().contains("FORGERY SUSPECTED"), anchored.get(0).run.err());
            JsonNode u = exp.get("user_anchor");
            List<Checked> both = allSources(name, anchor, "--anchor=" + u.get("id").asText() + "="
                    + u.get("hash").asText());
            assertVerdict(exp.get("with_both_anchors"), events, both.get(0), sourceName(db(name)));
            for (List<Checked> rs : List.of(anchored, both)) {
                for (int i = 1; i < rs.size(); i++) {
                    assertEquals(verdict(rs.get(0).chain()), verdict(rs.get(i).chain()), "source " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ledger-tampered", "ledger-deleted"})
    void theTruncationPlanRepairsTheTable(String name) throws Exception {
        String copy = db(name) + "_repair";
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + copy + " TEMPLATE " + db(name));
        }
        Checked broken = check(jdbcArgs(name));
        String sql = broken.chain().get("truncation_plan").get("sql").asText();
        try (Connection c = pg.connect(copy); Statement st = c.createStatement()) {
            st.execute(sql); // what the operator would run after review (salvor itself never does)
        }
        String lastGood = expected(name).get("last_good").get("id").asText();
        List<String> a = new ArrayList<>(List.of("--jdbc", url(copy), "--table", "ledger_entries", TYPES));
        Checked repaired = check(a);
        assertEquals(ExitCodes.CLEAN, repaired.run.exit(), repaired.run.err());
        assertEquals(lastGood, repaired.chain().get("head").get("id").asText());
        try (Connection c = pg.connect(copy); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT last_sequence_number, last_entry_hash FROM ledger_head")) {
            assertTrue(rs.next());
            assertEquals(lastGood, rs.getString(1));
            assertEquals(repaired.chain().get("head").get("hash").asText(), rs.getString(2));
        }
    }

    @Test
    void salvagedRowsAreTheJsonLinesObjectsAndNothingIsWritten() throws Exception {
        String name = "ledger-tampered";
        String before = tableDigest(db(name));
        Path out = tmp.resolve("rows.jsonl");
        List<String> a = new ArrayList<>(List.of("salvage", "-o", out.toString()));
        a.addAll(jdbcArgs(name));
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertEquals(ExitCodes.DAMAGE, r.exit(), r.err());
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        List<String> jsonl = Files.readAllLines(Fixtures.path("jsonlog/" + name + "/ledger.jsonl"));
        assertEquals(jsonl.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode row = JSON.readTree(lines.get(i));
            assertEquals(JSON.readTree(jsonl.get(i)), row.get("event"), "row " + i);
            assertEquals(sourceName(db(name)), row.get("file").asText());
            assertEquals(i, row.get("index").asInt());
            assertEquals(-1, row.get("offset").asInt());
            assertEquals(i == 41 || i == 42 ? "broken" : "valid", row.get("chain").asText(), "row " + i);
        }
        assertTrue(String.join("\n", lines).contains("\"sequence_number\":9007199254740993,"),
                "bigint past 2^53 keeps every digit");
        assertEquals(before, tableDigest(db(name)), "the table is unchanged");
    }

    private static String tableDigest(String db) throws SQLException {
        try (Connection c = pg.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT md5(string_agg(t::text, '|' ORDER BY sequence_number))"
                     + " || count(*) FROM ledger_entries t")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void columnTypesAreMappedFromTheirTextForm() throws Exception {
        try (Connection c = pg.connect("types"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id bigint, big numeric, f float8, r real, b bool, j jsonb, js json,"
                    + " ts timestamptz, d date, u uuid, s text, n text, arr int[], by bytea, i2 smallint,"
                    + " previous_hash text, current_hash text)");
            st.execute("INSERT INTO t VALUES (9007199254740993, 12345678901234567890.123456789000, 0.1, 1.5, true,"
                    + " '{\"b\": null, \"a\": [1, 2.50]}', '{\"z\":1,  \"y\":\"\\u00e9\"}',"
                    + " '2025-12-23 01:02:03.456+01', '2025-12-23', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
                    + " E'tab\\there \"q\" \\\\ é 😂', NULL, '{1,2}', '\\x00ff', -7, NULL, 'x')");
            st.execute("INSERT INTO t (id, big, current_hash) VALUES (9007199254740994, 'NaN', 'y')");
        }
        Path out = tmp.resolve("types.jsonl");
        CliRun r = CliRun.of("salvage", "-o", out.toString(), "--jdbc", url("types"), "--table", "T", "--order",
                "ID");
        assertEquals(ExitCodes.DAMAGE, r.exit(), r.err());
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).contains("\"event\":{"), lines.get(0) + r.err());
        String event = lines.get(0).substring(lines.get(0).indexOf("\"event\":") + 8,
                lines.get(0).lastIndexOf(",\"chain\":"));
        assertEquals("{\"id\":9007199254740993,\"big\":12345678901234567890.123456789000,\"f\":0.1,\"r\":1.5,"
                + "\"b\":true,\"j\":{\"a\": [1, 2.50], \"b\": null},\"js\":{\"z\":1,  \"y\":\"\\u00e9\"},"
                + "\"ts\":\"2025-12-23 00:02:03.456+00\",\"d\":\"2025-12-23\","
                + "\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"s\":\"tab\\there \\\"q\\\" \\\\ é 😂\","
                + "\"n\":null,\"arr\":\"{1,2}\",\"by\":\"\\\\x00ff\",\"i2\":-7,\"previous_hash\":null,"
                + "\"current_hash\":\"x\"}", event);
        // NaN is not a JSON number: the row is kept in its place as rejected, with its values as raw text.
        JsonNode rejected = JSON.readTree(lines.get(1));
        assertTrue(rejected.get("event").isNull(), rejected.toString());
        assertEquals(1, rejected.get("index").asInt());
        assertTrue(r.err().contains("column big is not a JSON number: NaN"), r.err());
    }

    @Test
    void unreadableTablesAndBadOptions() throws Exception {
        String good = url(db("ledger"));
        CliRun wrongPassword = CliRun.of("check", "--jdbc", pg.url("ledger") + "?user=" + PostgresServer.USER
                + "&password=not-" + pg.password(), "--table", "ledger_entries");
        assertEquals(ExitCodes.UNREADABLE, wrongPassword.exit(), wrongPassword.err());
        assertTrue(wrongPassword.err().contains("cannot read " + sourceName("ledger")), wrongPassword.err());
        assertFalse(wrongPassword.err().contains(pg.password()), wrongPassword.err());
        CliRun noTable = CliRun.of("check", "--jdbc", good, "--table", "no_such_table");
        assertEquals(ExitCodes.UNREADABLE, noTable.exit(), noTable.err());
        assertTrue(noTable.err().contains("no_such_table"), noTable.err());
        CliRun noColumn = CliRun.of("check", "--jdbc", good, "--table", "ledger_entries", "--order", "nope");
        assertEquals(ExitCodes.UNREADABLE, noColumn.exit(), noColumn.err());
        assertTrue(noColumn.err().contains("has no column nope"), noColumn.err());
        assertEquals(ExitCodes.USAGE, CliRun.of("check", "--jdbc", "jdbc:mysql://h/db", "--table", "t").exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("check", "--jdbc", good).exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("check", "--jdbc", good, "--table", "t; DROP TABLE x").exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("check", "--table", "ledger_entries").exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("check").exit());
        assertEquals(tableDigest(db("ledger")), tableDigest(db("ledger")));
    }
}
