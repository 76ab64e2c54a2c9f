package dev.salvor.salvage.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.CliRun;
import dev.salvor.cli.ExitCodes;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Byte-exact round trips (backup → verify-backup → restore) of every kind of source, and restored data opened with
 * the real engines: sqlite-jdbc (on a copy: SQLite writes when it opens) and the C++ LevelDB through plyvel (on a
 * copy; skipped when {@code /usr/bin/python3 -c 'import plyvel'} fails).
 */
class RoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** backup SRC → verify-backup → restore into a fresh TARGET; returns TARGET. */
    private Path roundTrip(Path source, int expectedExit) throws IOException {
        Map<String, String> sourceBefore = Trees.snapshot(Files.isDirectory(source) ? source : source.getParent());
        CliRun b = CliRun.of("backup", source.toString(), "-o", tmp.resolve("backups").toString());
        assertEquals(expectedExit, b.exit(), b.err());
        Path archive = Path.of(b.out().strip());
        assertEquals(sourceBefore, Trees.snapshot(Files.isDirectory(source) ? source : source.getParent()),
                "the backup changed its source");
        CliRun v = CliRun.of("verify-backup", archive.toString());
        assertEquals(ExitCodes.CLEAN, v.exit(), v.err());
        Path target = tmp.resolve("restored-" + source.getFileName());
        CliRun r = CliRun.of("restore", archive.toString(), target.toString());
        assertEquals(expectedExit, r.exit(), r.err());
        return target;
    }

    private static void assertSameMtimes(Path expected, Path actual) throws IOException {
        try (var s = Files.walk(expected)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    FileTime want = Files.getLastModifiedTime(p);
                    FileTime got = Files.getLastModifiedTime(actual.resolve(expected.relativize(p).toString()));
                    assertEquals(want, got, "mtime of " + p);
                }
            }
        }
    }

    @Test
    void leveldbDirectory() throws IOException {
        Path src = Fixtures.path("leveldb/snappy/db");
        Path target = roundTrip(src, ExitCodes.CLEAN);
        Trees.assertSameTree(src, target);
        assertSameMtimes(src, target);
    }

    @Test
    void sqliteWithWalIsCopiedAsIsNeverCheckpointed() throws IOException {
        Path dir = tmp.resolve("src");
        Trees.copy(Fixtures.path("sqlite/wal"), dir);
        Files.delete(dir.resolve("ground-truth.json"));
        byte[] wal = Files.readAllBytes(dir.resolve("wal.db-wal"));
        Path target = roundTrip(dir.resolve("wal.db"), ExitCodes.CLEAN);
        // The WAL is still there, unchanged (a checkpoint would have emptied it), and travelled with the database.
        assertArrayEquals(wal, Files.readAllBytes(dir.resolve("wal.db-wal")));
        Trees.assertSameTree(dir, target);
        assertSameMtimes(dir, target);
    }

    @Test
    void sqliteWithHotJournal() throws IOException {
        Path dir = tmp.resolve("src");
        Trees.copy(Fixtures.path("sqlite/journal"), dir);
        Files.delete(dir.resolve("ground-truth.json"));
        Path target = roundTrip(dir.resolve("journal.db"), ExitCodes.CLEAN);
        Trees.assertSameTree(dir, target);
    }

    @Test
    void eventLogDirectory() throws IOException {
        Path src = Fixtures.path("jsonlog/clean");
        Path target = roundTrip(src, ExitCodes.CLEAN);
        Trees.assertSameTree(src, target);
    }

    @Test
    void damagedDataIsBackedUpAsFoundAndSaysSo() throws IOException {
        // Evidence first: a damaged LevelDB is backed up (exit 1, verdict in the manifest), restored byte for byte,
        // and the restore's check finds the same damage.
        Path src = Fixtures.path("leveldb/zeroed-4k/db");
        Path target = roundTrip(src, ExitCodes.DAMAGE);
        Trees.assertSameTree(src, target);
        Path manifest;
        try (var s = Files.list(tmp.resolve("backups"))) {
            manifest = s.filter(p -> p.toString().endsWith(".manifest.json")).findFirst().orElseThrow();
        }
        JsonNode m = JSON.readTree(manifest.toFile());
        assertEquals("damaged", m.get("check").get("verdict").asText());
        assertTrue(m.get("check").get("damages").asLong() > 0);
    }

    @Test
    void mixedDirectoryWithNestedDatabasesEmptyDirsLongAndUnicodeNames() throws IOException {
        Path src = tmp.resolve("data");
        Trees.copy(Fixtures.path("leveldb/snappy/db"), src.resolve("leveldb"));
        Files.createDirectories(src.resolve("app"));
        Files.copy(Fixtures.path("sqlite/wal/wal.db"), src.resolve("app/wal.db"));
        Files.copy(Fixtures.path("sqlite/wal/wal.db-wal"), src.resolve("app/wal.db-wal"));
        Trees.copy(Fixtures.path("jsonlog/clean"), src.resolve("event-log"));
        Files.createDirectories(src.resolve("empty/deeper/still-empty"));
        Files.writeString(src.resolve("relatório-ação-été-😂.txt"), "unicode name\n");
        String longName = "d".repeat(120) + "/" + "f".repeat(200) + ".bin";
        Files.createDirectories(src.resolve(longName).getParent());
        Files.write(src.resolve(longName), new byte[] {0, 1, 2, 3});
        Files.write(src.resolve("zero-bytes"), new byte[0]);
        Trees.random(src.resolve("blobs"), 3, 300_000, 42);
        Files.createSymbolicLink(src.resolve("a-link"), Path.of("/etc/hostname"));

        CliRun b = CliRun.of("backup", src.toString(), "-o", tmp.resolve("backups").toString(), "--json");
        assertEquals(ExitCodes.CLEAN, b.exit(), b.err());
        JsonNode j = JSON.readTree(b.out());
        List<String> found = new ArrayList<>();
        j.get("components").forEach(c -> found.add(c.get("format").asText() + ":" + c.get("path").asText()));
        assertEquals(List.of("jsonlog:event-log", "leveldb:leveldb", "sqlite:app/wal.db"), found.stream().sorted()
                .toList());
        assertTrue(j.get("notes").toString().contains("a-link"), "the skipped link is reported: " + j.get("notes"));

        Path target = tmp.resolve("restored");
        CliRun r = CliRun.of("restore", j.get("archive").asText(), target.toString(), "--json");
        assertEquals(ExitCodes.CLEAN, r.exit(), r.err());
        assertEquals(3, JSON.readTree(r.out()).get("checks").size());
        Map<String, String> want = new TreeMap<>(Trees.snapshot(src));
        want.remove("a-link"); // links are never archived nor created; the manifest keeps its target
        assertEquals(want, Trees.snapshot(target));
        JsonNode m = JSON.readTree(ArchiveReader.besidePath(Path.of(j.get("archive").asText())).toFile());
        assertEquals("symlink", m.get("skipped").get(0).get("type").asText());
        assertTrue(m.get("skipped").get(0).get("detail").asText().contains("/etc/hostname"));
    }

    @Test
    void scenario6_restoredSqliteOpensWithTheRealEngine() throws Exception {
        Path target = roundTrip(Fixtures.path("sqlite/wal/wal.db"), ExitCodes.CLEAN);
        // SQLite writes when it opens (and checkpoints a WAL): open a copy, never the restored evidence.
        Path copy = tmp.resolve("engine-copy");
        Trees.copy(target, copy);
        JsonNode truth = Fixtures.json(Fixtures.path("sqlite/wal/ground-truth.json"));
        // Column lists as fixtures/sqlite/generate.sh snapshots them.
        Map<String, String> cols = Map.of("people", "id,name,age,score,photo", "tags", "tag,person,weight",
                "notes", "id,body", "docs", "title,body");
        Map<String, List<String>> expected = new TreeMap<>();
        for (JsonNode row : truth.get("live")) {
            List<String> vals = new ArrayList<>();
            row.get("values").forEach(v -> vals.add(v.asText()));
            expected.computeIfAbsent(row.get("table").asText(), t -> new ArrayList<>()).add(String.join("|", vals));
        }
        Map<String, List<String>> actual = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy.resolve("wal.db"));
             Statement st = c.createStatement()) {
            for (String table : expected.keySet()) {
                String q = "SELECT " + String.join(" || '|' || ", java.util.Arrays.stream(cols.get(table).split(","))
                        .map(x -> "quote(\"" + x + "\")").toList()) + " FROM \"" + table + "\"";
                try (ResultSet rs = st.executeQuery(q)) {
                    List<String> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                    actual.put(table, rows);
                }
            }
        }
        expected.values().forEach(l -> l.sort(null));
        actual.values().forEach(l -> l.sort(null));
        assertEquals(expected, actual);
    }

    @Test
    void scenario6_restoredLeveldbOpensWithTheRealEngine() throws Exception {
        Assumptions.assumeTrue(plyvel(), "/usr/bin/python3 with plyvel is not available");
        Path target = roundTrip(Fixtures.path("leveldb/snappy/db"), ExitCodes.CLEAN);
        Path copy = tmp.resolve("engine-copy");
        Trees.copy(target, copy); // LevelDB writes (LOCK, log, MANIFEST) when it opens
        String script = "import plyvel, base64, sys\n"
                + "db = plyvel.DB(sys.argv[1])\n"
                + "for k, v in db.iterator():\n"
                + "    print(base64.b64encode(k).decode() + ' ' + base64.b64encode(v).decode())\n"
                + "db.close()\n";
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, copy.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> expected = new ArrayList<>();
        for (JsonNode e : Fixtures.json(Fixtures.path("leveldb/snappy/ground-truth.json")).get("live")) {
            expected.add(Base64.getEncoder().encodeToString(Fixtures.bytes(e.get("key"))) + " "
                    + Base64.getEncoder().encodeToString(Fixtures.bytes(e.get("value"))));
        }
        assertEquals(expected, out.lines().toList());
    }

    private static boolean plyvel() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import plyvel").redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
