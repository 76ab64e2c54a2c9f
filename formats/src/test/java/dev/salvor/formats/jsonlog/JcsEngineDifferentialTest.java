package dev.salvor.formats.jsonlog;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The byte engine ({@link JcsEngine}, behind {@link JsonCanonicalizer#canonicalize(byte[], int, int, String)})
 * against the Jackson token implementation ({@link JsonCanonicalizer#canonicalize(JsonParser, String)}), two
 * independent implementations of RFC 8785: on generated JSON (nested, escapes, non-ASCII, every number shape, the
 * omitted member anywhere) and on byte-level mutations of it, both accept with the same bytes and top-level
 * scalars, or both reject, and then both for syntax or both for ambiguous content. (Jackson is lenient about UTF-8
 * and ends a root value at a NUL byte, so only valid UTF-8 inputs without NUL bytes are compared.)
 */
class JcsEngineDifferentialTest {
    private static final JsonCanonicalizer JCS = new JsonCanonicalizer(Limits.DEFAULT);
    private static final String[] STRINGS = {"", "a", "id", "é", "東京", "😂", "\\n", "\\u0001", "\\u001F", "\\\"",
        "\\\\", "\\/", "\\u00e9", "\\uD83D\\uDE02", "\\ud800", "\\uDC00x", "\\uFB33", "\\u2028", "tab\\tx", "h",
        "\\u0068"};
    private static final String[] NUMBERS = {"0", "-0", "1", "-12", "4.50", "1e21", "1E30", "1e-7", "0.000001",
        "123456789012345", "1234567890123456", "9007199254740993", "18446744073709551617", "0.1", "2e-3", "56.0",
        "1.7976931348623157e308", "5e-324", "1E400", "-0.0", "0e-4000", "1.0000000000000001", "333333333.3333332",
        "12345678901234567890.5", "0.00000012345678901234", "1e22", "100e-2", "01", "1.", ".5", "+1", "-", "1e",
        "1e+", "0.1e1", "9.999999999999999e22", "123.456e-300", "7e289", "7e291"};

    private static final byte[] ALPHABET = "{}[]\",:\\ 0-.eEtnu\u0001x".getBytes(StandardCharsets.ISO_8859_1);

    record Outcome(String bytes, Map<String, JsonCanonicalizer.Scalar> top, DamageKind kind) {
    }

    private static Outcome engine(byte[] in, String omit) {
        try {
            JsonCanonicalizer.Canonical c = JCS.canonicalize(in, 0, in.length, omit);
            return new Outcome(c.text(), c.topLevel(), null);
        } catch (Malformed m) {
            return new Outcome(null, null, m.kind());
        }
    }

    private static Outcome jackson(byte[] in, String omit) {
        try (JsonParser p = JCS.factory().createParser(in)) {
            JsonCanonicalizer.Canonical c = JCS.canonicalize(p, omit);
            if (p.nextToken() != null) {
                return new Outcome(null, null, DamageKind.BAD_STRUCTURE);
            }
            return new Outcome(c.text(), c.topLevel(), null);
        } catch (Malformed m) {
            return new Outcome(null, null, m.kind());
        } catch (IOException e) {
            return new Outcome(null, null, JsonCanonicalizer.convert(e).kind());
        }
    }

    private static void compare(byte[] in, String omit) {
        if (Utf8.firstInvalid(in, 0, in.length) >= 0) {
            return;
        }
        for (byte b : in) {
            if (b == 0) {
                return; // Jackson takes a NUL byte after a root value for the end of the input; JSON does not
            }
        }
        Outcome a = engine(in, omit);
        Outcome b = jackson(in, omit);
        String what = new String(in, StandardCharsets.UTF_8);
        assertEquals(b.bytes(), a.bytes(), what);
        if (a.bytes() != null) {
            assertEquals(b.top(), a.top(), what);
        } else {
            // Both reject; content that cannot be hashed and broken syntax stay apart.
            assertEquals(b.kind() == DamageKind.BAD_RECORD, a.kind() == DamageKind.BAD_RECORD,
                    what + ": " + a.kind() + " vs " + b.kind());
        }
    }

    private static void value(SplittableRandom r, StringBuilder sb, int depth) {
        int k = r.nextInt(depth > 4 ? 3 : 6);
        switch (k) {
            case 0 -> sb.append('"').append(STRINGS[r.nextInt(STRINGS.length)]).append('"');
            case 1 -> sb.append(NUMBERS[r.nextInt(NUMBERS.length)]);
            case 2 -> sb.append(new String[] {"true", "false", "null"}[r.nextInt(3)]);
            case 3, 4 -> object(r, sb, depth + 1);
            default -> {
                sb.append('[');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "").append(r.nextInt(4) == 0 ? " " : "");
                    value(r, sb, depth + 1);
                }
                sb.append(']');
            }
        }
    }

    private static void object(SplittableRandom r, StringBuilder sb, int depth) {
        sb.append('{');
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            sb.append(i > 0 ? "," : "").append(r.nextInt(5) == 0 ? "\n " : "");
            sb.append('"').append(STRINGS[r.nextInt(STRINGS.length)]).append(r.nextInt(3) == 0 ? i : "")
                    .append("\":");
            value(r, sb, depth);
        }
        sb.append('}');
    }

    @Test
    void enginesAgreeOnGeneratedAndMutatedJson() {
        SplittableRandom r = new SplittableRandom(20251122);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            if (r.nextInt(4) == 0) {
                value(r, sb, 0);
            } else {
                object(r, sb, 0);
            }
            byte[] in = sb.toString().getBytes(StandardCharsets.UTF_8);
            String omit = r.nextBoolean() ? "h" : r.nextBoolean() ? "id" : null;
            compare(in, omit);
            accepted += engine(in, omit).bytes() != null ? 1 : 0;
            // Mutations: cut, flip, insert, delete.
            for (int m = 0; m < 3 && in.length > 0; m++) {
                byte[] x;
                int at = r.nextInt(in.length);
                switch (r.nextInt(4)) {
                    case 0 -> x = Arrays.copyOf(in, at);
                    case 1 -> {
                        x = in.clone();
                        x[at] = ALPHABET[r.nextInt(ALPHABET.length)];
                    }
                    case 2 -> {
                        x = new byte[in.length + 1];
                        System.arraycopy(in, 0, x, 0, at);
                        x[at] = ALPHABET[r.nextInt(ALPHABET.length)];
                        System.arraycopy(in, at, x, at + 1, in.length - at);
                    }
                    default -> {
                        x = new byte[in.length - 1];
                        System.arraycopy(in, 0, x, 0, at);
                        System.arraycopy(in, at + 1, x, at, in.length - at - 1);
                    }
                }
                compare(x, omit);
            }
        }
        assertTrue(accepted > 5_000, "the generator mostly makes valid JSON: " + accepted);
    }

    @Test
    void omittedMemberIsKeptAsAScalarWhateverItsPlace() {
        for (String in : new String[] {"{\"h\":\"x\",\"a\":1}", "{\"a\":1,\"h\":\"x\"}", "{\"b\":2,\"h\":{\"y\":[1]},"
                + "\"a\":1}", "{\"h\":null}", "{\"h\":[],\"z\":{}}"}) {
            compare(in.getBytes(StandardCharsets.UTF_8), "h");
            JsonCanonicalizer.Canonical c = JCS.canonicalize(in.getBytes(StandardCharsets.UTF_8), 0,
                    in.length(), "h");
            assertTrue(c.topLevel().containsKey("h"), in);
            assertTrue(!c.text().contains("\"h\""), c.text());
        }
        assertEquals(JsonToken.START_OBJECT, JCS.canonicalize("{\"h\":{}}".getBytes(StandardCharsets.UTF_8), 0, 8,
                "h").topLevel().get("h").token());
    }

    /** Jazzer: any valid-UTF-8 input, with and without an omitted member. */
    @FuzzTest(maxDuration = "10s")
    void enginesAgree(byte[] data) {
        compare(data, null);
        compare(data, "h");
    }
}
