package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.EsNumber;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonCanonicalizerTest {
    private final JsonCanonicalizer jcs = new JsonCanonicalizer(Limits.DEFAULT);

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = JsonCanonicalizerTest.class.getResourceAsStream("/jsonlog/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /** The published RFC 8785 input/output pairs (cyberphone/json-canonicalization testdata), byte for byte. */
    @ParameterizedTest
    @ValueSource(strings = {"arrays", "french", "simpleString", "structures", "unicode", "values", "weird"})
    void rfc8785TestVectors(String name) throws IOException {
        byte[] input = resource("jcs/input/" + name + ".json");
        byte[] expected = resource("jcs/output/" + name + ".json");
        byte[] actual = jcs.canonicalize(input).bytes();
        assertEquals(new String(expected, StandardCharsets.UTF_8), new String(actual, StandardCharsets.UTF_8));
        assertArrayEquals(expected, actual);
    }

    /** RFC 8785 Appendix B: IEEE-754 bit patterns and their ECMAScript serialisations. */
    @ParameterizedTest
    @CsvSource({
            "0000000000000000, 0", "8000000000000000, 0", "0000000000000001, 5e-324", "8000000000000001, -5e-324",
            "7fefffffffffffff, 1.7976931348623157e+308", "ffefffffffffffff, -1.7976931348623157e+308",
            "4340000000000000, 9007199254740992", "c340000000000000, -9007199254740992",
            "4430000000000000, 295147905179352830000", "44b52d02c7e14af5, 9.999999999999997e+22",
            "44b52d02c7e14af6, 1e+23", "44b52d02c7e14af7, 1.0000000000000001e+23",
            "444b1ae4d6e2ef4e, 999999999999999700000", "444b1ae4d6e2ef4f, 999999999999999900000",
            "444b1ae4d6e2ef50, 1e+21", "3eb0c6f7a0b5ed8c, 9.999999999999997e-7", "3eb0c6f7a0b5ed8d, 0.000001",
            "41b3de4355555553, 333333333.3333332", "41b3de4355555554, 333333333.33333325",
            "41b3de4355555555, 333333333.3333333", "41b3de4355555556, 333333333.3333334",
            "41b3de4355555557, 333333333.33333343", "becbf647612f3696, -0.0000033333333333333333",
            "43143ff3c1cb0959, 1424953923781206.2"})
    void rfc8785AppendixB(String hex, String expected) {
        assertEquals(expected, EsNumber.format(Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16))));
    }

    /**
     * A 4,198-line sample in the es6testfile format ({@code hex-ieee,expected}) produced by node's
     * {@code JSON.stringify} (es6-numbers-sample.js): random bit patterns, subnormals, powers of ten and neighbours.
     */
    @Test
    void es6NumberSample() throws IOException {
        List<String> failures = new ArrayList<>();
        int lines = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                JsonCanonicalizerTest.class.getResourceAsStream("/jsonlog/es6-numbers-sample.txt"),
                StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                int comma = line.indexOf(',');
                double d = Double.longBitsToDouble(Long.parseUnsignedLong(line.substring(0, comma), 16));
                String expected = line.substring(comma + 1);
                lines++;
                String actual = EsNumber.format(d);
                if (!actual.equals(expected)) {
                    failures.add(line + " got " + actual);
                }
                // The same through the parser: the canonical form of the expected text is itself.
                assertEquals(expected, jcs.canonicalize(expected).text());
            }
        }
        assertTrue(lines > 4000, "sample read");
        assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1e+30|1e+30", "1E30|1e+30", "4.5|4.5", "4.50|4.5", "-0|0", "-0.0|0", "0e-4000|0", "1e21|1e+21",
            "1e20|100000000000000000000", "9007199254740993|9007199254740992", "5e-324|5e-324",
            "1.7976931348623157e308|1.7976931348623157e+308", "0.1|0.1", "100|100", "-12|-12",
            "123456789012345678901234567890|1.2345678901234568e+29", "1e-7|1e-7", "0.000001|0.000001",
            "2e-3|0.002", "56.0|56", "18446744073709551617|18446744073709552000"})
    void numbers(String in, String expected) {
        assertEquals(expected, jcs.canonicalize(in).text());
        assertEquals("[" + expected + "]", jcs.canonicalize("[ " + in + " ]").text());
    }

    @Test
    void escaping() {
        assertEquals("\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\u007f\u00e9\uD83D\uDE02\"",
                jcs.canonicalize("\"\\u0000\\u001F\\b\\t\\n\\f\\r\\\"\\\\\\/\\u007f\\u00E9\\uD83D\\uDE02\"").text());
    }

    @Test
    void keysSortByUtf16CodeUnitsNotCodePoints() {
        // U+FB33 (one unit 0xFB33) sorts after U+1F602 (surrogates 0xD83D 0xDE02) in UTF-16 order.
        assertEquals("{\"\uD83D\uDE02\":1,\"\uFB33\":2}",
                jcs.canonicalize("{\"\uFB33\":2,\"\uD83D\uDE02\":1}").text());
    }

    @Test
    void omitsTopLevelMemberOnlyAndReportsScalars() {
        byte[] in = "{\"id\":9007199254740993,\"h\":\"x\",\"p\":{\"h\":1},\"z\":null}"
                .getBytes(StandardCharsets.UTF_8);
        JsonCanonicalizer.Canonical c = jcs.canonicalize(in, 0, in.length, "h");
        assertEquals("{\"id\":9007199254740992,\"p\":{\"h\":1},\"z\":null}", c.text());
        assertEquals("9007199254740993", c.topLevel().get("id").text(), "ids keep every digit");
        assertEquals("x", c.topLevel().get("h").text());
        assertTrue(c.topLevel().get("z").isNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"b\":{\"a\":1,\"a\":1}}", "[\"\\ud800\"]", "{\"\\udc00\":1}",
            "[1E400]", "[-1e309]", "{\"h\":1,\"h\":2}"})
    void rejectsAmbiguousInput(String in) {
        Malformed m = assertThrows(Malformed.class, () -> jcs.canonicalize(
                in.getBytes(StandardCharsets.UTF_8), 0, in.length(), "h"));
        assertEquals(DamageKind.BAD_RECORD, m.kind(), m.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "[Infinity]", "{\"a\":1", "[1,]", "{\"a\":1}x", "", "[01]", "{'a':1}"})
    void rejectsInvalidJson(String in) {
        Malformed m = assertThrows(Malformed.class, () -> jcs.canonicalize(in));
        assertTrue(m.kind() == DamageKind.BAD_STRUCTURE || m.kind() == DamageKind.TRUNCATED, m.detail());
    }

    @Test
    void deepNestingIsALimitNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        Malformed m = assertThrows(Malformed.class, () -> jcs.canonicalize(deep));
        assertEquals(DamageKind.LIMIT_EXCEEDED, m.kind());
        String ok = "[".repeat(500) + "]".repeat(500);
        assertEquals(ok, jcs.canonicalize(ok).text());
    }
}
