package dev.salvor.formats.v8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.formats.sqlite.SqliteSalvager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The public dfindexeddb samples (../shared/corpora/dfindexeddb-test-data, or $SALVOR_SHARED/corpora/...):
 * Chrome 109 on Linux and Windows (LevelDB backend, blob-wrapped values in blob files) and Chrome 144 on macOS (the
 * SQLite backend, zstd values), written by generate_chrome_indexeddb.html. Every record decodes, with the values
 * that page wrote.
 */
class SharedCorpusValuesTest {
    static Path corpus() {
        String env = System.getenv("SALVOR_SHARED");
        Path shared = env != null ? Path.of(env) : Fixtures.shared();
        return shared.resolve("corpora/dfindexeddb-test-data/test_data/indexeddb/chrome");
    }

    @ParameterizedTest
    @ValueSource(strings = {"linux_109_64", "win11_109_64"})
    void chrome109LevelDbRecordsDecodeToWhatThePageWrote(String sample) throws Exception {
        Path dir = corpus().resolve(sample);
        assumeTrue(Files.isDirectory(dir), "shared corpus not present: " + dir);
        IdbLevelDbRecords records = IdbLevelDbRecords.read(dir.resolve("file__0.indexeddb.leveldb"));
        Map<String, JsonNode> byId = new TreeMap<>();
        for (IdbLevelDbRecords.Data d : records.data) {
            BlobResolver blobs = new BlobDirectory(dir.resolve("file__0.indexeddb.blob"), d.databaseId(),
                    records.externalObjects(d));
            DecodedValue v = IndexedDbValue.decode(d.value(), blobs);
            assertTrue(v.decoded(), sample + " " + d.key() + ": " + v.reason());
            byId.put(d.key(), ExpectedJson.parse(v.json()));
        }
        assertEquals(List.of("#1.0", "#2.0", "#3.0", "#4.0"), new ArrayList<>(byId.keySet()));
        checkPageValues(byId.get("#1.0"), byId.get("#2.0"), byId.get("#3.0"), byId.get("#4.0"));
    }

    @Test
    void chrome144SqliteBackendRecordsDecodeToWhatThePageWrote() throws Exception {
        Path file = corpus().resolve("osx_144_64/file__0/sample");
        assumeTrue(Files.isRegularFile(file), "shared corpus not present: " + file);
        List<SqliteRow> rows = new ArrayList<>();
        try (ByteSource db = ByteSource.open(file)) {
            new SqliteSalvager().salvage(db, null, null, DamageSink.collectingInto(new ArrayList<>()), rows::add);
        }
        List<JsonNode> values = new ArrayList<>();
        List<String> compressions = new ArrayList<>();
        for (SqliteRow r : rows) {
            if (!r.table().equals("records") || !r.stateId().equals("live")) {
                continue;
            }
            long compression = ((Number) r.values().get(2)).longValue();
            DecodedValue v = IndexedDbValue.decodeSqlite((byte[]) r.values().get(4), compression, BlobResolver.NONE);
            assertTrue(v.decoded(), "row " + r.rowid() + ": " + v.reason());
            assertEquals(-1, v.recordVersion());
            values.add(ExpectedJson.parse(v.json()));
            compressions.add(v.wrapping());
        }
        assertEquals(List.of("none", "zstd", "zstd", "zstd"), compressions);
        checkPageValues(values.get(0), values.get(1), values.get(2), values.get(3));
    }

    /** The four objects of generate_chrome_indexeddb.html. */
    private static void checkPageValues(JsonNode one, JsonNode two, JsonNode three, JsonNode four) throws Exception {
        assertEquals(1, one.get("id").asInt());
        assertEquals("{\"$type\":\"undefined\"}", one.get("test_undef").toString());
        assertTrue(one.get("test_null").isNull());
        assertEquals("a string value", one.get("test_string").asText());
        assertEquals(3.14, one.get("test_number").asDouble());
        assertEquals("{\"$type\":\"String\",\"value\":\"a string object\"}", one.get("test_string_object").toString());
        assertEquals("{\"$type\":\"Number\",\"value\":3.14}", one.get("test_number_object").toString());
        assertEquals("{\"$type\":\"Boolean\",\"value\":false}", one.get("test_boolean_false_object").toString());
        // BigInt(123e20): the double 123e20 is exactly 12300000000000001048576.
        assertEquals("{\"$type\":\"bigint\",\"value\":\"12300000000000001048576\"}", one.get("test_bigint").toString());
        assertEquals("Date", one.get("test_date").get("$type").asText());
        assertEquals("{\"$type\":\"Set\",\"values\":[1,2,3]}", one.get("test_set").toString());
        assertEquals("{\"$type\":\"Map\",\"entries\":[[\"a\",1],[\"b\",2],[\"c\",3]]}", one.get("test_map").toString());
        assertEquals("{\"$type\":\"RegExp\",\"source\":\"\\\\w+\",\"flags\":\"\"}", one.get("test_regexp").toString());
        assertEquals("[123,456,\"abc\",\"def\"]", one.get("test_array").toString());
        assertEquals("{\"name\":{\"first\":\"Jane\",\"last\":\"Doe\"},\"age\":21}", one.get("test_object").toString());
        JsonNode level = two.get("test_nested_array");
        for (int i = 1; i <= 7; i++) {
            assertEquals(i, level.get("level_id").asInt());
            level = level.get("child");
        }
        // A buffer and a view over it: the view's buffer is a back-reference to the buffer already written.
        assertEquals(100 * 1024, three.get("buffer").get("byteLength").asInt());
        JsonNode view = three.get("buffer_view");
        assertEquals("Uint8Array", view.get("$type").asText());
        assertEquals(100 * 1024, view.get("values").size());
        assertEquals(42, view.get("values").get(1023).asInt());
        assertEquals(0, view.get("values").get(1024).asInt());
        JsonNode big = four.get("view");
        assertEquals(1000 * 1024, big.get("values").size());
        assertEquals(41, big.get("values").get(1000 * 1024 - 1).asInt());
    }
}
