package dev.salvor.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.fixtures.FuzzCorpus;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes the whole CLI: {@code salvor salvage DIR} on a database directory built from the fuzzer's bytes
 * ({@link FuzzDirectory}; seeds are the real fixture databases). Invariants in {@link CliInvariants}: exit 0, 1 or
 * 3 with a one-line reason, never 4; stdout valid JSON Lines; plus: the input directory is byte-for-byte unchanged.
 * {@code salvageLevelDbRegression} replays {@code fixtures/fuzz/cli-salvage-leveldb/} in every build.
 */
class CliFuzzTest {

    /** The limit on blocks/records held in memory during fuzzing (MiB; the default is 64). */
    static final String MAX_BLOCK_MIB = "4";

    @FuzzTest
    @Timeout(20) // class loading and JIT make the first runs slow; a real hang still stops here
    void salvageLevelDb(byte[] data) throws IOException {
        Path tmp = Files.createTempDirectory("salvor-fuzz-");
        try {
            Path db = Files.createDirectory(tmp.resolve("db"));
            FuzzDirectory.write(FuzzDirectory.decode(data), db);
            Map<String, String> before = FuzzDirectory.fingerprint(db);
            CliInvariants.Run r = CliInvariants.run("salvage", db.toString(), "--threads", "1", "--no-progress",
                    "--max-block-mib", MAX_BLOCK_MIB);
            CliInvariants.checkSalvage(r);
            assertEquals(before, FuzzDirectory.fingerprint(db), "the evidence directory changed");
        } finally {
            FuzzDirectory.delete(tmp);
        }
    }

    static Stream<Object[]> salvageLevelDbInputs() {
        return FuzzCorpus.cases("cli-salvage-leveldb");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("salvageLevelDbInputs")
    @Timeout(20)
    void salvageLevelDbRegression(String name, byte[] data) throws IOException {
        salvageLevelDb(data);
    }
}
