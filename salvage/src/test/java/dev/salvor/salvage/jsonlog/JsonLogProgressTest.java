package dev.salvor.salvage.jsonlog;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.ProgressCounter;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.salvage.PhaseRecorder;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.report.RunReport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress of hash-chained logs and ledgers: check reads the event files once ({@code chain}), salvage twice
 * ({@code chain}, then {@code rows}); each reading counts every byte of every event file, file by file and within a
 * file as its events go by, on one thread or several.
 */
class JsonLogProgressTest {

    private static List<SourceSet.Member> eventFiles(SourceSet input) throws IOException {
        return ChainInput.of(input, Path.of(input.name())).eventFiles();
    }

    private static long eventBytes(SourceSet input) throws IOException {
        return eventFiles(input).stream().mapToLong(SourceSet.Member::size).sum();
    }

    /** More than one count is due when there are several event files, or one longer than a reporting step. */
    private static boolean severalSteps(SourceSet input) throws IOException {
        return eventFiles(input).size() > 1 || eventBytes(input) > ProgressCounter.STEP;
    }

    @ParameterizedTest
    @CsvSource({"clean,1", "clean,2", "torn-tail,1", "corrupted-suffix,2", "ledger/ledger.jsonl,1",
            "ledger/ledger.csv,2", "ledger/ledger.json,1"})
    void checkCountsOneReading(String fixture, int threads) throws IOException {
        SourceSet input = SourceSet.of(Fixtures.path("jsonlog/" + fixture));
        PhaseRecorder rec = new PhaseRecorder();
        new JsonLogHandler().check(input, new RunContext(Limits.DEFAULT, threads, rec), new RunReport("check", "t"));
        assertEquals(List.of(JsonLogHandler.CHAIN_PHASE), rec.names());
        PhaseRecorder.Phase chain = rec.phase(JsonLogHandler.CHAIN_PHASE).assertComplete(severalSteps(input));
        assertEquals(eventBytes(input), chain.total());
    }

    @ParameterizedTest
    @CsvSource({"clean,1", "clean,2", "torn-tail,2", "ledger/ledger.csv,1"})
    void salvageCountsTheVerificationThenTheRows(String fixture, int threads) throws IOException {
        SourceSet input = SourceSet.of(Fixtures.path("jsonlog/" + fixture));
        PhaseRecorder rec = new PhaseRecorder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new JsonLogHandler().salvage(input, new RunContext(Limits.DEFAULT, threads, rec), out,
                new RunReport("salvage", "t"));
        assertTrue(out.size() > 0);
        assertEquals(List.of(JsonLogHandler.CHAIN_PHASE, JsonLogHandler.ROWS_PHASE), rec.names());
        for (PhaseRecorder.Phase p : rec.phases()) {
            p.assertComplete(severalSteps(input));
            assertEquals(eventBytes(input), p.total());
        }
    }
}
