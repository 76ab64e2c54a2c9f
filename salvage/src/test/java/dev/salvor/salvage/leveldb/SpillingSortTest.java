package dev.salvor.salvage.leveldb;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.leveldb.LevelDbLayout;
import dev.salvor.formats.leveldb.LevelDbSalvager;
import dev.salvor.salvage.TempFileSpillStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logs too large for the in-memory buffer are sorted through temporary files with the same JSON Lines output, and the
 * files are deleted afterwards.
 */
class SpillingSortTest {

    private static String salvage(Path db, long buffer, List<String> notes) throws IOException {
        LevelDbSalvager s = new LevelDbSalvager(LevelDbLayout.of(SourceSet.of(db)), Limits.DEFAULT,
                new TempFileSpillStore(), buffer, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonLinesRecordSink sink = new JsonLinesRecordSink(out)) {
            s.run(sink, b -> { });
        }
        notes.addAll(s.notes());
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void spilledRunsGiveTheSameRecordsAsMemory() throws IOException {
        Path db = Fixtures.path("leveldb/open-log/db");
        long tmpBefore;
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            tmpBefore = s.filter(p -> p.getFileName().toString().startsWith("salvor-run-")).count();
        }
        List<String> memNotes = new java.util.ArrayList<>();
        List<String> spillNotes = new java.util.ArrayList<>();
        String inMemory = salvage(db, 1L << 30, memNotes);
        String spilled = salvage(db, 4096, spillNotes);
        assertEquals(inMemory, spilled);
        assertTrue(memNotes.isEmpty(), memNotes.toString());
        assertTrue(spillNotes.stream().anyMatch(n -> n.contains("runs through temporary files")), spillNotes.toString());
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(tmpBefore, s.filter(p -> p.getFileName().toString().startsWith("salvor-run-")).count(),
                    "temporary runs are deleted");
        }
    }
}
