package dev.salvor.formats.v8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.fixtures.Fixtures;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every value fixtures/browser/values/page.html stored with Debian's headless Chromium (LevelDB backend) decodes to
 * the JSON the page computed from the live value; the superseded and deleted versions that physically survive in the
 * log decode too.
 */
class ChromeValuesFixtureTest {
    private static final Path DIR = Fixtures.path("browser/values");

    @Test
    void everyValueThePageWroteDecodesToItsExpectedJson() throws Exception {
        JsonNode expected = Fixtures.json(DIR.resolve("expected.json")).get("expected");
        assertEquals(0, Fixtures.json(DIR.resolve("expected.json")).get("skipped").size(), "cases the browser refused");
        IdbLevelDbRecords records = IdbLevelDbRecords.read(DIR.resolve("leveldb"));
        Map<String, DecodedValue> live = new HashMap<>();
        Map<String, String> wrapping = new HashMap<>();
        for (IdbLevelDbRecords.Data d : records.data) {
            if (d.state().equals("live") && d.value() != null) {
                DecodedValue v = decode(records, d);
                assertTrue(v.decoded(), d.key() + ": " + v.reason());
                live.put(d.key(), v);
                wrapping.put(d.key(), v.wrapping());
            }
        }
        TreeSet<String> failures = new TreeSet<>();
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            DecodedValue v = live.get(name);
            assertNotNull(v, "no live record for " + name);
            try {
                ExpectedJson.assertMatches(expected.get(name), ExpectedJson.parse(v.json()), name);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertEquals(new TreeSet<>(), failures);
        assertEquals(expected.size(), live.size(), "live records vs expected values");
        assertEquals("snappy", wrapping.get("large_compressible"));
        assertEquals("blob", wrapping.get("large_random"));
        assertEquals("blob+snappy", wrapping.get("large_compressible_blob"));
        DecodedValue first = live.get("rtccertificate");
        JsonNode cert = ExpectedJson.parse(first.json());
        assertTrue(cert.get("certificatePem").asText().startsWith("-----BEGIN CERTIFICATE-----"), cert.toString());
        assertTrue(cert.get("privateKeyPem").asText().startsWith("-----BEGIN PRIVATE KEY-----"), cert.toString());
        assertEquals(21, live.get("int").blinkVersion());
        assertEquals(16, live.get("int").v8Version());
    }

    @Test
    void supersededAndDeletedVersionsDecode() throws Exception {
        IdbLevelDbRecords records = IdbLevelDbRecords.read(DIR.resolve("leveldb"));
        Map<String, String> byState = new HashMap<>();
        for (IdbLevelDbRecords.Data d : records.data) {
            if (d.value() != null && (d.key().equals("overwritten") || d.key().equals("deleted"))) {
                byState.put(d.key() + " " + d.state(), decode(records, d).json());
            }
        }
        assertEquals("\"first version\"", byState.get("overwritten superseded"));
        assertEquals("\"second version\"", byState.get("overwritten live"));
        assertEquals("{\"gone\":true}", byState.get("deleted deleted"));
    }

    static DecodedValue decode(IdbLevelDbRecords records, IdbLevelDbRecords.Data d) throws Exception {
        BlobResolver blobs = new BlobDirectory(DIR.resolve("leveldb.blob"), d.databaseId(), records.externalObjects(d));
        return IndexedDbValue.decode(d.value(), blobs);
    }
}
