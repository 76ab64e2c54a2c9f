package dev.salvor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chromium's IndexedDB on SQLite (the shared corpus' Chrome 144 macOS sample, dfindexeddb-test-data under ../shared or
 * $SALVOR_SHARED, read in place:
 * nothing is written there) through salvor's own SQLite engine: rows of {@code records} carry an
 * {@code "indexeddb"} member with the sortable key decoded, the object store named from {@code object_stores}, the
 * database from {@code indexed_db_metadata} and the value decoded; the rows keep every member they had; serial and
 * parallel writers give the same bytes. A plain SQLite database gains nothing.
 */
class ChromiumSqliteTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path sample() {
        String env = System.getenv("SALVOR_SHARED"); // the shared folder when the tree is not beside it
        Path shared = env != null && !env.isEmpty() ? Path.of(env) : Fixtures.shared();
        Path p = shared.resolve("corpora/dfindexeddb-test-data/test_data/indexeddb/chrome/osx_144_64/file__0/sample");
        Assumptions.assumeTrue(Files.isRegularFile(p), "no shared corpus at " + p);
        return p;
    }

    private static List<JsonNode> records(CliRun r) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (!line.isEmpty()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Test
    void recordsOfTheSqliteBackendAreDecodedAndNamed() throws Exception {
        CliRun r = CliRun.of("salvage", sample().toString(), "--threads", "4");
        assertTrue(r.exit() == 0 || r.exit() == 1, r.err());
        List<JsonNode> recs = records(r);
        Map<String, String> keysByStore = new TreeMap<>();
        int data = 0;
        for (JsonNode n : recs) {
            for (String member : List.of("format", "file", "table", "rowid", "values", "state", "source")) {
                assertTrue(n.has(member), member + " kept in " + n);
            }
            if (!n.get("table").asText().equals("records")) {
                continue;
            }
            JsonNode idb = n.get("indexeddb");
            assertEquals("data", idb.get("record").asText(), n.toString());
            assertFalse(idb.has("problem"), idb.toString());
            assertEquals("file__0", idb.get("origin").asText());
            assertEquals("IndexedDB test", idb.get("database").asText());
            assertTrue(idb.get("key").isNumber(), idb.toString());
            assertTrue(idb.get("value").isObject() || idb.get("value").isTextual() || idb.get("value").isArray(),
                    idb.toString());
            keysByStore.merge(idb.get("object_store").asText(), idb.get("key").asText(), (a, b) -> a + "," + b);
            data++;
        }
        assertTrue(data >= 4, "records rows: " + data);
        assertEquals(Map.of("test store a", "1,2,3,4"), keysByStore);
        assertTrue(r.err().contains("Chromium IndexedDB on SQLite"), r.err());
        CliRun serial = CliRun.of("salvage", sample().toString(), "--threads", "1");
        assertEquals(r.out(), serial.out());
    }

    @Test
    void aPlainSqliteDatabaseGainsNoMember() {
        CliRun r = CliRun.of("salvage", Fixtures.path("sqlite/basic/basic.db").toString());
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("\"indexeddb\""));
    }

    /**
     * Chromium 150's SQLite backend (fixtures/browser/values/sqlite, written by Debian's headless Chromium with
     * IdbSqliteBackingStore): every live row of {@code records} carries its string key decoded from the compact
     * sortable form, with no problem, and the keys are exactly the names the page stored.
     */
    @Test
    void chromium150StringKeysAreDecodedFromTheRealFixture() throws Exception {
        Path dir = Fixtures.path("browser/values/sqlite");
        Assumptions.assumeTrue(Files.isDirectory(dir), "no browser values fixture");
        Path db;
        try (var files = Files.list(dir)) {
            db = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        CliRun r = CliRun.of("salvage", db.toString());
        assertTrue(r.exit() == 0 || r.exit() == 1, r.err());
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (JsonNode n : records(r)) {
            JsonNode idb = n.get("indexeddb");
            if (n.get("table").asText().equals("records") && n.get("state").asText().equals("live") && idb != null) {
                assertTrue(!idb.has("problem"), idb.toString());
                keys.add(idb.get("key").asText());
            }
        }
        JsonNode expected = JSON.readTree(Fixtures.path("browser/values/expected-sqlite.json").toFile()).get("expected");
        java.util.Set<String> names = new java.util.TreeSet<>();
        expected.fieldNames().forEachRemaining(names::add);
        assertEquals(names, keys);
    }
}
