package dev.salvor.salvage.carve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.Main;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.leveldb.LevelDbTableProbe;
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
    void logWhoseFirstBlockIsOverwrittenIsFoundFromItsNextBlock() throws Exception {
        // The first 32 KiB block of a 3-block log overwritten with random bytes: the next block starts with a MIDDLE
        // fragment filling the block (length 32761) and the run is found from there to the log's end.
        byte[] log = fixture("leveldb/open-log/db/000006.log");
        Random rnd = new Random(13);
        int at = 512 * 11;
        byte[] image = new byte[at + log.length + 2048];
        rnd.nextBytes(image);
        System.arraycopy(log, 32768, image, at + 32768, log.length - 32768);
        try (ByteSource src = ByteSource.of("image", image)) {
            for (int chunk : new int[]{Carver.CHUNK, 4096, 1000}) {
                List<Artifact> found = new Carver(src, 2, Limits.DEFAULT, chunk).carve(x -> { });
                assertEquals(Set.of("leveldb-log@" + (at + 32768) + "+" + (log.length - 32768)), keys(found),
                        "chunk " + chunk);
            }
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

    /**
     * A virtual image of {@code size} zero bytes holding some pieces (no memory or disk used for the zeros): views of
     * zero regions are slices of one shared zero buffer, so multi-GiB images cost only the scan.
     */
    private static final class VirtualImage implements ByteSource {
        private static final java.nio.ByteBuffer ZEROS = java.nio.ByteBuffer.allocateDirect(Carver.CHUNK + 64);
        private final long size;
        private final java.util.TreeMap<Long, byte[]> pieces = new java.util.TreeMap<>();

        VirtualImage(long size) {
            this.size = size;
        }

        void put(long at, byte[] bytes) {
            pieces.put(at, bytes);
        }

        @Override
        public String name() {
            return "virtual";
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void read(long offset, byte[] dst, int dstOff, int len) {
            checkRange(offset, len);
            java.util.Arrays.fill(dst, dstOff, dstOff + len, (byte) 0);
            for (var e : pieces.entrySet()) {
                long from = Math.max(offset, e.getKey());
                long to = Math.min(offset + len, e.getKey() + e.getValue().length);
                if (from < to) {
                    System.arraycopy(e.getValue(), (int) (from - e.getKey()), dst, (int) (dstOff + from - offset),
                            (int) (to - from));
                }
            }
        }

        @Override
        public java.nio.ByteBuffer view(long offset, int len) {
            checkRange(offset, len);
            var before = pieces.floorEntry(offset + len);
            boolean zeros = before == null || before.getKey() + before.getValue().length <= offset;
            if (zeros && len <= ZEROS.capacity()) {
                return ZEROS.slice(0, len).asReadOnlyBuffer();
            }
            return ByteSource.super.view(offset, len);
        }
    }

    @Test
    void imageOver4GiBFindsArtifactsAtTheirOffsets() throws Exception {
        // Offsets beyond 4 GiB (neither an int nor 32 bits hold them), one table straddling the 2 GiB mark.
        byte[] table = fixture("leveldb/snappy/db/000005.ldb");
        byte[] db = fixture("sqlite/basic/basic.db");
        byte[] log = fixture("leveldb/snappy/db/000014.log");
        long gib = 1L << 30;
        long tAt = 4 * gib + 777;
        long dAt = 4 * gib + (3 << 20) + 1;
        long lAt = 4 * gib + (5 << 20) + 512 * 3;
        long sAt = 2 * gib - table.length / 2;
        VirtualImage img = new VirtualImage(4 * gib + (7 << 20) + 99);
        img.put(sAt, table);
        img.put(tAt, table);
        img.put(dAt, db);
        img.put(lAt, log);
        List<Artifact> found = new Carver(img, 2, Limits.DEFAULT).carve(x -> { });
        assertEquals(Set.of("leveldb-table@" + sAt + "+" + table.length, "leveldb-table@" + tAt + "+" + table.length,
                "sqlite-database@" + dAt + "+" + db.length, "leveldb-log@" + lAt + "+" + log.length), keys(found));
    }

    @Test
    void mappedSparseFileOver4GiBReadsAtTheRightOffsets(@TempDir Path tmp) throws Exception {
        // The memory-mapped source over a real sparse 5 GiB file (no disk used): the carver's views and reads beyond
        // 4 GiB and across a 1 GiB mapping boundary return the bytes written there. Carving the whole file would
        // fault in 5 GiB of holes (tens of seconds): the full-image path is covered by the virtual image above.
        byte[] table = fixture("leveldb/snappy/db/000005.ldb");
        long gib = 1L << 30;
        long tAt = 4 * gib + 777;
        long sAt = 2 * gib - table.length / 2;
        Path img = tmp.resolve("sparse.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(img.toFile(), "r" + "w")) {
            f.setLength(5 * gib);
            for (long at : new long[]{tAt, sAt}) {
                f.seek(at);
                f.write(table);
            }
        }
        try (ByteSource src = ByteSource.open(img)) {
            assertEquals(5 * gib, src.size());
            for (long at : new long[]{tAt, sAt}) {
                ImageChunk c = new ImageChunk();
                c.fill(src, at, table.length, table.length);
                byte[] got = new byte[table.length];
                for (int i = 0; i < got.length; i++) {
                    got[i] = c.get(i);
                }
                assertTrue(java.util.Arrays.equals(table, got), "view at " + at);
                assertTrue(java.util.Arrays.equals(table, src.read(at, table.length)), "read at " + at);
                // The table probe confirms it there (footer magic at the end, then the table reader).
                List<Artifact> found = new ArrayList<>();
                new LevelDbTableProbe(src, Limits.DEFAULT).at(c, table.length - 8, new Probe.Sink() {
                    @Override
                    public void propose(long offset) {
                    }

                    @Override
                    public void found(Artifact artifact) {
                        found.add(artifact);
                    }
                });
                assertEquals(Set.of("leveldb-table@" + at + "+" + table.length), keys(found));
            }
        }
    }
}
