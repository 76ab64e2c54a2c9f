package dev.salvor.formats.sqlite;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.RecordingProgress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress of the SQLite checker and salvager on databases written by the real engine (with a WAL, a hot journal,
 * damaged copies): every phase counts page by page up to exactly its total, and the estimate of the walk (every page
 * not on the freelist) leaves little to count when the walk ends.
 */
class SqliteProgressTest {

    /** The database, its WAL and journal when present (null otherwise). */
    private record Files3(ByteSource db, ByteSource wal, ByteSource journal) implements AutoCloseable {
        static Files3 of(String fixture) throws IOException {
            Path db = Fixtures.path("sqlite/" + fixture);
            Path wal = db.resolveSibling(db.getFileName() + "-wal");
            Path journal = db.resolveSibling(db.getFileName() + "-journal");
            return new Files3(ByteSource.open(db), Files.exists(wal) ? ByteSource.open(wal) : null,
                    Files.exists(journal) ? ByteSource.open(journal) : null);
        }

        int pageSize() {
            byte[] h = db.read(16, 2);
            int v = (h[0] & 0xff) << 8 | (h[1] & 0xff);
            return v == 1 ? 65536 : v;
        }

        long logBytes() {
            return (wal == null ? 0 : wal.size()) + (journal == null ? 0 : journal.size());
        }

        List<String> logPhase() {
            return logBytes() > 0 ? List.of(SqliteDatabase.LOG_PHASE) : List.of();
        }

        @Override
        public void close() throws IOException {
            db.close();
            if (wal != null) {
                wal.close();
            }
            if (journal != null) {
                journal.close();
            }
        }
    }

    /** {@code intact}: the trees reach every page the estimate counts (a damaged tree leaves pages unreached). */
    @ParameterizedTest
    @CsvSource({"basic/basic.db,true", "carving/carving.db,true", "p512-utf16le/p512-utf16le.db,true",
            "wal/wal.db,true", "journal/journal.db,true", "garbage-interior/garbage-interior.db,false",
            "truncated/truncated.db,false"})
    void checkWalksPageByPage(String fixture, boolean intact) throws IOException {
        try (Files3 f = Files3.of(fixture)) {
            RecordingProgress rec = new RecordingProgress();
            new SqliteChecker(Limits.DEFAULT).check(f.db(), f.wal(), f.journal(), DamageSink.IGNORE, rec);
            List<String> expected = new ArrayList<>(f.logPhase());
            expected.add(SqliteChecker.WALK_PHASE);
            assertEquals(expected, rec.names());
            if (f.logBytes() > 0) {
                assertEquals(f.logBytes(), rec.phase(SqliteDatabase.LOG_PHASE).assertComplete(false).total());
            }
            RecordingProgress.Phase walk = rec.phase(SqliteChecker.WALK_PHASE).assertComplete(true);
            if (intact) {
                assertTrue(walk.largestStep() <= Math.max(walk.total() / 4, f.pageSize()), "counted page by page: "
                        + walk.counts());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"basic/basic.db,true", "carving/carving.db,true", "p512-utf16le/p512-utf16le.db,true",
            "wal/wal.db,true", "journal/journal.db,true", "garbage-interior/garbage-interior.db,false",
            "dropped-merged/dropped-merged.db,true"})
    void salvageWalksThenReadsFreePagesThenEmitsRows(String fixture, boolean intact) throws IOException {
        try (Files3 f = Files3.of(fixture)) {
            RecordingProgress rec = new RecordingProgress();
            long[] rows = {0};
            new SqliteSalvager(Limits.DEFAULT).salvage(f.db(), f.wal(), f.journal(), DamageSink.IGNORE,
                    r -> rows[0]++, rec);
            assertTrue(rows[0] > 0);
            List<String> expected = new ArrayList<>(f.logPhase());
            expected.addAll(List.of(SqliteSalvager.WALK_PHASE, SqliteSalvager.FREE_PAGES_PHASE,
                    SqliteSalvager.ROWS_PHASE));
            assertEquals(expected, rec.names());
            for (RecordingProgress.Phase p : rec.phases()) {
                p.assertComplete(!p.name().equals(SqliteDatabase.LOG_PHASE));
                if (intact && !p.name().equals(SqliteDatabase.LOG_PHASE)) {
                    assertTrue(p.largestStep() <= Math.max(p.total() / 4, f.pageSize()), p.name()
                            + " counted as it goes: " + p.counts());
                }
            }
        }
    }
}
