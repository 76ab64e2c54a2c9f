package dev.salvor.formats.leveldb;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.core.SpillStore;
import dev.salvor.formats.core.UnitMap;
import dev.salvor.formats.core.UnitState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The map of each LevelDB file, from check and from salvage of a real database whose 2nd data block of 000013.ldb has
 * one byte flipped (fixtures/leveldb/flipped-data-block: block at 3434, 3377 bytes + 5-byte trailer): that block is
 * damaged and every other byte of the table (data, filter, metaindex and index blocks, footer) is verified; the log
 * and the MANIFEST are verified records end to end.
 */
class LevelDbUnitMapTest {
    private static final Path DB = Fixtures.path("leveldb/flipped-data-block/db");
    private static final long BLOCK = 3434;
    private static final long BLOCK_END = 3434 + 3377 + 5;
    private static final long TABLE_SIZE = 15272;

    private static List<UnitMap.Run> expectedTable() {
        return List.of(new UnitMap.Run(0, BLOCK, UnitState.VERIFIED),
                new UnitMap.Run(BLOCK, BLOCK_END - BLOCK, UnitState.DAMAGED),
                new UnitMap.Run(BLOCK_END, TABLE_SIZE - BLOCK_END, UnitState.VERIFIED));
    }

    @Test
    void checkMarksTheFlippedBlockDamagedAndEverythingElseVerified() throws IOException {
        List<FileResult> results = new LevelDbChecker(LevelDbLayout.of(SourceSet.of(DB)), Limits.DEFAULT, 2)
                .run(done -> { });
        Map<String, FileResult> byName = results.stream().collect(Collectors.toMap(FileResult::file, r -> r));
        FileResult table = byName.get("000013.ldb");
        assertEquals(expectedTable(), table.map().runs(), "the engine's own marks");
        assertEquals(expectedTable(), table.mapWithDamages().runs());
        for (String clean : List.of("000005.ldb", "000007.ldb", "000015.ldb")) {
            FileResult r = byName.get(clean);
            assertEquals(List.of(new UnitMap.Run(0, r.size(), UnitState.VERIFIED)), r.mapWithDamages().runs(), clean);
        }
        assertWholeFileVerified(byName.get("000014.log"));
        assertWholeFileVerified(byName.get("MANIFEST-000002"));
        assertTrue(byName.get("LOG").map().runs().isEmpty(), "the text info log holds no unit");
    }

    @Test
    void salvageDrawsTheSameMap() throws IOException {
        LevelDbSalvager s = new LevelDbSalvager(LevelDbLayout.of(SourceSet.of(DB)), Limits.DEFAULT, new MemoryStore(),
                LevelDbSalvager.LOG_BUFFER_BYTES, 2);
        s.run((e, state, copies, maybeStale) -> { }, done -> { });
        Map<String, FileResult> byName = s.results().values().stream()
                .collect(Collectors.toMap(FileResult::file, r -> r));
        assertEquals(expectedTable(), byName.get("000013.ldb").mapWithDamages().runs());
        assertWholeFileVerified(byName.get("000014.log"));
    }

    /** Records from the first byte to the end (a log's last block is partial: no trailer, no tail). */
    private static void assertWholeFileVerified(FileResult r) {
        List<UnitMap.Run> runs = r.mapWithDamages().runs();
        assertEquals(UnitState.VERIFIED, runs.get(0).state(), r.file());
        assertEquals(0, runs.get(0).offset(), r.file());
        long verified = runs.stream().filter(x -> x.state() == UnitState.VERIFIED).mapToLong(UnitMap.Run::length)
                .sum();
        long free = runs.stream().filter(x -> x.state() == UnitState.FREE).mapToLong(UnitMap.Run::length).sum();
        assertEquals(r.size(), verified + free, r.file() + ": " + runs);
        assertTrue(runs.stream().noneMatch(x -> x.state() == UnitState.DAMAGED), r.file());
    }

    /** Spill runs kept in memory (nothing spills at this size). */
    private static final class MemoryStore implements SpillStore {
        @Override
        public Run create() {
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
                }
            };
        }
    }
}
