package dev.salvor.salvage.rebuild;

import dev.salvor.salvage.OutputTarget;
import dev.salvor.salvage.report.OutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OUTPUT appears only when everything is in place; nothing is left behind otherwise; nothing is replaced. */
class RebuildStagingTest {
    @TempDir
    Path tmp;

    @Test
    void commitRenamesTheSidecarThenTheDatabase() throws IOException {
        Path out = tmp.resolve("new.db");
        List<OutputFile> files;
        try (RebuildStaging s = RebuildStaging.open(out, List.of())) {
            Files.writeString(s.database(), "db");
            s.leftOut().write("{\"left_out\":\"deleted\"}\n".getBytes(StandardCharsets.UTF_8));
            assertFalse(Files.exists(out), "nothing under OUTPUT's name before commit");
            files = s.commit("{}".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("db", Files.readString(out));
        assertEquals("{\"left_out\":\"deleted\"}\n", Files.readString(tmp.resolve("new.db.salvor/left-out.jsonl")));
        assertEquals("{}", Files.readString(tmp.resolve("new.db.salvor/report.json")));
        assertEquals(List.of("database", "left-out", "report"), files.stream().map(OutputFile::role).toList());
        assertEquals(out.toString(), files.get(0).path());
        assertEquals(List.of("new.db", "new.db.salvor"), list(tmp), "no staging directory left");
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws IOException {
        Path out = tmp.resolve("dir-db");
        try (RebuildStaging s = RebuildStaging.open(out, List.of())) {
            Files.createDirectories(s.database());
            Files.writeString(s.database().resolve("CURRENT"), "MANIFEST-000002\n");
        }
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void neverReplacesAnythingNorWritesIntoTheEvidence() throws IOException {
        Path existing = Files.writeString(tmp.resolve("old.db"), "x");
        assertThrows(OutputTarget.Refused.class, () -> RebuildStaging.open(existing, List.of()));
        Files.createDirectory(tmp.resolve("b.db.salvor"));
        assertThrows(OutputTarget.Refused.class, () -> RebuildStaging.open(tmp.resolve("b.db"), List.of()));
        Path evidence = Files.createDirectory(tmp.resolve("evidence"));
        assertThrows(OutputTarget.Refused.class, () -> RebuildStaging.open(evidence.resolve("out"), List.of(evidence)));
        assertEquals("x", Files.readString(existing));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
