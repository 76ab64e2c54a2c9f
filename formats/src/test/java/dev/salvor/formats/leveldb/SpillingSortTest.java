package dev.salvor.formats.leveldb;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.core.SpillStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logs too large for the in-memory buffer are sorted through runs in the spill store with the same records. */
class SpillingSortTest {

    /** Keeps runs in memory and counts the runs created and released. */
    private static final class CountingStore implements SpillStore {
        int created;
        int released;

        @Override
        public Run create() {
            created++;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            return new Run() {
                @Override
                public OutputStream output() {
                    return bytes;
                }

                @Override
                public InputStream input() {
                    return new ByteArrayInputStream(bytes.toByteArray());
                }

                @Override
                public void close() {
                    released++;
                }
            };
        }
    }

    /** Every record the salvager emits, one line each, with every field of the entry and its copies. */
    private static String salvage(Path db, long buffer, SpillStore store, List<String> notes) throws IOException {
        LevelDbSalvager s = new LevelDbSalvager(LevelDbLayout.of(SourceSet.of(db)), Limits.DEFAULT, store, buffer, 1);
        StringBuilder out = new StringBuilder();
        HexFormat hex = HexFormat.of();
        s.run((e, state, copies, maybeStale) -> {
            out.append(describe(e, hex)).append(' ').append(state.id()).append(maybeStale ? " maybe_stale" : "");
            for (Entry c : copies) {
                out.append(" copy ").append(c.file()).append('@').append(c.offset()).append(' ').append(c.unit().id());
            }
            out.append('\n');
        }, b -> { });
        notes.addAll(s.notes());
        return out.toString();
    }

    private static String describe(Entry e, HexFormat hex) {
        return e.file() + "@" + e.offset() + " " + e.unit().id() + "+" + e.offsetInBlock() + " L" + e.level() + " seq "
                + e.sequence() + " " + e.type() + " " + hex.formatHex(e.userKey()) + "="
                + (e.value() == null ? "-" : hex.formatHex(e.value())) + " crc " + e.crcOk();
    }

    @Test
    void spilledRunsGiveTheSameRecordsAsMemory() throws IOException {
        Path db = Fixtures.path("leveldb/open-log/db");
        List<String> memNotes = new ArrayList<>();
        List<String> spillNotes = new ArrayList<>();
        CountingStore unused = new CountingStore();
        CountingStore spill = new CountingStore();
        String inMemory = salvage(db, 1L << 30, unused, memNotes);
        String spilled = salvage(db, 4096, spill, spillNotes);
        assertTrue(!inMemory.isEmpty());
        assertEquals(inMemory, spilled);
        assertTrue(memNotes.isEmpty(), memNotes.toString());
        assertEquals(0, unused.created, "nothing spilled under the bound");
        assertTrue(spillNotes.stream().anyMatch(n -> n.contains("runs through temporary files")), spillNotes.toString());
        assertTrue(spill.created > 0, "runs spilled past the bound");
        assertEquals(spill.created, spill.released, "every run is released");
    }
}
