package dev.salvor.salvage.sqlite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.sqlite.RowSource;
import dev.salvor.formats.sqlite.RowState;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.Sha256;
import dev.salvor.salvage.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler's JSON Lines writer: {@link SqliteRowJson} writes byte for byte what Jackson writes for the same rows
 * (random rows over every value kind and every char class: controls, quotes, surrogates, lone surrogates, BMP and
 * beyond), and {@link SqliteRowWriter} on a second thread writes exactly what it writes on one thread, on every
 * SQLite fixture, leaving the input byte-identical.
 */
class SqliteRowJsonTest {

    /** Jackson's bytes for {@code rows}, configured as the handler used to configure it. */
    static byte[] jackson(List<SqliteRow> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
        for (SqliteRow r : rows) {
            SqliteHandler.write(g, r);
        }
        if (!rows.isEmpty()) {
            g.writeRaw('\n');
        }
        g.flush();
        return out.toByteArray();
    }

    static byte[] ours(List<SqliteRow> rows) throws IOException {
        SqliteRowJson j = new SqliteRowJson(16);
        for (SqliteRow r : rows) {
            j.row(r);
        }
        return j.toByteArray();
    }

    private static final char[] INTERESTING = {0, 1, 8, 9, 10, 12, 13, 0x1f, ' ', '"', '\\', '/', 'a', 0x7f, 0x80,
        0xe9, 0x7ff, 0x800, 0x2028, 0x20ac, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfeff, 0xfffd, 0xffff};

    static String randomString(Random rnd) {
        int n = rnd.nextInt(12);
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

    static Object randomValue(Random rnd) {
        switch (rnd.nextInt(7)) {
            case 0:
                return null;
            case 1: {
                long[] edge = {0, -1, 1, 9, 10, -10, 99, 100, 101, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE,
                    Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L};
                return rnd.nextBoolean() ? edge[rnd.nextInt(edge.length)] : rnd.nextLong() >> rnd.nextInt(64);
            }
            case 2: {
                double[] edge = {0.0, -0.0, 1.0, -2.5, 1e10, 1e-10, 1e21, 123456789.125, Double.MIN_VALUE,
                    Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e7, 1e-3};
                return rnd.nextBoolean() ? edge[rnd.nextInt(edge.length)]
                        : Double.longBitsToDouble(rnd.nextLong());
            }
            case 3: {
                byte[] b = new byte[rnd.nextInt(11)];
                rnd.nextBytes(b);
                return b;
            }
            default:
                return randomString(rnd);
        }
    }

    static SqliteRow randomRow(Random rnd) {
        List<Object> values = new ArrayList<>();
        int n = rnd.nextInt(7);
        for (int i = 0; i < n; i++) {
            values.add(randomValue(rnd));
        }
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(5) == 0) {
                unknown.add(i);
            }
        }
        RowState[] states = RowState.values();
        return new SqliteRow(rnd.nextBoolean() ? "app.db" : randomString(rnd),
                rnd.nextInt(5) == 0 ? null : randomString(rnd), rnd.nextBoolean() ? null : rnd.nextLong(),
                values, states[rnd.nextInt(4)], RowSource.BTREE, rnd.nextInt(1 << 20), rnd.nextLong() >>> 1,
                rnd.nextBoolean() ? null : rnd.nextInt(1000), unknown);
    }

    @Test
    void sameBytesAsJacksonOnRandomRows() throws IOException {
        Random rnd = new Random(20261122);
        for (int round = 0; round < 300; round++) {
            List<SqliteRow> rows = new ArrayList<>();
            int n = rnd.nextInt(20);
            for (int i = 0; i < n; i++) {
                rows.add(randomRow(rnd));
            }
            byte[] want = jackson(rows);
            byte[] got = ours(rows);
            assertEquals(new String(want, StandardCharsets.ISO_8859_1), new String(got, StandardCharsets.ISO_8859_1),
                    "round " + round);
        }
    }

    @Test
    void knownForms() throws IOException {
        SqliteRow r = new SqliteRow("a.db", "t", 7L, Arrays.asList(7L, "A\"\\\n\u0001é€\ud83d\ude00", null,
                -3.25, new byte[] {0, 1}, Double.NaN), RowState.LIVE, RowSource.BTREE, 2, 4096, null, List.of());
        String line = new String(ours(List.of(r)), StandardCharsets.UTF_8);
        assertEquals("{\"format\":\"sqlite\",\"file\":\"a.db\",\"table\":\"t\",\"rowid\":7,\"values\":[7,"
                + "\"A\\\"\\\\\\n\\u0001é€\\uD83D\\uDE00\",null,-3.25,{\"base64\":\"AAE=\"},\"NaN\"],"
                + "\"state\":\"live\",\"source\":\"btree\",\"page\":2,\"offset\":4096}\n", line);
        JsonNode n = new ObjectMapper().readTree(line);
        assertEquals("A\"\\\n\u0001é€\ud83d\ude00", n.get("values").get(1).asText());
    }

    /** An index entry says what it is and which row it points to; plain rows carry neither member. */
    @Test
    void indexEntriesSayWhatTheyPointTo() throws IOException {
        SqliteRow e = new SqliteRow("a.db", "orphan_6", null, Arrays.asList("x", 22L), RowState.LIVE,
                RowSource.BTREE, 6, 5986, null, List.of(), dev.salvor.formats.sqlite.RowKind.INDEX,
                new SqliteRow.IndexTarget("orphan_5", 22));
        String line = new String(ours(List.of(e)), StandardCharsets.UTF_8);
        assertEquals("{\"format\":\"sqlite\",\"file\":\"a.db\",\"table\":\"orphan_6\",\"rowid\":null,"
                + "\"values\":[\"x\",22],\"state\":\"live\",\"source\":\"btree\",\"page\":6,\"offset\":5986,"
                + "\"kind\":\"index\",\"points_to\":{\"table\":\"orphan_5\",\"rowid\":22}}\n", line);
        JsonNode n = new ObjectMapper().readTree(line);
        assertEquals(22, n.get("points_to").get("rowid").asLong());
    }

    /** With an image position, each row starts with {@code image_offset}; the rest of the line is unchanged. */
    @Test
    void imageOffsetComesFirstWhereKnown() throws IOException {
        Random rnd = new Random(11);
        List<SqliteRow> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(randomRow(rnd));
        }
        SqliteRowJson carved = new SqliteRowJson(16, (file, offset) -> file.equals("app.db") ? 1L << 40 | offset : -1);
        for (SqliteRow r : rows) {
            carved.row(r);
        }
        String[] want = new String(jackson(rows), StandardCharsets.UTF_8).split("\n");
        String[] got = new String(carved.toByteArray(), StandardCharsets.UTF_8).split("\n");
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            SqliteRow r = rows.get(i);
            assertEquals(r.file().equals("app.db") ? "{\"image_offset\":" + (1L << 40 | r.offset()) + ","
                    + want[i].substring(1) : want[i], got[i]);
        }
    }

    @Test
    void longValuesGrowTheBuffer() throws IOException {
        char[] c = new char[100_000];
        Arrays.fill(c, '\u0002'); // six bytes each
        byte[] blob = new byte[70_001];
        new Random(1).nextBytes(blob);
        List<SqliteRow> rows = List.of(new SqliteRow("a.db", "t", 1L, Arrays.asList(new String(c), blob), RowState.LIVE,
                RowSource.BTREE, 2, 0, 3, List.of(1)));
        assertArrayEquals(jackson(rows), ours(rows));
    }

    static Stream<Path> fixtureDatabases() throws IOException {
        List<Path> dbs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Fixtures.path("sqlite"))) {
            for (Path d : dirs.sorted().toList()) {
                Path gt = d.resolve("ground-truth.json");
                if (Files.isRegularFile(gt)) {
                    dbs.add(d.resolve(Fixtures.json(gt).get("db").asText()));
                }
            }
        }
        return dbs.stream();
    }

    private static byte[] salvage(Path db, int threads) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunContext ctx = new RunContext(Limits.DEFAULT, threads, b -> { });
        new SqliteHandler().salvage(SourceSet.of(db), ctx, out, new RunReport("salvage", "test"));
        return out.toByteArray();
    }

    @Test
    void secondThreadWritesWhatOneThreadWrites() throws IOException {
        List<Path> dbs = fixtureDatabases().toList();
        assertTrue(dbs.size() >= 10, "fixtures found: " + dbs);
        for (Path db : dbs) {
            List<Path> files = new SqliteHandler().inputFiles(SourceSet.of(db)).stream()
                    .map(m -> m.path().orElseThrow()).toList();
            List<String> before = new ArrayList<>();
            for (Path f : files) {
                before.add(Sha256.ofFile(f));
            }
            byte[] one = salvage(db, 1);
            byte[] two = salvage(db, 2);
            byte[] again = salvage(db, 2);
            assertTrue(one.length > 0, db.toString());
            assertArrayEquals(one, two, db.toString());
            assertArrayEquals(two, again, db.toString());
            for (int i = 0; i < files.size(); i++) {
                assertEquals(before.get(i), Sha256.ofFile(files.get(i)), "input changed: " + files.get(i));
            }
        }
    }

    /** Many small batches through the queue: order kept across hand-overs, identical to the inline writer. */
    @Test
    void orderKeptAcrossManyBatches() throws IOException {
        Random rnd = new Random(7);
        List<SqliteRow> rows = new ArrayList<>();
        for (int i = 0; i < 5 * SqliteRowWriter.BATCH_ROWS + 17; i++) {
            rows.add(randomRow(rnd));
        }
        ByteArrayOutputStream inline = new ByteArrayOutputStream();
        ByteArrayOutputStream threaded = new ByteArrayOutputStream();
        try (SqliteRowWriter a = new SqliteRowWriter(inline, 1); SqliteRowWriter b = new SqliteRowWriter(threaded, 2)) {
            rows.forEach(a);
            rows.forEach(b);
            a.finish();
            b.finish();
        }
        assertArrayEquals(jackson(rows), inline.toByteArray());
        assertArrayEquals(inline.toByteArray(), threaded.toByteArray());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void outputErrorSurfacesWithoutHanging(int threads) {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        Random rnd = new Random(3);
        IOException e = assertThrows(IOException.class, () -> {
            try (SqliteRowWriter w = new SqliteRowWriter(failing, threads)) {
                try {
                    for (int i = 0; i < 2000; i++) {
                        w.accept(new SqliteRow("a.db", "t", (long) i, List.of(randomString(rnd) + "x".repeat(300)),
                                RowState.LIVE, RowSource.BTREE, 2, i, null, List.of()));
                    }
                } catch (UncheckedIOException u) {
                    throw u.getCause();
                }
                w.finish();
            }
        });
        assertEquals("disk full", e.getMessage());
    }
}
