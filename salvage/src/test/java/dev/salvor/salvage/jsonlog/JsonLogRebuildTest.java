package dev.salvor.salvage.jsonlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.salvor.cli.CliRun;
import dev.salvor.cli.ExitCodes;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.Sha256;
import dev.salvor.salvage.rebuild.RebuildTarget;
import dev.salvor.salvage.report.ReportJson;
import dev.salvor.salvage.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rebuild} of hash chains over fixtures/jsonlog (each damaged fixture assembled over {@code clean}, see
 * {@link JsonLogCliTest}): the new chain holds the evidence's events byte for byte up to the first break, in the same
 * files; {@code salvor check} finds it clean; the left-out rows are salvage's rows plus {@code left_out}, and with the
 * events written they are every event salvage gives; the report is salvage's; the evidence is unchanged.
 */
class JsonLogRebuildTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LEFT_OUT_MEMBER = ",\"left_out\":\"";

    @TempDir
    Path tmp;

    /** The fixture as a directory: its base's files, minus {@code removed}, overlaid with its own. */
    private Path assemble(String name) throws IOException {
        return JsonLogFixtures.assemble(name, tmp);
    }

    private static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Sha256.ofFile(p));
            }
        }
        return m;
    }

    /** What one run gave: its report (as JSON, without times and command) and its rows. */
    record Run(JsonNode report, List<String> rows, RebuildTarget target) {
    }

    private static Run salvage(Path input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunReport report = new RunReport("salvage", "t");
        new JsonLogHandler().salvage(SourceSet.of(input), RunContext.defaults(), out, report);
        return new Run(comparable(report), lines(out), null);
    }

    private static Run rebuild(Path input, Path output) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunReport report = new RunReport("rebuild", "t");
        RebuildTarget target = new RebuildTarget(output, out, RebuildTarget.Options.DEFAULT);
        new JsonLogHandler().rebuilder().rebuild(SourceSet.of(input), RunContext.defaults(), target, report);
        return new Run(comparable(report), lines(out), target);
    }

    private static List<String> lines(ByteArrayOutputStream out) {
        String s = out.toString(StandardCharsets.UTF_8);
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    private static JsonNode comparable(RunReport report) throws IOException {
        report.finish();
        ObjectNode n = (ObjectNode) JSON.readTree(ReportJson.toJson(report));
        n.remove(List.of("started_at", "finished_at", "command"));
        return n;
    }

    /** The row's {@code event} member exactly as written. */
    private static String eventText(String row) {
        int from = row.indexOf("\"event\":") + "\"event\":".length();
        return row.substring(from, row.lastIndexOf(",\"chain\":"));
    }

    private static String withoutLeftOut(String row) {
        int at = row.lastIndexOf(LEFT_OUT_MEMBER);
        assertTrue(at > 0 && row.endsWith("\"}"), row);
        return row.substring(0, at) + "}";
    }

    /**
     * Rebuilds the fixture, checks every invariant, and returns the rebuild (its output at tmp/out-NAME).
     *
     * @param written expected events in the new chain
     */
    private Run rebuildAndVerify(Path input, String name, long written) throws IOException {
        Path evidence = Files.isDirectory(input) ? input : input.getParent();
        Map<String, String> before = hashes(evidence);
        Run salvaged = salvage(input);
        Path output = tmp.resolve("out-" + name);
        Run rebuilt = rebuild(input, output);
        assertEquals(before, hashes(evidence), "the evidence is unchanged");
        assertEquals(salvaged.report(), rebuilt.report(), "rebuild reports what salvage reports");

        // Left-out rows are salvage's rows plus left_out; with the events written they are all of salvage's rows.
        Map<String, Object> facts = rebuilt.target().facts();
        assertEquals(written, facts.get("written"), facts.toString());
        assertEquals(salvaged.rows().size() - written, rebuilt.rows().size(), facts.toString());
        List<String> writtenRows = salvaged.rows().subList(0, (int) written);
        assertEquals(salvaged.rows().subList((int) written, salvaged.rows().size()),
                rebuilt.rows().stream().map(JsonLogRebuildTest::withoutLeftOut).toList());
        long leftOut = facts.get("left_out") == null ? 0 : ((Map<?, ?>) facts.get("left_out")).values().stream()
                .mapToLong(v -> (Long) v).sum();
        assertEquals(rebuilt.rows().size(), leftOut);

        if (written == 0) {
            return rebuilt;
        }
        // The new chain checks clean, and its events are the evidence's prefix byte for byte, in the same files.
        CliRun check = CliRun.of("check", output.toString());
        assertEquals(ExitCodes.CLEAN, check.exit(), check.err());
        Run again = salvage(output);
        assertEquals(written, again.rows().size());
        for (int i = 0; i < written; i++) {
            JsonNode was = JSON.readTree(writtenRows.get(i));
            JsonNode now = JSON.readTree(again.rows().get(i));
            assertEquals(eventText(writtenRows.get(i)), eventText(again.rows().get(i)), "event " + i);
            if (Files.isDirectory(input)) {
                assertEquals(was.get("file"), now.get("file"), "event " + i); // a single file is named by its path
            }
            assertEquals(was.get("index"), now.get("index"), "event " + i);
            assertEquals(was.get("chain"), now.get("chain"), now.toString());
            assertTrue(now.get("chain").asText().equals("valid") || now.get("reasons").get(0).asText()
                    .equals("unanchored"), now.toString());
        }
        return rebuilt;
    }

    private static Set<String> leftOutReasons(Run r) {
        Set<String> s = new HashSet<>();
        r.rows().forEach(l -> s.add(l.substring(l.lastIndexOf(LEFT_OUT_MEMBER) + LEFT_OUT_MEMBER.length(),
                l.length() - 2)));
        return s;
    }

    private static void assertSameBytes(Path a, Path b) throws IOException {
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), a + " vs " + b);
    }

    @Test
    void anIntactEventLogIsRebuiltByteForByte() throws IOException {
        Path in = assemble("clean");
        Run r = rebuildAndVerify(in, "clean", 2000);
        assertEquals(hashes(in), hashes(tmp.resolve("out-clean")), "every segment and the snapshot identical");
        assertEquals("copied", r.target().facts().get("snapshot"));
    }

    @ParameterizedTest(name = "{0}: {1} events kept")
    @CsvSource({
            "edited-payload, 1233, segment-000013.json, 13",
            "deleted-entry, 1449, segment-000015.json, 15",
            "duplicated-entry, 321, segment-000004.json, 4",
            "torn-tail, 1999, segment-000020.json, 20",
            "corrupted-suffix, 1999, segment-000020.json, 20",
    })
    void aBrokenEventLogKeepsItsPrefixInItsSegments(String name, long written, String damagedSegment,
                                                    int segments) throws IOException {
        Path in = assemble(name);
        Run r = rebuildAndVerify(in, name, written);
        Path out = tmp.resolve("out-" + name);
        List<String> files = new ArrayList<>(hashes(out).keySet());
        assertEquals(segments + 1, files.size(), files.toString());
        assertTrue(files.contains("event-log-snapshot.json"), files.toString());
        for (String f : files) {
            if (!f.equals(damagedSegment) && !f.equals("event-log-snapshot.json")) {
                assertSameBytes(in.resolve(f), out.resolve(f));
            }
        }
        // The last segment ends where the chain ends, still a JSON array of one event per line.
        String last = Files.readString(out.resolve(damagedSegment), StandardCharsets.UTF_8);
        assertTrue(last.startsWith("[\n{") && last.endsWith("}\n]\n"), last.substring(Math.max(0,
                last.length() - 80)));
        // The snapshot names the new head, with the original's other members.
        JsonNode snap = JSON.readTree(out.resolve("event-log-snapshot.json").toFile());
        @SuppressWarnings("unchecked")
        Map<String, Object> head = (Map<String, Object>) r.target().facts().get("head");
        assertEquals(written, snap.get("total_events").asLong());
        assertEquals(head.get("id"), snap.get("last_event_id").asText());
        assertTrue(snap.get("last_event_id").isNumber());
        assertEquals(head.get("hash"), snap.get("last_current_hash").asText());
        assertTrue(snap.has("state") && snap.has("version"), snap.toString());
        if (name.equals("corrupted-suffix")) {
            assertEquals(Set.of(ChainRebuild.TORN), leftOutReasons(r));
            assertTrue(r.rows().get(0).contains("\"torn\":true"), r.rows().get(0));
        } else if (!name.equals("torn-tail")) {
            assertEquals(Set.of(ChainRebuild.AFTER_BREAK), leftOutReasons(r));
        }
    }

    @Test
    void aPrunedEventLogKeepsItsUnanchoredStartAndItsSnapshot() throws IOException {
        Path in = assemble("pruned");
        Run r = rebuildAndVerify(in, "pruned", 1700);
        assertEquals(hashes(in), hashes(tmp.resolve("out-pruned")));
        assertEquals("copied", r.target().facts().get("snapshot"));
    }

    @Test
    void aDamagedSnapshotIsWrittenAgainForTheHead() throws IOException {
        Path in = assemble("corrupted-snapshot");
        Run r = rebuildAndVerify(in, "corrupted-snapshot", 2000);
        Path out = tmp.resolve("out-corrupted-snapshot");
        assertTrue(String.valueOf(r.target().facts().get("snapshot")).startsWith("rebuilt"));
        JsonNode snap = JSON.readTree(out.resolve("event-log-snapshot.json").toFile());
        JsonNode clean = JSON.readTree(Fixtures.path("jsonlog/clean/event-log-snapshot.json").toFile());
        for (String m : List.of("version", "total_events", "last_event_id", "last_current_hash")) {
            assertEquals(clean.get(m), snap.get(m), m);
        }
    }

    @Test
    void aForgeryCaughtOnlyByTheSnapshotLeavesNothingVerified() throws IOException {
        // Every link verifies, but the snapshot's anchor does not: no event before it was anchored, so no prefix.
        Path in = assemble("edit-rehashed");
        Run r = rebuildAndVerify(in, "edit-rehashed", 0);
        assertEquals(2000, r.rows().size());
        assertEquals("not written (no event in the rebuilt chain)", r.target().facts().get("snapshot"));
        try (Stream<Path> s = Files.list(tmp.resolve("out-edit-rehashed"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void aForgeryBetweenTwoAnchorsKeepsTheChainUpToTheLastMatchingOne() throws IOException {
        // Event 1777 edited and every later hash recomputed: the snapshot's anchor (2000) disagrees; a trusted
        // anchor at 1000 matches, so the chain up to 1000 is all that can be vouched for.
        Path in = assemble("edit-rehashed");
        List<String> seg10 = Files.readAllLines(Fixtures.path("jsonlog/clean/segment-000010.json"));
        JsonNode e1000 = JSON.readTree(seg10.get(seg10.size() - 2));
        assertEquals(1000, e1000.get("id").asInt());
        Path out = tmp.resolve("anchored");
        CliRun r = CliRun.of("rebuild", in.toString(), "-o", out.toString(), "--anchor",
                "1000=" + e1000.get("current_hash").asText());
        assertEquals(ExitCodes.DAMAGE, r.exit(), r.err());
        JsonNode report = JSON.readTree(tmp.resolve("anchored.salvor/report.json").toFile());
        assertEquals(1000, report.get("rebuild").get("written").asLong(), report.get("rebuild").toString());
        assertEquals(1000, report.get("rebuild").get("left_out").get(ChainRebuild.AFTER_BREAK).asLong());
        assertEquals(10, hashes(out).size() - 1, "segments 1-10 and the snapshot");
        JsonNode snap = JSON.readTree(out.resolve("event-log-snapshot.json").toFile());
        assertEquals(1000, snap.get("last_event_id").asInt());
        assertEquals(e1000.get("current_hash"), snap.get("last_current_hash"));
        CliRun check = CliRun.of("check", out.toString());
        assertEquals(ExitCodes.CLEAN, check.exit(), check.err());
    }

    @ParameterizedTest(name = "{0}/{1}: {2} rows kept")
    @CsvSource({
            "ledger, ledger.csv, 60", "ledger, ledger.jsonl, 60", "ledger, ledger.json, 60",
            "ledger-tampered, ledger.csv, 41", "ledger-tampered, ledger.jsonl, 41", "ledger-tampered, ledger.json, 41",
            "ledger-deleted, ledger.csv, 30", "ledger-duplicated, ledger.jsonl, 21",
    })
    void aSingleFileChainKeepsItsPrefixInTheSameKindOfFile(String name, String file, long written)
            throws IOException {
        Path in = Fixtures.path("jsonlog/" + name + "/" + file);
        Path copy = Files.createDirectories(tmp.resolve(name)).resolve(file);
        Files.copy(in, copy);
        Run r = rebuildAndVerify(copy, name + "-" + file, written);
        Path out = tmp.resolve("out-" + name + "-" + file);
        byte[] original = Files.readAllBytes(copy);
        byte[] rebuilt = Files.readAllBytes(out);
        if (name.equals("ledger")) {
            assertArrayEquals(original, rebuilt, "an intact export is rewritten byte for byte");
        } else {
            // The prefix of the original's bytes, up to the last kept event, then the layout's closing.
            String text = new String(rebuilt, StandardCharsets.UTF_8);
            String head = text.substring(0, text.lastIndexOf(file.endsWith(".csv") ? "\n" : "}") + 1);
            assertArrayEquals(head.getBytes(StandardCharsets.UTF_8),
                    java.util.Arrays.copyOf(original, head.getBytes(StandardCharsets.UTF_8).length));
            assertNotEquals(original.length, rebuilt.length);
        }
        assertEquals(file.endsWith(".csv") ? "csv" : file.endsWith(".jsonl") ? "json-lines" : "json-array",
                r.target().facts().get("layout"));
        assertFalse(r.target().facts().containsKey("snapshot"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"clean, 0, 2000, 0", "corrupted-suffix, 1, 1999, 1", "edited-payload, 1, 1233, 767"})
    void theRebuildCommandWritesTheChainAndTheLeftOutBesideIt(String name, int exit, long written, long leftOut)
            throws IOException {
        Path in = assemble(name);
        Map<String, String> before = hashes(in);
        Path out = tmp.resolve("rebuilt-" + name);
        CliRun r = CliRun.of("rebuild", in.toString(), "-o", out.toString());
        assertEquals(exit, r.exit(), r.err());
        assertEquals(before, hashes(in));
        CliRun check = CliRun.of("check", out.toString());
        assertEquals(ExitCodes.CLEAN, check.exit(), check.err());
        Path sidecar = tmp.resolve("rebuilt-" + name + ".salvor");
        assertEquals(leftOut, Files.readAllLines(sidecar.resolve("left-out.jsonl")).size());
        JsonNode report = JSON.readTree(sidecar.resolve("report.json").toFile());
        assertEquals(written, report.get("rebuild").get("written").asLong(), report.get("rebuild").toString());
        JsonNode salvaged = JSON.readTree(CliRun.of("salvage", "--json", in.toString(), "-o",
                tmp.resolve("s-" + name + ".jsonl").toString()).out());
        assertEquals(salvaged.get("totals"), report.get("totals"));
    }

    /** The first {@code n} events of the clean fixture, each as its line's bytes (without the array's comma). */
    private static List<String> cleanEvents(int n) throws IOException {
        List<String> lines = Files.readAllLines(Fixtures.path("jsonlog/clean/segment-000001.json"));
        List<String> events = new ArrayList<>();
        for (String l : lines.subList(1, n + 1)) {
            events.add(l.endsWith(",") ? l.substring(0, l.length() - 1) : l);
        }
        return events;
    }

    @Test
    void unusualFramingIsNormalisedAndEventsKeptExactly() throws IOException {
        // A BOM before an array, an empty segment, JSON Lines with CRLF and garbage that hid no event, a segment with
        // spaces around its commas: the chain is intact; the rebuilt segments drop what is not framing.
        List<String> e = cleanEvents(6);
        Path in = Files.createDirectory(tmp.resolve("odd"));
        Files.write(in.resolve("segment-000001.json"), concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                ("[\n" + e.get(0) + " ,\n" + e.get(1) + "\n]\n").getBytes(StandardCharsets.UTF_8)));
        Files.writeString(in.resolve("segment-000002.json"), "[ ]\n");
        Files.writeString(in.resolve("segment-000003.jsonl"), e.get(2) + "\r\nnot json at all\n" + e.get(3) + "\r\n",
                StandardCharsets.UTF_8);
        Files.writeString(in.resolve("segment-000004.json"), "[" + e.get(4) + " , " + e.get(5) + "]",
                StandardCharsets.UTF_8);
        Run r = rebuildAndVerify(in, "odd", 6);
        Path out = tmp.resolve("out-odd");
        assertEquals("[\n" + e.get(0) + " ,\n" + e.get(1) + "\n]\n",
                Files.readString(out.resolve("segment-000001.json")));
        assertSameBytes(in.resolve("segment-000002.json"), out.resolve("segment-000002.json"));
        assertEquals(e.get(2) + "\n" + e.get(3) + "\r\n", Files.readString(out.resolve("segment-000003.jsonl")));
        assertSameBytes(in.resolve("segment-000004.json"), out.resolve("segment-000004.json"));
        assertEquals("none (the original has none)", r.target().facts().get("snapshot"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void aSnapshotWithStringIdsKeepsItsTypes() throws IOException {
        byte[] original = ("{\"version\": 2,\n \"last_event_id\": \"41\", \"total_events\": \"9\",\n"
                + " \"state\": {\"last_event_id\": 5},\n \"last_current_hash\": \"" + "a".repeat(64) + "\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        dev.salvor.formats.jsonlog.Snapshot parsed = dev.salvor.formats.jsonlog.Snapshot.read(
                dev.salvor.formats.core.ByteSource.of("s", original), d -> { });
        SnapshotRewriter.Result r = SnapshotRewriter.rewrite(original, parsed,
                new SnapshotRewriter.Head("7", "b".repeat(64), 7));
        assertEquals("rewritten", r.how());
        assertEquals(List.of("state"), r.keptMembers());
        assertEquals("{\"version\": 2,\n \"last_event_id\": \"7\", \"total_events\": \"7\",\n"
                + " \"state\": {\"last_event_id\": 5},\n \"last_current_hash\": \"" + "b".repeat(64) + "\"}\n",
                new String(r.bytes(), StandardCharsets.UTF_8));
    }

    /**
     * Random damage to a three-segment log (bytes flipped, a range zeroed, a file cut short, garbage inserted, seeded):
     * whatever survives, the rebuild never fails, keeps every invariant of {@link #rebuildAndVerify}, and what it
     * writes checks clean.
     */
    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void randomDamageNeverYieldsAChainThatDoesNotCheck(long seed) throws IOException {
        java.util.Random rnd = new java.util.Random(seed);
        Path in = Files.createDirectory(tmp.resolve("random-" + seed));
        for (int i = 1; i <= 3; i++) {
            String f = String.format("segment-%06d.json", i);
            Files.copy(Fixtures.path("jsonlog/clean/" + f), in.resolve(f));
        }
        Path victim = in.resolve(String.format("segment-%06d.json", 1 + rnd.nextInt(3)));
        byte[] b = Files.readAllBytes(victim);
        int at = rnd.nextInt(b.length);
        switch ((int) (seed % 4)) {
            case 0 -> {
                for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> java.util.Arrays.fill(b, at, Math.min(b.length, at + 1 + rnd.nextInt(600)), (byte) 0);
            case 2 -> b = java.util.Arrays.copyOf(b, at);
            default -> b = concat(concat(java.util.Arrays.copyOf(b, at), "}{\"x\":[,\n".getBytes(
                    StandardCharsets.US_ASCII)), java.util.Arrays.copyOfRange(b, at, b.length));
        }
        Files.write(victim, b);
        long prefix = salvage(in).rows().stream().takeWhile(l -> l.contains("\"chain\":\"valid\"")).count();
        Run r = rebuild(in, tmp.resolve("probe-" + seed));
        long written = (Long) r.target().facts().get("written");
        assertTrue(written <= prefix, "written " + written + " of a valid run of " + prefix);
        rebuildAndVerify(in, "random-" + seed, written);
    }

    @Test
    void theLeftOutRowsNameTheirReasonAndKeepTheirChainStatus() throws IOException {
        Path in = assemble("edited-payload");
        Run r = rebuild(in, tmp.resolve("out"));
        Map<String, Long> byChain = new LinkedHashMap<>();
        for (String l : r.rows()) {
            JsonNode row = JSON.readTree(l);
            assertEquals(ChainRebuild.AFTER_BREAK, row.get("left_out").asText());
            byChain.merge(row.get("chain").asText(), 1L, Long::sum);
        }
        assertEquals(Map.of("broken", 2L, "valid", 765L), byChain);
        JsonNode first = JSON.readTree(r.rows().get(0));
        assertEquals(1234, first.get("event").get("id").asInt());
        assertEquals(List.of("hash-mismatch"), List.of(first.get("reasons").get(0).asText()));
    }
}
