package dev.salvor.salvage.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.CliRun;
import dev.salvor.cli.ExitCodes;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backup's own rules: consistency, rotation, refusals, names; and image. */
class BackupTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path source() throws IOException {
        Path s = tmp.resolve("src");
        Files.createDirectories(s.resolve("sub"));
        Files.writeString(s.resolve("a.txt"), "alpha\n");
        Files.writeString(s.resolve("sub/b.txt"), "bravo\n");
        return s;
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    /** Appends to a file whenever a phase named {@code phase} starts, for the first {@code times} times. */
    private static ProgressListener writerDuring(String phase, Path file, int times, AtomicInteger count) {
        return new ProgressListener() {
            @Override
            public void phase(String name, long totalBytes) {
                if (name.equals(phase) && count.getAndIncrement() < times) {
                    try {
                        Files.writeString(file, "written during the backup\n", StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }

            @Override
            public void done(long bytes) {
            }
        };
    }

    @Test
    void aFileChangingOnceIsReadAgainAndTheBackupIsConsistent() throws IOException {
        Path s = source();
        AtomicInteger n = new AtomicInteger();
        Backup.Result r = Backup.run(Backup.Options.of(s, tmp.resolve("out"))
                .withProgress(writerDuring("writing", s.resolve("a.txt"), 1, n)));
        assertEquals(2, r.attempts());
        assertTrue(r.notes().get(0).contains("a.txt grew"), r.notes().toString());
        // The archive holds the state read the second time, which is the state now.
        Path t = tmp.resolve("t");
        Restore.run(Restore.Options.of(r.archive(), t));
        Trees.assertSameTree(s, t);
        assertEquals(List.of(r.archive().getFileName().toString(), r.manifestFile().getFileName().toString())
                .stream().sorted().toList(), Trees.list(tmp.resolve("out")), "no leftover from the discarded attempt");
    }

    @Test
    void aFileThatKeepsChangingFailsTheBackupAndLeavesNothing() throws IOException {
        Path s = source();
        AtomicInteger n = new AtomicInteger();
        BackupException e = assertThrows(BackupException.class, () -> Backup.run(Backup.Options.of(s,
                tmp.resolve("out")).withProgress(writerDuring("writing", s.resolve("sub/b.txt"), 2, n))));
        assertEquals(BackupException.Kind.SOURCE_CHANGED, e.kind());
        assertTrue(e.getMessage().contains("consistent or it is nothing"), e.getMessage());
        assertTrue(e.getMessage().contains("sub/b.txt"), e.getMessage());
        assertEquals(List.of(), Trees.list(tmp.resolve("out")), "no archive, no manifest, no temporary file");
    }

    @Test
    void aFileAppearingDuringTheBackupIsAChangeToo() throws IOException {
        Path s = source();
        AtomicInteger n = new AtomicInteger();
        ProgressListener adder = new ProgressListener() {
            @Override
            public void phase(String name, long totalBytes) {
                if (name.equals("writing")) {
                    try {
                        Files.writeString(s.resolve("new-" + n.incrementAndGet() + ".ldb"), "x");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }

            @Override
            public void done(long bytes) {
            }
        };
        BackupException e = assertThrows(BackupException.class,
                () -> Backup.run(Backup.Options.of(s, tmp.resolve("out")).withProgress(adder)));
        assertEquals(BackupException.Kind.SOURCE_CHANGED, e.kind());
        assertTrue(e.getMessage().contains("appeared"), e.getMessage());
    }

    @Test
    void sourceChangingExitsWith3ViaTheCli() throws IOException {
        // Through the CLI: a source that cannot be read is exit 3, with one line.
        CliRun r = CliRun.of("backup", tmp.resolve("nope").toString(), "-o", tmp.resolve("out").toString());
        assertEquals(ExitCodes.UNREADABLE, r.exit(), r.err());
        assertTrue(r.err().contains("no such file or directory"), r.err());
    }

    @Test
    void keepRemovesOnlyOlderBackupsOfTheSameLabelAfterTheNewOneIsVerified() throws IOException {
        Path s = source();
        Path out = tmp.resolve("out");
        Backup.Options o = Backup.Options.of(s, out).withLabel("db");
        List<Path> made = new ArrayList<>();
        for (String t : List.of("2025-12-20T10:00:00Z", "2025-12-21T10:00:00Z", "2025-12-22T10:00:00Z")) {
            made.add(Backup.run(o.withClock(at(t))).archive());
        }
        Path other = Backup.run(o.withLabel("other").withClock(at("2025-12-19T10:00:00Z"))).archive();
        // An archive of this label whose manifest was lost is not provably ours: left alone.
        Path orphan = out.resolve("db-20251201-100000.tar.gz");
        Files.copy(made.get(0), orphan);
        Files.writeString(out.resolve("db-notes.txt"), "not a backup\n");

        Backup.Result r = Backup.run(o.withKeep(2).withClock(at("2025-12-23T10:00:00Z")));
        assertEquals("db-20251223-100000.tar.gz", r.archive().getFileName().toString());
        assertEquals(java.util.Set.of(made.get(0), ArchiveReader.besidePath(made.get(0)), made.get(1),
                ArchiveReader.besidePath(made.get(1))), java.util.Set.copyOf(r.removed()));
        assertTrue(r.notes().stream().anyMatch(n -> n.contains(orphan.getFileName().toString())
                && n.contains("no manifest")), r.notes().toString());
        assertEquals(List.of("db-20251201-100000.tar.gz", "db-20251222-100000.manifest.json",
                "db-20251222-100000.tar.gz", "db-20251223-100000.manifest.json", "db-20251223-100000.tar.gz",
                "db-notes.txt", ArchiveReader.besidePath(other).getFileName().toString(),
                other.getFileName().toString()).stream().sorted().toList(), Trees.list(out));
    }

    @Test
    void twoBackupsInTheSameSecondNeverOverwriteEachOther() throws IOException {
        Path s = source();
        Backup.Options o = Backup.Options.of(s, tmp.resolve("out")).withClock(at("2025-12-23T10:00:00Z"));
        Backup.Result a = Backup.run(o);
        Files.writeString(s.resolve("a.txt"), "changed\n");
        Backup.Result b = Backup.run(o);
        assertEquals("backup-src-20251223-100000.tar.gz", a.archive().getFileName().toString());
        assertEquals("backup-src-20251223-100000-2.tar.gz", b.archive().getFileName().toString());
        assertEquals("backup-src-20251223-100000-2.manifest.json", b.manifestFile().getFileName().toString());
        assertTrue(ArchiveReader.verify(a.archive(), x -> { }).intact());
        assertTrue(ArchiveReader.verify(b.archive(), x -> { }).intact());
    }

    @Test
    void anOutputThatCannotBeWrittenIsAnIoErrorNotABug() throws IOException {
        Path s = source();
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        CliRun r = CliRun.of("backup", s.toString(), "-o", file.toString());
        assertEquals(ExitCodes.UNREADABLE, r.exit(), r.err());
        assertTrue(r.err().startsWith("salvor: I/O error: "), r.err());
        assertTrue(r.err().contains("no archive was published"), r.err());
    }

    @Test
    void outputInsideTheSourceIsRefused() throws IOException {
        Path s = source();
        CliRun r = CliRun.of("backup", s.toString(), "-o", s.resolve("backups").toString());
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("inside the source"), r.err());
        assertFalse(Files.exists(s.resolve("backups")));
    }

    @Test
    void namesRestoreWouldRefuseAreRefusedAtBackupTime() throws IOException {
        Path s = source();
        Files.writeString(s.resolve("back\\slash.txt"), "x");
        CliRun r = CliRun.of("backup", s.toString(), "-o", tmp.resolve("out").toString());
        assertEquals(ExitCodes.UNREADABLE, r.exit(), r.err());
        assertTrue(r.err().contains("backslash"), r.err());
        assertFalse(Files.exists(tmp.resolve("out")) && !Trees.list(tmp.resolve("out")).isEmpty());

        Files.delete(s.resolve("back\\slash.txt"));
        Files.writeString(s.resolve("A.TXT"), "other\n"); // beside a.txt: one would overwrite the other elsewhere
        CliRun c = CliRun.of("backup", s.toString(), "-o", tmp.resolve("out").toString());
        assertEquals(ExitCodes.UNREADABLE, c.exit(), c.err());
        assertTrue(c.err().contains("case folding"), c.err());
    }

    @Test
    void badLabelAndKeepAreUsageErrors() throws IOException {
        Path s = source();
        assertEquals(ExitCodes.USAGE, CliRun.of("backup", s.toString(), "-o", tmp.resolve("o").toString(),
                "--label", "../x").exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("backup", s.toString(), "-o", tmp.resolve("o").toString(),
                "--keep", "0").exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("backup", s.toString()).exit(), "-o is required");
    }

    @Test
    void restoreRefusesALinkTargetAndATargetHoldingTheArchive() throws IOException {
        Path s = source();
        Backup.Result b = Backup.run(Backup.Options.of(s, tmp.resolve("out")));
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        CliRun r = CliRun.of("restore", b.archive().toString(), link.toString());
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("symbolic link"), r.err());
        assertEquals(List.of(), Trees.list(real));

        Map<String, String> before = Trees.snapshot(tmp.resolve("out"));
        CliRun r2 = CliRun.of("restore", b.archive().toString(), tmp.resolve("out").toString(), "--force");
        assertEquals(ExitCodes.USAGE, r2.exit(), r2.err());
        assertTrue(r2.err().contains("archive lies inside it"), r2.err());
        assertEquals(before, Trees.snapshot(tmp.resolve("out")));
    }

    @Test
    void restoreOverAFileTargetOnlyWithForceAndItIsKept() throws IOException {
        Path s = source();
        Backup.Result b = Backup.run(Backup.Options.of(s, tmp.resolve("out")));
        Path t = tmp.resolve("t");
        Files.writeString(t, "a file where the directory should go\n");
        assertEquals(ExitCodes.USAGE, CliRun.of("restore", b.archive().toString(), t.toString()).exit());
        CliRun r = CliRun.of("restore", b.archive().toString(), t.toString(), "--force", "--json");
        assertEquals(ExitCodes.CLEAN, r.exit(), r.err());
        Path aside = Path.of(JSON.readTree(r.out()).get("aside").asText());
        assertEquals("a file where the directory should go\n", Files.readString(aside));
        Trees.assertSameTree(s, t);
    }

    @Test
    void backupJsonAndVerifyJsonNameTheSameArchive() throws IOException {
        Path s = source();
        CliRun b = CliRun.of("backup", s.toString(), "-o", tmp.resolve("out").toString(), "--json");
        assertEquals(ExitCodes.CLEAN, b.exit(), b.err());
        JsonNode bj = JSON.readTree(b.out());
        assertEquals("unchecked", bj.get("check_verdict").asText());
        assertEquals(2, bj.get("files").asInt());
        CliRun v = CliRun.of("verify-backup", bj.get("archive").asText(), "--json");
        JsonNode vj = JSON.readTree(v.out());
        assertEquals(bj.get("archive_sha256").asText(), vj.get("archive_sha256").asText());
        assertEquals(Trees.sha256(Files.readAllBytes(Path.of(bj.get("archive").asText()))),
                vj.get("archive_sha256").asText());
        assertEquals(bj.get("archive_size").asLong(), Files.size(Path.of(bj.get("archive").asText())));
    }

    @Test
    void verifyReportsMissingExtraAndChangedTogether() throws IOException {
        Map<String, byte[]> listed = Archives.files("a.txt", "alpha\n", "b.txt", "bravo\n", "c.txt", "charlie\n");
        Path arch = tmp.resolve("x.tar.gz");
        Files.write(arch, Archives.tarGz(List.of(Archives.Entry.manifest(Archives.manifest(listed, List.of("d"))),
                Archives.Entry.file("a.txt", "ALPHA\n"), Archives.Entry.file("c.txt", "charlie\n"),
                Archives.Entry.file("e.txt", "echo\n")), true));
        CliRun v = CliRun.of("verify-backup", arch.toString(), "--json");
        assertEquals(ExitCodes.DAMAGE, v.exit(), v.err());
        JsonNode j = JSON.readTree(v.out());
        assertEquals("mismatch", j.get("verdict").asText());
        assertEquals("[\"b.txt\",\"d/\"]", j.get("missing").toString());
        assertEquals("[\"e.txt\"]", j.get("extra").toString());
        assertEquals("a.txt", j.get("changed").get(0).get("path").asText());
        assertEquals(Trees.sha256("ALPHA\n".getBytes(StandardCharsets.UTF_8)),
                j.get("changed").get(0).get("actual_sha256").asText());
        assertEquals(1, j.get("files_verified").asInt());
    }

    @Test
    void verifyOfAMissingArchiveIsExit3() {
        CliRun v = CliRun.of("verify-backup", tmp.resolve("none.tar.gz").toString());
        assertEquals(ExitCodes.UNREADABLE, v.exit(), v.err());
    }

    @Test
    void imageIsBitExactWithItsManifestAndNeverOverwrites() throws IOException {
        Path src = Fixtures.path("sqlite/wal/wal.db");
        Path img = tmp.resolve("img/disk.img");
        CliRun r = CliRun.of("image", src.toString(), "-o", img.toString(), "--json");
        assertEquals(ExitCodes.CLEAN, r.exit(), r.err());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(img));
        JsonNode m = JSON.readTree(tmp.resolve("img/disk.manifest.json").toFile());
        assertEquals("salvor-image", m.get("format").asText());
        assertEquals(Trees.sha256(Files.readAllBytes(src)), m.get("sha256").asText());
        assertEquals(Files.size(src), m.get("size").asLong());
        assertEquals("file", m.get("source_kind").asText());
        assertEquals(List.of("disk.img", "disk.manifest.json"), Trees.list(tmp.resolve("img")));

        CliRun again = CliRun.of("image", src.toString(), "-o", img.toString());
        assertEquals(ExitCodes.USAGE, again.exit(), again.err());
        assertTrue(again.err().contains("never overwritten"), again.err());

        assertEquals(ExitCodes.CLEAN, CliRun.of("verify-backup", img.toString()).exit());
        byte[] b = Files.readAllBytes(img);
        b[4096] ^= 1;
        Files.write(img, b);
        CliRun bad = CliRun.of("verify-backup", img.toString());
        assertEquals(ExitCodes.DAMAGE, bad.exit(), bad.err());
        assertTrue(bad.err().contains("image sha256: actual="), bad.err());
    }

    @Test
    void imageOfADirectoryOrNothingIsRefused() {
        assertEquals(ExitCodes.UNREADABLE, CliRun.of("image", tmp.toString(), "-o", tmp.resolve("x.img")
                .toString()).exit());
        assertEquals(ExitCodes.UNREADABLE, CliRun.of("image", tmp.resolve("none").toString(), "-o",
                tmp.resolve("y.img").toString()).exit());
    }

    @Test
    void imageOfACharacterDeviceReadsToItsEnd() throws IOException {
        // /dev/null: a device with no content; the image is empty and the manifest says it is a device.
        Path dev = Path.of("/dev/null");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(dev));
        Path img = tmp.resolve("null.img");
        CliRun r = CliRun.of("image", dev.toString(), "-o", img.toString(), "--json");
        assertEquals(ExitCodes.CLEAN, r.exit(), r.err());
        assertEquals(0, Files.size(img));
        JsonNode j = JSON.readTree(r.out());
        assertEquals("character-device", j.get("source_kind").asText());
        assertEquals(Trees.sha256(new byte[0]), j.get("sha256").asText());
    }
}
