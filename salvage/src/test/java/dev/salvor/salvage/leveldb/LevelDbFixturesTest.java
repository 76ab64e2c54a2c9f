package dev.salvor.salvage.leveldb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.CliRun;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.salvage.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end over databases written by the real C++ LevelDB (fixtures/leveldb, see its README): the records
 * salvaged are checked against the engine's ground truth (every op with its sequence number, the final live state)
 * and, for damaged copies, against the recipe that says which entries sat in the damaged unit.
 */
class LevelDbFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** One op of the ground truth. */
    record Op(long seq, String op, byte[] key, byte[] value) {
    }

    static Map<Long, Op> ops(String cleanCase) throws IOException {
        JsonNode gt = Fixtures.json(Fixtures.path("leveldb/" + cleanCase + "/ground-truth.json"));
        Map<Long, Op> m = new TreeMap<>();
        for (JsonNode o : gt.get("ops")) {
            m.put(o.get("seq").asLong(), new Op(o.get("seq").asLong(), o.get("op").asText(),
                    Fixtures.bytes(o.get("key")), Fixtures.bytes(o.get("value"))));
        }
        return m;
    }

    /** Expected state of every op: newest op of a key is live (put) or deleted; older ones superseded/deleted. */
    static Map<Long, String> expectedStates(Map<Long, Op> ops) {
        Map<String, Op> newest = new HashMap<>();
        for (Op o : ops.values()) {
            newest.merge(Arrays.toString(o.key()), o, (a, b) -> a.seq() > b.seq() ? a : b);
        }
        Map<Long, String> states = new HashMap<>();
        for (Op o : ops.values()) {
            Op n = newest.get(Arrays.toString(o.key()));
            boolean deleted = n.op().equals("delete");
            states.put(o.seq(), o == n ? (deleted ? "deleted" : "live") : (deleted ? "deleted" : "superseded"));
        }
        return states;
    }

    List<JsonNode> salvage(Path db, int expectedExit) throws IOException {
        Path out = tmp.resolve("out-" + System.nanoTime() + ".jsonl");
        CliRun r = CliRun.of("salvage", db.toString(), "-o", out.toString());
        assertEquals(expectedExit, r.exit(), r.err());
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            records.add(JSON.readTree(line));
        }
        return records;
    }

    static Map<Path, String> hashes(Path dir) throws IOException {
        Map<Path, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                m.put(p, Sha256.ofFile(p));
            }
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"snappy", "uncompressed", "open-log"})
    void cleanDatabaseYieldsEveryOpWithItsState(String name) throws IOException {
        Path db = Fixtures.path("leveldb/" + name + "/db");
        Map<Path, String> before = hashes(db);
        List<JsonNode> records = salvage(db, 0);
        assertEquals(before, hashes(db), "inputs must be byte-identical after salvage");

        Map<Long, Op> ops = ops(name);
        Map<Long, String> states = expectedStates(ops);
        Set<Long> seen = new HashSet<>();
        for (JsonNode r : records) {
            long seq = r.get("seq").asLong();
            Op op = ops.get(seq);
            assertNotNull(op, "record not in the ground truth (invented): " + r);
            assertEquals(op.op(), r.get("op").asText(), r.toString());
            assertTrue(Arrays.equals(op.key(), Fixtures.bytes(r.get("key"))), r.toString());
            assertTrue(Arrays.equals(op.op().equals("put") ? op.value() : null, Fixtures.bytes(r.get("value"))),
                    r.toString());
            assertEquals(states.get(seq), r.get("state").asText(), r.toString());
            assertTrue(r.get("crc_ok").asBoolean(), r.toString());
            assertTrue(seen.add(seq), "each write is reported once (copies listed inside): " + r);
        }
        // No compaction ran when the fixtures were written (see fixtures/leveldb/README.md): every op is on disk.
        assertEquals(ops.keySet(), seen);
    }

    @Test
    void liveRecordsEqualWhatLevelDbIterates() throws IOException {
        JsonNode gt = Fixtures.json(Fixtures.path("leveldb/snappy/ground-truth.json"));
        Map<String, String> expected = new TreeMap<>();
        for (JsonNode l : gt.get("live")) {
            expected.put(l.get("key").toString(), l.get("value").toString());
        }
        Map<String, String> actual = new TreeMap<>();
        for (JsonNode r : salvage(Fixtures.path("leveldb/snappy/db"), 0)) {
            if (r.get("state").asText().equals("live")) {
                actual.put(r.get("key").toString(), r.get("value").toString());
            }
        }
        assertEquals(expected, actual);
    }

    /** Sequence numbers the recipe says were in the damaged unit (table entries or log batches). */
    static Set<Long> lostSeqs(JsonNode recipe) {
        Set<Long> lost = new HashSet<>();
        collect(recipe.get("applied"), lost);
        return lost;
    }

    private static void collect(JsonNode n, Set<Long> lost) {
        if (n == null) {
            return;
        }
        if (n.isObject()) {
            if (n.has("entries") && n.get("entries").isArray() && n.has("region")
                    && n.get("region").asText().equals("data-block")) {
                n.get("entries").forEach(e -> lost.add(e.get("seq").asLong()));
            }
            if (n.has("block") && n.get("block").has("entries")) {
                n.get("block").get("entries").forEach(e -> lost.add(e.get("seq").asLong()));
            }
            if (n.has("record") && n.get("record").has("batch_seqs")) {
                JsonNode s = n.get("record").get("batch_seqs");
                for (long q = s.get(0).asLong(); q <= s.get(1).asLong(); q++) {
                    lost.add(q);
                }
            }
            n.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("later_records_in_same_block")) {
                    collect(e.getValue(), lost);
                }
            });
        } else if (n.isArray()) {
            n.forEach(c -> collect(c, lost));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flipped-data-block", "torn-log-tail", "zeroed-4k", "footer-zeroed",
            "index-overwritten", "no-manifest", "log-bad-crc"})
    void damagedDatabaseYieldsEveryRecordOutsideTheDamagedUnit(String name) throws IOException {
        Path dir = Fixtures.path("leveldb/" + name);
        JsonNode recipe = Fixtures.json(dir.resolve("recipe.json"));
        String from = recipe.get("from").asText();
        Map<Long, Op> ops = ops(from);
        Map<Long, String> states = expectedStates(ops);
        Set<Long> lost = lostSeqs(recipe);
        Path db = dir.resolve("db");
        Map<Path, String> before = hashes(db);

        List<JsonNode> records = salvage(db, 1);
        assertEquals(before, hashes(db), "inputs must be byte-identical after salvage");

        Set<Long> trusted = new HashSet<>();
        for (JsonNode r : records) {
            long seq = r.get("seq").asLong();
            if (!r.get("crc_ok").asBoolean()) {
                assertFalse(r.get("state").asText().equals("live"), "unverified data is never live: " + r);
                continue;
            }
            Op op = ops.get(seq);
            assertNotNull(op, "record not in the ground truth (invented): " + r);
            assertTrue(Arrays.equals(op.key(), Fixtures.bytes(r.get("key"))), r.toString());
            assertTrue(Arrays.equals(op.op().equals("put") ? op.value() : null, Fixtures.bytes(r.get("value"))),
                    r.toString());
            trusted.add(seq);
            if (!lost.isEmpty()) {
                continue; // states of keys whose newest version was lost legitimately differ
            }
            assertEquals(states.get(seq), r.get("state").asText(), r.toString());
        }
        Set<Long> expected = new HashSet<>(ops.keySet());
        expected.removeAll(lost);
        assertEquals(new TreeMap<>(Map.of("missing", diff(expected, trusted), "unexpected", diff(trusted, expected))),
                new TreeMap<>(Map.of("missing", Set.of(), "unexpected", Set.of())),
                "every record outside the damaged unit is recovered, and nothing inside it is trusted");
    }

    private static Set<Long> diff(Set<Long> a, Set<Long> b) {
        Set<Long> d = new java.util.TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    /**
     * Golden check against each case's committed expected.json (written by fixtures/leveldb/expected.py from the
     * engine's ground truth and the damage recipe, never from salvor): exit code, exactly the trusted sequence
     * numbers, and every damage inside a window of the damaged unit (and every window holding a damage).
     */
    @ParameterizedTest
    @ValueSource(strings = {"snappy", "uncompressed", "open-log", "flipped-data-block", "torn-log-tail", "zeroed-4k",
            "footer-zeroed", "index-overwritten", "no-manifest", "log-bad-crc"})
    void matchesExpectedJson(String name) throws IOException {
        Path dir = Fixtures.path("leveldb/" + name);
        JsonNode exp = Fixtures.json(dir.resolve("expected.json"));
        int exit = exp.get("exit_code").asInt();
        Set<Long> trusted = new java.util.TreeSet<>();
        Map<String, Long> states = new TreeMap<>();
        for (JsonNode r : salvage(dir.resolve("db"), exit)) {
            if (r.get("crc_ok").asBoolean()) {
                trusted.add(r.get("seq").asLong());
            }
            states.merge(r.get("state").asText(), 1L, Long::sum);
        }
        Set<Long> expectedTrusted = new java.util.TreeSet<>();
        exp.get("trusted_seqs").forEach(n -> expectedTrusted.add(n.asLong()));
        assertEquals(expectedTrusted, trusted);
        if (exp.has("states")) {
            Map<String, Long> es = new TreeMap<>();
            exp.get("states").fields().forEachRemaining(e -> {
                if (e.getValue().asLong() > 0) {
                    es.put(e.getKey(), e.getValue().asLong());
                }
            });
            assertEquals(es, states);
        }

        CliRun check = CliRun.of("check", dir.resolve("db").toString(), "--json");
        assertEquals(exit, check.exit(), check.err());
        JsonNode report = JSON.readTree(check.out());
        List<JsonNode> windows = new ArrayList<>();
        exp.get("damage").forEach(windows::add);
        boolean[] hit = new boolean[windows.size()];
        report.get("files").forEach(f -> f.get("damages").forEach(d -> {
            boolean inside = false;
            for (int i = 0; i < windows.size(); i++) {
                JsonNode w = windows.get(i);
                long off = d.get("offset").asLong();
                boolean fileMatches = w.get("file").asText().equals(d.get("file").asText());
                boolean offMatches = w.get("lo").asLong() < 0 ? off < 0
                        : off >= w.get("lo").asLong() && off < w.get("hi").asLong();
                if (fileMatches && offMatches) {
                    inside = true;
                    hit[i] = true;
                }
            }
            assertTrue(inside, "damage outside every damaged unit: " + d);
        }));
        for (int i = 0; i < hit.length; i++) {
            assertTrue(hit[i], "no damage reported in " + windows.get(i) + ": " + check.err());
        }
    }

    @Test
    void checkListsTheDamageAtTheRecipesOffset() throws IOException {
        Path dir = Fixtures.path("leveldb/flipped-data-block");
        JsonNode block = Fixtures.json(dir.resolve("recipe.json")).get("applied").get(0).get("target").get("block");
        CliRun r = CliRun.of("check", dir.resolve("db").toString(), "--json");
        assertEquals(1, r.exit(), r.err());
        JsonNode report = JSON.readTree(r.out());
        assertEquals("damaged", report.get("verdict").asText());
        List<JsonNode> damages = new ArrayList<>();
        report.get("files").forEach(f -> f.get("damages").forEach(damages::add));
        assertEquals(1, damages.size(), damages.toString());
        JsonNode d = damages.get(0);
        assertEquals("000013.ldb", d.get("file").asText());
        assertEquals("crc-mismatch", d.get("kind").asText());
        assertEquals(block.get("offset").asLong(), d.get("offset").asLong());
        assertTrue(d.get("message").asText().contains("resource=000013.ldb, offset=0x"
                + Long.toHexString(block.get("offset").asLong())), d.toString());
        report.get("inputs").forEach(in -> {
            assertEquals(64, in.get("sha256").asText().length());
            assertEquals(in.get("sha256").asText(), in.get("sha256_after").asText());
        });
    }

    @Test
    void survivorsOfKeysWhoseNewestVersionSatInTheDamagedBlockAreMarkedMaybeStale() throws IOException {
        Path dir = Fixtures.path("leveldb/flipped-data-block");
        JsonNode block = Fixtures.json(dir.resolve("recipe.json")).get("applied").get(0).get("target").get("block");
        Set<String> damagedKeys = new HashSet<>();
        block.get("entries").forEach(e -> damagedKeys.add(e.get("key").toString()));
        int checked = 0;
        for (JsonNode r : salvage(dir.resolve("db"), 1)) {
            if (damagedKeys.contains(r.get("key").toString())) {
                assertTrue(r.path("maybe_stale").asBoolean(), "a newer version may be lost: " + r);
                checked++;
            }
        }
        assertTrue(checked >= damagedKeys.size(), "every damaged key still appears (unverified or older): " + checked);
        for (JsonNode r : salvage(Fixtures.path("leveldb/snappy/db"), 0)) {
            assertFalse(r.has("maybe_stale"), r.toString());
        }
    }

    @Test
    void aMissingCurrentLogIsDamage() throws IOException {
        Path copy = tmp.resolve("db");
        Files.createDirectories(copy);
        try (Stream<Path> s = Files.list(Fixtures.path("leveldb/open-log/db"))) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().endsWith(".log")) {
                    Files.copy(p, copy.resolve(p.getFileName()));
                }
            }
        }
        CliRun r = CliRun.of("check", copy.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("the write-ahead log the MANIFEST names as current is not in the directory"),
                r.err());
        assertTrue(r.err().contains("actual=missing vs expected=000006.log (or a newer log) (missing-file)"), r.err());
    }

    @Test
    void cleanCheckExitsZero() {
        CliRun r = CliRun.of("check", Fixtures.path("leveldb/snappy/db").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("verdict: CLEAN"), r.err());
    }
}
