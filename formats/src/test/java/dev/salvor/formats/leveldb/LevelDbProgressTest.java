package dev.salvor.formats.leveldb;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.RecordingProgress;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.core.SpillStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress of the LevelDB checker and salvager on databases written by the real engine (and damaged copies): every
 * phase counts up to exactly the bytes of the files it reads, as it reads them (no file's bytes in one jump with
 * another's, none left for the end).
 */
class LevelDbProgressTest {

    private static LevelDbLayout layout(String fixture) throws IOException {
        return LevelDbLayout.of(SourceSet.of(Fixtures.path("leveldb/" + fixture + "/db")));
    }

    private static long bytes(LevelDbLayout layout, FileRole role) {
        return layout.files(role).stream().mapToLong(LevelDbFile::size).sum();
    }

    private static long largest(LevelDbLayout layout) {
        return layout.files().stream().filter(f -> f.role().holdsData()).mapToLong(LevelDbFile::size).max()
                .orElse(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"open-log", "snappy", "footer-zeroed", "log-bad-crc", "zeroed-4k"})
    void checkCountsEveryTableLogAndManifestAsItVerifiesThem(String fixture) throws IOException {
        LevelDbLayout layout = layout(fixture);
        RecordingProgress rec = new RecordingProgress();
        new LevelDbChecker(layout, Limits.DEFAULT, 2).run(rec);
        assertEquals(List.of(LevelDbChecker.PHASE), rec.names());
        RecordingProgress.Phase p = rec.phase(LevelDbChecker.PHASE).assertComplete(true);
        assertEquals(bytes(layout, FileRole.TABLE) + bytes(layout, FileRole.LOG) + bytes(layout, FileRole.MANIFEST),
                p.total());
        assertTrue(p.largestStep() <= largest(layout), "no more than one file at a time: " + p.counts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"open-log", "snappy", "footer-zeroed", "log-bad-crc", "torn-log-tail"})
    void salvageReadsTheLogsThenMergesTablesAndLogEntries(String fixture) throws IOException {
        LevelDbLayout layout = layout(fixture);
        RecordingProgress rec = new RecordingProgress();
        long[] records = {0};
        new LevelDbSalvager(layout, Limits.DEFAULT, new MemoryStore(), LevelDbSalvager.LOG_BUFFER_BYTES, 2)
                .run((e, state, copies, stale) -> records[0]++, rec);
        assertTrue(records[0] > 0);
        assertEquals(List.of(LevelDbSalvager.LOGS_PHASE, LevelDbSalvager.OPEN_PHASE, LevelDbSalvager.MERGE_PHASE),
                rec.names());
        RecordingProgress.Phase logs = rec.phase(LevelDbSalvager.LOGS_PHASE).assertComplete(false);
        assertEquals(bytes(layout, FileRole.MANIFEST) + bytes(layout, FileRole.LOG), logs.total());
        RecordingProgress.Phase opening = rec.phase(LevelDbSalvager.OPEN_PHASE)
                .assertComplete(layout.files(FileRole.TABLE).size() > 1);
        assertEquals(bytes(layout, FileRole.TABLE), opening.total());
        assertEquals(layout.files(FileRole.TABLE).size(), opening.counts().size(), "table by table");
        RecordingProgress.Phase merge = rec.phase(LevelDbSalvager.MERGE_PHASE).assertComplete(true);
        assertEquals(bytes(layout, FileRole.TABLE) + bytes(layout, FileRole.LOG), merge.total());
        assertTrue(merge.largestStep() <= largest(layout), "no more than one file at a time: " + merge.counts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"open-log", "snappy"})
    void spilledLogEntriesAreCountedAsTheMergeTakesThem(String fixture) throws IOException {
        LevelDbLayout layout = layout(fixture);
        RecordingProgress rec = new RecordingProgress();
        LevelDbSalvager s = new LevelDbSalvager(layout, Limits.DEFAULT, new MemoryStore(), 4096, 1);
        s.run((e, state, copies, stale) -> { }, rec);
        rec.phase(LevelDbSalvager.LOGS_PHASE).assertComplete(false);
        rec.phase(LevelDbSalvager.OPEN_PHASE).assertComplete(true);
        rec.phase(LevelDbSalvager.MERGE_PHASE).assertComplete(true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"open-log"})
    void aLogOfManyBlocksIsCountedBlockByBlock(String fixture) throws IOException {
        LevelDbLayout layout = layout(fixture);
        LevelDbFile log = layout.files(FileRole.LOG).get(0);
        assertTrue(log.size() > 2 * 32768, "a log of several 32 KiB blocks: " + log.size());
        RecordingProgress rec = new RecordingProgress();
        new LevelDbSalvager(layout, Limits.DEFAULT, new MemoryStore(), LevelDbSalvager.LOG_BUFFER_BYTES, 1)
                .run((e, state, copies, stale) -> { }, rec);
        RecordingProgress.Phase logs = rec.phase(LevelDbSalvager.LOGS_PHASE).assertComplete(true);
        assertTrue(logs.largestStep() < log.size(), "the log is counted before its end: " + logs.counts());
    }

    /** Keeps spilled runs in memory. */
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
