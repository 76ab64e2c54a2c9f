package dev.salvor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser fixtures (fixtures/browser, written by headless chromium) through the command line: an IndexedDB
 * database kept under {@code idb_cmp1} checks CLEAN in the browser's key order (LevelDB's bytewise order would find
 * its table out of order); salvage adds {@code "indexeddb"}, {@code "localstorage"} and {@code "sessionstorage"} to
 * every record, keeping every member it had, the same bytes whether JSON is written serially or on its own thread;
 * identify names the origin, databases and object stores with their record counts.
 */
class ChromiumCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void fixtures() {
        Assumptions.assumeTrue(Files.isDirectory(Fixtures.path("browser/tables/indexeddb")), "no browser fixtures");
    }

    private static String dir(String relative) {
        return Fixtures.path("browser/" + relative).toString();
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
    void indexedDbTableChecksCleanUnderIdbCmp1() {
        CliRun r = CliRun.of("check", dir("tables/indexeddb"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("verdict: CLEAN"), r.err());
    }

    @Test
    void aLoneTableOfIndexedDbIsOrderedByContent() {
        // no MANIFEST names the comparator: the keys' shapes say IndexedDB, so the table is read in idb_cmp1 order
        CliRun r = CliRun.of("check", dir("tables/indexeddb/000005.ldb"), "--json");
        assertFalse(r.out().contains("table keys out of order"), r.out());
    }

    @Test
    void localAndSessionStorageCheckClean() {
        for (String s : new String[]{"basic/localstorage", "basic/sessionstorage", "basic/indexeddb"}) {
            CliRun r = CliRun.of("check", dir(s));
            assertEquals(0, r.exit(), s + ": " + r.err());
        }
    }

    @Test
    void salvagedIndexedDbRecordsCarryTheDecodedMemberAndKeepTheirOwn() throws Exception {
        CliRun r = CliRun.of("salvage", dir("tables/indexeddb"), "--threads", "4");
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> recs = records(r);
        assertTrue(recs.size() > 5000, "records: " + recs.size());
        for (JsonNode n : recs) {
            for (String member : List.of("format", "file", "offset", "seq", "op", "key", "value", "state", "crc_ok")) {
                assertTrue(n.has(member), member + " kept in " + n);
            }
            JsonNode idb = n.get("indexeddb");
            assertNotNull(idb, "indexeddb member in " + n);
            for (String member : List.of("origin", "database_id", "database", "object_store_id", "object_store",
                    "index", "key", "value")) {
                assertTrue(idb.has(member), member + " in " + idb);
            }
            assertFalse(idb.has("problem"), idb.toString());
        }
        JsonNode alpha = recs.stream().filter(n -> n.get("indexeddb").get("record").asText().equals("data")
                && "keys".equals(n.get("indexeddb").get("object_store").asText())
                && "alpha".equals(n.get("indexeddb").get("key").asText())).findFirst().orElseThrow();
        assertEquals("live", alpha.get("state").asText());
        assertEquals("file__0@1", alpha.get("indexeddb").get("origin").asText());
        assertEquals("shop", alpha.get("indexeddb").get("database").asText());
        assertEquals(3, alpha.get("indexeddb").get("object_store_id").asInt());
        assertEquals("string ascii", alpha.get("indexeddb").get("value").asText(), "value decoded by the V8 decoder");
        JsonNode ada = recs.stream().filter(n -> n.get("indexeddb").get("record").asText().equals("data")
                && "customers".equals(n.get("indexeddb").get("object_store").asText())
                && n.get("indexeddb").get("key").asInt() == 1).findFirst().orElseThrow();
        assertEquals("ada@example.test", ada.get("indexeddb").get("value").get("email").asText());
        assertEquals("vip", ada.get("indexeddb").get("value").get("tags").get(0).asText());
        JsonNode date = recs.stream().filter(n -> n.get("indexeddb").get("key").has("date")).findFirst()
                .orElseThrow();
        assertEquals("1970-01-01T00:00:00.000Z", date.get("indexeddb").get("key").get("date").asText());
        JsonNode email = recs.stream().filter(n -> "by_email".equals(n.get("indexeddb").get("index").asText())
                && "ada@example.test".equals(n.get("indexeddb").get("key").asText())).findFirst().orElseThrow();
        assertEquals(1, email.get("indexeddb").get("primary_key").asInt());
        JsonNode deleted = recs.stream().filter(n -> "bulk".equals(n.get("indexeddb").get("database").asText())
                && n.get("indexeddb").get("key").asInt() == 8 && n.get("op").asText().equals("delete")
                && n.get("indexeddb").get("record").asText().equals("data")).findFirst().orElseThrow();
        assertEquals("deleted", deleted.get("state").asText());
        assertEquals("blocks", deleted.get("indexeddb").get("object_store").asText());
        assertTrue(r.err().contains("records carry \"indexeddb\""), r.err());
    }

    @Test
    void serialAndParallelWritersGiveTheSameBytes() {
        for (String s : new String[]{"tables/indexeddb", "basic/localstorage", "basic/sessionstorage"}) {
            CliRun serial = CliRun.of("salvage", dir(s), "--threads", "1");
            CliRun parallel = CliRun.of("salvage", dir(s), "--threads", "4");
            assertEquals(0, serial.exit(), serial.err());
            assertEquals(serial.out(), parallel.out(), s);
        }
    }

    @Test
    void localAndSessionStorageRecordsDecoded() throws Exception {
        List<JsonNode> local = records(CliRun.of("salvage", dir("basic/localstorage")));
        JsonNode utf16 = local.stream().filter(n -> "utf16".equals(n.get("localstorage").path("key").asText()))
                .findFirst().orElseThrow();
        assertEquals("Zo\u00eb \ud83d\ude00 \u65e5\u672c", utf16.get("localstorage").get("value").asText());
        assertEquals("file://", utf16.get("localstorage").get("storage_key").asText());
        JsonNode meta = local.stream().filter(n -> "meta".equals(n.get("localstorage").get("record").asText()))
                .findFirst().orElseThrow();
        assertTrue(meta.get("localstorage").get("last_modified").asText().matches("20\\d\\d-.*Z"), meta.toString());
        JsonNode removed = local.stream().filter(n -> "removed".equals(n.get("localstorage").path("key").asText()))
                .findFirst().orElseThrow();
        assertEquals("deleted", removed.get("state").asText());
        List<JsonNode> session = records(CliRun.of("salvage", dir("basic/sessionstorage")));
        JsonNode map = session.stream().filter(n -> "session-\u00fc".equals(n.get("sessionstorage").path("key").asText()))
                .findFirst().orElseThrow();
        assertEquals("wert \u00fc", map.get("sessionstorage").get("value").asText());
        assertEquals(0, map.get("sessionstorage").get("map_id").asInt());
        assertTrue(session.stream().anyMatch(n -> "namespace".equals(n.get("sessionstorage").get("record").asText())));
    }

    @Test
    void identifyNamesTheOriginDatabasesAndObjectStoresWithCounts() {
        CliRun r = CliRun.of("identify", dir("tables/indexeddb"));
        assertEquals(0, r.exit(), r.err());
        String all = r.out() + r.err();
        assertTrue(all.contains("origin file__0@1: database 1 \"shop\", version 2"), all);
        assertTrue(all.contains("database 2 \"bulk\", object store 1 \"blocks\": 2799 live record(s)"), all);
        assertTrue(all.contains("object store 1 \"customers\": 2 live record(s), 3 older or deleted version(s)"), all);
        CliRun plain = CliRun.of("identify", Fixtures.path("leveldb/snappy/db").toString());
        assertFalse((plain.out() + plain.err()).contains("Chromium"), plain.err());
    }

    @Test
    void rebuildKeepsIdbCmp1AndEveryLiveRecord(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path out = tmp.resolve("rebuilt.indexeddb.leveldb");
        CliRun r = CliRun.of("rebuild", dir("tables/indexeddb"), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        CliRun check = CliRun.of("check", out.toString(), "--json");
        assertEquals(0, check.exit(), check.err());
        JsonNode report = JSON.readTree(check.out());
        assertTrue(report.toString().contains("\"comparator\":\"idb_cmp1\""), report.toString());
        List<String> before = live(records(CliRun.of("salvage", dir("tables/indexeddb"))));
        List<String> after = live(records(CliRun.of("salvage", out.toString())));
        assertTrue(before.size() > 5000, "live records: " + before.size());
        assertEquals(before, after);
    }

    /** The live records: key, value and the decoded IndexedDB member, in output order. */
    private static List<String> live(List<JsonNode> recs) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : recs) {
            if (n.get("state").asText().equals("live")) {
                out.add(n.get("key") + " " + n.get("value") + " " + n.get("indexeddb"));
            }
        }
        return out;
    }
}
