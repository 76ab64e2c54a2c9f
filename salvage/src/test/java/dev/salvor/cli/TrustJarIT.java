package dev.salvor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands a new user ran that broke salvor's two promises (the verdict is true, nothing is lost), each run on
 * the real jar over real files made by the real engines: a forced format must verify, outputs are never lost or
 * replaced by surprise, several inputs are told apart and read independently, user errors are never reported as
 * bugs, and every refusal says what to give instead.
 */
class TrustJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static String fixture(String relative) {
        return Fixtures.path(relative).toString();
    }

    private JarRun run(String... args) throws Exception {
        JarRun r = JarRun.of(tmp, args);
        assertNotEquals(ExitCodes.INTERNAL, r.exit(), r.describe());
        assertFalse(r.err().contains("internal error"), r.describe());
        return r;
    }

    private static void assertVerdict(JarRun r, int exit, String verdict) {
        assertEquals(exit, r.exit(), r.describe());
        assertTrue(r.err().strip().endsWith("verdict: " + verdict + (exit == 0 ? "" : " (exit " + exit + ")")),
                r.describe());
    }

    // ---- 1. a forced format must still prove the content

    @Test
    void forcedFormatOnTheWrongContentIsNotThatFormat() throws Exception {
        JarRun sqliteAsLevelDb = run("check", "--format", "leveldb", fixture("sqlite/basic/basic.db"));
        assertVerdict(sqliteAsLevelDb, 3, "NOT LEVELDB");
        assertTrue(sqliteAsLevelDb.err().contains("content detection recognises it as sqlite"),
                sqliteAsLevelDb.describe());

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        JarRun emptyDir = run("check", "--format", "leveldb", empty.toString());
        assertVerdict(emptyDir, 3, "NOT LEVELDB");
        assertTrue(emptyDir.err().contains("an empty directory"), emptyDir.describe());

        JarRun sqliteFolderAsJsonlog = run("check", "--format", "jsonlog", fixture("sqlite/basic"));
        assertVerdict(sqliteFolderAsJsonlog, 3, "NOT JSONLOG");
        assertTrue(sqliteFolderAsJsonlog.err().contains("try " + fixture("sqlite/basic/basic.db")),
                sqliteFolderAsJsonlog.describe());

        JarRun folderAsSqlite = run("check", "--format", "sqlite", fixture("sqlite/basic"));
        assertVerdict(folderAsSqlite, 3, "NOT SQLITE");
        assertTrue(folderAsSqlite.err().contains("try " + fixture("sqlite/basic/basic.db")), folderAsSqlite.describe());

        JarRun walAsDatabase = run("check", "--format", "sqlite", fixture("sqlite/wal/wal.db-wal"));
        assertEquals(3, walAsDatabase.exit(), walAsDatabase.describe());
        assertTrue(walAsDatabase.err().contains("give its database " + fixture("sqlite/wal/wal.db")),
                walAsDatabase.describe());
        assertFalse(walAsDatabase.err().contains("bad-magic"), "no invented damage: " + walAsDatabase.describe());

        JarRun right = run("check", "--format", "sqlite", fixture("sqlite/basic/basic.db"));
        assertVerdict(right, 0, "CLEAN");
        assertTrue(right.err().contains("23 unit(s) verified"), right.describe());
    }

    // ---- 2. salvaged records never silently lost, no system file replaced

    @Test
    void outputThatIsAlsoTheReportIsRefused() throws Exception {
        JarRun r = run("salvage", fixture("sqlite/basic/basic.db"), "-o", "same.jsonl", "--report", "same.jsonl");
        assertEquals(ExitCodes.USAGE, r.exit(), r.describe());
        assertTrue(r.err().contains("-o and --report name the same file"), r.describe());
        assertFalse(Files.exists(tmp.resolve("same.jsonl")));
    }

    @Test
    void stdoutAndDashAreStreamsNeverRenamedOver() throws Exception {
        Path captured = tmp.resolve("captured.jsonl");
        JarRun viaDevStdout = JarRun.toFile(tmp, captured, "salvage", fixture("sqlite/basic/basic.db"), "-o",
                "/dev/stdout");
        assertEquals(0, viaDevStdout.exit(), viaDevStdout.describe());
        assertEquals(472, Files.readAllLines(captured).size(), "every record reached the redirected stdout");
        assertTrue(Files.isSymbolicLink(Path.of("/dev/stdout")), "/dev/stdout is still the system's symbolic link");

        JarRun dash = run("salvage", fixture("sqlite/basic/basic.db"), "-o", "-");
        assertEquals(0, dash.exit(), dash.describe());
        assertEquals(472, dash.out().lines().count());
        assertFalse(Files.exists(tmp.resolve("-")), "no file named '-'");
    }

    @Test
    void fifoIsWrittenAsAStream() throws Exception {
        Path fifo = tmp.resolve("records.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        JarRun r = run("salvage", fixture("sqlite/basic/basic.db"), "-o", fifo.toString());
        assertEquals(0, r.exit(), r.describe());
        String records = new String(reader.get(), StandardCharsets.UTF_8);
        assertEquals(472, records.lines().count());
        assertFalse(Files.isRegularFile(fifo), "the FIFO is still a FIFO");
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithForce() throws Exception {
        JarRun first = run("salvage", fixture("sqlite/basic/basic.db"), "-o", "out.jsonl");
        assertEquals(0, first.exit(), first.describe());
        Files.writeString(tmp.resolve("out.jsonl"), "kept\n");
        JarRun again = run("salvage", fixture("sqlite/basic/basic.db"), "-o", "out.jsonl");
        assertEquals(ExitCodes.USAGE, again.exit(), again.describe());
        assertTrue(again.err().contains("--force"), again.describe());
        assertEquals("kept\n", Files.readString(tmp.resolve("out.jsonl")));
        JarRun forced = run("salvage", fixture("sqlite/basic/basic.db"), "-o", "out.jsonl", "--force");
        assertEquals(0, forced.exit(), forced.describe());
        assertEquals(472, Files.readAllLines(tmp.resolve("out.jsonl")).size());
    }

    // ---- 3. several inputs told apart

    @Test
    void everyRecordFileAndDamageNamesItsInput() throws Exception {
        Path a = copyTree(Fixtures.path("leveldb/snappy/db"), tmp.resolve("dbA"));
        Path b = copyTree(Fixtures.path("leveldb/flipped-data-block/db"), tmp.resolve("dbB"));
        JarRun s = run("salvage", "dbA", "dbB", "-o", "both.jsonl");
        assertEquals(1, s.exit(), s.describe());
        Set<String> inputs = new TreeSet<>();
        for (String line : Files.readAllLines(tmp.resolve("both.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            assertTrue(line.startsWith("{\"input\":"), "the input comes first: " + line);
            inputs.add(n.get("input").asText());
        }
        assertEquals(Set.of("dbA", "dbB"), inputs);
        assertTrue(s.err().contains("  dbA: CLEAN"), s.describe());
        assertTrue(s.err().contains("  dbB: DAMAGED"), s.describe());

        JarRun c = run("check", "--json", a.toString(), b.toString());
        JsonNode report = JSON.readTree(c.out());
        for (JsonNode f : report.get("files")) {
            assertTrue(f.has("input"), "file entry names its input: " + f);
            for (JsonNode d : f.get("damages")) {
                assertEquals(f.get("input"), d.get("input"), "damage names its input: " + d);
            }
        }
        for (JsonNode f : report.get("inputs")) {
            assertTrue(f.has("input"), "fingerprint names its input: " + f);
        }
        assertEquals(2, report.get("input_results").size());
    }

    // ---- 4. one bad input never stops the others

    @Test
    void aGlobThatCatchesTheWalReadsItWithItsDatabase() throws Exception {
        Path dump = Files.createDirectory(tmp.resolve("dump"));
        Files.copy(Fixtures.path("sqlite/wal/wal.db"), dump.resolve("app.db"));
        Files.copy(Fixtures.path("sqlite/wal/wal.db-wal"), dump.resolve("app.db-wal"));
        JarRun r = run("salvage", "dump/app.db", "dump/app.db-wal", "-o", "out.jsonl");
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.err().contains("the WAL of dump/app.db, read with it"), r.describe());
        assertTrue(Files.readAllLines(tmp.resolve("out.jsonl")).size() > 300);
    }

    @Test
    void aRandomFileBesideADatabaseDoesNotStopIt() throws Exception {
        Path random = tmp.resolve("random.bin");
        byte[] bytes = new byte[4096];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(random, bytes);
        JarRun r = run("check", "--json", fixture("sqlite/basic/basic.db"), random.toString());
        assertEquals(3, r.exit(), r.describe());
        JsonNode report = JSON.readTree(r.out());
        assertEquals("clean", report.at("/input_results/0/status").asText());
        assertEquals("unrecognised", report.at("/input_results/1/status").asText());
        assertEquals(3, report.get("exit_code").asInt());
        assertEquals(23, report.at("/totals/units_verified").asInt(), "the database was still checked");
    }

    @Test
    void anUnreadableTableInsideADirectoryIsDamageNotABug() throws Exception {
        Path db = copyTree(Fixtures.path("leveldb/snappy/db"), tmp.resolve("db"));
        Path out = Files.createDirectory(tmp.resolve("out"));
        openToEveryone(tmp, db, out);
        Files.setPosixFilePermissions(db.resolve("000007.ldb"), PosixFilePermissions.fromString("---------"));
        JarRun r = JarRun.run(tmp, JarRun.asNobody(), null, "salvage", "--json", "db", "-o", "out/r.jsonl");
        assertEquals(1, r.exit(), r.describe());
        JsonNode report = JSON.readTree(r.out());
        boolean unreadable = false;
        for (JsonNode f : report.get("files")) {
            for (JsonNode d : f.get("damages")) {
                unreadable |= d.get("kind").asText().equals("unreadable") && d.get("file").asText().equals("000007.ldb");
            }
        }
        assertTrue(unreadable, "the unreadable table is an 'unreadable' damage: " + r.describe());
        // the fixture holds 685 records; the tables still readable give back most of them
        assertTrue(Files.readAllLines(out.resolve("r.jsonl")).size() > 500, "the other tables were salvaged");
    }

    // ---- 5. user and environment errors are never bugs

    @Test
    void unwritableOutputsNameTheUsersPath() throws Exception {
        Files.writeString(tmp.resolve("file"), "x");
        JarRun underAFile = run("salvage", fixture("sqlite/basic/basic.db"), "-o", "file/x.jsonl");
        assertEquals(3, underAFile.exit(), underAFile.describe());
        assertTrue(underAFile.err().contains("cannot write file/x.jsonl"), underAFile.describe());
        assertFalse(underAFile.err().contains(".tmp"), "no hidden temporary name: " + underAFile.describe());

        Path locked = Files.createDirectory(tmp.resolve("locked"));
        openToEveryone(tmp);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        JarRun denied = JarRun.run(tmp, JarRun.asNobody(), null, "salvage", fixture("sqlite/basic/basic.db"),
                "-o", "locked/x.jsonl");
        assertEquals(3, denied.exit(), denied.describe());
        assertTrue(denied.err().contains("cannot write locked/x.jsonl: permission denied"), denied.describe());
    }

    @Test
    void badOptionValuesAreUsageErrorsWithTheRange() throws Exception {
        JarRun block = run("check", "--max-block-mib", "0", fixture("sqlite/basic/basic.db"));
        assertEquals(2, block.exit(), block.describe());
        assertTrue(block.err().contains("valid: 1 to 2047"), block.describe());
        for (String threads : List.of("0", "-1", "100000")) {
            JarRun t = run("check", "--threads", threads, fixture("sqlite/basic/basic.db"));
            assertEquals(2, t.exit(), t.describe());
            assertTrue(t.err().contains("valid: 1 to 256"), t.describe());
        }
        JarRun carve = run("carve", "--threads", "0", fixture("sqlite/basic/basic.db"), "-o", "c");
        assertEquals(2, carve.exit(), carve.describe());
    }

    @Test
    void theLauncherWithoutMavenSaysWhatToInstall() throws Exception {
        Path checkout = Files.createDirectories(tmp.resolve("checkout"));
        Path launcher = checkout.resolve("salvor");
        Files.copy(Path.of("..", "salvor"), launcher);
        launcher.toFile().setExecutable(true);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("bash", "dirname", "find", "java")) {
            Path real = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow();
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true);
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, p.waitFor(), text);
        assertTrue(text.contains("Maven (mvn) is not installed") && text.contains("apt-get install maven"), text);
    }

    // ---- 7. errors that say what to give instead; carved files are inputs again

    @Test
    void refusalsNameWhatToGive() throws Exception {
        JarRun folder = run("check", fixture("sqlite/basic"));
        assertVerdict(folder, 3, "UNRECOGNISED");
        assertTrue(folder.err().contains("try " + fixture("sqlite/basic/basic.db")), folder.describe());

        JarRun above = run("check", fixture("leveldb/zeroed-4k"));
        assertTrue(above.err().contains("try " + fixture("leveldb/zeroed-4k/db")), above.describe());

        JarRun wal = run("check", fixture("sqlite/wal/wal.db-wal"));
        assertTrue(wal.err().contains("give its database " + fixture("sqlite/wal/wal.db")), wal.describe());

        JarRun carveDir = run("carve", fixture("sqlite"), "-o", "c");
        assertEquals(3, carveDir.exit(), carveDir.describe());
        assertTrue(carveDir.err().contains("it is a directory"), carveDir.describe());
    }

    @Test
    void everyCarvedFileIsAnInputAgain() throws Exception {
        Path image = tmp.resolve("ext4.img");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Fixtures.path("carve/ext4/ext4.img.gz")))) {
            Files.copy(in, image);
        }
        JarRun carve = run("carve", "ext4.img", "-o", "carved");
        assertEquals(0, carve.exit(), carve.describe());
        List<Path> carved = new ArrayList<>();
        try (Stream<Path> s = Files.list(tmp.resolve("carved"))) {
            s.filter(p -> !p.getFileName().toString().equals("carve-manifest.json")).sorted().forEach(carved::add);
        }
        assertTrue(carved.stream().anyMatch(p -> p.toString().endsWith(".sqlite-wal")), carved.toString());
        assertTrue(carved.stream().anyMatch(p -> p.toString().endsWith(".sqlite-journal")), carved.toString());
        for (Path f : carved) {
            JarRun c = run("check", f.toString());
            assertTrue(c.exit() == 0 || c.exit() == 1, "recognised and checked: " + c.describe());
        }
    }

    // ---- 8. reports hold the custody facts

    @Test
    void reportsNameOutputsWithTheirHashAndTheOptionsInEffect() throws Exception {
        JarRun s = run("salvage", "--format", "sqlite", fixture("sqlite/basic/basic.db"), "-o", "out.jsonl",
                "--report", "report.json");
        assertEquals(0, s.exit(), s.describe());
        JsonNode report = JSON.readTree(tmp.resolve("report.json").toFile());
        JsonNode records = report.get("outputs").get(0);
        assertEquals("records", records.get("role").asText());
        assertEquals("out.jsonl", records.get("path").asText());
        assertEquals(Files.size(tmp.resolve("out.jsonl")), records.get("size").asLong());
        assertEquals(sha256(tmp.resolve("out.jsonl")), records.get("sha256").asText());
        assertEquals("sqlite", report.at("/options/format").asText());

        String anchor = "1=" + "ab".repeat(32);
        JarRun anchored = run("check", "--json", "--anchor", anchor, fixture("jsonlog/clean"));
        assertEquals(anchor, JSON.readTree(anchored.out()).at("/options/anchor/0").asText(), anchored.describe());
    }

    @Test
    void jsonIsAlwaysOnStdoutEvenWhenNothingCouldBeRead() throws Exception {
        JarRun r = run("check", "--json", fixture("sqlite/basic"));
        assertEquals(3, r.exit(), r.describe());
        JsonNode report = JSON.readTree(r.out());
        assertEquals("unrecognised", report.get("verdict").asText());
        assertTrue(report.at("/input_results/0/message").asText().contains("basic.db"));

        JarRun noOutput = run("salvage", "--json", fixture("sqlite/basic/basic.db"));
        assertEquals(ExitCodes.USAGE, noOutput.exit(), noOutput.describe());
        assertTrue(noOutput.err().contains("give -o FILE"), noOutput.describe());
    }

    @Test
    void checkAndSalvageCountTheSameDamage() throws Exception {
        for (String db : List.of("sqlite/garbage-interior/garbage-interior.db", "sqlite/page1-destroyed/page1-destroyed.db",
                "sqlite/wal-torn/wal-torn.db", "leveldb/flipped-data-block/db")) {
            JsonNode check = JSON.readTree(run("check", "--json", fixture(db)).out());
            JsonNode salvage = JSON.readTree(run("salvage", "--json", fixture(db), "-o",
                    "s-" + System.nanoTime() + ".jsonl").out());
            assertEquals(check.get("totals").get("damages"), salvage.get("totals").get("damages"), db);
            assertEquals(check.get("totals").get("units_verified"), salvage.get("totals").get("units_verified"), db);
        }
    }

    // ---- helpers

    private static Path copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : s.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    /** Lets {@code nobody} into the test's directories (JUnit makes them private to the owner). */
    private static void openToEveryone(Path... dirs) throws IOException {
        for (Path d : dirs) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
            try (Stream<Path> s = Files.list(d)) {
                for (Path f : s.toList()) {
                    if (Files.isRegularFile(f)) {
                        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
        }
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
