package dev.salvor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * IndexedDB keys of every type, written by the real browser (fixtures/browser/keys: Debian's headless Chromium 150,
 * page.html, generate.py) on both backends and salvaged through salvor's own engines: every key the page wrote, in
 * records and in the three indexes, comes out as the JSON the page computed from the live JavaScript values
 * (expected.json; numbers compared by value, since JavaScript and Java print doubles differently).
 *
 * <p>SQLite backend: the clean copy ({@code sqlite/}) holds exactly the live records and index references (Chromium's
 * secure_delete zeroes deleted rows); the killed copy ({@code sqlite-wal/}) also holds the overwritten and deleted
 * versions in its write-ahead log, and their keys decode too. LevelDB backend ({@code leveldb/}): every version of a
 * record, live or not, has its name's key, and the undo log (scopes) gives back the old value of every record the
 * page overwrote or deleted.
 */
class ChromiumKeysFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path KEYS = Fixtures.path("browser/keys");
    /** Numbers equal by value (1e300 is 1e+300, 2^60 printed by JavaScript is 1152921504606847000), else JSON equality. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? (a.doubleValue() == b.doubleValue() ? 0 : 1) : (a.equals(b) ? 0 : 1);
    /** The records the page overwrote or deleted ("num 0 first" was replaced by the key -0, the same key). */
    private static final Set<String> GONE = Set.of("num 0 first", "del str", "del bin", "del arr", "del num", "num 1/3");

    private static JsonNode expected() throws Exception {
        return JSON.readTree(KEYS.resolve("expected.json").toFile());
    }

    private static Path database(String folder) throws Exception {
        Path dir = KEYS.resolve(folder);
        Assumptions.assumeTrue(Files.isDirectory(dir), "no browser keys fixture " + dir);
        try (var files = Files.list(dir)) {
            return files.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().endsWith("-wal"))
                    .findFirst().orElseThrow();
        }
    }

    private static List<JsonNode> salvage(Path input) throws Exception {
        CliRun r = CliRun.of("salvage", input.toString());
        assertTrue(r.exit() == 0 || r.exit() == 1, r.err());
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (!line.isEmpty()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        return a != null && b != null && a.equals(BY_VALUE, b);
    }

    private static boolean contains(Iterable<JsonNode> all, JsonNode k) {
        for (JsonNode e : all) {
            if (same(e, k)) {
                return true;
            }
        }
        return false;
    }

    /** The live record and index rows of an SQLite copy are exactly the page's keys. */
    private static void liveRowsAreThePagesKeys(List<JsonNode> rows, JsonNode expected) {
        Map<String, JsonNode> records = new TreeMap<>();
        List<JsonNode> index = new ArrayList<>();
        for (JsonNode n : rows) {
            JsonNode idb = n.get("indexeddb");
            if (idb == null || !n.get("state").asText().equals("live")) {
                continue;
            }
            assertFalse(idb.has("problem"), n.toString());
            switch (n.get("table").asText()) {
                case "records" -> assertEquals(null, records.put(idb.get("value").get("name").asText(), idb.get("key")));
                case "index_references" -> index.add(JSON.createObjectNode().put("index", idb.get("index").asText())
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("key", idb.get("key"))
                        .set("primary", idb.get("primary_key")));
                default -> {
                }
            }
        }
        JsonNode want = expected.get("records");
        Set<String> names = new TreeSet<>();
        want.fieldNames().forEachRemaining(names::add);
        assertEquals(names, records.keySet());
        for (String name : names) {
            assertTrue(same(want.get(name), records.get(name)), name + ": expected " + want.get(name) + ", got "
                    + records.get(name));
        }
        List<JsonNode> wantIndex = new ArrayList<>();
        expected.get("index").forEach(wantIndex::add);
        assertEquals(wantIndex.size(), index.size());
        for (JsonNode e : wantIndex) {
            JsonNode match = null;
            for (JsonNode g : index) {
                if (same(e, g)) {
                    match = g;
                    break;
                }
            }
            if (match == null) {
                fail("index entry not salvaged: " + e);
            }
            index.remove(match);
        }
    }

    @Test
    void sqliteCleanCopyHoldsEveryKeyTheBrowserWrote() throws Exception {
        JsonNode expected = expected();
        List<JsonNode> rows = salvage(database("sqlite"));
        liveRowsAreThePagesKeys(rows, expected);
        Map<String, String> keyPaths = new TreeMap<>();
        for (JsonNode n : rows) {
            JsonNode idb = n.get("indexeddb");
            assertTrue(idb == null || !idb.has("problem"), n.toString());
            if (n.get("table").asText().equals("indexes")) {
                keyPaths.put(idb.get("index").asText(), idb.get("key_path").toString());
            }
        }
        // an array key path is stored joined by a space; it comes out as the array the page gave
        assertEquals(Map.of("by_tag", "\"tag\"", "by_tags", "\"tags\"", "compound", "[\"tag\",\"name\"]"), keyPaths);
    }

    @Test
    void sqliteWalCopyAlsoHoldsTheOverwrittenAndDeletedKeys() throws Exception {
        JsonNode expected = expected();
        List<JsonNode> rows = salvage(database("sqlite-wal"));
        liveRowsAreThePagesKeys(rows, expected);
        Set<String> gone = new TreeSet<>();
        for (JsonNode n : rows) {
            JsonNode idb = n.get("indexeddb");
            if (idb == null || n.get("state").asText().equals("live") || !n.get("table").asText().equals("records")) {
                continue;
            }
            assertFalse(idb.has("problem"), n.toString());
            assertTrue(contains(expected.get("written"), idb.get("key")), "a key the page wrote: " + n);
            String name = idb.get("value").get("name").asText();
            if (GONE.contains(name)) {
                gone.add(name);
            } else {
                // an older version of a record that is live: its key is the live record's key
                assertTrue(same(expected.get("records").get(name), idb.get("key")), n.toString());
            }
        }
        assertEquals(new TreeSet<>(GONE), gone);
    }

    /**
     * The older versions of {@code index_references} rows in the killed copy's WAL decode, each to a primary key the
     * page wrote. The first version of "str japanese" was indexed under the key of "str long" (2100 characters): its
     * {@code by_tag} and {@code compound} entries (leaf page 24 in WAL frame 31, frames counted from 0) spill into
     * overflow pages 26 and 28, freed later and zeroed by Chromium's secure_delete in newer frames (83, 85), while the
     * versions committed with the entries (frames 33, 35) hold the key's bytes. The overflow chain of an older leaf
     * version is read as of its own commit, so both come out.
     */
    @Test
    void sqliteWalCopyOlderIndexReferencesDecodeFromTheirOwnCommit() throws Exception {
        JsonNode expected = expected();
        JsonNode longKey = expected.get("records").get("str long");
        JsonNode japanese = expected.get("records").get("str japanese");
        List<JsonNode> rows = salvage(database("sqlite-wal"));
        Set<String> spilled = new TreeSet<>();
        for (JsonNode n : rows) {
            JsonNode idb = n.get("indexeddb");
            if (idb == null || n.get("state").asText().equals("live")
                    || !n.get("table").asText().equals("index_references")) {
                continue;
            }
            assertFalse(idb.has("problem"), n.toString());
            assertTrue(contains(expected.get("written"), idb.get("primary_key")), "a key the page wrote: " + n);
            JsonNode key = idb.get("key");
            if (same(japanese, idb.get("primary_key")) && (same(longKey, key) || (key.isArray() && key.size() == 2
                    && same(longKey, key.get(0)) && key.get(1).asText().equals("str japanese")))) {
                spilled.add(idb.get("index").asText());
            }
        }
        assertEquals(Set.of("by_tag", "compound"), spilled, "the first version's entries under the long key");
    }

    @Test
    void levelDbBackendGivesTheSameKeyJson() throws Exception {
        Path dir = KEYS.resolve("leveldb");
        Assumptions.assumeTrue(Files.isDirectory(dir), "no browser keys fixture " + dir);
        JsonNode expected = expected();
        List<JsonNode> rows = salvage(dir);
        Set<String> live = new TreeSet<>();
        Set<String> gone = new TreeSet<>();
        List<JsonNode> liveIndex = new ArrayList<>();
        for (JsonNode n : rows) {
            JsonNode idb = n.get("indexeddb");
            if (idb == null) {
                continue;
            }
            assertFalse(idb.has("problem"), n.toString());
            String record = idb.get("record").asText();
            if (record.equals("index") && n.get("state").asText().equals("live")) {
                liveIndex.add(JSON.createObjectNode().put("index", idb.get("index").asText())
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("key", idb.get("key"))
                        .set("primary", idb.get("primary_key")));
            }
            if (!record.equals("data") || !idb.get("value").isObject()) {
                continue;
            }
            String name = idb.get("value").get("name").asText();
            assertTrue(contains(expected.get("written"), idb.get("key")), "a key the page wrote: " + n);
            if (expected.get("records").has(name)) {
                assertTrue(same(expected.get("records").get(name), idb.get("key")), n.toString());
                if (n.get("state").asText().equals("live")) {
                    live.add(name);
                }
            } else {
                // overwritten or deleted: never live (the record put under 0 is shadowed by the one put under -0,
                // a different encoding that idb_cmp1 calls the same key)
                assertFalse(n.get("state").asText().equals("live"), "a replaced record came out live: " + n);
                gone.add(name);
            }
        }
        Set<String> names = new TreeSet<>();
        expected.get("records").fieldNames().forEachRemaining(names::add);
        assertEquals(names, live);
        assertTrue(gone.containsAll(Set.of("num 0 first", "del str", "del bin", "del arr", "del num")), gone.toString());
        // the undo log (scopes): an undo task of the overwrite or delete put back each record's old value
        Map<String, JsonNode> restored = new TreeMap<>();
        for (JsonNode n : rows) {
            JsonNode scopes = n.has("indexeddb") ? n.get("indexeddb").get("scopes") : null;
            JsonNode target = scopes == null ? null : scopes.get("target");
            if (target != null && scopes.get("operation").asText().equals("put")
                    && target.get("record").asText().equals("data")) {
                assertFalse(scopes.has("problem") || target.has("problem"), n.toString());
                restored.put(target.get("value").get("name").asText(), target);
            }
        }
        Set<String> overwrittenOrDeleted = new TreeSet<>(GONE);
        overwrittenOrDeleted.add("str japanese");
        assertEquals(overwrittenOrDeleted, restored.keySet());
        for (JsonNode t : restored.values()) {
            assertTrue(contains(expected.get("written"), t.get("key")), t.toString());
        }
        assertFalse(restored.get("str japanese").get("value").get("tag").asText().equals("second version"),
                "the undo task holds the first version");
        // Chromium's LevelDB backend leaves an overwritten record's old index entries behind (it checks them against
        // the record when reading), so the live index entries hold the page's and possibly more
        for (JsonNode e : expected.get("index")) {
            assertTrue(contains(liveIndex, e), "index entry not salvaged: " + e);
        }
    }
}
