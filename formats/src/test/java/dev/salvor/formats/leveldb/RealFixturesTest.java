package dev.salvor.formats.leveldb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tables written by the real C++ LevelDB (fixtures/leveldb, generated through plyvel): every decoded entry must be
 * the op of its sequence number in ground-truth.json, the block layout must be the one the generator parsed, and in
 * the damaged copies every block the damage did not touch must still be recovered with a verified checksum. Skipped
 * when the fixtures are absent. The fixtures root is {@code ../fixtures} (tests run in {@code formats/}) unless the
 * system property {@code salvor.fixtures} names another.
 */
class RealFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path root() {
        return Path.of(System.getProperty("salvor.fixtures", "../fixtures"), "leveldb");
    }

    record Op(long seq, String op, byte[] key, byte[] value) {
    }

    @TestFactory
    Stream<DynamicTest> everyTableOfEveryCase() throws IOException {
        Path root = root();
        Assumptions.assumeTrue(Files.isDirectory(root.resolve("snappy/db")), "no LevelDB fixtures at " + root);
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> cases = Files.list(root)) {
            for (Path dir : cases.sorted().toList()) {
                Path db = dir.resolve("db");
                Path truth = dir.resolve("ground-truth.json");
                Path recipe = dir.resolve("recipe.json");
                if (!Files.isDirectory(db) || !(Files.exists(truth) || Files.exists(recipe))) {
                    continue;
                }
                try (Stream<Path> files = Files.list(db)) {
                    for (Path table : files.filter(p -> p.toString().endsWith(".ldb")).sorted().toList()) {
                        tests.add(DynamicTest.dynamicTest(dir.getFileName() + "/" + table.getFileName(),
                                () -> checkTable(dir, table)));
                    }
                }
            }
        }
        return tests.stream();
    }

    private void checkTable(Path caseDir, Path table) throws IOException {
        boolean clean = Files.exists(caseDir.resolve("ground-truth.json"));
        JsonNode recipe = clean ? null : JSON.readTree(caseDir.resolve("recipe.json").toFile());
        Path truthFile = clean ? caseDir.resolve("ground-truth.json")
                : caseDir.resolve(recipe.get("ground_truth").asText()).normalize();
        JsonNode truth = JSON.readTree(truthFile.toFile());
        Map<Long, Op> ops = new HashMap<>();
        for (JsonNode op : truth.get("ops")) {
            ops.put(op.get("seq").asLong(), new Op(op.get("seq").asLong(), op.get("op").asText(),
                    bytes(op.get("key")), bytes(op.get("value"))));
        }
        String name = table.getFileName().toString();
        Tables.Read r = read(table, name);

        for (TableEntry e : r.entries()) {
            if (!e.crcOk()) {
                continue; // entries of a damaged block are offered for inspection, not vouched for
            }
            assertNotNull(e.key(), "undecodable key in a verified block at " + e.blockOffset());
            Op op = ops.get(e.key().sequence());
            assertNotNull(op, "sequence " + e.key().sequence() + " is not in ground truth");
            assertArrayEquals(op.key(), e.key().userKey(), "user key of seq " + op.seq());
            if (op.op().equals("put")) {
                assertEquals(ValueType.VALUE, e.key().type(), "type of seq " + op.seq());
                assertArrayEquals(op.value(), e.value(), "value of seq " + op.seq());
            } else {
                assertEquals("delete", op.op());
                assertEquals(ValueType.DELETION, e.key().type(), "type of seq " + op.seq());
            }
        }

        if (clean) {
            assertEquals(List.of(), r.damageText(), name);
            assertTrue(r.layout().indexOk());
            JsonNode layout = null;
            for (JsonNode t : truth.get("layout").get("tables")) {
                if (t.get("name").asText().equals(name)) {
                    layout = t;
                }
            }
            assertNotNull(layout, name + " missing from ground-truth layout");
            List<DataBlockRef> expected = new ArrayList<>();
            long entries = 0;
            for (JsonNode b : layout.get("data_blocks")) {
                expected.add(new DataBlockRef(b.get("offset").asLong(), b.get("size").asInt(), BlockSource.INDEX));
                entries += b.get("entries").asLong();
            }
            assertEquals(expected, r.layout().dataBlocks());
            assertEquals(entries, r.entries().size());
            int filters = 0;
            for (JsonNode m : layout.get("metaindex_entries")) {
                filters += m.asText().startsWith("filter.") ? 1 : 0;
            }
            assertEquals(filters, r.layout().filterBlocks().size(), "filter blocks named by the metaindex");
            return;
        }

        // Damaged copy: compare with the clean table it was made from.
        Path cleanTable = truthFile.getParent().resolve("db").resolve(name);
        Tables.Read before = read(cleanTable, name);
        List<long[]> hits = new ArrayList<>();
        for (JsonNode step : recipe.get("applied")) {
            if (step.get("file").asText().equals(name)) {
                long off = step.get("offset").asLong();
                hits.add(new long[] {off, off + (step.has("length") ? step.get("length").asLong() : 1)});
            }
        }
        if (hits.isEmpty()) {
            assertEquals(List.of(), r.damageText(), name + " was not damaged");
            assertEquals(before.entries().size(), r.entries().size());
            return;
        }
        assertFalse(r.damage().isEmpty(), "damage to " + name + " went unreported");
        for (long[] hit : hits) {
            boolean located = false;
            for (Damage d : r.damage()) {
                located |= d.offset() < hit[1] && d.offset() + Math.max(1, d.length()) > hit[0];
            }
            assertTrue(located, "no damage overlaps [" + hit[0] + ", " + hit[1] + "): " + r.damageText());
        }
        // Every block of the clean table that the damage did not touch is recovered exactly, verified.
        Map<Long, List<TableEntry>> byBlock = new TreeMap<>();
        for (TableEntry e : before.entries()) {
            byBlock.computeIfAbsent(e.blockOffset(), k -> new ArrayList<>()).add(e);
        }
        var recovered = r.verifiedPairs();
        for (DataBlockRef ref : before.layout().dataBlocks()) {
            boolean touched = false;
            for (long[] hit : hits) {
                touched |= ref.offset() < hit[1] && ref.endWithTrailer() > hit[0];
            }
            if (touched) {
                continue;
            }
            for (TableEntry e : byBlock.getOrDefault(ref.offset(), List.of())) {
                assertTrue(recovered.contains(Tables.pair(e.rawKey(), e.value())),
                        "entry at " + ref.offset() + "+" + e.offsetInBlock() + " of untouched block lost");
            }
        }
    }

    private static Tables.Read read(Path table, String name) throws IOException {
        try (ByteSource src = ByteSource.open(table, name)) {
            List<Damage> damage = new ArrayList<>();
            TableReader reader = new TableReader(src, DamageSink.collectingInto(damage), Limits.DEFAULT);
            List<TableEntry> entries = new ArrayList<>();
            TableStats stats = reader.scan(entries::add);
            return new Tables.Read(reader.layout(), stats, entries, damage);
        }
    }

    private static byte[] bytes(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText().getBytes(StandardCharsets.UTF_8);
        }
        return Base64.getDecoder().decode(n.get("base64").asText());
    }

    @SuppressWarnings("unused")
    private static String show(byte[] b) {
        return Arrays.toString(b);
    }
}
