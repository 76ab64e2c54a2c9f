package dev.salvor.salvage.leveldb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.salvor.cli.CliRun;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.leveldb.CompressionType;
import dev.salvor.formats.leveldb.FileMetaData;
import dev.salvor.formats.leveldb.LogReader;
import dev.salvor.formats.leveldb.SortedRunWriter;
import dev.salvor.formats.leveldb.InternalKey;
import dev.salvor.formats.leveldb.LogWriter;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.formats.leveldb.VersionEdit;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.Sha256;
import dev.salvor.salvage.rebuild.RebuildTarget;
import dev.salvor.salvage.rebuild.Rebuilder;
import dev.salvor.salvage.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code rebuild} of every database in fixtures/leveldb (written by the real C++ LevelDB, some damaged): what the
 * new database holds is exactly salvage's live records, the real engine opens it and agrees, the evidence is
 * unchanged, and every salvaged record is either written or left out with a reason.
 */
class LevelDbRebuilderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path tmp;

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> dirs = Files.list(Fixtures.path("leveldb"))) {
            return dirs.filter(d -> Files.isDirectory(d.resolve("db"))).map(d -> d.getFileName().toString())
                    .sorted().toList().stream();
        }
    }

    /** What one command produced: its JSON Lines and its report. */
    record Run(List<JsonNode> records, RunReport report) {
        /** key and value (base64 of their bytes) -> sequence, of the live records. */
        Map<String, Long> live() {
            Map<String, Long> m = new TreeMap<>();
            for (JsonNode r : records) {
                if (r.get("state").asText().equals("live")) {
                    m.put(bytes64(r.get("key")) + " " + bytes64(r.get("value")), r.get("seq").asLong());
                }
            }
            return m;
        }
    }

    /** A rebuild: its report, the left-out lines and the target's facts. */
    record Rebuilt(Path database, RunReport report, List<JsonNode> leftOut, Map<String, Object> facts) {
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void rebuiltDatabaseHoldsExactlySalvagesLiveRecords(String fixture) throws Exception {
        Path db = Fixtures.path("leveldb/" + fixture + "/db");
        Map<String, String> before = fingerprints(db);

        Run input = salvage(db);
        Rebuilt rebuilt = rebuild(db, RebuildTarget.Options.DEFAULT);
        Run output = salvage(rebuilt.database());

        // (a) the output's records are exactly the input's live records, all verified and live
        assertEquals(input.live(), output.live(), fixture + ": live records of the rebuilt database");
        assertEquals(Map.of("live", (long) output.records().size()), output.report().recordsByState(),
                fixture + ": every record of the rebuilt database is live");
        assertEquals(0, output.report().damageCount(), fixture + ": the rebuilt database has no damage");
        assertTrue(output.records().stream().allMatch(r -> r.get("crc_ok").asBoolean()));
        // the report of the rebuild is the report of salvage
        assertEquals(input.report().recordsByState(), rebuilt.report().recordsByState(), fixture);
        assertEquals(input.report().damageCount(), rebuilt.report().damageCount(), fixture);
        assertEquals(input.report().files().size(), rebuilt.report().files().size(), fixture);

        // (d) written + left out = every salvaged record; each left-out line is a salvage line plus its reason
        long written = (Long) rebuilt.facts().get("written");
        assertEquals(input.live().size(), written, fixture + ": written");
        assertEquals(input.records().size(), written + rebuilt.leftOut().size(), fixture + ": written + left out");
        Map<String, Integer> salvageLines = multiset(input.records());
        Map<String, Long> reasons = new TreeMap<>();
        List<JsonNode> stripped = new ArrayList<>();
        for (JsonNode r : rebuilt.leftOut()) {
            String reason = r.get("left_out").asText();
            reasons.merge(reason, 1L, Long::sum);
            ObjectNode copy = r.deepCopy();
            copy.remove("left_out");
            stripped.add(copy);
            assertFalse(r.get("state").asText().equals("live") && reason.equals("live"), fixture);
        }
        multiset(stripped).forEach((line, n) -> assertTrue(salvageLines.getOrDefault(line, 0) >= n,
                () -> fixture + ": left-out line not produced by salvage: " + line));
        assertEquals(reasons, rebuilt.facts().getOrDefault("left_out", Map.of()), fixture + ": left_out facts");

        // (b) the real engine opens a copy and agrees
        engineCheck(rebuilt.database(), input.live().keySet(), fixture);

        // (c) the evidence is unchanged
        assertEquals(before, fingerprints(db), fixture + ": evidence changed");
    }

    @Test
    void unverifiedEntriesAreWrittenOnlyWhenAskedFor() throws Exception {
        Path db = Fixtures.path("leveldb/flipped-data-block/db");
        Run input = salvage(db);
        long unverified = input.report().recordsByState().getOrDefault("unverified", 0L);
        assumeTrue(unverified > 0, "the fixture has unverified records");
        Rebuilt plain = rebuild(db, RebuildTarget.Options.DEFAULT);
        @SuppressWarnings("unchecked")
        Map<String, Long> plainLeftOut = (Map<String, Long>) plain.facts().get("left_out");
        assertEquals(unverified, plainLeftOut.get("unverified"));

        Rebuilt with = rebuild(db, new RebuildTarget.Options(false, true));
        @SuppressWarnings("unchecked")
        Map<String, Long> withLeftOut = (Map<String, Long>) with.facts().get("left_out");
        assertFalse(withLeftOut.containsKey("unverified"), withLeftOut.toString());
        long written = (Long) with.facts().get("written");
        assertTrue(written > (Long) plain.facts().get("written"), "unverified values written");
        Run output = salvage(with.database());
        assertEquals(written, output.records().size());
        assertEquals(input.records().size(), written + with.leftOut().size());
        engineCheck(with.database(), output.live().keySet(), "flipped-data-block --include-unverified");
    }

    @Test
    void anotherComparatorIsRefusedAndNothingIsWritten() throws Exception {
        Path copy = copyOf(Fixtures.path("leveldb/snappy/db"), tmp.resolve("idb"));
        String manifest = Files.readString(copy.resolve("CURRENT")).trim();
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        VersionEdit edit = VersionEdit.snapshot("acme.ReverseComparator", 0, 100, 1000, List.of(new FileMetaData(1, 99, 1,
                new InternalKey(key, 1, ValueType.VALUE), new InternalKey(key, 1, ValueType.VALUE))));
        try (OutputStream out = Files.newOutputStream(copy.resolve(manifest))) {
            new LogWriter(out).addRecord(edit.encode());
        }
        Path target = tmp.resolve("refused");
        Rebuilder.RebuildRefused e = assertThrows(Rebuilder.RebuildRefused.class,
                () -> rebuild(copy, RebuildTarget.Options.DEFAULT, target));
        assertTrue(e.getMessage().contains("actual=acme.ReverseComparator"), e.getMessage());
        assertFalse(Files.exists(target), "nothing written");
    }

    @Test
    void aLostManifestIsRebuiltBytewiseAndSaysSo() throws Exception {
        Rebuilt r = rebuild(Fixtures.path("leveldb/no-manifest/db"), RebuildTarget.Options.DEFAULT);
        assertEquals("leveldb.BytewiseComparator", r.facts().get("comparator"));
        assertTrue(String.valueOf(r.facts().get("comparator_source")).startsWith("assumed"),
                String.valueOf(r.facts()));
    }

    @Test
    void aLargeDatabaseBecomesSeveralNonOverlappingTablesTheEngineReads() throws Exception {
        Path input = tmp.resolve("large-input");
        java.util.Random rnd = new java.util.Random(5);
        Set<String> expected = new TreeSet<>();
        SortedRunWriter w = new SortedRunWriter(input, CompressionType.SNAPPY, true);
        for (int i = 0; i < 25_000; i++) {
            byte[] key = String.format("k%08d", i).getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[100 + rnd.nextInt(200)];
            rnd.nextBytes(value);
            w.put(key, 10 + i, value);
            expected.add(Base64.getEncoder().encodeToString(key) + " " + Base64.getEncoder().encodeToString(value));
        }
        List<FileMetaData> inputTables = w.finish(LevelDbRebuilder.BYTEWISE, 25_009);
        assertTrue(inputTables.size() >= 3, "tables: " + inputTables.size());

        Rebuilt rebuilt = rebuild(input, RebuildTarget.Options.DEFAULT);
        assertEquals(25_000L, rebuilt.facts().get("written"));
        assertEquals(inputTables.size(), rebuilt.facts().get("tables"));
        assertEquals(25_009L, rebuilt.facts().get("last_sequence"));
        List<FileMetaData> tables = readManifest(rebuilt.database());
        for (int i = 0; i < tables.size(); i++) {
            FileMetaData t = tables.get(i);
            assertEquals(1, t.level());
            assertEquals(5 + i, t.number());
            assertEquals(Files.size(rebuilt.database().resolve(String.format("%06d.ldb", t.number()))), t.fileSize());
            assertTrue(t.fileSize() < (2L << 20) + (64 << 10), "about 2 MiB: " + t.fileSize());
            if (i > 0) {
                assertTrue(java.util.Arrays.compareUnsigned(tables.get(i - 1).largest().userKey(),
                        t.smallest().userKey()) < 0, "tables do not overlap");
            }
        }
        Run output = salvage(rebuilt.database());
        assertEquals(expected, output.live().keySet());
        engineCheck(rebuilt.database(), expected, "large database");
    }

    static List<FileMetaData> readManifest(Path db) throws IOException {
        byte[] bytes = Files.readAllBytes(db.resolve("MANIFEST-000002"));
        assertEquals("MANIFEST-000002\n", Files.readString(db.resolve("CURRENT")));
        List<FileMetaData> files = new ArrayList<>();
        new LogReader(dev.salvor.formats.core.ByteSource.of("MANIFEST", bytes),
                dev.salvor.formats.core.DamageSink.STRICT, dev.salvor.formats.core.Limits.DEFAULT)
                .read(r -> files.addAll(VersionEdit.decode(r, dev.salvor.formats.core.DamageSink.STRICT)
                        .newFiles()));
        return files;
    }

    @Test
    void theCommandWritesTheDatabaseAndItsSideCar() throws Exception {
        Path db = Fixtures.path("leveldb/flipped-data-block/db");
        Map<String, String> before = fingerprints(db);
        Path out = tmp.resolve("cli-out");
        CliRun r = CliRun.of("rebuild", db.toString(), "-o", out.toString(), "--json");
        assertEquals(1, r.exit(), r.err()); // damage found, database still written
        assertTrue(Files.isRegularFile(out.resolve("CURRENT")), r.err());
        JsonNode report = JSON.readTree(Files.readString(out.resolveSibling("cli-out.salvor/report.json")));
        JsonNode facts = report.get("rebuild");
        assertEquals(salvage(db).live().size(), facts.get("written").asLong(), facts.toString());
        List<String> leftOut = Files.readAllLines(out.resolveSibling("cli-out.salvor/left-out.jsonl"));
        long leftOutCount = 0;
        for (var it = facts.get("left_out").fields(); it.hasNext(); ) {
            leftOutCount += it.next().getValue().asLong();
        }
        assertEquals(leftOutCount, leftOut.size());
        assertEquals(salvage(out).live(), salvage(db).live());
        assertEquals(before, fingerprints(db));

        Path clean = tmp.resolve("cli-clean");
        CliRun ok = CliRun.of("rebuild", Fixtures.path("leveldb/snappy/db").toString(), "-o", clean.toString());
        assertEquals(0, ok.exit(), ok.err());
        engineCheck(clean, salvage(Fixtures.path("leveldb/snappy/db")).live().keySet(), "CLI rebuild of snappy");
    }

    @Test
    void theCommandRefusesAnotherComparatorWithExit2() throws Exception {
        Path copy = copyOf(Fixtures.path("leveldb/snappy/db"), tmp.resolve("idb-cli"));
        String manifest = Files.readString(copy.resolve("CURRENT")).trim();
        try (OutputStream out = Files.newOutputStream(copy.resolve(manifest))) {
            new LogWriter(out).addRecord(VersionEdit.snapshot("acme.ReverseComparator", 0, 100, 1000, List.of()).encode());
        }
        Path out = tmp.resolve("cli-refused");
        CliRun r = CliRun.of("rebuild", copy.toString(), "-o", out.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("acme.ReverseComparator"), r.err());
        assertFalse(Files.exists(out));
    }

    Run salvage(Path db) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunReport report = new RunReport("salvage", "t");
        new LevelDbHandler().salvage(SourceSet.of(db), RunContext.defaults(), out, report);
        return new Run(lines(out), report);
    }

    Rebuilt rebuild(Path db, RebuildTarget.Options options) throws IOException {
        return rebuild(db, options, tmp.resolve("rebuilt-" + System.nanoTime()));
    }

    Rebuilt rebuild(Path db, RebuildTarget.Options options, Path database) throws IOException {
        ByteArrayOutputStream leftOut = new ByteArrayOutputStream();
        RebuildTarget target = new RebuildTarget(database, leftOut, options);
        RunReport report = new RunReport("rebuild", "t");
        new LevelDbHandler().rebuilder().rebuild(SourceSet.of(db), RunContext.defaults(), target, report);
        return new Rebuilt(database, report, lines(leftOut), target.facts());
    }

    /** Opens a copy with C++ LevelDB (plyvel) and checks it holds exactly {@code expected} (key value, base64). */
    void engineCheck(Path database, Set<String> expected, String what) throws Exception {
        assumeTrue(plyvel(), "python3-plyvel is not installed");
        Path copy = copyOf(database, tmp.resolve("engine-" + System.nanoTime()));
        Path script = tmp.resolve("engine_check.py");
        if (!Files.exists(script)) {
            try (var in = getClass().getResourceAsStream("/leveldb/engine_check.py")) {
                Files.copy(in, script);
            }
        }
        Process p = new ProcessBuilder(PYTHON, script.toString(), copy.toString())
                .redirectError(tmp.resolve("engine.err").toFile()).start();
        byte[] stdout = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), what + ": engine check did not end");
        assertEquals(0, p.exitValue(), () -> what + ": C++ LevelDB failed: " + readQuietly(tmp.resolve("engine.err")));
        JsonNode result = JSON.readTree(stdout);
        Set<String> iterated = new TreeSet<>();
        for (JsonNode e : result.get("entries")) {
            iterated.add(e.get(0).asText() + " " + e.get(1).asText());
        }
        assertEquals(new TreeSet<>(expected), iterated, what + ": what C++ LevelDB iterates");
        assertEquals(0, result.get("get_mismatches").asInt(), what + ": get(k) differs from iteration");
        assertTrue(result.get("probe_ok").asBoolean(), what + ": a put after the rebuild did not survive reopening");
        assertEquals(expected.size() + 1, result.get("count_after_reopen").asInt(), what);
    }

    static boolean plyvel() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import plyvel").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static Path copyOf(Path dir, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
        return to;
    }

    static Map<String, String> fingerprints(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                m.put(f.getFileName().toString(), java.util.HexFormat.of().formatHex(
                        Sha256.newDigest().digest(Files.readAllBytes(f))));
            }
        }
        return m;
    }

    static List<JsonNode> lines(ByteArrayOutputStream out) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                records.add(JSON.readTree(line));
            }
        }
        return records;
    }

    static Map<String, Integer> multiset(List<JsonNode> records) {
        Map<String, Integer> m = new HashMap<>();
        records.forEach(r -> m.merge(r.toString(), 1, Integer::sum));
        return m;
    }

    /** The bytes of a record's key or value as base64 (text, or {"base64": ...}). */
    static String bytes64(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isObject()) {
            return n.get("base64").asText();
        }
        return Base64.getEncoder().encodeToString(n.asText().getBytes(StandardCharsets.UTF_8));
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
