package dev.salvor.formats.v8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;

/**
 * Compares salvor's JSON of a value with the JSON the fixture page computed from the live JavaScript value
 * (fixtures/browser/values/expected.json). The page cannot know what only the bytes hold (blob numbers and paths,
 * key material, certificate PEMs, bitmap pixels and color settings, handle token indexes): those members may appear
 * in salvor's output without being expected; every expected member must match. A large value is expected as
 * {"$sha256", "$length"} of its string (UTF-8) or of its base64-decoded bytes.
 */
final class ExpectedJson {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ONLY_IN_BYTES = Set.of("index", "blobNumber", "path", "keyData",
            "privateKeyPem", "certificatePem", "pixelFormat", "base64", "parametricColorSpace", "originClean",
            "premultiplied", "opaque", "orientation", "colorSpace", "tokenIndex", "stack");

    private ExpectedJson() {
    }

    static JsonNode parse(String json) throws Exception {
        return JSON.readTree(json);
    }

    static void assertMatches(JsonNode expected, JsonNode actual, String path) throws Exception {
        if (expected.isObject() && expected.has("$sha256")) {
            assertTrue(actual.isTextual(), path + ": expected a string, got " + actual.getNodeType());
            String s = actual.asText();
            byte[] bytes;
            long length;
            if (path.endsWith("/base64")) {
                bytes = Base64.getDecoder().decode(s);
                length = bytes.length;
            } else {
                bytes = s.getBytes(StandardCharsets.UTF_8);
                length = s.length();
            }
            assertEquals(expected.get("$length").asLong(), length, path + " length");
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            assertEquals(expected.get("$sha256").asText(), sha, path + " SHA-256");
            return;
        }
        if (expected.isObject()) {
            assertTrue(actual.isObject(), path + ": expected an object, got " + actual);
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                assertTrue(actual.has(name), path + ": member " + name + " missing in " + actual);
                assertMatches(expected.get(name), actual.get(name), path + "/" + name);
            }
            for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                assertTrue(expected.has(name) || ONLY_IN_BYTES.contains(name),
                        path + ": unexpected member " + name + " in " + actual);
            }
            return;
        }
        if (expected.isArray()) {
            assertTrue(actual.isArray(), path + ": expected an array, got " + actual);
            assertEquals(expected.size(), actual.size(), path + ": array size in " + actual);
            for (int i = 0; i < expected.size(); i++) {
                assertMatches(expected.get(i), actual.get(i), path + "/" + i);
            }
            return;
        }
        if (expected.isNumber()) {
            assertTrue(actual.isNumber(), path + ": expected a number, got " + actual);
            assertEquals(expected.asDouble(), actual.asDouble(), 0.0, path);
            return;
        }
        assertEquals(expected, actual, path);
    }
}
