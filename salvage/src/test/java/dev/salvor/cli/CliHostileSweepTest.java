package dev.salvor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.Mutations;
import dev.salvor.fixtures.Mutations.Mutant;
import dev.salvor.fixtures.Mutations.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile-input properties of the whole CLI on copies of the real LevelDB fixtures: seeded damage to each file
 * (flip, overwrite, insert, delete, truncate, zeroed range, splice with a sibling), hostile CURRENT files (path
 * traversal, absolute paths, missing manifests, garbage, control characters), deleted, emptied and swapped files,
 * and length/count fields at gigabyte extremes. Whatever the input: exit 0, 1 or 3 with a one-line reason, never 4;
 * stdout valid JSON Lines; evidence unchanged ({@link CliInvariants}); and damage to a checksummed unit exits 1.
 * Deterministic (fixed seeds, a fresh copy per case).
 */
class CliHostileSweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private int cases;

    /** The files of {@code fixtures/leveldb/<db>/db} (LOCK and LOG left out), by name. */
    static Map<String, byte[]> database(String db) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(Fixtures.path("leveldb/" + db + "/db"))) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (!n.equals("LOCK") && !n.equals("LOG")) {
                    files.put(n, Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    /** Writes {@code files} into a fresh directory, runs {@code salvage} on it and checks every invariant. */
    private CliInvariants.Run salvage(Map<String, byte[]> files, String what) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("case-" + cases++).resolve("db"));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        return salvageDir(dir, what);
    }

    private static CliInvariants.Run salvageDir(Path dir, String what) throws IOException {
        Map<String, String> before = FuzzDirectory.fingerprint(dir);
        CliInvariants.Run r = CliInvariants.run("salvage", dir.toString(), "--threads", "1", "--no-progress");
        try {
            CliInvariants.checkSalvage(r);
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
        assertEquals(before, FuzzDirectory.fingerprint(dir), what + ": the evidence directory changed");
        return r;
    }

    private static int lines(CliInvariants.Run r) {
        String out = new String(r.out(), StandardCharsets.UTF_8);
        return out.isEmpty() ? 0 : out.split("\n").length;
    }

    @ParameterizedTest
    @ValueSource(strings = {"uncompressed", "snappy", "open-log"})
    @Timeout(120)
    void seededDamageToEveryFileOnlyYieldsTypedOutcomes(String db) throws IOException {
        Map<String, byte[]> clean = database(db);
        Random rnd = new Random(db.hashCode());
        Op[] ops = {Op.FLIP, Op.OVERWRITE, Op.INSERT, Op.DELETE, Op.TRUNCATE, Op.ZERO_RANGE, Op.SPLICE,
            Op.DUPLICATE_RANGE};
        List<String> names = new ArrayList<>(clean.keySet());
        for (String name : names) {
            for (Op op : ops) {
                byte[] other = clean.get(names.get(rnd.nextInt(names.size())));
                Mutant m = Mutations.apply(op, clean.get(name), other, rnd);
                Map<String, byte[]> files = new TreeMap<>(clean);
                files.put(name, m.bytes());
                String what = db + "/" + name + ": " + m.description();
                CliInvariants.Run r = salvage(files, what);
                if ((op == Op.FLIP || op == Op.OVERWRITE) && !name.equals("CURRENT")) {
                    assertEquals(ExitCodes.DAMAGE, r.exit(), what + " went unnoticed\n" + r.describe());
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void hostileCurrentFilesNeverLoseRecords() throws IOException {
        Map<String, byte[]> clean = database("snappy");
        int expected = lines(salvage(clean, "clean snappy"));
        assertTrue(expected > 100, "records in the clean database: " + expected);
        List<String> currents = List.of("../../../../etc/passwd\n", "/etc/passwd\n", "MANIFEST-999999\n", "",
                "MANIFEST-000002", "MANIFEST-000002\nMANIFEST-000001\n", "MANIFEST-000002/../MANIFEST-000002\n",
                "000005.ldb\n", "CURRENT\n", "LOCK\n", "MANIFEST-00000000000000000000000002\n",
                "MANIFEST-000002\u0000\n", "\u001b]0;pwned\u0007\u001b[2J\n", "MANIFEST-\u001b[31m2\n",
                "\u0000".repeat(64), "A".repeat(100_000), "MANIFEST-000002 \n", "manifest-000002\n");
        for (String c : currents) {
            Map<String, byte[]> files = new TreeMap<>(clean);
            files.put("CURRENT", c.getBytes(StandardCharsets.UTF_8));
            String what = "CURRENT=" + JSON.writeValueAsString(c.length() > 40 ? c.substring(0, 40) + "..." : c);
            CliInvariants.Run r = salvage(files, what);
            assertEquals(expected, lines(r), what + ": records lost\n" + r.describe());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"snappy", "open-log"})
    @Timeout(120)
    void deletedEmptiedRenamedAndSwappedFilesOnlyYieldTypedOutcomes(String db) throws IOException {
        Map<String, byte[]> clean = database(db);
        List<String> names = new ArrayList<>(clean.keySet());
        for (String name : names) {
            Map<String, byte[]> deleted = new TreeMap<>(clean);
            deleted.remove(name);
            salvage(deleted, db + ": " + name + " deleted");
            Map<String, byte[]> emptied = new TreeMap<>(clean);
            emptied.put(name, new byte[0]);
            salvage(emptied, db + ": " + name + " emptied");
        }
        Random rnd = new Random(7);
        for (int i = 0; i < 8; i++) {
            String a = names.get(rnd.nextInt(names.size()));
            String b = names.get(rnd.nextInt(names.size()));
            Map<String, byte[]> swapped = new TreeMap<>(clean);
            swapped.put(a, clean.get(b));
            swapped.put(b, clean.get(a));
            salvage(swapped, db + ": contents of " + a + " and " + b + " swapped");
        }
        // A table under a log's name and the reverse; a directory where a table should be.
        Map<String, byte[]> renamed = new TreeMap<>();
        clean.forEach((n, bytes) -> renamed.put(n.endsWith(".ldb") ? n.replace(".ldb", ".log")
                : n.endsWith(".log") ? n.replace(".log", ".ldb") : n, bytes));
        salvage(renamed, db + ": .ldb and .log names swapped");
        Path dir = Files.createDirectories(tmp.resolve("dir-case").resolve("db"));
        for (Map.Entry<String, byte[]> f : clean.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        Files.createDirectory(dir.resolve("000099.ldb"));
        Files.createDirectory(dir.resolve("MANIFEST-000098"));
        salvageDir(dir, db + ": directories named like a table and a MANIFEST");
    }

    /** Creates a named pipe, or skips the test where {@code mkfifo} is unavailable. */
    private static void mkfifo(Path p) throws IOException, InterruptedException {
        int rc;
        try {
            rc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start().waitFor();
        } catch (IOException e) {
            rc = -1;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(rc == 0 && Files.exists(p), "mkfifo unavailable");
    }

    /**
     * Regression (found by this sweep): a named pipe given as the input made every command block forever in the
     * content detection's first read. Now refused (exit 3, one line) without being opened; a pipe inside a database
     * directory is skipped like any non-regular entry.
     */
    @Test
    @Timeout(60)
    void namedPipesNeverBlock() throws IOException, InterruptedException {
        Path fifo = tmp.resolve("000003.log");
        mkfifo(fifo);
        for (String command : List.of("salvage", "check", "identify")) {
            CliInvariants.Run r = CliInvariants.run(command, fifo.toString(), "--no-progress");
            assertEquals(ExitCodes.UNREADABLE, r.exit(), r.describe());
            assertTrue(r.err().contains("not a regular file or directory"), r.describe());
            CliInvariants.checkSalvage(r);
        }
        Path dir = Files.createDirectories(tmp.resolve("fifo-db").resolve("db"));
        for (Map.Entry<String, byte[]> f : database("snappy").entrySet()) {
            if (!f.getKey().equals("000014.log")) {
                Files.write(dir.resolve(f.getKey()), f.getValue());
            }
        }
        mkfifo(dir.resolve("000014.log"));
        salvageDir(dir, "the live log replaced by a named pipe");
    }

    /** The damage kinds a {@code check --json} run reports. */
    private static Set<String> checkKinds(Path dir) throws IOException {
        CliInvariants.Run r = CliInvariants.run("check", dir.toString(), "--json", "--threads", "1",
                "--no-progress");
        assertEquals(ExitCodes.DAMAGE, r.exit(), r.describe());
        JsonNode report = JSON.readTree(r.out());
        Set<String> kinds = new java.util.TreeSet<>();
        for (JsonNode f : report.path("files")) {
            for (JsonNode d : f.path("damages")) {
                kinds.add(d.path("kind").asText());
            }
        }
        return kinds;
    }

    @Test
    @Timeout(120)
    void gigabyteClaimsInRealFilesAreRefusedAndReported() throws IOException {
        Map<String, byte[]> clean = database("snappy");
        String table = "000005.ldb";
        byte[] t = clean.get(table);
        List<long[]> handles = List.of(new long[] {0, 0x7fff_ffffL}, new long[] {0, 0xffff_ffffL},
                new long[] {0xffff_ffffL, 16}, new long[] {t.length - 48, 48}, new long[] {t.length + 100L, 10});
        for (long[] h : handles) {
            byte[] b = t.clone();
            // The footer's index handle (second handle): rewrite both handles, keep the metaindex one.
            int[] p = {t.length - 48};
            long metaOff = readVarint(b, p);
            long metaSize = readVarint(b, p);
            byte[] handlesBytes = Mutations.concat(Mutations.varint(metaOff), Mutations.varint(metaSize),
                    Mutations.varint(h[0]), Mutations.varint(h[1]));
            java.util.Arrays.fill(b, t.length - 48, t.length - 8, (byte) 0);
            System.arraycopy(handlesBytes, 0, b, t.length - 48, handlesBytes.length);
            Map<String, byte[]> files = new TreeMap<>(clean);
            files.put(table, b);
            String what = "index handle (" + h[0] + ", " + h[1] + ")";
            CliInvariants.Run r = salvage(files, what);
            assertEquals(ExitCodes.DAMAGE, r.exit(), what + "\n" + r.describe());
            Path dir = tmp.resolve("case-" + (cases - 1)).resolve("db");
            Set<String> kinds = checkKinds(dir);
            assertTrue(kinds.contains("bad-pointer") || kinds.contains("limit-exceeded")
                    || kinds.contains("bad-length") || kinds.contains("truncated"), what + ": " + kinds);
        }
        // A write batch whose count claims 2^32-1 entries, in a record whose CRC verifies.
        byte[] log = clean.get("000014.log").clone();
        Mutations.putFixed32(log, 7 + 8, 0xffff_ffffL);
        int len = (log[4] & 0xff) | (log[5] & 0xff) << 8;
        Mutations.putFixed32(log, 0, dev.salvor.formats.core.Crc32c.mask(
                dev.salvor.formats.core.Crc32c.of(log, 6, 1 + len)));
        Map<String, byte[]> files = new TreeMap<>(clean);
        files.put("000014.log", log);
        CliInvariants.Run r = salvage(files, "batch count 2^32-1");
        assertEquals(ExitCodes.DAMAGE, r.exit(), r.describe());
        assertTrue(checkKinds(tmp.resolve("case-" + (cases - 1)).resolve("db")).contains("bad-record"));
    }

    private static long readVarint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[pos[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if (x < 0x80) {
                return v;
            }
        }
    }
}
