package dev.salvor.salvage.carve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.Main;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;
import dev.salvor.salvage.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images assembled from real fixture files (LevelDB tables and log written by the C++ LevelDB, a SQLite database
 * written by SQLite) at sector-aligned and unaligned offsets between random and zero filler: every file must come
 * back at its exact offset and length with the same SHA-256, and nothing may be found in pure random filler.
 */
class CarverTest {

    private record Placed(Artifact.Kind kind, long offset, byte[] bytes) {
        String key() {
            return kind.id() + "@" + offset + "+" + bytes.length;
        }
    }

    private static byte[] fixture(String rel) throws IOException {
        return Files.readAllBytes(Fixtures.path(rel));
    }

    /** Builds the image: filler alternates random/zero; offsets alternate unaligned/512-aligned (logs aligned). */
    private static List<Placed> assemble(ByteArrayOutputStream img, Random rnd) throws IOException {
        List<Placed> placed = new ArrayList<>();
        String[] tables = {"000005.ldb", "000007.ldb", "000009.ldb", "000011.ldb", "000013.ldb", "000015.ldb"};
        List<Object[]> items = new ArrayList<>();
        for (String t : tables) {
            items.add(new Object[]{Artifact.Kind.LEVELDB_TABLE, fixture("leveldb/snappy/db/" + t)});
        }
        items.add(new Object[]{Artifact.Kind.LEVELDB_LOG, fixture("leveldb/snappy/db/000014.log")});
        items.add(new Object[]{Artifact.Kind.SQLITE_DATABASE, fixture("sqlite/basic/basic.db")});
        items.add(new Object[]{Artifact.Kind.SQLITE_DATABASE, fixture("sqlite/basic/basic.db")});
        int i = 0;
        for (Object[] it : items) {
            Artifact.Kind kind = (Artifact.Kind) it[0];
            byte[] bytes = (byte[]) it[1];
            boolean aligned = kind == Artifact.Kind.LEVELDB_LOG || i % 2 == 1;
            int gap = 700 + rnd.nextInt(5000);
            byte[] filler = new byte[gap];
            if (i % 3 != 2) {
                rnd.nextBytes(filler);
            }
            img.write(filler);
            if (aligned) {
                int pad = (512 - img.size() % 512) % 512;
                byte[] p = new byte[pad];
                rnd.nextBytes(p);
                img.write(p);
            } else if (img.size() % 512 == 0) {
                img.write(rnd.nextInt(256));
            }
            placed.add(new Placed(kind, img.size(), bytes));
            img.write(bytes);
            i++;
        }
        byte[] tail = new byte[3000];
        rnd.nextBytes(tail);
        img.write(tail);
        return placed;
    }

    private static Set<String> keys(List<Artifact> found) {
        Set<String> s = new TreeSet<>();
        for (Artifact a : found) {
            s.add(a.kind().id() + "@" + a.offset() + "+" + a.length());
        }
        return s;
    }

    @Test
    void everyFixtureFoundAtItsExactOffsetAndLength() throws Exception {
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        List<Placed> placed = assemble(img, new Random(7));
        byte[] image = img.toByteArray();
        Set<String> expected = new TreeSet<>();
        for (Placed p : placed) {
            expected.add(p.key());
        }
        // Whole image in one chunk, and small chunks so that signatures straddle chunk boundaries.
        for (int chunk : new int[]{Carver.CHUNK, 4096, 1000, 37}) {
            try (ByteSource src = ByteSource.of("image", image)) {
                List<Artifact> found = new Carver(src, 2, Limits.DEFAULT, chunk).carve(x -> { });
                assertEquals(expected, keys(found), "chunk " + chunk);
                for (Artifact a : found) {
                    assertEquals(0, a.damage(), a.toString());
                }
            }
        }
    }

    @Test
    void pureRandomImageYieldsNothing() throws Exception {
        byte[] image = new byte[4 << 20];
        new Random(42).nextBytes(image);
        try (ByteSource src = ByteSource.of("random", image)) {
            assertEquals(List.of(), new Carver(src, 2, Limits.DEFAULT, 1 << 20).carve(x -> { }));
        }
    }

    @Test
    void zeroImageYieldsNothing() throws Exception {
        try (ByteSource src = ByteSource.of("zeros", new byte[1 << 20])) {
            assertEquals(List.of(), new Carver(src, 2, Limits.DEFAULT).carve(x -> { }));
        }
    }

    @Test
    void truncatedTableIsNotInvented() throws Exception {
        // A table whose first 100 bytes are cut off: the footer's extent reaches before the image start.
        byte[] t = fixture("leveldb/snappy/db/000007.ldb");
        byte[] image = java.util.Arrays.copyOfRange(t, 100, t.length);
        try (ByteSource src = ByteSource.of("cut", image)) {
            List<Artifact> found = new Carver(src, 2, Limits.DEFAULT).carve(x -> { });
            assertTrue(found.stream().noneMatch(a -> a.kind() == Artifact.Kind.LEVELDB_TABLE), found.toString());
        }
    }

    @Test
    void cliWritesFilesAndManifestWithMatchingHashes(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        List<Placed> placed = assemble(img, new Random(11));
        Path imageFile = tmp.resolve("disk.img");
        Files.write(imageFile, img.toByteArray());
        byte[] before = Files.readAllBytes(imageFile);
        Path out = tmp.resolve("carved");
        ByteArrayOutputStream so = new ByteArrayOutputStream();
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        int rc = Main.run(new String[]{"carve", imageFile.toString(), "-o", out.toString(), "--no-progress"},
                new PrintStream(so, true, StandardCharsets.UTF_8), new PrintStream(se, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, se.toString(StandardCharsets.UTF_8));
        JsonNode m = new ObjectMapper().readTree(out.resolve(CarveOutput.MANIFEST).toFile());
        JsonNode arts = m.get("artifacts");
        assertEquals(placed.size(), arts.size());
        for (int i = 0; i < placed.size(); i++) {
            Placed p = placed.get(i);
            JsonNode a = arts.get(i);
            assertEquals(p.kind().id(), a.get("kind").asText());
            assertEquals(p.offset(), a.get("image_offset").asLong());
            assertEquals(p.bytes().length, a.get("length").asLong());
            String sha = Sha256.hex(MessageDigest.getInstance("SHA-256").digest(p.bytes()));
            assertEquals(sha, a.get("sha256").asText());
            Path f = out.resolve(a.get("file").asText());
            assertEquals(sha, Sha256.ofFile(f));
        }
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(imageFile)), "image unchanged");
        // A second carve into the same directory is refused (the manifest is never overwritten).
        int rc2 = Main.run(new String[]{"carve", imageFile.toString(), "-o", out.toString(), "--no-progress"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(2, rc2);
    }

    @Test
    void multiBlockLogFoundWholeAcrossItsBlocks() throws Exception {
        // A real log written by LevelDB spanning several 32 KiB blocks (fixtures/leveldb/open-log).
        byte[] log = fixture("leveldb/open-log/db/000006.log");
        assertTrue(log.length > 32768, "fixture spans blocks");
        Random rnd = new Random(9);
        byte[] image = new byte[512 * 37 + log.length + 4096];
        rnd.nextBytes(image);
        System.arraycopy(log, 0, image, 512 * 37, log.length);
        try (ByteSource src = ByteSource.of("image", image)) {
            List<Artifact> found = new Carver(src, 2, Limits.DEFAULT, 4096).carve(x -> { });
            assertEquals(Set.of("leveldb-log@" + 512 * 37 + "+" + log.length), keys(found));
        }
    }

    @Test
    void byteFlipsNeverEscapeAsExceptionsAndNeverInventExtents() throws Exception {
        byte[] table = fixture("leveldb/snappy/db/000005.ldb");
        byte[] db = fixture("sqlite/basic/basic.db");
        byte[] log = fixture("leveldb/snappy/db/000014.log");
        byte[] image = new byte[1024 + table.length + 1000 + 4096 + 1024 + db.length + 512];
        int tAt = 1024 + 3;
        int lAt = 1024 * 8;
        int dAt = lAt + 1024 + 1;
        System.arraycopy(table, 0, image, tAt, table.length);
        System.arraycopy(log, 0, image, lAt, log.length);
        System.arraycopy(db, 0, image, dAt, db.length);
        Random rnd = new Random(1);
        for (int k = 0; k < 300; k++) {
            byte[] copy = image.clone();
            // Flip a byte in the footer/index end of the table, the log, or the SQLite header and page 1.
            int at = switch (k % 3) {
                case 0 -> tAt + table.length - 1 - rnd.nextInt(200);
                case 1 -> lAt + rnd.nextInt(log.length);
                default -> dAt + rnd.nextInt(4096);
            };
            copy[at] ^= (byte) (1 + rnd.nextInt(255));
            try (ByteSource src = ByteSource.of("flipped", copy)) {
                for (Artifact a : new Carver(src, 2, Limits.DEFAULT, 4096).carve(x -> { })) {
                    // Whatever is still confirmed starts where a real artifact starts (or, for the log, at a later
                    // record of it after a damaged first record: the unaligned log probe) and stays inside the image.
                    boolean laterLogRecords = a.kind() == Artifact.Kind.LEVELDB_LOG && a.offset() > lAt
                            && a.end() <= lAt + log.length;
                    assertTrue(a.offset() == tAt || a.offset() == lAt || a.offset() == dAt || laterLogRecords,
                            a.toString());
                    assertTrue(a.end() <= copy.length, a.toString());
                }
            }
        }
    }
}
