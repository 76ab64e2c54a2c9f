package dev.salvor.salvage.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.Sha256;
import dev.salvor.salvage.rebuild.RebuildTarget;
import dev.salvor.salvage.report.RunReport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQLite rebuild over every fixture written by the real sqlite3 (intact, WAL, torn WAL, hot journal, UTF-16,
 * 512 and 65536-byte pages, damaged copies, dropped tables): the new database passes Debian's {@code sqlite3}
 * integrity check, holds exactly the live rows salvage reports (table, rowid, values) but those left out, the
 * left-out lines are salvage's own lines plus their reason, the counts add up, the report's counts equal salvage's,
 * the original's page size, encoding and user_version are kept, and the evidence is byte-identical afterwards.
 */
class SqliteRebuilderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SQLITE3 = Path.of("/usr/bin/sqlite3");
    private static final Pattern LEFT_OUT = Pattern.compile(",\"left_out\":\"((?:[^\"\\\\]|\\\\.)*)\"}$");

    @TempDir
    Path tmp;

    /** One rebuild: the new database, the left-out lines, the report and the target's facts. */
    record Rebuilt(Path db, List<String> leftOut, RunReport report, Map<String, Object> facts) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic", "wal", "wal-torn", "journal", "carving", "tiny", "damage-src", "truncated",
        "zeroed-header", "page1-destroyed", "garbage-interior", "garbage-run", "p512-utf16le", "p65536-utf16be",
        "dropped-merged", "dropped-reused"})
    void rebuildHoldsExactlyTheLiveRowsSalvageReports(String c) throws Exception {
        Path db = SqliteCliTest.db(c);
        Map<Path, String> before = hashes(db);
        RunReport salvageReport = new RunReport("salvage", "t");
        List<String> salvaged = salvage(db, salvageReport);
        Rebuilt r = rebuild(db, RebuildTarget.Options.DEFAULT);

        assertEquals(salvageReport.recordsByState(), r.report().recordsByState(), "counts by state as salvage's");
        assertEquals(salvageReport.files().size(), r.report().files().size());
        integrityCheckBySqlite3(r.db());

        // every left-out line is a salvage line plus its reason; the rest of salvage's live rows are in the database
        Map<String, Integer> remaining = new HashMap<>();
        salvaged.forEach(l -> remaining.merge(l, 1, Integer::sum));
        Map<String, Long> reasons = new TreeMap<>();
        for (String line : r.leftOut()) {
            Matcher m = LEFT_OUT.matcher(line);
            assertTrue(m.find(), "left-out line names its reason: " + line);
            String original = line.substring(0, m.start()) + "}";
            assertTrue(remaining.merge(original, -1, Integer::sum) >= 0, "left out but not salvaged: " + line);
            JsonNode row = JSON.readTree(original);
            String reason = m.group(1);
            reasons.merge(reason, 1L, Long::sum);
            if (row.has("kind") && row.get("kind").asText().equals("index")) {
                assertEquals("index_entry", reason, "an index entry is never written as a row: " + line);
            } else if (row.get("state").asText().equals("live")) {
                assertTrue(reason.startsWith("constraint: ") || reason.equals("unknown_columns")
                        || reason.equals("unattributable"), "a live row left out only for a reason: " + line);
            } else {
                assertEquals(row.get("state").asText(), reason, line);
            }
        }
        List<String> expected = new ArrayList<>();
        for (Map.Entry<String, Integer> e : remaining.entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            JsonNode row = JSON.readTree(e.getKey());
            assertEquals("live", row.get("state").asText(), "a row neither written nor left out: " + e.getKey());
            for (int i = 0; i < e.getValue(); i++) {
                expected.add(key(row));
            }
        }
        // rows salvaged without a rowid (an inferred WITHOUT ROWID table, orphan_<root>) get one from the new
        // database's orphan table: compared by table and values only
        java.util.Set<String> rowless = new java.util.HashSet<>();
        for (String k : expected) {
            if (k.contains("||")) {
                rowless.add(k.substring(0, k.indexOf('|')));
            }
        }
        List<String> written = withoutRowids(outputRows(r.db()), rowless);
        expected.sort(null);
        written.sort(null);
        assertEquals(expected, written, "the new database's rows are salvage's live rows but those left out");
        assertEquals(salvaged.size(), r.leftOut().size() + written.size(), "every salvaged row accounted for once");
        assertEquals((long) written.size(), r.facts().get("written"));
        @SuppressWarnings("unchecked")
        Map<String, Long> factReasons = (Map<String, Long>) r.facts().getOrDefault("left_out", Map.of());
        assertEquals(reasons, new TreeMap<>(factReasons));

        long writtenByTable = ((Map<?, ?>) r.facts().get("rows_by_table")).values().stream()
                .mapToLong(n -> (Long) n).sum();
        assertEquals((long) written.size(), writtenByTable, "rows_by_table adds up to written");
        // rebuild, then salvage: the same live rows as the new database holds
        List<String> again = new ArrayList<>();
        for (String line : salvage(r.db(), new RunReport("salvage", "t"))) {
            JsonNode row = JSON.readTree(line);
            if (row.get("state").asText().equals("live")) {
                again.add(key(row));
            }
        }
        again = withoutRowids(again, rowless);
        again.sort(null);
        assertEquals(written, again, "salvage of the rebuilt database gives back its rows, all live");
        record(c, r.facts());
        settingsKept(c, db, r.db());
        groundTruthPresent(c, written);
        assertEquals(before, hashes(db), "evidence byte-identical");
        for (String suffix : List.of("-journal", "-wal", "-shm")) {
            assertFalse(Files.exists(r.db().resolveSibling(r.db().getFileName() + suffix)), suffix + " beside output");
        }
    }

    @Test
    void withDeletedAddsTheRowsThatAreNotLiveToSalvorRecovered() throws Exception {
        Path db = SqliteCliTest.db("basic");
        RunReport salvageReport = new RunReport("salvage", "t");
        List<String> salvaged = salvage(db, salvageReport);
        Rebuilt r = rebuild(db, new RebuildTarget.Options(true, false));
        long notLive = salvaged.stream().filter(l -> !l.contains("\"state\":\"live\"")).count();
        assertTrue(notLive > 0);
        try (Connection c = open(r.db()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state, count(*), sum(values_json LIKE '[%]') FROM salvor_recovered "
                     + "GROUP BY state")) {
            long rows = 0;
            while (rs.next()) {
                assertFalse(rs.getString(1).equals("live"));
                assertEquals(rs.getLong(2), rs.getLong(3), "values_json is a JSON array");
                rows += rs.getLong(2);
            }
            assertEquals(notLive, rows);
        }
        assertEquals(notLive, r.facts().get("recovered_rows"));
        assertEquals(notLive, r.leftOut().stream().filter(l -> !l.contains("\"state\":\"live\"")).count(),
                "the rows that are not live stay in the left-out lines too");
        integrityCheckBySqlite3(r.db());
    }

    /**
     * What the fixtures lack, in one database written by sqlite-jdbc: user_version and application_id, AUTOINCREMENT
     * (sqlite_sequence), ANALYZE statistics (sqlite_stat1), a partial index, a UNIQUE index, a view, a trigger (it
     * must not fire while the rows go in), a foreign key, a table without an INTEGER PRIMARY KEY, WITHOUT ROWID, FTS5
     * and R*Tree virtual tables (rebuilt from their rows). The new database holds the same schema objects, settings
     * and rows as a copy of the original read by SQLite.
     */
    @Test
    void schemaObjectsSettingsAndInternalTablesAreKept() throws Exception {
        Path db = tmp.resolve("rich.db");
        try (Connection c = open(db); Statement s = c.createStatement()) {
            for (String sql : List.of("PRAGMA page_size = 2048", "PRAGMA user_version = 7",
                    "PRAGMA application_id = 4660",
                    "CREATE TABLE items(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, price REAL)",
                    "CREATE TABLE log(id INTEGER PRIMARY KEY, what TEXT)",
                    "CREATE TABLE child(id INTEGER PRIMARY KEY, item INTEGER REFERENCES items(id))",
                    "CREATE TABLE kv(k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID",
                    "CREATE TABLE plain(a, b)",
                    "CREATE UNIQUE INDEX items_name ON items(name)",
                    "CREATE INDEX plain_b ON plain(b) WHERE b IS NOT NULL",
                    "CREATE VIEW cheap AS SELECT name FROM items WHERE price < 5",
                    "CREATE TRIGGER items_log AFTER INSERT ON items BEGIN INSERT INTO log(what) VALUES ('added ' "
                            + "|| new.name); END",
                    "CREATE VIRTUAL TABLE docs USING fts5(body)",
                    "CREATE VIRTUAL TABLE boxes USING rtree(id, x0, x1)",
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                            + "INSERT INTO items(name, price) SELECT 'item ' || i, i / 7.0 FROM n",
                    "DELETE FROM items WHERE id > 290 OR id % 17 = 0",
                    "INSERT INTO child VALUES(1, 1), (2, 5), (3, NULL)",
                    "INSERT INTO kv VALUES('a', x'00ff'), ('b', NULL), ('c', x'')",
                    "INSERT INTO plain(rowid, a, b) VALUES(10, 1, NULL), (20, 'two', 2.5), (30, x'01', 'b')",
                    "INSERT INTO docs(rowid, body) VALUES(4, 'the quick brown fox'), (9, 'jumps over the lazy dog')",
                    "INSERT INTO boxes VALUES(1, 0.5, 1.5), (2, -3, 3)",
                    "ANALYZE")) {
                s.execute(sql);
            }
        }
        Path copy = tmp.resolve("copy-of-rich.db"); // SQLite reads the copy, never the evidence
        Files.copy(db, copy);
        String before = Sha256.ofFile(db);

        Rebuilt r = rebuild(db, RebuildTarget.Options.DEFAULT);
        assertEquals(before, Sha256.ofFile(db));
        integrityCheckBySqlite3(r.db());
        List<String> want = outputRows(copy);
        List<String> got = outputRows(r.db());
        want.removeIf(SqliteRebuilderTest::shadowRow);
        got.removeIf(SqliteRebuilderTest::shadowRow);
        want.sort(null);
        got.sort(null);
        assertEquals(want, got);
        assertTrue(got.contains("sqlite_sequence|1|[t:items, i:300]"), "sqlite_sequence as the original's: " + got);
        assertTrue(got.stream().anyMatch(row -> row.startsWith("sqlite_stat1|")), "statistics kept");
        assertEquals(schemaObjects(copy), schemaObjects(r.db()));
        try (Connection c = open(r.db()); Statement s = c.createStatement()) {
            assertEquals(7, pragma(s, "user_version"));
            assertEquals(4660, pragma(s, "application_id"));
            assertEquals(2048, pragma(s, "page_size"));
            try (ResultSet rs = s.executeQuery("SELECT rowid FROM docs WHERE docs MATCH 'lazy'")) {
                assertTrue(rs.next());
                assertEquals(9, rs.getLong(1), "the FTS index is rebuilt from the rows");
            }
            try (ResultSet rs = s.executeQuery("SELECT id FROM boxes WHERE x0 <= 1 AND x1 >= 1 ORDER BY id")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getLong(1));
                assertTrue(rs.next());
                assertEquals(2, rs.getLong(1));
            }
            try (ResultSet rs = s.executeQuery("PRAGMA foreign_key_check")) {
                assertFalse(rs.next(), "the foreign keys hold");
            }
            assertEquals(0L, r.facts().get("foreign_key_violations"));
            s.execute("INSERT INTO items(name, price) VALUES('new', 1)");
            try (ResultSet rs = s.executeQuery("SELECT id FROM items WHERE name = 'new'")) {
                assertEquals(301, rs.getLong(1), "AUTOINCREMENT goes on after the original's sequence");
            }
        }
        for (String line : r.leftOut()) {
            Matcher m = LEFT_OUT.matcher(line);
            assertTrue(m.find());
            assertTrue(m.group(1).equals("deleted") || m.group(1).startsWith("shadow table of virtual table"),
                    line);
        }
    }

    /** Rows of FTS5 and R*Tree shadow tables: their modules lay them out anew. */
    private static boolean shadowRow(String row) {
        return row.startsWith("docs_") || row.startsWith("boxes_");
    }

    /** The schema's objects (type, name, SQL), in no order: the UNIQUE indexes are created before the rows. */
    private static List<String> schemaObjects(Path db) throws SQLException {
        List<String> objects = new ArrayList<>();
        try (Connection c = open(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT type, name, tbl_name, sql FROM sqlite_schema")) {
            while (rs.next()) {
                objects.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
        }
        objects.sort(null);
        return objects;
    }

    /**
     * {@code salvor rebuild} end to end on the damaged page-1 fixture, into an OUTPUT whose name SQLite's URIs would
     * misread ({@code ?}, {@code #}, {@code %}, a space): OUTPUT holds the orphan tables, OUTPUT.salvor/ the report
     * (its {@code rebuild} facts, counts equal to salvage's) and the left-out lines; nothing else is left beside it.
     */
    @Test
    void cliRebuildWritesOutputAndItsSideCar() throws Exception {
        Path db = SqliteCliTest.db("page1-destroyed");
        Path dir = Files.createDirectory(tmp.resolve("cli"));
        Path out = dir.resolve("re built?#%.db");
        RunReport salvageReport = new RunReport("salvage", "t");
        List<String> salvaged = salvage(db, salvageReport);
        dev.salvor.cli.CliRun run = dev.salvor.cli.CliRun.of("rebuild", "--format", "sqlite", db.toString(), "-o",
                out.toString());
        assertEquals(1, run.exit(), run.err()); // the damage is reported; OUTPUT is still written
        assertTrue(Files.isRegularFile(out), run.err());
        integrityCheckBySqlite3(out);
        Path sidecar = dir.resolve(out.getFileName() + ".salvor");
        JsonNode report = JSON.readTree(sidecar.resolve("report.json").toFile());
        JsonNode facts = report.get("rebuild");
        List<String> leftOut = Files.readAllLines(sidecar.resolve("left-out.jsonl"), StandardCharsets.UTF_8);
        List<String> written = outputRows(out);
        assertEquals(written.size(), facts.get("written").asLong());
        assertEquals(salvaged.size(), written.size() + leftOut.size());
        assertTrue(written.stream().allMatch(row -> row.startsWith("orphan_")), "page 1 lost: orphan tables");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(out.getFileName().toString(), sidecar.getFileName().toString()),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "nothing else beside OUTPUT");
        }
    }

    /**
     * A collation only the application registers (Android's {@code LOCALIZED}): the table and its index are created
     * with a stand-in of that name in binary order, every row is written, and the facts name the collation.
     */
    @Test
    void aCollationOnlyTheApplicationKnowsIsStoodInFor() throws Exception {
        Path db = tmp.resolve("android.db");
        try (Connection c = open(db); Statement s = c.createStatement()) {
            org.sqlite.Collation.create(c, "LOCALIZED", new org.sqlite.Collation() {
                @Override
                protected int xCompare(String a, String b) {
                    return b.compareTo(a); // the application's own order (here: reversed)
                }
            });
            s.execute("CREATE TABLE contacts(id INTEGER PRIMARY KEY, name TEXT COLLATE LOCALIZED)");
            s.execute("CREATE INDEX contacts_name ON contacts(name COLLATE LOCALIZED)");
            s.execute("INSERT INTO contacts(name) VALUES('b'), ('a'), ('c')");
        }
        Rebuilt r = rebuild(db, RebuildTarget.Options.DEFAULT);
        assertEquals(List.of("LOCALIZED"), r.facts().get("stub_collations"));
        assertEquals(null, r.facts().get("not_created"));
        List<String> rows = outputRows(r.db());
        rows.sort(null);
        assertEquals(List.of("contacts|1|[i:1, t:b]", "contacts|2|[i:2, t:a]", "contacts|3|[i:3, t:c]"), rows);
        assertEquals(List.of(), r.leftOut());
    }

    /** {@code salvor rebuild --with-deleted}: the rows that are not live are in {@code salvor_recovered} too. */
    @Test
    void cliWithDeletedKeepsTheOtherRowsInSalvorRecovered() throws Exception {
        Path db = SqliteCliTest.db("wal");
        Path out = Files.createDirectory(tmp.resolve("cli-deleted")).resolve("out.db");
        dev.salvor.cli.CliRun run = dev.salvor.cli.CliRun.of("rebuild", db.toString(), "-o", out.toString(),
                "--with-deleted");
        assertEquals(0, run.exit(), run.err());
        JsonNode report = JSON.readTree(out.resolveSibling("out.db.salvor").resolve("report.json").toFile());
        long notLive = 0;
        for (var e : report.get("totals").get("records").properties()) {
            notLive += e.getKey().equals("live") ? 0 : e.getValue().asLong();
        }
        assertTrue(notLive > 0, report.toString());
        assertEquals(notLive, report.get("rebuild").get("recovered_rows").asLong());
        try (Connection c = open(out); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM salvor_recovered")) {
            assertEquals(notLive, rs.getLong(1));
        }
        assertFalse(Files.exists(out.resolveSibling("out.db-wal")), "the WAL-mode output is closed clean");
        integrityCheckBySqlite3(out);
    }

    /**
     * A row that breaks a constraint of the new database is left out with SQLite's message, never dropped or
     * replaced: the evidence's schema declares UNIQUE, NOT NULL, CHECK and a UNIQUE index that its rows break (the
     * statements were patched in place, same length, after the rows were written).
     */
    @Test
    void rowsBreakingAConstraintAreLeftOutWithTheConstraintNamed() throws Exception {
        Path db = tmp.resolve("evidence.db");
        try (Connection c = open(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, email TEXT /*aaaaaaaaaaaaaaaaaaaaaa*/, "
                    + "n INT /*bbbbbb*/, m INT /*cccccc*/)");
            s.execute("CREATE TABLE u(a, b)");
            s.execute("CREATE INDEX u_b ON u(b) /*ab*/");
            s.execute("INSERT INTO t VALUES(1, 'x@y', 1, 1), (2, 'x@y', 2, 2), (3, 'z@y', NULL, 3), (4, 'w@y', 4, -4),"
                    + " (5, 'v@y', 5, 5)");
            s.execute("INSERT INTO u VALUES(1, 'k'), (2, 'k'), (3, 'l')");
        }
        byte[] bytes = Files.readAllBytes(db);
        patch(bytes, "/*aaaaaaaaaaaaaaaaaaaaaa*/", "UNIQUE ON CONFLICT REPLACE");
        patch(bytes, "/*bbbbbb*/", "NOT NULL  ");
        patch(bytes, "/*cccccc*/", "CHECK(m>0)");
        patch(bytes, "CREATE INDEX u_b ON u(b) /*ab*/", "CREATE UNIQUE INDEX u_b ON u(b)");
        Files.write(db, bytes);

        Rebuilt r = rebuild(db, RebuildTarget.Options.DEFAULT);
        Map<String, String> leftOut = new TreeMap<>();
        for (String line : r.leftOut()) {
            Matcher m = LEFT_OUT.matcher(line);
            assertTrue(m.find());
            JsonNode row = JSON.readTree(line);
            leftOut.put(row.get("table").asText() + ":" + row.get("rowid").asLong(), m.group(1));
        }
        assertEquals(Map.of(
                "t:2", "constraint: UNIQUE constraint failed: t.email",
                "t:3", "constraint: NOT NULL constraint failed: t.n",
                "t:4", "constraint: CHECK constraint failed: m>0",
                "u:2", "constraint: UNIQUE constraint failed: u.b"), leftOut);
        List<String> rows = outputRows(r.db());
        rows.sort(null);
        assertEquals(List.of("t|1|[i:1, t:x@y, i:1, i:1]", "t|5|[i:5, t:v@y, i:5, i:5]", "u|1|[i:1, t:k]",
                "u|3|[i:3, t:l]"), rows);
        integrityCheckBySqlite3(r.db());
    }

    /**
     * The schema's SQL is the evidence's text: only the one CREATE statement of the entry's type runs. A table entry
     * whose text goes on with an ATTACH (which would create a file) gets its table, and nothing else happens; a view
     * entry whose text is a DROP TABLE is not run.
     */
    @Test
    void onlyTheSchemaEntrysOwnCreateStatementRuns() throws Exception {
        Path db = tmp.resolve("hostile.db");
        Path planted = tmp.resolve("planted.db");
        String tail = "x); ATTACH '" + planted + "' AS p; --";
        String pad = "a".repeat(tail.length() - 9);
        try (Connection c = open(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE a(x, /*" + pad + "*/ y)");
            s.execute("CREATE VIEW v AS SELECT 1 /*bbbbbbbbbbb*/");
            s.execute("INSERT INTO a VALUES(1, 2)");
        }
        byte[] bytes = Files.readAllBytes(db);
        patch(bytes, "x, /*" + pad + "*/ y", tail);
        patch(bytes, "CREATE VIEW v AS SELECT 1 /*bbbbbbbbbbb*/", "DROP TABLE a; SELECT 1 /*bbbbbbbbbbbbbb*/");
        Files.write(db, bytes);

        Rebuilt r = rebuild(db, RebuildTarget.Options.DEFAULT);
        assertFalse(Files.exists(planted), "no statement but the CREATE ran");
        try (Connection c = open(r.db()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT group_concat(type || ' ' || name) FROM sqlite_schema")) {
            assertEquals("table a", rs.getString(1));
        }
        @SuppressWarnings("unchecked")
        List<Map<String, String>> refused = (List<Map<String, String>>) r.facts().get("not_created");
        assertEquals(List.of(Map.of("type", "view", "name", "v", "error", "not a CREATE VIEW statement")), refused);
        assertEquals(List.of(), r.leftOut()); // salvage reads the record with the schema's one column
        assertEquals(List.of("a|1|[i:1]"), outputRows(r.db()));
        integrityCheckBySqlite3(r.db());
    }

    /**
     * Hostile copies of {@code tiny} (one byte inverted at every 3rd offset, the file cut every 61 bytes): the rebuild
     * returns normally every time, its database passes SQLite's integrity check (the rebuilder checks it before
     * returning), and every salvaged row is written or left out.
     */
    @Test
    void damagedCopiesAlwaysRebuildIntoASoundDatabase() throws Exception {
        byte[] original = Files.readAllBytes(SqliteCliTest.db("tiny"));
        List<byte[]> copies = new ArrayList<>();
        for (int at = 0; at < original.length; at += 3) {
            byte[] b = original.clone();
            b[at] ^= (byte) 0xff;
            copies.add(b);
        }
        for (int len = 0; len < original.length; len += 61) {
            copies.add(Arrays.copyOf(original, len));
        }
        int n = 0;
        for (byte[] b : copies) {
            Path db = tmp.resolve("hostile-" + n++ + ".db");
            Files.write(db, b);
            List<String> salvaged = salvage(db, new RunReport("salvage", "t"));
            Rebuilt r = rebuild(db, RebuildTarget.Options.DEFAULT);
            assertEquals(salvaged.size(), r.leftOut().size() + outputRows(r.db()).size(), "copy " + (n - 1));
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** Each case's rebuild facts, for the README's numbers: target/sqlite-rebuild-facts.txt. */
    private static synchronized void record(String c, Map<String, Object> facts) throws IOException {
        Path out = Path.of("target", "sqlite-rebuild-facts.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, c + "\t" + JSON.writeValueAsString(facts) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private List<String> salvage(Path db, RunReport report) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SqliteHandler().salvage(SourceSet.of(db), RunContext.defaults(), out, report);
        return lines(out);
    }

    private Rebuilt rebuild(Path db, RebuildTarget.Options options) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "rebuild");
        Path out = dir.resolve("out.db");
        ByteArrayOutputStream leftOut = new ByteArrayOutputStream();
        RebuildTarget target = new RebuildTarget(out, leftOut, options);
        RunReport report = new RunReport("rebuild", "t");
        new SqliteHandler().rebuilder().rebuild(SourceSet.of(db), RunContext.defaults(), target, report);
        return new Rebuilt(out, lines(leftOut), report, target.facts());
    }

    private static List<String> lines(ByteArrayOutputStream out) {
        String s = out.toString(StandardCharsets.UTF_8);
        return s.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(s.split("\n")));
    }

    /** {@code keys} with the rowid left out of the rows of {@code tables}. */
    private static List<String> withoutRowids(List<String> keys, java.util.Set<String> tables) {
        if (tables.isEmpty()) {
            return keys;
        }
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            int bar = k.indexOf('|');
            out.add(tables.contains(k.substring(0, bar)) ? k.substring(0, bar + 1) + k.substring(k.indexOf('|', bar + 1))
                    : k);
        }
        return out;
    }

    private static String key(JsonNode row) {
        List<String> vals = new ArrayList<>();
        row.get("values").forEach(v -> vals.add(SqliteCliTest.fromJson(v)));
        return row.get("table").asText() + "|" + (row.get("rowid").isNull() ? "" : row.get("rowid").asText())
                + "|" + vals;
    }

    /** Every row of every table of the new database but {@code salvor_recovered}, keyed as {@link #key}. */
    static List<String> outputRows(Path db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = open(db)) {
            List<String> tables = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'salvor_recovered'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                String q = SqlNames.quote(t);
                boolean rowid = true;
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT rowid FROM " + q + " LIMIT 0").close();
                } catch (SQLException e) {
                    rowid = false; // WITHOUT ROWID
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT " + (rowid ? "rowid, " : "") + "* FROM " + q)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        List<String> vals = new ArrayList<>();
                        for (int i = rowid ? 2 : 1; i <= md.getColumnCount(); i++) {
                            vals.add(value(rs.getObject(i)));
                        }
                        rows.add(t + "|" + (rowid ? rs.getLong(1) : "") + "|" + vals);
                    }
                }
            }
        }
        return rows;
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Integer || v instanceof Long) {
            return "i:" + ((Number) v).longValue();
        }
        if (v instanceof Double d) {
            return "r:" + d;
        }
        if (v instanceof byte[] b) {
            return "b:" + HexFormat.of().withUpperCase().formatHex(b);
        }
        return "t:" + v;
    }

    private static Connection open(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    /** Debian's sqlite3 finds nothing wrong with the new database (skipped where it is not installed). */
    private static void integrityCheckBySqlite3(Path db) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(SQLITE3), "needs /usr/bin/sqlite3");
        Process p = new ProcessBuilder(SQLITE3.toString(), db.toString(), "PRAGMA integrity_check")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("ok", out, "sqlite3 integrity_check of " + db);
        assertEquals(0, p.exitValue());
    }

    /** Page size and encoding as the original's (ground truth), user_version as its header's when it survives. */
    private static void settingsKept(String c, Path evidence, Path out) throws Exception {
        JsonNode gt = Fixtures.json(Fixtures.path("sqlite/" + c + "/ground-truth.json"));
        byte[] h = new byte[100];
        try (var in = Files.newInputStream(evidence)) {
            h = in.readNBytes(100);
        }
        boolean headerSurvives = h.length == 100
                && new String(h, 0, 16, StandardCharsets.ISO_8859_1).equals("SQLite format 3\0");
        try (Connection conn = open(out); Statement s = conn.createStatement()) {
            assertEquals(gt.get("page_size").asLong(), pragma(s, "page_size"), "page size");
            try (ResultSet rs = s.executeQuery("PRAGMA encoding")) {
                assertEquals(gt.get("encoding").asText().toLowerCase(), rs.getString(1).toLowerCase(), "encoding");
            }
            if (headerSurvives) {
                long userVersion = ((h[60] & 0xffL) << 24) | ((h[61] & 0xff) << 16) | ((h[62] & 0xff) << 8)
                        | (h[63] & 0xff);
                assertEquals((int) userVersion, pragma(s, "user_version"), "user_version");
                assertEquals(h[52] != 0 || h[53] != 0 || h[54] != 0 || h[55] != 0, pragma(s, "auto_vacuum") != 0,
                        "auto_vacuum");
                byte[] outHeader;
                try (var in = Files.newInputStream(out)) {
                    outHeader = in.readNBytes(100);
                }
                assertEquals(h[18], outHeader[18], "file format write version (2: WAL mode)");
                assertEquals(h[19], outHeader[19], "file format read version");
            }
        }
    }

    private static long pragma(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.getLong(1);
        }
    }

    /**
     * The ground truth's live rows of the tables the new database holds under their names: each present with its
     * values when the fixture is intact; never with other values when it is damaged (some rows are lost with their
     * pages).
     */
    private static void groundTruthPresent(String c, List<String> written) throws IOException {
        JsonNode gt = Fixtures.json(Fixtures.path("sqlite/" + c + "/ground-truth.json"));
        boolean damaged = gt.has("truth");
        if (damaged) {
            gt = Fixtures.json(Fixtures.path("sqlite/" + gt.get("truth").asText() + "/ground-truth.json"));
        }
        Map<String, String> byRow = new HashMap<>();
        for (String w : written) {
            byRow.put(w.substring(0, w.lastIndexOf("|[")), w);
        }
        for (JsonNode row : gt.get("live")) {
            List<String> vals = new ArrayList<>();
            row.get("values").forEach(v -> vals.add(SqliteCliTest.fromSql(v.asText())));
            String id = row.get("table").asText() + "|" + row.path("rowid").asText("");
            String want = id + "|" + vals;
            if (!damaged) {
                assertTrue(written.contains(want), "ground-truth live row in the new database: " + want);
            } else if (byRow.containsKey(id) && !id.endsWith("|")) {
                assertEquals(want, byRow.get(id), "no wrong value");
            }
        }
    }

    private static Map<Path, String> hashes(Path db) throws IOException {
        Map<Path, String> h = new TreeMap<>();
        for (String side : List.of("", "-wal", "-journal")) {
            Path p = db.resolveSibling(db.getFileName() + side);
            if (Files.exists(p)) {
                h.put(p, Sha256.ofFile(p));
            }
        }
        return h;
    }

    private static void patch(byte[] b, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertEquals(f.length, t.length);
        for (int i = 0; i + f.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, b, i, t.length);
                return;
            }
        }
        throw new AssertionError("not found: " + from);
    }
}
