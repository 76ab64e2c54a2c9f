package dev.salvor.salvage;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.leveldb.LevelDbChecker;
import dev.salvor.formats.leveldb.LevelDbSalvager;
import dev.salvor.formats.sqlite.SqliteChecker;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The phases of a whole run as the progress line sees them: each engine's phases (named with the input's number when
 * there are several), what is left of the before-hashes taken meanwhile, the inputs hashed again; each counting up to
 * exactly its total.
 */
class PipelineProgressTest {

    private static Pipeline.Request request(String command, boolean rehash, Path... inputs) {
        return new Pipeline.Request(command, "test", List.of(inputs), List.of(), null, null, Map.of(), Limits.DEFAULT,
                2, rehash, Map.of());
    }

    @Test
    void checkHashesVerifiesAndRehashes() throws IOException {
        PhaseRecorder rec = new PhaseRecorder();
        Pipeline pipeline = Pipeline.prepare(request("check", true, Fixtures.path("leveldb/open-log/db")), rec);
        pipeline.run(Verb.CHECK, rec);
        assertEquals(List.of(LevelDbChecker.PHASE, Fingerprinter.HASH_PHASE, Fingerprinter.REHASH_PHASE),
                rec.names());
        assertEquals(pipeline.totalBytes(), rec.phase(Fingerprinter.HASH_PHASE).assertComplete(false).total());
        assertEquals(pipeline.totalBytes(), rec.phase(Fingerprinter.REHASH_PHASE).assertComplete(true).total());
        rec.phase(LevelDbChecker.PHASE).assertComplete(true);
    }

    @Test
    void severalInputsNameTheirPhasesByNumber() throws IOException {
        PhaseRecorder rec = new PhaseRecorder();
        Pipeline pipeline = Pipeline.prepare(request("check", true, Fixtures.path("leveldb/snappy/db"),
                Fixtures.path("sqlite/basic/basic.db")), rec);
        pipeline.run(Verb.CHECK, rec);
        assertEquals(List.of(LevelDbChecker.PHASE + " 1/2", SqliteChecker.WALK_PHASE + " 2/2",
                Fingerprinter.HASH_PHASE, Fingerprinter.REHASH_PHASE), rec.names());
        rec.phases().stream().filter(p -> !p.name().equals(Fingerprinter.HASH_PHASE))
                .forEach(p -> p.assertComplete(true));
        rec.phase(Fingerprinter.HASH_PHASE).assertComplete(false);
    }

    @Test
    void salvageWithoutRehashHasNoRehashPhase() throws IOException {
        PhaseRecorder rec = new PhaseRecorder();
        Pipeline pipeline = Pipeline.prepare(request("salvage", false, Fixtures.path("leveldb/open-log/db")), rec);
        pipeline.run(Verb.salvage(new ByteArrayOutputStream()), rec);
        assertEquals(List.of(LevelDbSalvager.LOGS_PHASE, LevelDbSalvager.OPEN_PHASE, LevelDbSalvager.MERGE_PHASE,
                Fingerprinter.HASH_PHASE), rec.names());
        rec.phase(Fingerprinter.HASH_PHASE).assertComplete(false);
        rec.phase(LevelDbSalvager.LOGS_PHASE).assertComplete(false);
        rec.phase(LevelDbSalvager.OPEN_PHASE).assertComplete(true);
        rec.phase(LevelDbSalvager.MERGE_PHASE).assertComplete(true);
    }
}
