package dev.salvor.salvage.carve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.Main;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.sqlite.RollbackJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQLite pieces without an intact database header, laid in images between random and zero filler at aligned and
 * unaligned offsets: WAL files, rollback journals, lone b-tree pages. Artifacts must come back at their exact
 * extents; salvaged rows are compared with the fixture's salvage and its ground-truth.json (no invented rows).
 */
class SqliteCarveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Recall figures measured by the tests, written to target/sqlite-carve-recall.txt. */
    private static final List<String> RECALL = new ArrayList<>();

    private static byte[] fixture(String rel) throws IOException {
        return Files.readAllBytes(Fixtures.path("sqlite/" + rel));
    }

    /** Image builder: filler (random or zero) then a piece, 512-aligned or deliberately not. */
    private static final class Image {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        final Random rnd;

        Image(long seed) {
            rnd = new Random(seed);
        }

        long put(byte[] piece, int from, int len, boolean aligned, boolean zeroFiller) {
            byte[] filler = new byte[700 + rnd.nextInt(4000)];
            if (!zeroFiller) {
                rnd.nextBytes(filler);
            }
            b.writeBytes(filler);
            if (aligned) {
                byte[] pad = new byte[(512 - b.size() % 512) % 512];
                if (!zeroFiller) {
                    rnd.nextBytes(pad);
                }
                b.writeBytes(pad);
            } else if (b.size() % 512 == 0) {
                b.write(rnd.nextInt(256));
            }
            long at = b.size();
            b.write(piece, from, len);
            return at;
        }

        long put(byte[] piece, boolean aligned, boolean zeroFiller) {
            return put(piece, 0, piece.length, aligned, zeroFiller);
        }

        byte[] bytes() {
            byte[] tail = new byte[3000];
            rnd.nextBytes(tail);
            b.writeBytes(tail);
            return b.toByteArray();
        }
    }

    private static List<Artifact> carve(byte[] image, int chunk) throws Exception {
        try (ByteSource src = ByteSource.of("image", image)) {
            return new Carver(src, 2, Limits.DEFAULT, chunk).carve(x -> { });
        }
    }

    private static Set<String> keys(List<Artifact> found) {
        Set<String> s = new TreeSet<>();
        for (Artifact a : found) {
            s.add(a.kind().id() + "@" + a.offset() + "+" + a.length());
        }
        return s;
    }

    /** End of the last page record whose checksum holds (the journal's verified extent), by the format's reader. */
    private static long journalExtent(byte[] j) {
        RollbackJournal r = RollbackJournal.read(ByteSource.of("j", j), 0, DamageSink.IGNORE);
        long end = 0;
        for (RollbackJournal.PageRecord p : r.records()) {
            if (p.checksumOk()) {
                end = p.offset() + 8 + r.pageSize();
            }
        }
        return end;
    }

    @Test
    void walJournalAndDatabasesComeBackAtTheirExactExtents() throws Exception {
        byte[] walDb = fixture("wal/wal.db");
        byte[] wal = fixture("wal/wal.db-wal");
        byte[] torn = fixture("wal-torn/wal-torn.db-wal");
        byte[] jDb = fixture("journal/journal.db");
        byte[] journal = fixture("journal/journal.db-journal");
        byte[] p512 = fixture("p512-utf16le/p512-utf16le.db");
        Image img = new Image(17);
        Set<String> expected = new TreeSet<>();
        expected.add("sqlite-database@" + img.put(walDb, true, false) + "+" + walDb.length);
        expected.add("sqlite-wal@" + img.put(wal, false, false) + "+" + wal.length);
        // the torn WAL ends 2048 bytes into its last frame: only whole frames that verify are carved
        long tornExtent = 32 + (torn.length - 32) / (24 + 4096) * (24 + 4096L);
        expected.add("sqlite-wal@" + img.put(torn, true, true) + "+" + tornExtent);
        expected.add("sqlite-database@" + img.put(jDb, false, true) + "+" + jDb.length);
        expected.add("sqlite-journal@" + img.put(journal, true, false) + "+" + journalExtent(journal));
        expected.add("sqlite-database@" + img.put(p512, false, false) + "+" + p512.length);
        byte[] image = img.bytes();
        for (int chunk : new int[]{Carver.CHUNK, 4096, 1000}) {
            assertEquals(expected, keys(carve(image, chunk)), "chunk " + chunk);
        }
    }

    @Test
    void randomTextAndZeroImagesYieldNoPages() throws Exception {
        byte[] random = new byte[6 << 20];
        new Random(99).nextBytes(random);
        assertEquals(List.of(), carve(random, 1 << 20));
        // text with CR LF line ends (0x0d is the table-leaf type byte) at every possible alignment
        StringBuilder sb = new StringBuilder();
        Random r = new Random(5);
        while (sb.length() < (2 << 20)) {
            sb.append("line ").append(r.nextInt()).append(" some text, digits 0123456789 <>=;\r\n");
        }
        assertEquals(List.of(), carve(sb.toString().getBytes(StandardCharsets.US_ASCII), 1 << 20));
        assertEquals(List.of(), carve(new byte[2 << 20], 1 << 20));
    }

    /** The pages 2..n of damage-src.db (page 1 lost), in three 512-aligned fragments. */
    private static List<long[]> placeLonePages(Image img, byte[] db, int ps) {
        int pages = db.length / ps;
        int[] cuts = {1, pages / 3, 2 * pages / 3, pages};
        List<long[]> placed = new ArrayList<>();
        for (int k = 0; k + 1 < cuts.length; k++) {
            int from = cuts[k] * ps;
            int len = (cuts[k + 1] - cuts[k]) * ps;
            placed.add(new long[]{img.put(db, from, len, true, k == 1), len});
        }
        return placed;
    }

    @Test
    void lonePagesOfADatabaseWithoutItsHeaderAreFoundAsRuns() throws Exception {
        byte[] db = fixture("damage-src/damage-src.db");
        Image img = new Image(23);
        List<long[]> placed = placeLonePages(img, db, 1024);
        byte[] image = img.bytes();
        List<Artifact> found = carve(image, 4096);
        // every artifact is a run of lone pages inside one of the fragments, of whole 1024-byte pages
        long pagesFound = 0;
        for (Artifact a : found) {
            assertEquals(Artifact.Kind.SQLITE_PAGES, a.kind(), a.toString());
            assertTrue(placed.stream().anyMatch(p -> a.offset() >= p[0] && a.end() <= p[0] + p[1]
                    && (a.offset() - p[0]) % 1024 == 0), a.toString());
            assertEquals(0, a.length() % 1024, a.toString());
            pagesFound += a.length() / 1024;
        }
        // every b-tree page of the fixture (pages 2..n whose type byte is 2, 5, 10 or 13) is found
        long btree = 0;
        for (int n = 2; n <= db.length / 1024; n++) {
            int t = db[(n - 1) * 1024];
            btree += t == 2 || t == 5 || t == 10 || t == 13 ? 1 : 0;
        }
        assertEquals(btree, pagesFound);
    }

    // ---------------------------------------------------------------------------------------------------------
    // salvage --carve

    private static List<JsonNode> salvage(Path tmp, boolean damageExpected, String... args) throws Exception {
        Path out = tmp.resolve("out-" + System.nanoTime() + ".jsonl");
        String[] full = Arrays.copyOf(args, args.length + 2);
        full[args.length] = "-o";
        full[args.length + 1] = out.toString();
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        int rc = Main.run(full, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(se, true, StandardCharsets.UTF_8));
        assertTrue(rc == 0 || (damageExpected && rc == 1), "rc " + rc + ": " + se.toString(StandardCharsets.UTF_8));
        List<JsonNode> rows = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            rows.add(JSON.readTree(l));
        }
        return rows;
    }

    private static Path write(Path tmp, byte[] image) throws IOException {
        Path p = tmp.resolve("disk-" + System.nanoTime() + ".img");
        Files.write(p, image);
        return p;
    }

    /** Canonical text of a JSON value: numbers by value, blobs by content. */
    private static String canon(JsonNode v) {
        if (v == null || v.isNull()) {
            return "NULL";
        }
        if (v.isNumber()) {
            return "n" + new BigDecimal(v.asText()).stripTrailingZeros().toPlainString();
        }
        if (v.isObject() && v.has("base64")) {
            return "x" + HexFormat.of().formatHex(Base64.getDecoder().decode(v.get("base64").asText()));
        }
        return "s" + v.asText();
    }

    /** Canonical text of a ground-truth SQL literal (quote() output). */
    private static String canonLiteral(String s) {
        if (s.equals("NULL")) {
            return "NULL";
        }
        if (s.startsWith("'")) {
            return "s" + s.substring(1, s.length() - 1).replace("''", "'");
        }
        if (s.startsWith("X'")) {
            return "x" + s.substring(2, s.length() - 1).toLowerCase();
        }
        return "n" + new BigDecimal(s).stripTrailingZeros().toPlainString();
    }

    private static String rowKey(String table, JsonNode rowid, List<String> values) {
        return table + " " + (rowid == null || rowid.isNull() ? "?" : rowid.asText()) + " " + values;
    }

    private static String rowKey(JsonNode r, boolean withTable) {
        List<String> v = new ArrayList<>();
        for (JsonNode x : r.get("values")) {
            v.add(canon(x));
        }
        return rowKey(withTable ? r.get("table").asText() : "*", r.get("rowid"), v);
    }

    /** One ground-truth row: table, rowid (or null), canonical values. */
    private record Truth(String table, Long rowid, List<String> values) {
    }

    /** Ground-truth rows of a fixture in the given sections ({@code live}, {@code old}, {@code deleted}, ...). */
    private static List<Truth> truth(String fixtureCase, String... sections) throws IOException {
        JsonNode gt = JSON.readTree(Fixtures.path("sqlite/" + fixtureCase + "/ground-truth.json").toFile());
        List<Truth> out = new ArrayList<>();
        for (String s : sections) {
            for (JsonNode r : gt.get(s)) {
                List<String> v = new ArrayList<>();
                for (JsonNode x : r.get("values")) {
                    v.add(canonLiteral(x.asText()));
                }
                out.add(new Truth(r.get("table").asText(), r.get("rowid").isNull() ? null : r.get("rowid").asLong(),
                        v));
            }
        }
        return out;
    }

    /**
     * True if the salvaged row is this ground-truth row: same table when the row is attributed (not
     * {@code orphan_*}), same rowid when both know it, every column equal except those the row lists as unknown;
     * an unattributed row's stored NULL may stand for a rowid alias column (its value is the rowid).
     */
    private static boolean matches(JsonNode r, Truth t) {
        String table = r.get("table").isNull() ? null : r.get("table").asText();
        boolean attributed = table != null && !table.startsWith("orphan_");
        if (attributed && !table.equals(t.table())) {
            return false;
        }
        JsonNode rowid = r.get("rowid");
        if (!rowid.isNull() && t.rowid() != null && rowid.asLong() != t.rowid()) {
            return false;
        }
        JsonNode values = r.get("values");
        if (values.size() != t.values().size()) {
            return false;
        }
        Set<Integer> unknown = new TreeSet<>();
        r.path("unknown_columns").forEach(u -> unknown.add(u.asInt()));
        for (int i = 0; i < values.size(); i++) {
            String v = canon(values.get(i));
            if (unknown.contains(i) || v.equals(t.values().get(i))) {
                continue;
            }
            if (!attributed && v.equals("NULL") && t.rowid() != null && t.values().get(i).equals("n" + t.rowid())) {
                continue;
            }
            return false;
        }
        return true;
    }

    /** The ground-truth row the salvaged row is, or {@code null} (an invented row). */
    private static Truth match(JsonNode r, List<Truth> truth) {
        for (Truth t : truth) {
            if (matches(r, t)) {
                return t;
            }
        }
        return null;
    }

    /** Records without their location, counted. */
    private static TreeMap<String, Integer> content(List<JsonNode> rows) {
        TreeMap<String, Integer> m = new TreeMap<>();
        for (JsonNode r : rows) {
            if ("sqlite".equals(r.path("format").asText())) {
                m.merge(rowKey(r, true) + " " + r.get("state").asText(), 1, Integer::sum);
            }
        }
        return m;
    }

    private static void assertImageOffsets(List<JsonNode> rows, byte[] image) {
        for (JsonNode r : rows) {
            JsonNode io = r.get("image_offset");
            assertNotNull(io, r.toString());
            assertTrue(io.asLong() >= 0 && io.asLong() < image.length, r.toString());
        }
    }

    @Test
    void walAndJournalPairedWithTheirDatabasesSalvageAsTheFixtures(@TempDir Path tmp) throws Exception {
        for (String c : new String[]{"wal", "journal"}) {
            byte[] db = fixture(c + "/" + c + ".db");
            String side = c.equals("wal") ? "-wal" : "-journal";
            byte[] log = fixture(c + "/" + c + ".db" + side);
            Image img = new Image(c.hashCode());
            long dbAt = img.put(db, true, false);
            long logAt = img.put(log, false, true);
            byte[] image = img.bytes();
            List<JsonNode> carved = salvage(tmp, false, "salvage", "--carve", write(tmp, image).toString());
            List<JsonNode> direct = salvage(tmp, false, "salvage", Fixtures.path("sqlite/" + c + "/" + c + ".db")
                    .toString());
            assertTrue(content(direct).size() > 100, c);
            assertEquals(content(direct), content(carved), c);
            assertImageOffsets(carved, image);
            long fromLog = 0;
            for (JsonNode r : carved) {
                long at = r.get("image_offset").asLong();
                boolean inLog = at >= logAt && at < logAt + log.length;
                assertTrue(inLog || (at >= dbAt && at < dbAt + db.length), r.toString());
                fromLog += inLog ? 1 : 0;
                assertEquals(inLog, r.get("file").asText().endsWith(side), r.toString());
            }
            assertTrue(fromLog > 0, c);
        }
    }

    @Test
    void walAloneGivesItsCommittedRows(@TempDir Path tmp) throws Exception {
        byte[] wal = fixture("wal/wal.db-wal");
        Image img = new Image(31);
        long at = img.put(wal, true, false);
        byte[] image = img.bytes();
        List<JsonNode> rows = salvage(tmp, true, "salvage", "--carve", write(tmp, image).toString());
        assertImageOffsets(rows, image);
        List<Truth> live = truth("wal", "live");
        List<Truth> any = truth("wal", "live", "old", "deleted", "uncommitted");
        // what the fixture's own salvage reads from WAL frames as the current view
        Set<String> fromWal = new TreeSet<>();
        Set<String> schemaRows = new TreeSet<>();
        for (JsonNode r : salvage(tmp, false, "salvage", Fixtures.path("sqlite/wal/wal.db").toString())) {
            if ("sqlite_schema".equals(r.get("table").asText())) {
                schemaRows.add(rowKey(r, true));
            }
            if ("wal".equals(r.get("source").asText()) && "live".equals(r.get("state").asText())) {
                fromWal.add(rowKey(r, true));
            }
        }
        Set<String> liveFound = new TreeSet<>();
        Set<String> partial = new TreeSet<>();
        for (JsonNode r : rows) {
            assertTrue(r.get("image_offset").asLong() >= at && r.get("image_offset").asLong() < at + wal.length,
                    r.toString());
            // old schema rows (older page-1 frames) are not in the ground truth: the fixture's salvage has them
            assertTrue(match(r, any) != null || schemaRows.contains(rowKey(r, true)), "invented row: " + r);
            if ("live".equals(r.get("state").asText())) {
                assertNotNull(match(r, live), "a committed WAL row that is not live in the ground truth: " + r);
                liveFound.add(rowKey(r, true));
                if (r.has("unknown_columns")) {
                    // its overflow pages are in the database file, not in the WAL: same row, columns unknown
                    partial.add(r.get("table").asText() + " " + r.get("rowid").asText());
                }
            }
        }
        long recalled = fromWal.stream().filter(liveFound::contains).count();
        long partly = fromWal.stream().filter(k -> !liveFound.contains(k)
                && partial.contains(k.substring(0, k.indexOf(' ', k.indexOf(' ') + 1)))).count();
        RECALL.add("WAL alone: " + recalled + "/" + fromWal.size() + " live rows the fixture reads from WAL frames"
                + " complete, " + partly + " with columns in overflow pages of the lost database unknown; "
                + rows.size() + " rows in all, 0 invented");
        assertEquals(fromWal.size(), recalled + partly, "every live row the fixture reads from the WAL");
        writeRecall();
    }

    @Test
    void journalAloneGivesItsOldPageRowsAsSuperseded(@TempDir Path tmp) throws Exception {
        byte[] journal = fixture("journal/journal.db-journal");
        Image img = new Image(37);
        long at = img.put(journal, false, false);
        byte[] image = img.bytes();
        List<JsonNode> rows = salvage(tmp, true, "salvage", "--carve", write(tmp, image).toString());
        assertImageOffsets(rows, image);
        List<Truth> any = truth("journal", "live", "old", "deleted");
        assertTrue(rows.size() > 10, "rows: " + rows.size());
        for (JsonNode r : rows) {
            assertTrue(r.get("image_offset").asLong() >= at && r.get("image_offset").asLong() < at + journal.length,
                    r.toString());
            assertNotNull(match(r, any), "invented row: " + r);
            assertTrue(Set.of("superseded", "deleted").contains(r.get("state").asText()), r.toString());
        }
        RECALL.add("journal alone: " + rows.size() + " rows of its old pages (superseded/deleted), 0 invented");
        writeRecall();
    }

    @Test
    void lonePagesSalvageToGroundTruthRowsWithAndWithoutASchema(@TempDir Path tmp) throws Exception {
        byte[] db = fixture("damage-src/damage-src.db");
        List<Truth> live = truth("damage-src", "live");
        List<Truth> any = truth("damage-src", "live", "old", "deleted");
        int liveRows = live.size();
        for (boolean withSchema : new boolean[]{false, true}) {
            Image img = new Image(withSchema ? 41 : 43);
            if (withSchema) {
                img.put(fixture("journal/journal.db"), true, false); // same page size and schema
            }
            List<long[]> placed = placeLonePages(img, db, 1024);
            byte[] image = img.bytes();
            List<JsonNode> rows = salvage(tmp, true, "salvage", "--carve", write(tmp, image).toString());
            Set<Truth> liveFound = new java.util.HashSet<>();
            int fromPages = 0;
            int attributedRows = 0;
            int indexEntries = 0;
            for (JsonNode r : rows) {
                long io = r.get("image_offset").asLong();
                boolean inPages = placed.stream().anyMatch(p -> io >= p[0] && io < p[0] + p[1]);
                if (!inPages) {
                    continue; // rows of journal.db itself
                }
                if (r.has("kind") && r.get("kind").asText().equals("index")) {
                    // an entry of an index tree no schema names: not a row; it ends with the rowid it points to
                    JsonNode v = r.get("values");
                    assertEquals(r.get("points_to").get("rowid").asLong(), v.get(v.size() - 1).asLong(), r.toString());
                    indexEntries++;
                    continue;
                }
                fromPages++;
                assertNotNull(match(r, any), "invented row: " + r);
                attributedRows += r.get("table").asText("orphan_").startsWith("orphan_") ? 0 : 1;
                long page = r.get("page").asLong();
                assertTrue(page >= 1 && page <= db.length / 1024, r.toString());
                Truth t = "live".equals(r.get("state").asText()) ? match(r, live) : null;
                if (t != null) {
                    liveFound.add(t);
                }
            }
            RECALL.add("lone pages of damage-src (page 1 lost, 3 fragments), " + (withSchema ? "schema from a carved"
                    + " database of the same page size" : "no schema") + ": " + liveFound.size() + "/" + liveRows
                    + " live rows (" + fromPages + " rows from the pages, " + attributedRows
                    + " attributed to a table, " + indexEntries + " index entries, 0 invented)");
            assertEquals(withSchema, attributedRows > 0, "rows attributed to the carved schema");
            // lone pages of several trees: not every index tree is told from a WITHOUT ROWID table here
            assertTrue(liveFound.size() >= (withSchema ? liveRows * 9 / 10 : liveRows * 6 / 10),
                    liveFound.size() + " of " + liveRows);
        }
        writeRecall();
    }

    private static synchronized void writeRecall() throws IOException {
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.write(target.resolve("sqlite-carve-recall.txt"), new TreeSet<>(RECALL));
        }
    }
}
