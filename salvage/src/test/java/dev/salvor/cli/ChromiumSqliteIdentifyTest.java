package dev.salvor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.sqlite.SqliteDatabase;
import dev.salvor.formats.sqlite.TableTree;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code salvor identify} on Chromium's IndexedDB on SQLite: the origin, database name and version, every object store
 * (id, name, key path, auto-increment, index names) and its live record count, in the notes and in the report's
 * {@code indexeddb} section ({@code --json}). The expectations come from what the generator pages did (their
 * {@code createObjectStore}/{@code createIndex}/{@code put} calls, the fixtures' expected JSON), on Chromium 150's
 * files (fixtures/browser) and the shared corpus' Chrome 144 macOS sample; a copy with a zeroed page still names what
 * it can and says what it could not count.
 */
class ChromiumSqliteIdentifyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path only(String dir) throws Exception {
        Path d = Fixtures.path(dir);
        Assumptions.assumeTrue(Files.isDirectory(d), "no fixture " + d);
        try (var files = Files.list(d)) {
            return files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().endsWith("-wal"))
                    .findFirst().orElseThrow();
        }
    }

    private static JsonNode identify(Path db, int... exits) throws Exception {
        CliRun r = CliRun.of("identify", db.toString(), "--json");
        boolean ok = false;
        for (int e : exits) {
            ok |= r.exit() == e;
        }
        assertTrue(ok, "exit " + r.exit() + ": " + r.err());
        return JSON.readTree(r.out());
    }

    private static JsonNode fact(JsonNode report) {
        JsonNode section = report.get("indexeddb");
        assertNotNull(section, report.toString());
        assertEquals(1, section.size(), section.toString());
        JsonNode f = section.get(0);
        assertEquals(report.get("input_results").get(0).get("input").asText(), f.get("input").asText());
        return f;
    }

    /** Object store name to live records, as identify reports them. */
    private static Map<String, Long> counts(JsonNode fact) {
        Map<String, Long> out = new TreeMap<>();
        fact.get("object_stores").forEach(s -> out.put(s.get("object_store").asText(), s.get("live_records").asLong()));
        return out;
    }

    private static List<String> all(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** values/page.html: database "values" version 1, one store "values", one record per expected value. */
    @Test
    void namesTheValuesDatabaseAndCountsEveryValueThePagePut() throws Exception {
        String page = Files.readString(Fixtures.path("browser/values/page.html"));
        List<String> stores = all(Pattern.compile("createObjectStore\\(\"([^\"]+)\""), page);
        int values = JSON.readTree(Fixtures.path("browser/values/expected-sqlite.json").toFile()).get("expected").size();
        JsonNode report = identify(only("browser/values/sqlite"), 0);
        JsonNode f = fact(report);
        assertEquals("sqlite", f.get("backend").asText());
        assertEquals("values", f.get("database").asText());
        assertEquals(1, f.get("version").asLong());
        assertTrue(f.get("origin").isNull(), "the fixture does not lie in an origin's directory: " + f);
        assertEquals(Map.of(stores.get(0), (long) values), counts(f));
        JsonNode s = f.get("object_stores").get(0);
        assertEquals(1, s.get("object_store_id").asLong());
        assertTrue(s.get("key_path").isNull(), s.toString());
        assertFalse(s.get("auto_increment").asBoolean(), s.toString());
        assertTrue(f.get("counts_complete").asBoolean());
        assertEquals(0, f.get("problems").size());
        assertTrue(report.get("notes").toString().contains("object store 1 \\\"values\\\"")
                && report.get("notes").toString().contains(values + " live record(s)"), report.get("notes").toString());
    }

    /**
     * keys/page.html: store "keys" with indexes by_tag, by_tags (multi-entry) and compound (an array key path); its
     * live records are expected.json's {@code records}, after a clean close and, killed, with the data still in the WAL.
     */
    @Test
    void namesTheKeysStoreWithItsIndexesOnBothCopies() throws Exception {
        String page = Files.readString(Fixtures.path("browser/keys/page.html"));
        List<String> indexes = all(Pattern.compile("createIndex\\(\"([^\"]+)\""), page);
        int live = JSON.readTree(Fixtures.path("browser/keys/expected.json").toFile()).get("records").size();
        for (String copy : List.of("browser/keys/sqlite", "browser/keys/sqlite-wal")) {
            JsonNode f = fact(identify(only(copy), 0)); // the killed copy: a WAL-mode main file, its pages in the WAL
            assertEquals("keys", f.get("database").asText(), copy);
            assertEquals(Map.of("keys", (long) live), counts(f), copy);
            JsonNode s = f.get("object_stores").get(0);
            List<String> names = new ArrayList<>();
            Map<String, JsonNode> byName = new LinkedHashMap<>();
            s.get("indexes").forEach(i -> {
                names.add(i.get("index").asText());
                byName.put(i.get("index").asText(), i);
            });
            assertEquals(indexes, names, copy);
            assertTrue(byName.get("by_tags").get("multi_entry").asBoolean(), copy);
            assertEquals("[\"tag\",\"name\"]", byName.get("compound").get("key_path").toString(), copy);
            assertEquals("tag", byName.get("by_tag").get("key_path").asText(), copy);
        }
    }

    /**
     * The Chrome 144 sample: generate_chrome_indexeddb.html creates "test store a" (key path id, index "test store a"
     * on test_date) and "empty store", and puts records into the first only; the origin comes from the directory.
     */
    @Test
    void namesTheChrome144SampleFromItsPage() throws Exception {
        String env = System.getenv("SALVOR_SHARED");
        Path shared = env != null && !env.isEmpty() ? Path.of(env) : Fixtures.shared();
        Path chrome = shared.resolve("corpora/dfindexeddb-test-data/test_data/indexeddb/chrome");
        Path sample = chrome.resolve("osx_144_64/file__0/sample");
        Assumptions.assumeTrue(Files.isRegularFile(sample), "no shared corpus at " + sample);
        String page = Files.readString(chrome.resolve("generate_chrome_indexeddb.html"));
        Map<String, Long> expected = new TreeMap<>();
        Matcher m = Pattern.compile("var (\\w+) = db\\.createObjectStore\\(\"([^\"]+)\"").matcher(page);
        while (m.find()) {
            expected.put(m.group(2), (long) all(Pattern.compile("(" + m.group(1) + ")\\.put\\("), page).size());
        }
        assertEquals(2, expected.size(), expected.toString());
        JsonNode f = fact(identify(sample, 0));
        assertEquals("file__0", f.get("origin").asText());
        assertEquals("IndexedDB test", f.get("database").asText());
        assertEquals(1, f.get("version").asLong());
        assertEquals(expected, counts(f));
        for (JsonNode s : f.get("object_stores")) {
            assertEquals("id", s.get("key_path").asText(), s.toString());
        }
        assertEquals("test_date", f.get("object_stores").get(0).get("indexes").get(0).get("key_path").asText());
    }

    /**
     * A copy of the values database with one leaf of the records tree zeroed: identify still names the database and
     * its store, counts the records of the other leaves, says the counts are lower bounds and why, and how many
     * records the intact records_by_key index lists; with the
     * object_stores page zeroed too, the store is still listed by its id, nameless, and the loss is said.
     */
    @Test
    void aDamagedCopyNamesWhatItCanAndSaysWhatItCouldNotCount(@TempDir Path tmp) throws Exception {
        Path original = only("browser/values/sqlite");
        byte[] bytes = Files.readAllBytes(original);
        int pageSize = ((bytes[16] & 0xff) << 8 | (bytes[17] & 0xff)) == 1 ? 65536
                : (bytes[16] & 0xff) << 8 | (bytes[17] & 0xff);
        JsonNode clean = fact(identify(original, 0));
        long all = clean.get("object_stores").get(0).get("live_records").asLong();
        int root = rootOf(original, "records");
        byte[] rootPage = java.util.Arrays.copyOfRange(bytes, (root - 1) * pageSize, root * pageSize);
        assertEquals(5, rootPage[0], "the records tree of the fixture has an interior root");
        int firstCell = ByteBuffer.wrap(rootPage).getShort(12) & 0xffff;
        int leaf = ByteBuffer.wrap(rootPage).getInt(firstCell);
        java.util.Arrays.fill(bytes, (leaf - 1) * pageSize, leaf * pageSize, (byte) 0);
        Path damaged = tmp.resolve("records-leaf-zeroed");
        Files.write(damaged, bytes);

        JsonNode report = identify(damaged, 1);
        JsonNode f = fact(report);
        assertEquals("values", f.get("database").asText());
        long counted = f.get("object_stores").get(0).get("live_records").asLong();
        assertEquals("values", f.get("object_stores").get(0).get("object_store").asText());
        assertTrue(counted > 0 && counted < all, counted + " of " + all);
        assertFalse(f.get("counts_complete").asBoolean());
        // the records_by_key index (a tree of its own, intact) still lists every live record: what was lost is told
        assertEquals(all, f.get("object_stores").get(0).get("records_by_key_entries").asLong());
        assertTrue(f.get("problems").toString().contains((all - counted) + " of them could not be counted"),
                f.toString());
        assertTrue(f.get("problems").toString().contains("lower bounds"), f.toString());
        assertTrue(report.get("notes").toString().contains("or more"), report.get("notes").toString());

        int stores = rootOf(original, "object_stores");
        java.util.Arrays.fill(bytes, (stores - 1) * pageSize, stores * pageSize, (byte) 0);
        Path worse = tmp.resolve("object-stores-zeroed");
        Files.write(worse, bytes);
        JsonNode g = fact(identify(worse, 1));
        assertEquals("values", g.get("database").asText());
        JsonNode s = g.get("object_stores").get(0);
        assertEquals(1, s.get("object_store_id").asLong());
        assertTrue(s.get("object_store").isNull(), s.toString());
        assertEquals(counted, s.get("live_records").asLong());
        assertTrue(g.get("problems").toString().contains("object_stores"), g.toString());
    }

    /**
     * The LevelDB backend gives the same section, same member names: on fixtures/browser/basic (database "shop"), the
     * origin, version and every store's key path, auto-increment, indexes and live records are those expected.json
     * says the page wrote.
     */
    @Test
    void theLevelDbBackendGivesTheSameSection() throws Exception {
        JsonNode expected = JSON.readTree(Fixtures.path("browser/expected.json").toFile()).get("indexeddb");
        JsonNode shop = expected.get("databases").get("shop");
        JsonNode report = identify(Fixtures.path("browser/basic/indexeddb"), 0);
        JsonNode f = fact(report);
        assertEquals("leveldb", f.get("backend").asText());
        assertEquals(expected.get("origin").asText(), f.get("origin").asText());
        assertEquals("shop", f.get("database").asText());
        assertEquals(1, f.get("database_id").asLong());
        assertEquals(shop.get("version").asLong(), f.get("version").asLong());
        Map<String, JsonNode> stores = new TreeMap<>();
        f.get("object_stores").forEach(s -> stores.put(s.get("object_store").asText(), s));
        List<String> names = new ArrayList<>();
        shop.get("object_stores").fieldNames().forEachRemaining(names::add);
        assertEquals(new java.util.TreeSet<>(names), stores.keySet());
        for (String name : names) {
            JsonNode want = shop.get("object_stores").get(name);
            JsonNode got = stores.get(name);
            assertEquals(want.get("key_path"), got.get("key_path"), name);
            assertEquals(want.get("auto_increment").asBoolean(), got.get("auto_increment").asBoolean(), name);
            Map<String, JsonNode> indexes = new TreeMap<>();
            got.get("indexes").forEach(x -> indexes.put(x.get("index").asText(), x));
            List<String> wantIndexes = new ArrayList<>();
            want.get("indexes").fieldNames().forEachRemaining(wantIndexes::add);
            assertEquals(new java.util.TreeSet<>(wantIndexes), indexes.keySet(), name);
            for (String x : wantIndexes) {
                for (String member : List.of("key_path", "unique", "multi_entry")) {
                    assertEquals(want.get("indexes").get(x).get(member), indexes.get(x).get(member), name + "." + x);
                }
            }
            if (want.has("live")) {
                assertEquals(want.get("live").size(), got.get("live_records").asLong(), name);
            }
        }
    }

    /** The root page of a table, from the schema as salvor's own SQLite engine reads it. */
    private static int rootOf(Path db, String table) throws Exception {
        try (ByteSource src = ByteSource.open(db)) {
            SqliteDatabase d = SqliteDatabase.open(src, null, null, Limits.DEFAULT, DamageSink.IGNORE);
            return (int) TableTree.schema(d, DamageSink.IGNORE).stream().filter(e -> table.equals(e.name()))
                    .findFirst().orElseThrow().rootPage();
        }
    }
}
