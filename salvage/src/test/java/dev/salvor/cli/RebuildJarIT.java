package dev.salvor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code salvor rebuild} on the real jar: OUTPUT appears only when complete (a run killed with SIGKILL at any
 * moment leaves none), the side-car holds the report with salvage's counts, the rebuilt database checks clean, and
 * the evidence is byte-identical afterwards.
 */
class RebuildJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aKilledRebuildLeavesNoOutput() throws Exception {
        Path db = tmp.resolve("big.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b BLOB)");
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO t(a, b) VALUES (?, ?)")) {
                for (int i = 0; i < 200_000; i++) {
                    p.setString(1, "row " + i + " " + "x".repeat(i % 97));
                    p.setBytes(2, new byte[i % 50]);
                    p.addBatch();
                }
                p.executeBatch();
            }
            c.commit();
        }
        String before = sha256(db);
        for (long delayMs : List.of(300L, 900L, 1500L)) {
            Path out = tmp.resolve("out-" + delayMs + ".db");
            Process p = start("rebuild", db.toString(), "-o", out.toString());
            Thread.sleep(delayMs);
            p.destroyForcibly(); // SIGKILL
            p.waitFor(30, TimeUnit.SECONDS);
            // The kill may land after the database was renamed into place (the last step) but before the JVM
            // exited; then OUTPUT must be the whole database, never a part of one.
            if (Files.exists(out)) {
                assertEquals(200_000L, rowsIn(out), "killed after " + delayMs + " ms: OUTPUT only when complete");
            } else {
                assertFalse(p.exitValue() == 0 || p.exitValue() == 1, "a rebuild that finished left no OUTPUT");
            }
        }
        Path out = tmp.resolve("complete.db");
        JarRun done = JarRun.of(tmp, "rebuild", db.toString(), "-o", out.toString());
        assertEquals(0, done.exit(), done.describe());
        assertTrue(Files.isRegularFile(out));
        assertEquals(before, sha256(db), "the evidence is byte-identical");
    }

    @Test
    void theSidecarReportsSalvagesCountsAndTheOutputChecksClean() throws Exception {
        for (String input : List.of("sqlite/wal/wal.db", "sqlite/garbage-interior/garbage-interior.db")) {
            Path in = Fixtures.path(input);
            String before = sha256(in);
            Path out = tmp.resolve(in.getFileName() + ".rebuilt");
            JarRun r = JarRun.of(tmp, "rebuild", in.toString(), "-o", out.toString());
            assertTrue(r.exit() == 0 || r.exit() == 1, r.describe());
            JsonNode report = JSON.readTree(out.resolveSibling(out.getFileName() + ".salvor").resolve("report.json")
                    .toFile());
            JsonNode salvage = JSON.readTree(JarRun.of(tmp, "salvage", "--json", in.toString(), "-o",
                    tmp.resolve("s-" + System.nanoTime() + ".jsonl").toString()).out());
            assertEquals(salvage.at("/totals/records"), report.at("/totals/records"), input);
            assertEquals(salvage.at("/totals/damages"), report.at("/totals/damages"), input);
            long leftOut = Files.readAllLines(out.resolveSibling(out.getFileName() + ".salvor")
                    .resolve("left-out.jsonl")).size();
            long written = report.at("/rebuild/written").asLong();
            long salvaged = 0;
            for (JsonNode n : salvage.at("/totals/records")) {
                salvaged += n.asLong();
            }
            assertEquals(salvaged, written + leftOut, "every salvaged record is in OUTPUT or left out: " + input);
            JarRun check = JarRun.of(tmp, "check", out.toString());
            assertEquals(0, check.exit(), check.describe());
            assertEquals(before, sha256(in), "the evidence is byte-identical");
        }
    }

    private static Process start(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JarRun.jar().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
    }

    private static long rowsIn(Path rebuilt) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + rebuilt + "?mode=ro", ro());
             Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT count(*) FROM t")) {
            return r.next() ? r.getLong(1) : -1;
        }
    }

    private static java.util.Properties ro() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY: OUTPUT is ours, but a test still only reads it
        return p;
    }

    private static String sha256(Path f) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> s = Files.isDirectory(f) ? Files.walk(f).sorted() : Stream.of(f)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                md.update(Files.readAllBytes(p));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
