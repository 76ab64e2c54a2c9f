package dev.salvor.salvage.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.CliRun;
import dev.salvor.cli.ExitCodes;
import dev.salvor.fixtures.Fixtures;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 001 §6.1, the seven scenarios of the EventLog cold backup, against the committed event-log fixture
 * ({@code fixtures/jsonlog/clean}: 2000 events in 20 segments plus the snapshot) and its ground truth
 * ({@code expected.json}, written by the fixture's independent generator). Archives and manifests are read back
 * with the JDK's gzip and Jackson's tree model, not with salvor's reader.
 */
class SeedScenariosTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A copy of the event log (segments and snapshot, without the fixture's expected.json). */
    private Path eventLog() throws IOException {
        Path src = Fixtures.path("jsonlog/clean");
        Path dst = Files.createDirectories(tmp.resolve("data/event-log"));
        try (var s = Files.list(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().equals("expected.json")) {
                    Files.copy(p, dst.resolve(p.getFileName().toString()));
                }
            }
        }
        return dst;
    }

    private static JsonNode expected() throws IOException {
        return Fixtures.json(Fixtures.path("jsonlog/clean/expected.json"));
    }

    private Path backup(Path source) {
        return backup(source, "backup-eventlog");
    }

    private Path backup(Path source, String label) {
        List<String> args = new ArrayList<>(List.of("backup", source.toString(), "-o", tmp.resolve("backups")
                .toString(), "--label", label));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(ExitCodes.CLEAN, r.exit(), r.err());
        Path archive = Path.of(r.out().strip());
        assertTrue(Files.isRegularFile(archive), r.out());
        return archive;
    }

    private static JsonNode restore(Path archive, Path target, int exit, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("restore", archive.toString(), target.toString(), "--json"));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(exit, r.exit(), r.err());
        return JSON.readTree(r.out());
    }

    /** Seed 001 §6.2 corruptFile(): the last 10 characters become "CORRUPTED!". */
    private static void corruptFile(Path p) throws IOException {
        String content = Files.readString(p, StandardCharsets.UTF_8);
        Files.writeString(p, content.substring(0, content.length() - 10) + "CORRUPTED!", StandardCharsets.UTF_8);
    }

    /** Every tar entry in order: name → bytes, read with the JDK's gzip and Commons Compress directly. */
    private static Map<String, byte[]> entries(Path archive, List<String> order) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                order.add(e.getName());
                m.put(e.getName(), tar.readAllBytes());
            }
        }
        return m;
    }

    private static Map<String, String> shaOfFiles(Path root) {
        Map<String, String> m = new TreeMap<>(Trees.snapshot(root));
        m.values().removeIf(v -> v.equals("dir"));
        return m;
    }

    @Test
    void scenario1_basicBackupOfAnEventLogWithEvents() throws IOException {
        Path log = eventLog();
        Path archive = backup(log);
        assertTrue(archive.getFileName().toString().matches("backup-eventlog-\\d{8}-\\d{6}\\.tar\\.gz"),
                archive.toString());

        List<String> order = new ArrayList<>();
        Map<String, byte[]> entries = entries(archive, order);
        assertEquals("manifest.json", order.get(0), "the manifest is the first entry");
        JsonNode m = JSON.readTree(entries.get("manifest.json"));
        assertEquals(1, m.get("version").asInt());
        assertTrue(m.get("created_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), m.get("created_at").asText());
        assertEquals(log.toAbsolutePath().toString(), m.get("source").asText());

        // Every file of the source, each with its own size and SHA-256, and nothing else.
        Map<String, String> listed = new TreeMap<>();
        for (JsonNode f : m.get("files")) {
            listed.put(f.get("path").asText(), f.get("sha256").asText());
            assertEquals(Files.size(log.resolve(f.get("path").asText())), f.get("size").asLong());
            assertTrue(f.hasNonNull("mtime"));
        }
        assertEquals(shaOfFiles(log), listed);
        assertEquals(listed.size() + 1, order.size());

        // Seed 001 §3.2's summary, against the fixture generator's own figures.
        JsonNode exp = expected();
        JsonNode s = m.get("eventlog_summary");
        assertEquals(exp.get("events").asLong(), s.get("total_events").asLong());
        assertEquals(20, s.get("total_segments").asInt());
        assertEquals("1", s.get("first_event_id").asText());
        assertEquals(exp.get("last_good").get("id").asText(), s.get("last_event_id").asText());
        assertEquals(exp.get("last_good").get("hash").asText(), s.get("last_current_hash").asText());
        assertTrue(s.get("snapshot_exists").asBoolean());
        assertTrue(m.get("chain_valid_at_backup").asBoolean());
        assertEquals("clean", m.get("check").get("verdict").asText());

        // The same manifest beside the archive, byte for byte.
        assertArrayEquals(entries.get("manifest.json"), Files.readAllBytes(ArchiveReader.besidePath(archive)));
        assertEquals(List.of(archive.getFileName().toString(), ArchiveReader.besidePath(archive).getFileName()
                .toString()).stream().sorted().toList(), Trees.list(tmp.resolve("backups")));
    }

    @Test
    void scenario2_backupOfAnEmptyEventLog() throws IOException {
        // The EventLog before its first event: one empty segment and a snapshot of nothing.
        Path log = Files.createDirectories(tmp.resolve("data/event-log"));
        Files.writeString(log.resolve("segment-000001.json"), "[]\n");
        Files.writeString(log.resolve("event-log-snapshot.json"),
                "{\"version\":1,\"total_events\":0,\"last_event_id\":null,\"last_current_hash\":null}\n");
        Path archive = backup(log);
        JsonNode m = JSON.readTree(Files.readAllBytes(ArchiveReader.besidePath(archive)));
        assertEquals(0, m.get("eventlog_summary").get("total_events").asLong());
        assertTrue(m.get("eventlog_summary").get("last_current_hash").isNull());
        assertTrue(m.get("chain_valid_at_backup").asBoolean());
        Path target = tmp.resolve("restored");
        JsonNode r = restore(archive, target, ExitCodes.CLEAN);
        assertTrue(r.get("restored").asBoolean());
        Trees.assertSameTree(log, target);

        // And a directory with nothing at all: an archive holding only its manifest, restored to an empty dir.
        Path empty = Files.createDirectories(tmp.resolve("data/nothing"));
        Path a2 = backup(empty, "nothing");
        JsonNode m2 = JSON.readTree(Files.readAllBytes(ArchiveReader.besidePath(a2)));
        assertEquals(0, m2.get("files").size());
        assertEquals("unchecked", m2.get("check").get("verdict").asText());
        Path t2 = tmp.resolve("restored-nothing");
        restore(a2, t2, ExitCodes.CLEAN);
        assertTrue(Files.isDirectory(t2));
        assertEquals(List.of(), Trees.list(t2));
    }

    @Test
    void scenario3_manifestChecksumsMatch() throws IOException {
        Path log = eventLog();
        Path archive = backup(log);
        CliRun v = CliRun.of("verify-backup", archive.toString(), "--json");
        assertEquals(ExitCodes.CLEAN, v.exit(), v.err());
        JsonNode j = JSON.readTree(v.out());
        assertEquals("intact", j.get("verdict").asText());
        assertEquals(21, j.get("files_verified").asInt());
        assertEquals("identical", j.get("manifest_beside").asText());

        // Each archive entry hashes (JDK) to what the manifest says.
        Map<String, byte[]> entries = entries(archive, new ArrayList<>());
        JsonNode m = JSON.readTree(entries.get("manifest.json"));
        for (JsonNode f : m.get("files")) {
            assertEquals(f.get("sha256").asText(), Trees.sha256(entries.get(f.get("path").asText())));
        }

        // A changed manifest beside the archive is a mismatch: exit 1, named.
        Path beside = ArchiveReader.besidePath(archive);
        String text = Files.readString(beside);
        String sha = m.get("files").get(3).get("sha256").asText();
        Files.writeString(beside, text.replace(sha, "0".repeat(64)));
        CliRun bad = CliRun.of("verify-backup", archive.toString());
        assertEquals(ExitCodes.DAMAGE, bad.exit(), bad.err());
        assertTrue(bad.err().contains("differs from the one inside it"), bad.err());
    }

    @Test
    void scenario4_corruptedSegmentRestoredToAValidChain() throws IOException {
        Path log = eventLog();
        Map<String, String> original = Trees.snapshot(log);
        Path archive = backup(log);
        corruptFile(log.resolve("segment-000007.json"));
        assertNotEquals(ExitCodes.CLEAN, CliRun.of("check", log.toString()).exit(), "the corruption is visible");

        Path target = tmp.resolve("restored");
        JsonNode r = restore(archive, target, ExitCodes.CLEAN);
        assertEquals(original, Trees.snapshot(target), "restored byte for byte as backed up");
        JsonNode chk = r.get("checks").get(0);
        assertEquals("clean", chk.get("verdict").asText());
        assertTrue(chk.get("summary").get("chain_valid").asBoolean());
        assertEquals(expected().get("events").asLong(), chk.get("summary").get("events").asLong());
        assertEquals(ExitCodes.CLEAN, CliRun.of("check", target.toString()).exit());
    }

    @Test
    void scenario5_corruptedSnapshotRestoredToAValidOne() throws IOException {
        Path log = eventLog();
        Map<String, String> original = Trees.snapshot(log);
        Path archive = backup(log);
        corruptFile(log.resolve("event-log-snapshot.json"));
        assertNotEquals(ExitCodes.CLEAN, CliRun.of("check", log.toString()).exit(), "the corruption is visible");

        Path target = tmp.resolve("restored");
        JsonNode r = restore(archive, target, ExitCodes.CLEAN);
        assertEquals(original, Trees.snapshot(target));
        JsonNode snap = JSON.readTree(target.resolve("event-log-snapshot.json").toFile());
        assertEquals(expected().get("last_good").get("hash").asText(), snap.get("last_current_hash").asText());
        assertEquals("clean", r.get("checks").get(0).get("verdict").asText());
    }

    @Test
    void scenario6_restoreAndOperate_theEventLogTakesTheNextEvent() throws IOException {
        Path log = eventLog();
        Path archive = backup(log);
        Path target = tmp.resolve("restored");
        restore(archive, target, ExitCodes.CLEAN);

        // The orchestrator appends event 2001 after the restored head. Its hash is computed here independently:
        // SHA-256 of the RFC 8785 form (members sorted, no whitespace) of the event without current_hash.
        String head = expected().get("last_good").get("hash").asText();
        String canonical = "{\"id\":2001,\"payload\":{\"note\":\"after restore\"},\"previous_hash\":\"" + head
                + "\",\"ts\":1766450001,\"type\":\"EPISODIO\"}";
        String hash = Trees.sha256(canonical.getBytes(StandardCharsets.UTF_8));
        String event = "{\"id\":2001,\"ts\":1766450001,\"type\":\"EPISODIO\",\"payload\":{\"note\":\"after restore\"},"
                + "\"previous_hash\":\"" + head + "\",\"current_hash\":\"" + hash + "\"}";
        Files.writeString(target.resolve("segment-000021.json"), "[\n" + event + "\n]\n");

        CliRun c = CliRun.of("check", target.toString(), "--json");
        assertEquals(ExitCodes.CLEAN, c.exit(), c.err());
        JsonNode chain = JSON.readTree(c.out()).get("chains").get(0);
        assertTrue(chain.get("intact").asBoolean());
        assertEquals(2001, chain.get("events").asLong());
        assertEquals("2001", chain.get("head").get("id").asText());
        assertEquals(hash, chain.get("head").get("hash").asText());
    }

    @Test
    void scenario7_restoreIntoACleanDirectory() throws IOException {
        Path log = eventLog();
        Path archive = backup(log);

        // A new directory, parents included, with no previous data.
        Path target = tmp.resolve("elsewhere/new/event-log");
        JsonNode r = restore(archive, target, ExitCodes.CLEAN);
        assertTrue(r.get("aside").isNull());
        Trees.assertSameTree(log, target);

        // An existing empty directory is a clean directory too.
        Path empty = Files.createDirectories(tmp.resolve("empty-target"));
        restore(archive, empty, ExitCodes.CLEAN);
        Trees.assertSameTree(log, empty);

        // Not clean: refused without --force, untouched.
        Files.writeString(target.resolve("operator-notes.txt"), "do not lose me\n");
        Map<String, String> before = Trees.snapshot(tmp);
        CliRun refused = CliRun.of("restore", archive.toString(), target.toString());
        assertEquals(ExitCodes.USAGE, refused.exit(), refused.err());
        assertTrue(refused.err().contains("--force"), refused.err());
        assertEquals(before, Trees.snapshot(tmp));

        // With --force the old content moves aside, whole, and nothing is deleted.
        Map<String, String> old = Trees.snapshot(target);
        JsonNode f = restore(archive, target, ExitCodes.CLEAN, "--force");
        Path aside = Path.of(f.get("aside").asText());
        assertTrue(aside.getFileName().toString().matches("event-log\\.salvor-aside-\\d{8}-\\d{6}"), aside.toString());
        assertEquals(old, Trees.snapshot(aside));
        Trees.assertSameTree(log, target);
        assertFalse(Files.exists(target.resolve("operator-notes.txt")));
    }
}
