package dev.salvor.formats.sqlite;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.UnitMap;
import dev.salvor.formats.core.UnitSink;
import dev.salvor.formats.core.UnitState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The maps the SQLite check and salvage draw of real databases (fixtures/sqlite): the destroyed interior page of
 * garbage-interior, the torn frame of wal-torn, the pages a WAL or a hot journal holds newer versions of.
 */
class SqliteUnitMapTest {

    /** One result per file of the database (with its WAL or journal when present), maps filled by the engine. */
    private static Map<String, FileResult> run(String fixture, boolean salvage) throws IOException {
        Path db = Fixtures.path("sqlite/" + fixture);
        Path walPath = db.resolveSibling(db.getFileName() + "-wal");
        Path journalPath = db.resolveSibling(db.getFileName() + "-journal");
        Map<String, FileResult> results = new LinkedHashMap<>();
        try (ByteSource d = ByteSource.open(db);
             ByteSource w = Files.exists(walPath) ? ByteSource.open(walPath) : null;
             ByteSource j = Files.exists(journalPath) ? ByteSource.open(journalPath) : null) {
            for (ByteSource s : new ByteSource[] {d, w, j}) {
                if (s != null) {
                    results.put(s.name(), new FileResult(s.name(), "sqlite", s == d ? "database" : "log", s.size()));
                }
            }
            DamageSink damage = x -> results.getOrDefault(x.resource(), results.get(d.name())).addDamage(x);
            UnitSink units = (res, off, len, st) -> results.get(res).map().mark(off, len, st);
            if (salvage) {
                new SqliteSalvager().salvage(d, w, j, damage, row -> { }, units);
            } else {
                new SqliteChecker().check(d, w, j, damage, units);
            }
        }
        return results;
    }

    private static FileResult named(Map<String, FileResult> results, String suffix) {
        return results.values().stream().filter(r -> r.file().endsWith(suffix)).findFirst().orElseThrow();
    }

    private static UnitState stateAt(UnitMap map, long offset) {
        return map.runs().stream().filter(r -> r.offset() <= offset && offset < r.end()).map(UnitMap.Run::state)
                .findFirst().orElse(null);
    }

    private static long bytes(UnitMap map, UnitState state) {
        return map.bytesByState()[state.ordinal()];
    }

    private static long unmarked(UnitMap map) {
        return map.bytesByState()[UnitState.values().length];
    }

    @ParameterizedTest(name = "salvage={0}")
    @ValueSource(booleans = {false, true})
    void theDestroyedInteriorPageIsDamagedAndTheOtherTreesVerified(boolean salvage) throws IOException {
        FileResult r = named(run("garbage-interior/garbage-interior.db", salvage), "garbage-interior.db");
        UnitMap map = r.mapWithDamages();
        // page 2 (1024-byte pages): the people table's root interior page, overwritten with garbage
        assertEquals(List.of(new UnitMap.Run(1024, 1024, UnitState.DAMAGED)), map.runs().stream()
                .filter(x -> x.offset() < 2048 && x.end() > 1024).toList());
        assertEquals(UnitState.VERIFIED, stateAt(map, 0), "the schema page");
        assertEquals(0, unmarked(map), "every page has a state");
        assertTrue(bytes(map, UnitState.VERIFIED) >= 20 * 1024, map.runs().toString());
        if (salvage) {
            // the leaves under the destroyed page are orphans (no tree reaches them), not damage of their own
            assertEquals(1024, bytes(map, UnitState.DAMAGED));
            assertEquals(UnitState.UNVERIFIED, stateAt(map, 7168));
        } else {
            // the check names every page no tree reaches: they are damaged
            assertEquals(UnitState.DAMAGED, stateAt(map, 7168));
        }
    }

    @ParameterizedTest(name = "salvage={0}")
    @ValueSource(booleans = {false, true})
    void aTornWalFrameIsDamagedAndTheCommittedFramesVerified(boolean salvage) throws IOException {
        Map<String, FileResult> results = run("wal-torn/wal-torn.db", salvage);
        FileResult wal = named(results, "-wal");
        assertEquals(List.of(new UnitMap.Run(0, 0x15218, UnitState.VERIFIED),
                new UnitMap.Run(0x15218, wal.size() - 0x15218, UnitState.DAMAGED)), wal.mapWithDamages().runs());
    }

    @ParameterizedTest(name = "salvage={0}")
    @ValueSource(booleans = {false, true})
    void pagesWhoseCurrentVersionIsInTheWalAreUnverifiedInTheDatabase(boolean salvage) throws IOException {
        Map<String, FileResult> results = run("wal/wal.db", salvage);
        FileResult db = named(results, "wal.db");
        FileResult wal = named(results, "-wal");
        Map<Long, Integer> current;
        try (ByteSource w = ByteSource.open(Path.of(wal.file()))) {
            current = WalReader.read(w, 4096, DamageSink.IGNORE).currentFrames();
        }
        assertTrue(current.size() > 1);
        UnitMap map = db.mapWithDamages();
        for (long n = 1; n <= db.size() / 4096; n++) {
            UnitState s = stateAt(map, (n - 1) * 4096);
            if (current.containsKey(n)) {
                assertEquals(UnitState.UNVERIFIED, s, "page " + n);
            } else {
                assertTrue(s == UnitState.VERIFIED || s == UnitState.FREE, "page " + n + ": " + s);
            }
        }
        UnitMap frames = wal.mapWithDamages();
        assertEquals(UnitState.VERIFIED, stateAt(frames, 0));
        assertEquals(0, bytes(frames, UnitState.DAMAGED));
        assertEquals(0, unmarked(frames), "every frame has a state");
    }

    @ParameterizedTest(name = "salvage={0}")
    @ValueSource(booleans = {false, true})
    void pagesAHotJournalRestoresAreUnverifiedAndItsRecordsVerified(boolean salvage) throws IOException {
        Map<String, FileResult> results = run("journal/journal.db", salvage);
        FileResult db = named(results, "journal.db");
        FileResult journal = named(results, "-journal");
        RollbackJournal j;
        try (ByteSource s = ByteSource.open(Path.of(journal.file()))) {
            j = RollbackJournal.read(s, 1024, DamageSink.IGNORE);
            assertTrue(j.isHot());
            for (RollbackJournal.PageRecord rec : j.records()) {
                assertEquals(UnitState.VERIFIED, stateAt(journal.mapWithDamages(), rec.offset()));
                assertEquals(UnitState.UNVERIFIED, stateAt(db.mapWithDamages(), (rec.pageNumber() - 1) * 1024),
                        "page " + rec.pageNumber());
            }
        }
    }
}
