package dev.salvor.salvage.carve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.Main;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LevelDB tables without a usable footer laid in an image (footer overwritten; a table split in two fragments with
 * filler between): their block runs are carved from the 512-byte boundary where the table starts, and
 * {@code salvage --carve} gives back the records of every complete data block, each one a real operation of the
 * fixture's ground truth, with the image offset of its block.
 */
class LevelDbFragmentCarveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode truth(String fixtureCase) throws IOException {
        return Fixtures.json(Fixtures.path("leveldb/" + fixtureCase + "/ground-truth.json"));
    }

    /** seq|op|key|value of every operation the fixture's engine wrote. */
    private static Set<String> ops(JsonNode truth) {
        Set<String> s = new HashSet<>();
        for (JsonNode o : truth.get("ops")) {
            s.add(o.get("seq").asLong() + "|" + o.get("op").asText() + "|" + o.get("key") + "|" + o.get("value"));
        }
        return s;
    }

    private static String op(JsonNode r) {
        return r.get("seq").asLong() + "|" + r.get("op").asText() + "|" + r.get("key") + "|" + r.get("value");
    }

    private static JsonNode table(JsonNode truth, String name) {
        for (JsonNode t : truth.get("layout").get("tables")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError(name);
    }

    /** Runs salvor; returns the JSON lines (exit 0 or 1: damage is expected for footerless fragments). */
    static List<JsonNode> salvage(Path tmp, String... args) throws Exception {
        Path out = tmp.resolve("out-" + System.nanoTime() + ".jsonl");
        String[] full = Arrays.copyOf(args, args.length + 2);
        full[args.length] = "-o";
        full[args.length + 1] = out.toString();
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        int rc = Main.run(full, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(se, true, StandardCharsets.UTF_8));
        assertTrue(rc == 0 || rc == 1, "rc " + rc + ": " + se.toString(StandardCharsets.UTF_8));
        List<JsonNode> rows = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            rows.add(JSON.readTree(l));
        }
        return rows;
    }

    private static void pad(ByteArrayOutputStream img, Random rnd, boolean zero) {
        byte[] filler = new byte[700 + rnd.nextInt(4000)];
        if (!zero) {
            rnd.nextBytes(filler);
        }
        img.writeBytes(filler);
        byte[] p = new byte[(512 - img.size() % 512) % 512];
        if (!zero) {
            rnd.nextBytes(p);
        }
        img.writeBytes(p);
    }

    private static List<Artifact> carve(byte[] image, int chunk) throws Exception {
        try (ByteSource src = ByteSource.of("image", image)) {
            return new Carver(src, 2, Limits.DEFAULT, chunk).carve(x -> { });
        }
    }

    @Test
    void tablesWithOverwrittenFootersComeBackAsBlockRunsWithEveryRecord(@TempDir Path tmp) throws Exception {
        for (String fixtureCase : new String[]{"snappy", "uncompressed"}) {
            JsonNode truth = truth(fixtureCase);
            Path db = Fixtures.path("leveldb/" + fixtureCase + "/db");
            Random rnd = new Random(fixtureCase.hashCode());
            ByteArrayOutputStream img = new ByteArrayOutputStream();
            Map<Long, JsonNode> placed = new HashMap<>();
            Path originals = Files.createDirectories(tmp.resolve(fixtureCase + "-originals"));
            int i = 0;
            for (JsonNode t : truth.get("layout").get("tables")) {
                byte[] b = Files.readAllBytes(db.resolve(t.get("name").asText()));
                Files.write(originals.resolve(t.get("name").asText()), b);
                byte[] damaged = b.clone();
                // The footer is overwritten (random bytes): the table probe cannot confirm the table.
                byte[] junk = new byte[48];
                rnd.nextBytes(junk);
                System.arraycopy(junk, 0, damaged, damaged.length - 48, 48);
                pad(img, rnd, i++ % 2 == 0);
                placed.put((long) img.size(), t);
                img.writeBytes(damaged);
            }
            pad(img, rnd, false);
            byte[] image = img.toByteArray();

            // Carve: one block run per table, from its start to its metaindex block (filter included).
            Set<String> expected = new TreeSet<>();
            for (Map.Entry<Long, JsonNode> e : placed.entrySet()) {
                long len = e.getValue().get("metaindex_block").get(0).asLong();
                expected.add("leveldb-blocks@" + e.getKey() + "+" + len);
            }
            for (int chunk : new int[]{Carver.CHUNK, 4096, 1000}) {
                Set<String> found = new TreeSet<>();
                for (Artifact a : carve(image, chunk)) {
                    found.add(a.kind().id() + "@" + a.offset() + "+" + a.length());
                }
                assertEquals(expected, found, fixtureCase + " chunk " + chunk);
            }

            // Salvage: every record of the original tables, nothing else, image offsets at real blocks.
            Path imageFile = tmp.resolve(fixtureCase + ".img");
            Files.write(imageFile, image);
            List<JsonNode> carved = salvage(tmp, "salvage", "--carve", imageFile.toString());
            List<JsonNode> original = salvage(tmp, "salvage", originals.toString());
            Set<String> want = new TreeSet<>();
            for (JsonNode r : original) {
                assertTrue(r.get("crc_ok").asBoolean(), r.toString());
                want.add(op(r));
            }
            Set<String> got = new TreeSet<>();
            Set<String> truthOps = ops(truth);
            for (JsonNode r : carved) {
                assertEquals("leveldb", r.get("format").asText());
                assertTrue(truthOps.contains(op(r)), "invented: " + r);
                assertTrue(r.get("crc_ok").asBoolean(), r.toString());
                got.add(op(r));
                long io = r.get("image_offset").asLong();
                boolean atBlock = false;
                for (Map.Entry<Long, JsonNode> e : placed.entrySet()) {
                    for (JsonNode blk : e.getValue().get("data_blocks")) {
                        atBlock |= io == e.getKey() + blk.get("offset").asLong();
                    }
                }
                assertTrue(atBlock, "image_offset not at a data block of a placed table: " + r);
            }
            assertTrue(want.size() > 100, fixtureCase);
            assertSame(want, got, fixtureCase + ": recall of the footerless tables' records");
        }
    }

    @Test
    void tableSplitInTwoFragmentsLosesOnlyTheBlockAcrossTheSplit(@TempDir Path tmp) throws Exception {
        JsonNode truth = truth("snappy");
        JsonNode t = table(truth, "000007.ldb");
        byte[] b = Files.readAllBytes(Fixtures.path("leveldb/snappy/db/000007.ldb"));
        int split = 8192; // a file-system block boundary inside data block 1 [4951, 10693)
        Random rnd = new Random(77);
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        pad(img, rnd, false);
        long q = img.size();
        img.write(b, 0, split);
        pad(img, rnd, false);
        pad(img, rnd, true);
        long p = img.size();
        img.write(b, split, b.length - split);
        pad(img, rnd, false);
        byte[] image = img.toByteArray();
        List<Artifact> found = carve(image, 1 << 16);
        // Fragment 1: block 0 (block 1 is cut by the split). Fragment 2: the footer confirms the table, whose
        // start lies in the filler; its index finds blocks 2-4 at their places (blocks 0-1 there are damage).
        Artifact run = found.stream().filter(a -> a.kind() == Artifact.Kind.LEVELDB_BLOCKS).findFirst().orElse(null);
        assertNotNull(run, found.toString());
        assertEquals(q, run.offset());
        assertEquals(t.get("data_blocks").get(1).get("offset").asLong(), run.length());
        assertTrue(found.stream().anyMatch(a -> a.kind() == Artifact.Kind.LEVELDB_TABLE && a.offset() == p - split
                && a.damage() > 0), found.toString());
        assertEquals(2, found.size(), found.toString());

        Path imageFile = tmp.resolve("split.img");
        Files.write(imageFile, image);
        Path original = Files.createDirectories(tmp.resolve("orig"));
        Files.write(original.resolve("000007.ldb"), b);
        Set<String> want = new TreeSet<>();
        long lostBlock = t.get("data_blocks").get(1).get("offset").asLong();
        int lost = 0;
        for (JsonNode r : salvage(tmp, "salvage", original.toString())) {
            if (r.get("offset").asLong() == lostBlock) {
                lost++;
            } else {
                want.add(op(r));
            }
        }
        assertEquals(t.get("data_blocks").get(1).get("entries").asInt(), lost);
        Set<String> got = new TreeSet<>();
        Set<String> truthOps = ops(truth);
        for (JsonNode r : salvage(tmp, "salvage", "--carve", imageFile.toString())) {
            if (r.get("crc_ok").asBoolean()) {
                assertTrue(truthOps.contains(op(r)), "invented: " + r);
                got.add(op(r));
            } else {
                // Read at the index's offsets inside the filler: flagged, never live.
                assertTrue(!r.get("state").asText().equals("live"), r.toString());
            }
        }
        assertSame(want, got, "split table");
    }

    @Test
    void logsAtUnalignedOffsetsAreFoundWholeAndTheirRecordsComeBack(@TempDir Path tmp) throws Exception {
        byte[] big = Files.readAllBytes(Fixtures.path("leveldb/open-log/db/000006.log")); // 3 blocks
        byte[] small = Files.readAllBytes(Fixtures.path("leveldb/snappy/db/000014.log")); // < 1 block
        Random rnd = new Random(31);
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        pad(img, rnd, false);
        img.write(rnd.nextInt(256));
        long bigAt = img.size() + 123;
        img.writeBytes(new byte[123]);
        img.writeBytes(big);
        pad(img, rnd, true);
        img.writeBytes(new byte[77]);
        long smallAt = img.size();
        img.writeBytes(small);
        pad(img, rnd, false);
        // A log whose first 1000 bytes are lost: its first full block is found from the block grid.
        img.writeBytes(new byte[300]);
        long cutAt = img.size();
        img.write(big, 1000, big.length - 1000);
        pad(img, rnd, false);
        byte[] image = img.toByteArray();
        assertTrue(bigAt % 512 != 0 && smallAt % 512 != 0 && (cutAt + 32768 - 1000) % 512 != 0);
        for (int chunk : new int[]{Carver.CHUNK, 4096, 1000}) {
            Set<String> found = new TreeSet<>();
            for (Artifact a : carve(image, chunk)) {
                found.add(a.kind().id() + "@" + a.offset() + "+" + a.length());
            }
            assertTrue(found.contains("leveldb-log@" + bigAt + "+" + big.length), found.toString());
            assertTrue(found.contains("leveldb-log@" + smallAt + "+" + small.length), found.toString());
            long cutGrid = cutAt + 32768 - 1000;
            assertTrue(found.contains("leveldb-log@" + cutGrid + "+" + (big.length - 32768)), found.toString());
            for (String f : found) {
                long at = Long.parseLong(f.substring(f.indexOf('@') + 1, f.indexOf('+')));
                assertTrue(at == bigAt || at == smallAt || (at >= cutAt && at <= cutGrid), f);
            }
        }
        Path imageFile = tmp.resolve("logs.img");
        Files.write(imageFile, image);
        Path originals = Files.createDirectories(tmp.resolve("logs"));
        Files.write(originals.resolve("000006.log"), big);
        Files.write(originals.resolve("000014.log"), small);
        Set<String> want = new TreeSet<>();
        for (JsonNode r : salvage(tmp, "salvage", originals.toString())) {
            want.add(op(r));
        }
        Set<String> truthOps = ops(truth("open-log"));
        truthOps.addAll(ops(truth("snappy")));
        Set<String> got = new TreeSet<>();
        for (JsonNode r : salvage(tmp, "salvage", "--carve", imageFile.toString())) {
            assertTrue(r.get("crc_ok").asBoolean(), r.toString());
            assertTrue(truthOps.contains(op(r)), "invented: " + r);
            got.add(op(r));
        }
        assertSame(want, got, "unaligned logs");
    }

    /** Set equality with a short message (the sets hold long values). */
    private static void assertSame(Set<String> want, Set<String> got, String what) {
        Set<String> missing = new TreeSet<>(want);
        missing.removeAll(got);
        Set<String> extra = new TreeSet<>(got);
        extra.removeAll(want);
        StringBuilder sb = new StringBuilder(what + ": want " + want.size() + ", got " + got.size() + ", missing "
                + missing.size() + ", extra " + extra.size());
        missing.stream().limit(5).forEach(m -> sb.append("\n  missing ").append(m, 0, Math.min(120, m.length())));
        extra.stream().limit(5).forEach(m -> sb.append("\n  extra ").append(m, 0, Math.min(120, m.length())));
        assertTrue(missing.isEmpty() && extra.isEmpty(), sb.toString());
    }
}
