package dev.salvor.salvage;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.salvage.report.InputStatus;
import dev.salvor.salvage.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The custody fingerprints when the before-hashes run beside the engines: the same SHA-256 as a hash taken alone
 * before the run, and a file written between the listing and the end of the run is still caught.
 */
class PipelineCustodyTest {
    @TempDir
    Path tmp;

    private static Pipeline.Request request(boolean rehash, Path... inputs) {
        return new Pipeline.Request("check", "test", List.of(inputs), List.of(), null, null, Map.of(), Limits.DEFAULT,
                2, rehash, Map.of());
    }

    @Test
    void concurrentBeforeHashesAreTheFilesSha256() throws IOException {
        Path db = Fixtures.path("leveldb/snappy/db");
        Path sqlite = Fixtures.path("sqlite/basic/basic.db");
        try (Pipeline p = Pipeline.prepare(request(true, db, sqlite))) {
            RunReport r = p.run(Verb.CHECK, dev.salvor.formats.core.Progress.NONE);
            assertFalse(r.inputs().isEmpty());
            for (InputFile f : r.inputs()) {
                assertNotNull(f.sha256(), f.name());
                assertEquals(Sha256.ofFile(f.path()), f.sha256(), f.name() + ": the before-hash is the file's");
                assertEquals(InputFile.fingerprint(f.path(), f.name()).sha256(), f.sha256(), f.name());
                assertEquals(f.sha256(), f.sha256After(), f.name());
                assertFalse(f.changedDuringRun(), f.name());
            }
            assertFalse(r.notes().stream().anyMatch(n -> n.startsWith("INPUT CHANGED")), r.notes().toString());
        }
    }

    @Test
    void aFileGrownAfterListingIsInputChangedDuringTheRun() throws IOException {
        Path db = copy(Fixtures.path("leveldb/snappy/db"), tmp.resolve("db"));
        try (Pipeline p = Pipeline.prepare(request(true, db))) {
            Path log = onlyLog(db);
            Files.write(log, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
            RunReport r = p.run(Verb.CHECK, dev.salvor.formats.core.Progress.NONE);
            assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("INPUT CHANGED DURING THE RUN: "
                    + log.getFileName())), r.notes().toString());
            assertTrue(r.anyInputChanged());
            assertEquals(InputStatus.DAMAGED, r.status().worst(InputStatus.DAMAGED));
        }
    }

    @Test
    void aSameSizeWriteTheBeforeHashMaySeeIsCaughtByItsModificationTime() throws IOException {
        Path file = tmp.resolve("basic.db");
        Files.copy(Fixtures.path("sqlite/basic/basic.db"), file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_600_000_000_000L));
        try (Pipeline p = Pipeline.prepare(request(true, file))) {
            byte[] b = Files.readAllBytes(file);
            b[b.length - 1] ^= 0x5a; // the last page's last byte: same size
            Files.write(file, b);
            Files.setLastModifiedTime(file, FileTime.fromMillis(1_600_000_100_000L));
            RunReport r = p.run(Verb.CHECK, dev.salvor.formats.core.Progress.NONE);
            String note = r.notes().stream().filter(n -> n.startsWith("INPUT CHANGED DURING THE RUN")).findFirst()
                    .orElse(null);
            assertNotNull(note, "written while the run read: " + r.notes());
            assertTrue(r.status() != InputStatus.CLEAN, r.status().toString());
        }
    }

    @Test
    void withoutRehashAWriteIsCaughtBySizeOrModificationTime() throws IOException {
        Path file = tmp.resolve("basic.db");
        Files.copy(Fixtures.path("sqlite/basic/basic.db"), file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_600_000_000_000L));
        try (Pipeline p = Pipeline.prepare(request(false, file))) {
            Files.setLastModifiedTime(file, FileTime.fromMillis(1_600_000_100_000L));
            RunReport r = p.run(Verb.CHECK, dev.salvor.formats.core.Progress.NONE);
            assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("INPUT CHANGED DURING THE RUN")),
                    r.notes().toString());
            assertNotNull(r.inputs().get(0).sha256(), "the before-hash is still taken");
        }
    }

    private static Path onlyLog(Path db) throws IOException {
        try (Stream<Path> s = Files.list(db)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : s.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }
}
