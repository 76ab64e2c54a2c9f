package dev.salvor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code salvor rebuild} on seeded damage to copies of real LevelDB and SQLite fixtures (bit flips, overwritten and
 * zeroed ranges, truncation): never a bug exit, the evidence unchanged, and whenever OUTPUT is written it checks clean
 * and {@code salvage} of it gives back exactly the live records the rebuild reported writing. Deterministic.
 */
class RebuildHostileSweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> EXITS = Set.of(ExitCodes.CLEAN, ExitCodes.DAMAGE, ExitCodes.USAGE,
            ExitCodes.UNREADABLE);

    @TempDir
    Path tmp;

    private int cases;
    private int rebuilt;

    @Test
    void damagedLevelDbCopies() throws IOException {
        Map<String, byte[]> files = CliHostileSweepTest.database("snappy");
        Random rnd = new Random(13);
        String[] names = files.keySet().toArray(String[]::new);
        for (int i = 0; i < 40; i++) {
            Path dir = Files.createDirectories(tmp.resolve("l" + i).resolve("db"));
            String victim = names[rnd.nextInt(names.length)];
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                byte[] b = f.getValue();
                Files.write(dir.resolve(f.getKey()), f.getKey().equals(victim) ? damage(b, rnd) : b);
            }
            rebuildAndCheck(dir, "leveldb case " + i + " (" + victim + ")");
        }
        assertTrue(rebuilt >= 30, "most damaged copies still rebuild: " + rebuilt + " of 40");
    }

    @Test
    void damagedSqliteCopies() throws IOException {
        byte[] db = Files.readAllBytes(Fixtures.path("sqlite/basic/basic.db"));
        Random rnd = new Random(17);
        for (int i = 0; i < 40; i++) {
            Path dir = Files.createDirectories(tmp.resolve("s" + i));
            Path file = Files.write(dir.resolve("app.db"), damage(db, rnd));
            rebuildAndCheck(file, "sqlite case " + i);
        }
        assertTrue(rebuilt >= 30, "most damaged copies still rebuild: " + rebuilt + " of 40");
    }

    /** One seeded damage: a bit flip, an overwritten or zeroed range, or a truncation. */
    private static byte[] damage(byte[] b, Random rnd) {
        byte[] d = b.clone();
        if (d.length == 0) {
            return d;
        }
        int at = rnd.nextInt(d.length);
        switch (rnd.nextInt(4)) {
            case 0 -> d[at] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> {
                for (int i = at; i < Math.min(d.length, at + 1 + rnd.nextInt(512)); i++) {
                    d[i] = (byte) rnd.nextInt(256);
                }
            }
            case 2 -> Arrays.fill(d, at, Math.min(d.length, at + 4096), (byte) 0);
            default -> d = Arrays.copyOf(d, at);
        }
        return d;
    }

    private void rebuildAndCheck(Path input, String what) throws IOException {
        Map<String, String> before = FuzzDirectory.fingerprint(Files.isDirectory(input) ? input : input.getParent());
        Path out = tmp.resolve("out-" + cases++);
        CliRun r = CliRun.of("rebuild", input.toString(), "-o", out.toString(), "--threads", "1", "--no-progress");
        assertTrue(EXITS.contains(r.exit()), what + ": exit " + r.exit() + "\n" + r.err());
        assertEquals(before, FuzzDirectory.fingerprint(Files.isDirectory(input) ? input : input.getParent()),
                what + ": the evidence changed");
        if (!Files.exists(out)) {
            return;
        }
        rebuilt++;
        CliRun check = CliRun.of("check", out.toString(), "--no-progress");
        assertEquals(ExitCodes.CLEAN, check.exit(), what + ": the rebuilt database checks clean\n" + check.err());
        JsonNode report = JSON.readTree(out.resolveSibling(out.getFileName() + ".salvor").resolve("report.json")
                .toFile());
        Path records = tmp.resolve("again-" + cases + ".jsonl");
        CliRun again = CliRun.of("salvage", out.toString(), "-o", records.toString(), "--no-progress");
        assertEquals(ExitCodes.CLEAN, again.exit(), what + "\n" + again.err());
        Set<String> live = new TreeSet<>();
        for (String line : Files.readAllLines(records)) {
            JsonNode n = JSON.readTree(line);
            assertEquals("live", n.get("state").asText(), what + ": only live records in OUTPUT: " + line);
            live.add(line);
        }
        assertEquals(report.at("/rebuild/written").asLong(), live.size(), what + ": salvage of OUTPUT gives back"
                + " what the rebuild wrote");
    }
}
