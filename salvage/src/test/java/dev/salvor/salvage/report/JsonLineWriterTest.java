package dev.salvor.salvage.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.salvage.JsonBytes;
import dev.salvor.salvage.report.JsonLineWriter.Name;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link JsonLineWriter} writes byte for byte what Jackson's generator (default settings, one record per line) writes
 * for the same calls: random records over every value kind, strings over every char class (controls, quotes,
 * backslashes, U+007F, U+2028, BMP, valid and lone surrogates), bytes valid and invalid as UTF-8, raw JSON values,
 * extreme longs and doubles, nested objects and arrays; and the leading {@code image_offset} member.
 */
class JsonLineWriterTest {
    private static final String[] NAMES = {"format", "file", "offset", "key", "value", "a\"b", "é", "\u0001", "",
        "image_offset"};
    private static final char[] INTERESTING = {0, 1, 8, 9, 10, 12, 13, 0x1f, ' ', '"', '\\', '/', 'a', 0x7f, 0x80,
        0xe9, 0x7ff, 0x800, 0x2028, 0x2029, 0x20ac, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfeff, 0xfffd,
        0xffff};
    private static final long[] LONGS = {0, -1, 1, 9, 10, -9, -10, 99, 100, 101, Long.MAX_VALUE, Long.MIN_VALUE,
        Long.MIN_VALUE + 1, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, 999_999_999_999_999_999L,
        1_000_000_000_000_000_000L, -1_000_000_000_000_000_000L};
    private static final double[] DOUBLES = {0.0, -0.0, 1.0, -2.5, 1e10, 1e-10, 1e21, 1e22, 1e-7, 123456789.125,
        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e7, 9999999.0, 1e-3, 0.001, 2e-323, 0.1 + 0.2};

    /** The same call sequence against both writers. */
    private interface Out {
        void begin() throws IOException;

        void end() throws IOException;

        void name(String n) throws IOException;

        void string(String s) throws IOException;

        void number(long v) throws IOException;

        void number(double d) throws IOException;

        void bool(boolean b) throws IOException;

        void nullValue() throws IOException;

        void bytes(byte[] b) throws IOException;

        void base64(byte[] b) throws IOException;

        void raw(byte[] json) throws IOException;

        void beginArray() throws IOException;

        void endArray() throws IOException;

        void beginObject() throws IOException;

        void endObject() throws IOException;
    }

    private static final class JacksonOut implements Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final JsonGenerator g;
        int records;

        JacksonOut() throws IOException {
            g = new JsonFactory().createGenerator(bytes);
            g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
        }

        byte[] finish() throws IOException {
            if (records > 0) {
                g.writeRaw('\n');
            }
            g.flush();
            return bytes.toByteArray();
        }

        public void begin() throws IOException {
            records++;
            g.writeStartObject();
        }

        public void end() throws IOException {
            g.writeEndObject();
        }

        public void name(String n) throws IOException {
            g.writeFieldName(n);
        }

        public void string(String s) throws IOException {
            g.writeString(s);
        }

        public void number(long v) throws IOException {
            g.writeNumber(v);
        }

        public void number(double d) throws IOException {
            g.writeNumber(d);
        }

        public void bool(boolean b) throws IOException {
            g.writeBoolean(b);
        }

        public void nullValue() throws IOException {
            g.writeNull();
        }

        public void bytes(byte[] b) throws IOException {
            JsonBytes.write(g, b);
        }

        public void base64(byte[] b) throws IOException {
            JsonBytes.writeBase64(g, b);
        }

        public void raw(byte[] json) throws IOException {
            g.writeRawValue(new String(json, StandardCharsets.UTF_8));
        }

        public void beginArray() throws IOException {
            g.writeStartArray();
        }

        public void endArray() throws IOException {
            g.writeEndArray();
        }

        public void beginObject() throws IOException {
            g.writeStartObject();
        }

        public void endObject() throws IOException {
            g.writeEndObject();
        }
    }

    private static final class OurOut implements Out {
        final JsonLineWriter w = new JsonLineWriter(16);

        public void begin() {
            w.beginRecord();
        }

        public void end() {
            w.endRecord();
        }

        public void name(String n) {
            w.name(Name.of(n));
        }

        public void string(String s) {
            w.string(s);
        }

        public void number(long v) {
            w.number(v);
        }

        public void number(double d) {
            w.number(d);
        }

        public void bool(boolean b) {
            w.bool(b);
        }

        public void nullValue() {
            w.nullValue();
        }

        public void bytes(byte[] b) {
            w.bytes(b);
        }

        public void base64(byte[] b) {
            w.base64Object(b);
        }

        public void raw(byte[] json) {
            w.rawValue(json);
        }

        public void beginArray() {
            w.beginArray();
        }

        public void endArray() {
            w.endArray();
        }

        public void beginObject() {
            w.beginObject();
        }

        public void endObject() {
            w.endObject();
        }
    }

    static String randomString(Random rnd) {
        int n = rnd.nextInt(14);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(4)) {
                case 0 -> sb.append(INTERESTING[rnd.nextInt(INTERESTING.length)]);
                case 1 -> sb.appendCodePoint(0x10000 + rnd.nextInt(0x100000)); // a valid surrogate pair
                case 2 -> sb.append((char) rnd.nextInt(0x10000));
                default -> sb.append((char) (0x20 + rnd.nextInt(0x5f)));
            }
        }
        return sb.toString();
    }

    /** Bytes: often valid UTF-8 text, often not (random bytes, cut sequences, surrogates, overlong forms). */
    static byte[] randomBytes(Random rnd) {
        switch (rnd.nextInt(4)) {
            case 0: {
                byte[] b = new byte[rnd.nextInt(16)];
                rnd.nextBytes(b);
                return b;
            }
            case 1: {
                byte[][] bad = {{(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0x80},
                    {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x80}, {(byte) 0x80},
                    {(byte) 0xff}};
                byte[] text = randomString(rnd).replace('\ud800', 'x').getBytes(StandardCharsets.UTF_8);
                byte[] b = bad[rnd.nextInt(bad.length)];
                byte[] out = new byte[text.length + b.length];
                int at = rnd.nextInt(text.length + 1);
                System.arraycopy(text, 0, out, 0, at);
                System.arraycopy(b, 0, out, at, b.length);
                System.arraycopy(text, at, out, at + b.length, text.length - at);
                return out;
            }
            default:
                return randomString(rnd).getBytes(StandardCharsets.UTF_8); // lone surrogates become '?'
        }
    }

    private static void randomValue(Random rnd, Out o, int depth) throws IOException {
        switch (rnd.nextInt(depth < 2 ? 11 : 9)) {
            case 0 -> o.nullValue();
            case 1 -> o.number(rnd.nextBoolean() ? LONGS[rnd.nextInt(LONGS.length)] : rnd.nextLong() >> rnd.nextInt(64));
            case 2 -> o.number(rnd.nextBoolean() ? DOUBLES[rnd.nextInt(DOUBLES.length)]
                    : Double.longBitsToDouble(rnd.nextLong()));
            case 3 -> o.bool(rnd.nextBoolean());
            case 4 -> o.bytes(rnd.nextInt(8) == 0 ? null : randomBytes(rnd));
            case 5 -> o.base64(randomBytes(rnd));
            case 6 -> o.raw(rnd.nextBoolean() ? "{\"a\":[1,2.5e3,\"é\\n\"],\"b\":null}".getBytes(StandardCharsets.UTF_8)
                    : randomBytes(rnd));
            case 7, 8 -> o.string(rnd.nextInt(10) == 0 ? null : randomString(rnd));
            case 9 -> {
                o.beginArray();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    randomValue(rnd, o, depth + 1);
                }
                o.endArray();
            }
            default -> {
                o.beginObject();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    o.name(NAMES[rnd.nextInt(NAMES.length)]);
                    randomValue(rnd, o, depth + 1);
                }
                o.endObject();
            }
        }
    }

    /** Plays the same random records on {@code o} (the random sequence depends only on the seed). */
    private static void randomRecords(long seed, Out o) throws IOException {
        Random rnd = new Random(seed);
        for (int r = rnd.nextInt(8); r > 0; r--) {
            o.begin();
            for (int m = rnd.nextInt(8); m > 0; m--) {
                o.name(NAMES[rnd.nextInt(NAMES.length)]);
                randomValue(rnd, o, 0);
            }
            o.end();
        }
    }

    @Test
    void sameBytesAsJacksonOnRandomRecords() throws IOException {
        for (long seed = 0; seed < 3000; seed++) {
            JacksonOut jackson = new JacksonOut();
            randomRecords(seed, jackson);
            OurOut ours = new OurOut();
            randomRecords(seed, ours);
            byte[] want = jackson.finish();
            assertEquals(new String(want, StandardCharsets.ISO_8859_1),
                    new String(ours.w.toByteArray(), StandardCharsets.ISO_8859_1), "seed " + seed);
        }
    }

    @Test
    void everyCharOfTheBmpAndEveryExtremeNumberAsJacksonWritesThem() throws IOException {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 0x10000; c++) {
            all.append((char) c);
        }
        all.appendCodePoint(0x10000).appendCodePoint(0x1f600).appendCodePoint(0x10ffff);
        List<byte[]> texts = new ArrayList<>();
        texts.add(all.toString().getBytes(StandardCharsets.UTF_8));
        texts.add(new byte[] {'a', (byte) 0xe2, (byte) 0x80, (byte) 0xa8, 'b'}); // U+2028
        JacksonOut jackson = new JacksonOut();
        OurOut ours = new OurOut();
        for (Out o : new Out[] {jackson, ours}) {
            o.begin();
            o.name("s");
            o.string(all.toString());
            for (long v : LONGS) {
                o.name("l");
                o.number(v);
            }
            for (double d : DOUBLES) {
                o.name("d");
                o.number(d);
            }
            for (byte[] t : texts) {
                o.name("b");
                o.bytes(t);
            }
            o.end();
        }
        assertArrayEquals(jackson.finish(), ours.w.toByteArray());
    }

    @Test
    void leadingImageOffsetIsTheFirstMember() throws IOException {
        JsonLineWriter w = new JsonLineWriter(8);
        w.beginRecord(123_456_789_012L);
        w.name(Name.of("format"));
        w.string("sqlite");
        w.endRecord();
        w.beginRecord(-1);
        w.name(Name.of("format"));
        w.string("leveldb");
        w.endRecord();
        w.beginRecord(0);
        w.endRecord();
        String lines = new String(w.toByteArray(), StandardCharsets.UTF_8);
        assertEquals("{\"image_offset\":123456789012,\"format\":\"sqlite\"}\n{\"format\":\"leveldb\"}\n"
                + "{\"image_offset\":0}\n", lines);
        JsonNode first = new ObjectMapper().readTree(lines.substring(0, lines.indexOf('\n')));
        assertEquals("image_offset", first.fieldNames().next());
    }

    @Test
    void outputCountsByStateAndWritesEverythingOnClose() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int[] flushes = {0};
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
            }

            @Override
            public void flush() {
                flushes[0]++;
            }
        };
        String big = "x".repeat(1000);
        int n = 2 * JsonLinesOutput.CHUNK / 1000 + 5;
        try (JsonLinesOutput o = new JsonLinesOutput(out)) {
            for (int i = 0; i < n; i++) {
                JsonLineWriter j = o.begin(i % 2 == 0 ? -1 : i);
                j.name(Name.of("v"));
                j.string(big);
                o.end(i % 3 == 0 ? "deleted" : "live");
            }
            assertEquals(List.of("deleted", "live"), new ArrayList<>(o.counts().keySet()));
            assertEquals(n / 3 + 1, o.counts().get("deleted"));
            assertEquals(n - n / 3 - 1, o.counts().get("live"));
            assertEquals(true, bytes.size() > 0, "chunks handed over before close");
        }
        assertEquals(1, flushes[0]);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(n + 1, lines.length);
        assertEquals("{\"image_offset\":1,\"v\":\"" + big + "\"}", lines[1]);
        assertEquals("", lines[n]);
    }
}
