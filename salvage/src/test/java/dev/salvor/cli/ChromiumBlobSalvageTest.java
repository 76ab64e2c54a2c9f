package dev.salvor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.salvage.backup.Trees;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Salvage of the values fixture (fixtures/browser/values, written by headless Chromium on the LevelDB backend, with
 * its blob directory) laid out as a browser profile lays it out ({@code file__0.indexeddb.leveldb} beside
 * {@code file__0.indexeddb.blob}): the blob entries that sort after their data records are gathered first, so Blob,
 * File and FileList values carry their types, names, sizes and dates, and blob-wrapped values are read from their
 * blob files — each compared with the JSON the page computed from the live value. Without the blob directory the
 * same blob-wrapped value is reported undecodable with its reason, never guessed.
 */
class ChromiumBlobSalvageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path VALUES = Fixtures.path("browser/values");

    @BeforeAll
    static void fixture() {
        Assumptions.assumeTrue(Files.isDirectory(VALUES.resolve("leveldb.blob")), "no browser values fixture");
    }

    @Test
    void blobValuesAreDecodedWithTheirBlobEntriesAndFiles(@TempDir Path tmp) throws Exception {
        Path db = tmp.resolve("file__0.indexeddb.leveldb");
        Trees.copy(VALUES.resolve("leveldb"), db);
        Trees.copy(VALUES.resolve("leveldb.blob"), tmp.resolve("file__0.indexeddb.blob"));
        Map<String, JsonNode> live = liveValues(CliRun.of("salvage", db.toString()));
        JsonNode expected = JSON.readTree(VALUES.resolve("expected.json").toFile()).get("expected");
        for (String name : new String[]{"blob", "file", "filelist"}) {
            assertTrue(holds(live.get(name), expected.get(name)), name + ": " + live.get(name));
        }
        // where the blob lies: its number under the origin's blob directory (blob_storage's layout)
        assertTrue(live.get("blob").path("path").asText().contains("file__0.indexeddb.blob"), live.get("blob").toString());
        JsonNode big = live.get("large_compressible_blob");
        assertNotNull(big, "large_compressible_blob");
        String text = big.get("text").asText();
        assertEquals(expected.get("large_compressible_blob").get("text").get("$length").asLong(), text.length());
        assertEquals(expected.get("large_compressible_blob").get("text").get("$sha256").asText(),
                Trees.sha256(text.getBytes(StandardCharsets.UTF_8)));
        assertTrue(!live.get("large_random").has("$type")
                || !"undecodable".equals(live.get("large_random").get("$type").asText()), live.get("large_random")
                .toString().substring(0, Math.min(300, live.get("large_random").toString().length())));
    }

    @Test
    void withoutTheBlobDirectoryABlobWrappedValueSaysWhy() throws Exception {
        Map<String, JsonNode> live = liveValues(CliRun.of("salvage", VALUES.resolve("leveldb").toString()));
        JsonNode v = live.get("large_random");
        assertNotNull(v, "large_random");
        assertEquals("undecodable", v.path("$type").asText(), v.toString());
        assertTrue(v.path("reason").asText().length() > 0, v.toString());
    }

    /**
     * True when {@code actual} holds every member of {@code expected} with the same value (arrays element by
     * element); salvage adds where each blob lies ({@code index}, {@code blobNumber}, {@code path}).
     */
    private static boolean holds(JsonNode actual, JsonNode expected) {
        if (actual == null) {
            return false;
        }
        if (expected.isObject()) {
            for (Map.Entry<String, JsonNode> m : (Iterable<Map.Entry<String, JsonNode>>) expected::fields) {
                if (!holds(actual.get(m.getKey()), m.getValue())) {
                    return false;
                }
            }
            return actual.isObject();
        }
        if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!holds(actual.get(i), expected.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return expected.isNumber() ? actual.isNumber() && actual.decimalValue().compareTo(expected.decimalValue()) == 0
                : expected.equals(actual);
    }

    /** The live data records' decoded values by their (string) IndexedDB key. */
    private static Map<String, JsonNode> liveValues(CliRun r) throws IOException {
        assertTrue(r.exit() == 0 || r.exit() == 1, r.err());
        Map<String, JsonNode> out = new HashMap<>();
        for (String line : r.out().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            JsonNode idb = n.get("indexeddb");
            if (idb != null && "data".equals(idb.path("record").asText()) && "live".equals(n.path("state").asText())
                    && idb.path("key").isTextual()) {
                out.put(idb.get("key").asText(), idb.get("value"));
            }
        }
        return out;
    }
}
