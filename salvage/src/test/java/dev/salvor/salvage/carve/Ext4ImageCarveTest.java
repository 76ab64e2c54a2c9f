package dev.salvor.salvage.carve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.Main;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Carving a real ext4 image ({@code fixtures/carve/ext4}, made by {@code fixtures/carve/generate.sh}): a LevelDB
 * directory written by C++ LevelDB, a SQLite database with uncheckpointed WAL commits, one with a hot rollback
 * journal and a JSON event segment were written by {@code mkfs.ext4 -d}, then deleted with {@code debugfs rm}; one
 * block of the event segment was overwritten afterwards. Everything is checked against the ground truth recorded
 * while generating (extents from {@code debugfs}, records from plyvel / sqlite3 / the segment), never against
 * what the carver happens to give. Measurements go to {@code target/ext4-carve-recall.txt}.
 */
class Ext4ImageCarveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static JsonNode truth;
    private static byte[] img;
    private static String shaBefore;
    private static String shaAfter;
    private static List<JsonNode> artifacts;
    private static List<JsonNode> rows;
    private static final Map<String, String> measured = new LinkedHashMap<>();

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private static int run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        return Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void carveAndSalvageTheImage() throws Exception {
        Path dir = Fixtures.path("carve/ext4");
        truth = Fixtures.json(dir.resolve("truth.json"));
        Path image = tmp.resolve("ext4.img");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("ext4.img.gz")))) {
            Files.copy(in, image);
        }
        img = Files.readAllBytes(image);
        shaBefore = sha256(image);
        Path carved = tmp.resolve("carved");
        assertEquals(0, run("carve", image.toString(), "-o", carved.toString()));
        artifacts = new ArrayList<>();
        JSON.readTree(carved.resolve(CarveOutput.MANIFEST).toFile()).get("artifacts").forEach(artifacts::add);
        Path out = tmp.resolve("out.jsonl");
        int rc = run("salvage", "--carve", image.toString(), "-o", out.toString());
        assertTrue(rc == 0 || rc == 1, "salvage --carve exit code " + rc); // 1: damage (the overwritten block)
        rows = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            rows.add(JSON.readTree(l));
        }
        shaAfter = sha256(image);
    }

    private static void measure(String what, String value) throws Exception {
        measured.put(what, value);
        StringBuilder sb = new StringBuilder("salvor carve / salvage --carve on fixtures/carve/ext4 (deleted files)\n");
        measured.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        Path t = Path.of("target");
        if (Files.isDirectory(t)) {
            Files.writeString(t.resolve("ext4-carve-recall.txt"), sb.toString());
        }
    }

    private static JsonNode file(String path) {
        for (JsonNode f : truth.get("files")) {
            if (f.get("path").asText().equals(path)) {
                return f;
            }
        }
        throw new AssertionError("no file " + path + " in truth.json");
    }

    /** The truth file whose blocks hold image byte {@code at}, or null. */
    private static JsonNode fileAt(long at) {
        for (JsonNode f : truth.get("files")) {
            for (JsonNode b : f.get("blocks")) {
                long s = b.asLong() * 4096;
                if (at >= s && at < s + 4096) {
                    return f;
                }
            }
        }
        return null;
    }

    private static long u32be(long at) {
        return ((img[(int) at] & 0xffL) << 24) | ((img[(int) at + 1] & 0xff) << 16) | ((img[(int) at + 2] & 0xff) << 8)
                | (img[(int) at + 3] & 0xff);
    }

    @Test
    void theImageIsByteIdenticalAfterwards() {
        assertEquals(truth.get("image").get("sha256").asText(), shaBefore, "fixture image as generated");
        assertEquals(shaBefore, shaAfter);
    }

    @Test
    void everyArtifactIsInsideADeletedFileAndEachFileIsFoundAtItsExtent() throws Exception {
        for (JsonNode a : artifacts) {
            long off = a.get("image_offset").asLong();
            long end = off + a.get("length").asLong();
            JsonNode f = fileAt(off);
            assertNotNull(f, "artifact outside every deleted file (invented): " + a);
            assertTrue(f.get("contiguous").asBoolean());
            assertTrue(end <= f.get("image_offset").asLong() + f.get("size").asLong(), "artifact past its file: " + a);
        }
        Map<String, JsonNode> byOffset = new HashMap<>();
        for (JsonNode a : artifacts) {
            byOffset.put(a.get("image_offset").asLong() + " " + a.get("kind").asText(), a);
        }
        int whole = 0;
        for (JsonNode f : truth.get("files")) {
            String kind = f.get("kind").asText();
            long off = f.get("image_offset").asLong();
            long size = f.get("size").asLong();
            switch (kind) {
                case "leveldb-table", "leveldb-log", "sqlite-wal" -> {
                    JsonNode a = byOffset.get(off + " " + kind);
                    assertNotNull(a, kind + " " + f.get("path") + " not carved at " + off);
                    assertEquals(size, a.get("length").asLong(), f.get("path").asText());
                    assertEquals(0, a.get("damage").asInt());
                    whole++;
                }
                case "leveldb-manifest" -> {
                    // A MANIFEST is written in the log format: it comes back as a log whose records verify.
                    JsonNode a = byOffset.get(off + " leveldb-log");
                    assertNotNull(a, "MANIFEST not carved");
                    assertEquals(size, a.get("length").asLong());
                }
                case "sqlite-database" -> {
                    // SQLite's rule: the in-header page count (valid here) gives the database size. The database
                    // with a hot journal has grown past it: its tail pages are carved as lone pages right after.
                    JsonNode a = byOffset.get(off + " sqlite-database");
                    assertNotNull(a, f.get("path") + " not carved");
                    long ps = u32be(off + 16 - 2) & 0xffff;
                    long pages = u32be(off + 28);
                    assertEquals(Math.min(size, pages * ps), a.get("length").asLong(), f.get("path").asText());
                    if (pages * ps < size) {
                        JsonNode tail = byOffset.get((off + pages * ps) + " sqlite-pages");
                        assertNotNull(tail, "tail pages of " + f.get("path"));
                        assertEquals(size - pages * ps, tail.get("length").asLong());
                    }
                    whole++;
                }
                case "sqlite-journal" -> {
                    JsonNode a = byOffset.get(off + " sqlite-journal");
                    assertNotNull(a, "journal not carved");
                    long ps = u32be(off + 24);
                    long len = a.get("length").asLong();
                    // Up to the last record whose checksum holds: at most a partly written record is left out.
                    assertTrue(len <= size && size - len < ps + 8, "journal " + len + " of " + size);
                    measure("journal extent", len + " of " + size + " bytes");
                    whole++;
                }
                default -> {
                }
            }
        }
        measure("files carved at their extent", whole + " (tables, logs, databases, WAL, journal)");
        measure("artifacts", String.valueOf(artifacts.size()));
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void leveldbRecordsAreTheEnginesWithOffsetsAtTheirBlocks() throws Exception {
        JsonNode ops = truth.get("leveldb").get("ops");
        Map<String, Integer> newest = new HashMap<>();
        for (JsonNode op : ops) {
            newest.put(op.get("key").asText(), op.get("seq").asInt());
        }
        Set<Integer> found = new TreeSet<>();
        Set<String> liveFound = new TreeSet<>();
        int n = 0;
        for (JsonNode r : rows) {
            if (!"leveldb".equals(r.path("format").asText())) {
                continue;
            }
            n++;
            int seq = r.get("seq").asInt();
            assertTrue(seq >= 1 && seq <= ops.size(), "invented sequence number: " + r);
            JsonNode op = ops.get(seq - 1);
            assertEquals(op.get("key").asText(), r.get("key").asText(), r.toString());
            assertEquals(op.get("op").asText(), r.get("op").asText(), r.toString());
            if (op.get("op").asText().equals("put")) {
                assertEquals(op.get("value_sha256").asText(), sha256(r.get("value").asText()), r.toString());
            }
            boolean atBlock = false;
            for (JsonNode at : op.get("at")) {
                atBlock |= at.get(2).asLong() == r.get("image_offset").asLong();
            }
            assertTrue(atBlock, "image_offset not at the data block / log record holding seq " + seq + ": " + r
                    + " vs " + op.get("at"));
            boolean newestPut = newest.get(op.get("key").asText()) == seq && op.get("op").asText().equals("put");
            assertEquals(newestPut, r.get("state").asText().equals("live"), "state of " + r);
            found.add(seq);
            if (newestPut) {
                liveFound.add(r.get("key").asText());
            }
        }
        int onDisk = 0;
        for (JsonNode op : ops) {
            if (!op.get("at").isEmpty()) {
                onDisk++;
                assertTrue(found.contains(op.get("seq").asInt()), "record on disk not recovered: " + op);
            }
        }
        int live = truth.get("leveldb").get("live").size();
        assertEquals(live, liveFound.size(), "live values recovered");
        for (JsonNode l : truth.get("leveldb").get("live")) {
            assertTrue(liveFound.contains(l.get("key").asText()), "live key not recovered: " + l);
        }
        measure("leveldb", "records " + found.size() + "/" + onDisk + " of the versions on disk (" + ops.size()
                + " ops written, older versions compacted away), live " + liveFound.size() + "/" + live
                + ", " + n + " rows, 0 invented");
    }

    /** Canonical text of a salvaged value. */
    private static String canon(JsonNode v) {
        if (v == null || v.isNull()) {
            return "NULL";
        }
        if (v.isNumber()) {
            return "n" + v.decimalValue().stripTrailingZeros().toPlainString();
        }
        return "s" + v.asText();
    }

    /** Canonical text of a quote() literal from the truth (text, integers and NULL only in this fixture). */
    private static String canonLiteral(String s) {
        if (s.equals("NULL")) {
            return "NULL";
        }
        if (s.startsWith("'")) {
            return "s" + s.substring(1, s.length() - 1).replace("''", "'");
        }
        return "n" + new java.math.BigDecimal(s).stripTrailingZeros().toPlainString();
    }

    private record Row(String table, long rowid, List<String> values) {
    }

    private static List<Row> section(String db, String name) {
        List<Row> out = new ArrayList<>();
        for (JsonNode r : truth.get("sqlite").get(db).get(name)) {
            List<String> v = new ArrayList<>();
            r.get("values").forEach(x -> v.add(canonLiteral(x.asText())));
            out.add(new Row(r.get("table").asText(), r.get("rowid").asLong(), v));
        }
        return out;
    }

    /** Same row: table (when attributed), rowid (when known), every column except those reported unknown. */
    private static boolean matches(JsonNode r, Row t) {
        if (!r.get("table").asText().equals(t.table())) {
            return false;
        }
        if (!r.get("rowid").isNull() && r.get("rowid").asLong() != t.rowid()) {
            return false;
        }
        JsonNode values = r.get("values");
        if (values.size() != t.values().size()) {
            return false;
        }
        Set<Integer> unknown = new TreeSet<>();
        r.path("unknown_columns").forEach(u -> unknown.add(u.asInt()));
        for (int i = 0; i < values.size(); i++) {
            if (!unknown.contains(i) && !canon(values.get(i)).equals(t.values().get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyMatch(JsonNode r, List<Row> rows) {
        return rows.stream().anyMatch(t -> matches(r, t));
    }

    /** Reads a SQLite varint at {@code at}: {value, length}. */
    private static long[] varint(long at) {
        long v = 0;
        for (int i = 0; i < 9; i++) {
            int b = img[(int) at + i] & 0xff;
            if (i == 8) {
                return new long[]{(v << 8) | b, 9};
            }
            v = (v << 7) | (b & 0x7f);
            if (b < 0x80) {
                return new long[]{v, i + 1};
            }
        }
        throw new AssertionError();
    }

    private static int indexOf(byte[] needle, long from, int window) {
        outer:
        for (int i = (int) from; i < Math.min(img.length - needle.length, from + window); i++) {
            for (int j = 0; j < needle.length; j++) {
                if (img[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void sqliteRowsAreTheEnginesWithOffsetsAtTheirCells() throws Exception {
        Map<String, String> dbOf = new HashMap<>();
        for (String db : List.of("wal", "journal")) {
            JsonNode s = truth.get("sqlite").get(db);
            dbOf.put(s.get("db").asText(), db);
            dbOf.put(s.get(db).asText(), db);
        }
        Map<String, List<Row>> every = new HashMap<>();
        Map<String, List<Row>> live = new HashMap<>();
        for (String db : List.of("wal", "journal")) {
            live.put(db, section(db, "live"));
            List<Row> all = new ArrayList<>(section(db, "live"));
            for (String s : db.equals("wal") ? List.of("old", "deleted") : List.of("uncommitted")) {
                all.addAll(section(db, s));
            }
            every.put(db, all);
        }
        Map<String, Set<Row>> liveFound = Map.of("wal", new java.util.HashSet<>(), "journal", new java.util.HashSet<>());
        Set<Row> uncommittedFound = new java.util.HashSet<>();
        List<Row> uncommitted = section("journal", "uncommitted");
        int n = 0;
        for (JsonNode r : rows) {
            if (!"sqlite".equals(r.path("format").asText()) || r.get("table").asText().equals("sqlite_schema")) {
                continue;
            }
            n++;
            long io = r.get("image_offset").asLong();
            JsonNode f = fileAt(io);
            assertNotNull(f, "image_offset outside the SQLite files: " + r);
            String db = dbOf.get(f.get("path").asText());
            assertNotNull(db, "row from " + f.get("path") + ": " + r);
            assertTrue(anyMatch(r, every.get(db)), "row that never existed in " + db + ": " + r);
            String state = r.get("state").asText();
            if (state.equals("live")) {
                assertTrue(anyMatch(r, live.get(db)), "reported live but not a live row of " + db + ": " + r);
                live.get(db).stream().filter(t -> matches(r, t)).forEach(liveFound.get(db)::add);
            }
            if (state.equals("uncommitted")) {
                uncommitted.stream().filter(t -> matches(r, t)).forEach(uncommittedFound::add);
            }
            // The bytes at image_offset hold the row: a live cell starts with its payload size and rowid; the
            // second column's text follows within the cell (a freed cell's header may be overwritten).
            String source = r.path("source").asText();
            if (!r.get("rowid").isNull() && !source.equals("freeblock") && !source.equals("unallocated")) {
                long[] size = varint(io);
                assertEquals(r.get("rowid").asLong(), varint(io + size[1])[0], "rowid at image_offset: " + r);
            }
            JsonNode text = r.get("values").get(1);
            if (text.isTextual() && !r.path("unknown_columns").toString().contains("1")) {
                int at = indexOf(text.asText().getBytes(StandardCharsets.UTF_8), io, 64);
                assertTrue(at >= 0, "column 2 not within 64 bytes of image_offset: " + r);
            }
        }
        int walOnlyFound = 0;
        for (Row t : section("wal", "wal_only")) {
            walOnlyFound += liveFound.get("wal").contains(t) ? 1 : 0;
        }
        for (String db : List.of("wal", "journal")) {
            assertEquals(Set.copyOf(live.get(db)), liveFound.get(db), "live rows of " + db);
        }
        assertEquals(section("wal", "wal_only").size(), walOnlyFound);
        measure("sqlite", n + " rows, 0 invented; app.db + WAL live " + liveFound.get("wal").size() + "/"
                + live.get("wal").size() + " (WAL-only " + walOnlyFound + "/" + section("wal", "wal_only").size()
                + "); ledger.db + hot journal live " + liveFound.get("journal").size() + "/"
                + live.get("journal").size() + ", uncommitted " + uncommittedFound.size() + "/" + uncommitted.size());
    }

    /** Rows without location: table, rowid, values, state (a multiset as sorted list). */
    private static List<String> sqliteContent(List<JsonNode> rs) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : rs) {
            if ("sqlite".equals(r.path("format").asText()) && !r.get("table").asText().equals("sqlite_schema")) {
                out.add(r.get("table") + " " + r.get("rowid") + " " + r.get("values") + " " + r.get("state"));
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Regression: a database that a hot journal's transaction grew past its header's page count is carved up to
     * that count and its tail pages come as lone pages right after it; they were salvaged as {@code live} rows of
     * a page set. Paired with the journal they are the database's tail: {@code salvage --carve} must give exactly
     * what salvaging the original two files gives (the tail's rows {@code uncommitted}).
     */
    @Test
    void aDatabaseGrownByItsHotJournalSalvagesAsTheOriginalFiles(@TempDir Path dir) throws Exception {
        JsonNode db = file("/sqlite/ledger.db");
        JsonNode journal = file("/sqlite/ledger.db-journal");
        byte[] dbBytes = new byte[db.get("size").asInt()];
        System.arraycopy(img, db.get("image_offset").asInt(), dbBytes, 0, dbBytes.length);
        byte[] jBytes = new byte[journal.get("size").asInt()];
        System.arraycopy(img, journal.get("image_offset").asInt(), jBytes, 0, jBytes.length);
        assertTrue(u32be(db.get("image_offset").asLong() + 28) * 1024 < dbBytes.length, "grown past its header");
        Path orig = dir.resolve("orig");
        Files.createDirectories(orig);
        Files.write(orig.resolve("ledger.db"), dbBytes);
        Files.write(orig.resolve("ledger.db-journal"), jBytes);
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        java.util.Random rnd = new java.util.Random(11);
        for (byte[] b : new byte[][]{jBytes, dbBytes}) {
            byte[] filler = new byte[3 * 512];
            rnd.nextBytes(filler);
            image.writeBytes(filler);
            image.writeBytes(b);
        }
        image.writeBytes(new byte[700]);
        Path small = dir.resolve("small.img");
        Files.write(small, image.toByteArray());
        Path fromOrig = dir.resolve("orig.jsonl");
        Path fromCarve = dir.resolve("carve.jsonl");
        assertEquals(1, run("salvage", orig.resolve("ledger.db").toString(), "-o", fromOrig.toString()));
        int rc = run("salvage", "--carve", small.toString(), "-o", fromCarve.toString());
        assertTrue(rc == 0 || rc == 1);
        List<JsonNode> a = new ArrayList<>();
        for (String l : Files.readAllLines(fromOrig)) {
            a.add(JSON.readTree(l));
        }
        List<JsonNode> b = new ArrayList<>();
        for (String l : Files.readAllLines(fromCarve)) {
            b.add(JSON.readTree(l));
        }
        assertTrue(sqliteContent(a).stream().anyMatch(s -> s.endsWith("\"uncommitted\"")));
        assertEquals(sqliteContent(a), sqliteContent(b));
    }

    @Test
    void survivingEventsComeBackAtTheirOffsets() throws Exception {
        Map<String, JsonNode> byHash = new HashMap<>();
        int survive = 0;
        for (JsonNode e : truth.get("events")) {
            byHash.put(e.get("current_hash").asText(), e);
            survive += e.get("survives").asBoolean() ? 1 : 0;
        }
        Set<String> found = new TreeSet<>();
        for (JsonNode r : rows) {
            if (!"jsonlog".equals(r.path("format").asText())) {
                continue;
            }
            JsonNode t = byHash.get(r.get("event").get("current_hash").asText());
            assertNotNull(t, "invented event: " + r);
            assertTrue(t.get("survives").asBoolean(), "event from an overwritten block: " + r);
            assertEquals(t.get("image_offset").asLong(), r.get("image_offset").asLong(), r.toString());
            byte[] at = new byte[6];
            System.arraycopy(img, (int) r.get("image_offset").asLong(), at, 0, 6);
            assertArrayEquals("{\"id\":".getBytes(StandardCharsets.US_ASCII), at);
            assertTrue(found.add(t.get("current_hash").asText()), "event twice: " + r);
        }
        assertEquals(survive, found.size(), "every event outside the overwritten block");
        measure("events", found.size() + "/" + survive + " surviving (" + truth.get("events").size()
                + " written, the rest touched the overwritten block), 0 invented");
    }
}
