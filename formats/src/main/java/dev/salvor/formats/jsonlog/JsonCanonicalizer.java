package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.EsNumber;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS). Bytes are canonicalised by a one-pass byte engine ({@link JcsEngine});
 * a stream of Jackson tokens by {@link #canonicalize(JsonParser, String)} ({@link JcsTokenCanonicalizer}), an
 * independent implementation of the same rules that the tests use to cross-check the engine.
 *
 * <p>Rules implemented (RFC 8785 section 3.2):
 * <ul>
 *   <li>no whitespace; object members sorted by their names compared as arrays of UTF-16 code units
 *       ({@link String#compareTo}), recursively; array order kept;</li>
 *   <li>strings: only {@code "} and {@code \} and the controls U+0000..U+001F escaped; {@code \b \t \n \f \r} in
 *       short form, other controls as <code>&#92;u00xx</code> lower-case; everything else (including {@code /}, U+007F and
 *       non-ASCII) written as UTF-8; no Unicode normalisation;</li>
 *   <li>numbers: parsed as IEEE-754 doubles and written in ECMAScript shortest form ({@link EsNumber}): {@code 1E30
 *       -> 1e+30}, {@code 4.50 -> 4.5}, {@code -0 -> 0}, {@code 9007199254740993 -> 9007199254740992};</li>
 *   <li>literals {@code true false null} as is.</li>
 * </ul>
 * Input the scheme cannot represent unambiguously is rejected with a {@link Malformed} (kind
 * {@link DamageKind#BAD_RECORD}): duplicate member names, lone surrogates (escaped <code>&#92;ud800</code>), numbers
 * outside the double range ({@code 1E400}), NaN/Infinity (not JSON anyway). Nesting deeper than
 * {@link Limits#maxNestingDepth()} fails with {@link DamageKind#LIMIT_EXCEEDED}; syntax errors with
 * {@link DamageKind#BAD_STRUCTURE}. The {@link Malformed#position()} is the byte offset inside the parsed input.
 *
 * <p>No recursion: nesting is handled with explicit stacks whose depth
 * {@link StreamReadConstraints#getMaxNestingDepth()} of the factory bounds (string and number length likewise).
 * Thread-safe: each thread has its own engine, whose buffers are reused from call to call.
 *
 * <p>Spec: https://www.rfc-editor.org/rfc/rfc8785
 */
public final class JsonCanonicalizer {

    /** A top-level scalar member of a canonicalised object: the token type and its text. */
    public record Scalar(JsonToken token, String text) {
        /** True for a JSON string. */
        public boolean isString() {
            return token == JsonToken.VALUE_STRING;
        }

        /** True for a JSON integer literal (no fraction, no exponent). */
        public boolean isInteger() {
            return token == JsonToken.VALUE_NUMBER_INT;
        }

        /** True for JSON {@code null}. */
        public boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }
    }

    /**
     * A canonicalised value: its RFC 8785 bytes and its top-level scalar members.
     *
     * <p>{@link #topLevel()}: for an object, its scalar members in file order (strings decoded, numbers as written
     * in the input, so integers above 2^53 keep every digit), including the omitted member; structured members map
     * to a {@link Scalar} of token {@code START_OBJECT}/{@code START_ARRAY} and null text. Values made by the event
     * readers keep only the hash and a few top-level members and compute the rest (bytes, the full map) from the
     * event's bytes on first use.
     */
    public static final class Canonical {
        private final JsonCanonicalizer owner;
        private final byte[] source;
        private final String omit;
        private final String[] names;
        private final Scalar[] values;
        private byte[] bytes;
        private Map<String, Scalar> topLevel;
        private String sha256;

        /** A complete value. */
        public Canonical(byte[] bytes, Map<String, Scalar> topLevel) {
            this.owner = null;
            this.source = null;
            this.omit = null;
            this.names = null;
            this.values = null;
            this.bytes = bytes;
            this.topLevel = topLevel;
        }

        /** A value whose bytes and full map are computed from {@code source} when asked for. */
        Canonical(JsonCanonicalizer owner, byte[] source, String omit, String sha256, String[] names,
                  Scalar[] values) {
            this.owner = owner;
            this.source = source;
            this.omit = omit;
            this.sha256 = sha256;
            this.names = names;
            this.values = values;
        }

        private void materialise() {
            Canonical c = owner.canonicalize(source, 0, source.length, omit);
            bytes = c.bytes;
            topLevel = c.topLevel;
        }

        /** The RFC 8785 canonical UTF-8 bytes (without the omitted member, if any). Do not modify. */
        public byte[] bytes() {
            if (bytes == null) {
                materialise();
            }
            return bytes;
        }

        /** The top-level scalar members (see the class comment). */
        public Map<String, Scalar> topLevel() {
            if (topLevel == null) {
                materialise();
            }
            return topLevel;
        }

        /** One top-level member ({@code topLevel().get(name)}), without building the map when it was kept. */
        public Scalar scalar(String name) {
            if (names != null) {
                for (int i = 0; i < names.length; i++) {
                    if (names[i].equals(name)) {
                        return values[i];
                    }
                }
            }
            return topLevel().get(name);
        }

        /** Lower-case hex SHA-256 of {@link #bytes()}. */
        public String sha256Hex() {
            if (sha256 == null) {
                sha256 = EventHash.sha256Hex(bytes());
            }
            return sha256;
        }

        /** The canonical form as a string. */
        public String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return text();
        }
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final JsonFactory factory;
    private final ThreadLocal<JcsEngine> engines;

    /** A canonicaliser whose parser enforces {@code limits.maxNestingDepth()} and Jackson's other defaults. */
    public JsonCanonicalizer(Limits limits) {
        this(newFactory(limits.maxNestingDepth(), limits.maxRecordBytes()));
    }

    /**
     * A canonicaliser over a caller-configured factory: its {@link StreamReadConstraints} (nesting depth, string
     * and number length) bound the input of every method.
     */
    public JsonCanonicalizer(JsonFactory factory) {
        this.factory = factory;
        StreamReadConstraints c = factory.streamReadConstraints();
        int depth = c.getMaxNestingDepth();
        int string = c.getMaxStringLength();
        int number = c.getMaxNumberLength();
        this.engines = ThreadLocal.withInitial(() -> new JcsEngine(depth, string, number));
    }

    /** This thread's engine (buffers reused from call to call). */
    JcsEngine engine() {
        return engines.get();
    }

    /** A strict factory: no comments, no NaN, no leading zeros; given depth and string-length limits. */
    public static JsonFactory newFactory(int maxNestingDepth, int maxStringLength) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxNestingDepth)
                        .maxStringLength(maxStringLength)
                        .maxNumberLength(1000)
                        .build())
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .build();
    }

    /** The factory used by {@link #canonicalize(byte[])}. */
    public JsonFactory factory() {
        return factory;
    }

    /** Canonicalises one complete JSON text (exactly one value, surrounded by optional whitespace). */
    public Canonical canonicalize(byte[] json) {
        return canonicalize(json, 0, json.length, null);
    }

    /** Canonicalises one complete JSON text; a string convenience for tests and tools. */
    public Canonical canonicalize(String json) {
        return canonicalize(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Canonicalises one complete JSON text in {@code json[off, off+len)}, leaving out the top-level member named
     * {@code omitTopLevel} (e.g. the event's own hash) when the value is an object. Malformed positions are relative
     * to {@code off}.
     */
    public Canonical canonicalize(byte[] json, int off, int len, String omitTopLevel) {
        JcsEngine e = engine();
        e.run(json, off, off + len, omitTopLevel == null ? null : JcsEngine.keyBytes(omitTopLevel), null, true,
                true);
        return new Canonical(Arrays.copyOf(e.out(), e.length()), e.all().isEmpty() ? Collections.emptyMap()
                : e.all());
    }

    /**
     * Canonicalises the next value of {@code p} (the parser may be positioned before it or on its first token),
     * from Jackson's tokens (a second, independent implementation of the same rules, used to cross-check the byte
     * engine). Throws {@link Malformed}; Jackson failures are converted.
     */
    public Canonical canonicalize(JsonParser p, String omitTopLevel) {
        try {
            return JcsTokenCanonicalizer.canonicalize(p, omitTopLevel);
        } catch (IOException e) {
            throw convert(e);
        }
    }

    /** Converts a Jackson failure into a positioned {@link Malformed}. */
    static Malformed convert(IOException e) {
        long at = -1;
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
            at = jpe.getLocation().getByteOffset();
        }
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = msg.indexOf('\n');
        if (nl > 0) {
            msg = msg.substring(0, nl);
        }
        DamageKind kind = e instanceof StreamConstraintsException ? DamageKind.LIMIT_EXCEEDED
                : DamageKind.BAD_STRUCTURE;
        return new Malformed(kind, (int) Math.max(0, Math.min(at, Integer.MAX_VALUE)), "invalid JSON: " + msg);
    }

    /** A Jackson location as a byte offset into the parsed input (0 when unknown). */
    static int pos(JsonLocation loc) {
        long b = loc == null ? -1 : loc.getByteOffset();
        return (int) Math.max(0, Math.min(b, Integer.MAX_VALUE));
    }

    /** Throws for an unpaired UTF-16 surrogate (an escaped lone surrogate): JCS cannot hash it unambiguously. */
    static void checkSurrogates(String s, JsonParser p) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new Malformed(DamageKind.BAD_RECORD, p == null ? 0 : pos(p.currentTokenLocation()),
                        String.format("lone surrogate U+%04X in a string (hash input ambiguous)", (int) c));
            }
        }
    }

    /** Writes {@code s} as a JCS string literal (UTF-8, minimal escaping). Surrogates must be paired. */
    static void writeString(String s, ByteBuf out) {
        out.put((byte) '"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    out.put((byte) c);
                    continue;
                }
                out.put((byte) '\\');
                switch (c) {
                    case '"' -> out.put((byte) '"');
                    case '\\' -> out.put((byte) '\\');
                    case '\b' -> out.put((byte) 'b');
                    case '\t' -> out.put((byte) 't');
                    case '\n' -> out.put((byte) 'n');
                    case '\f' -> out.put((byte) 'f');
                    case '\r' -> out.put((byte) 'r');
                    default -> {
                        out.put((byte) 'u');
                        out.put((byte) '0');
                        out.put((byte) '0');
                        out.put(HEX[c >> 4]);
                        out.put(HEX[c & 0xf]);
                    }
                }
            } else if (c < 0x800) {
                out.put((byte) (0xc0 | (c >> 6)));
                out.put((byte) (0x80 | (c & 0x3f)));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.put((byte) (0xf0 | (cp >> 18)));
                out.put((byte) (0x80 | ((cp >> 12) & 0x3f)));
                out.put((byte) (0x80 | ((cp >> 6) & 0x3f)));
                out.put((byte) (0x80 | (cp & 0x3f)));
            } else {
                out.put((byte) (0xe0 | (c >> 12)));
                out.put((byte) (0x80 | ((c >> 6) & 0x3f)));
                out.put((byte) (0x80 | (c & 0x3f)));
            }
        }
        out.put((byte) '"');
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...(" + s.length() + " chars)";
    }

    /** A minimal growable byte array. */
    static final class ByteBuf {
        private byte[] a;
        private int n;

        ByteBuf(int capacity) {
            a = new byte[Math.max(16, capacity)];
        }

        void put(byte b) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = b;
        }

        void put(byte[] b) {
            if (n + b.length > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + b.length));
            }
            System.arraycopy(b, 0, a, n, b.length);
            n += b.length;
        }

        byte[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
