package dev.salvor.formats.v8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.fixtures.FuzzCorpus;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jazzer target {@code v8-value}: one IndexedDB value. The first byte picks the entry point (0 a LevelDB record
 * value, 1 a SQLite backend value with zstd, 2 with Snappy, 3 a bare serialized value); the rest is the value, and
 * also the content of every blob it names, so blob-wrapped values unwrap into the fuzzer's own bytes. Invariants:
 * nothing escapes, exactly one of value and reason, the JSON is valid and an undecodable value's JSON keeps the
 * bytes. Seeds: the real browser's values (fixtures/fuzz/make-seeds.py).
 */
class V8ValueFuzzTest {
    private static final int MAX = 1 << 20;

    @FuzzTest
    void decode(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        byte[] value = Arrays.copyOfRange(data, 1, data.length);
        BlobResolver blobs = new BlobResolver() {
            @Override
            public ExternalObject externalObject(int index) {
                return index < 4 ? new ExternalObject(ExternalObject.Kind.FILE, index, "text/plain", value.length,
                        "f" + index, 0, null) : null;
            }

            @Override
            public byte[] read(int index, int maxBytes) throws IOException {
                if (index != 0 || value.length > maxBytes) {
                    throw new IOException("no blob " + index);
                }
                return value;
            }
        };
        DecodedValue d = switch (data[0] & 3) {
            case 0 -> IndexedDbValue.decode(value, blobs, MAX);
            case 1 -> IndexedDbValue.decodeSqlite(value, 1, blobs, MAX);
            case 2 -> IndexedDbValue.decodeSqlite(value, 2, blobs, MAX);
            default -> IndexedDbValue.decodeSerialized(value, blobs);
        };
        assertTrue(d.decoded() != (d.reason() != null), "exactly one of value and reason");
        JsonNode json = ExpectedJson.parse(d.json());
        assertNotNull(json);
        if (!d.decoded()) {
            assertEquals("undecodable", json.get("$type").asText());
            assertTrue(d.reasonOffset() >= -1);
        }
    }

    static Stream<Object[]> decodeInputs() {
        return FuzzCorpus.cases("v8-value");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodeInputs")
    void decodeRegression(String name, byte[] data) throws Exception {
        decode(data);
    }
}
