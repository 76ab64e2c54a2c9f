package dev.salvor.salvage.backup;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.cli.CliRun;
import dev.salvor.fixtures.FuzzCorpus;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the restore archive reader through the CLI: the fuzzer's bytes are an archive; {@code verify-backup} and
 * {@code restore} must end with exit 0, 1, 2 or 3 (never 4, never an escaped exception), print one-line reasons
 * without a stack trace, and a refused restore (exit 3) must leave no target behind. Seeds and findings live in
 * {@code fixtures/fuzz/restore-archive/} and are replayed in every build by {@link #restoreArchiveRegression}.
 */
class RestoreArchiveFuzzTest {
    private static final Set<Integer> ALLOWED = Set.of(0, 1, 2, 3);

    @FuzzTest
    @Timeout(20)
    void restoreArchive(byte[] data) throws IOException {
        Path tmp = Files.createTempDirectory("salvor-fuzz-restore-");
        try {
            Path archive = tmp.resolve("fuzz.tar.gz");
            Files.write(archive, data);
            CliRun v = CliRun.of("verify-backup", "--no-progress", archive.toString());
            assertTrue(ALLOWED.contains(v.exit()), "verify-backup exit " + v.exit() + ": " + v.err());
            assertFalse(v.err().contains("\tat "), "stack trace printed: " + v.err());
            Path target = tmp.resolve("target");
            CliRun r = CliRun.of("restore", "--no-progress", archive.toString(), target.toString());
            assertTrue(ALLOWED.contains(r.exit()), "restore exit " + r.exit() + ": " + r.err());
            assertFalse(r.err().contains("\tat "), "stack trace printed: " + r.err());
            if (r.exit() >= 2) {
                assertFalse(Files.exists(target), "a refused restore wrote its target: " + r.err());
            }
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Stream<Object[]> restoreArchiveInputs() {
        return FuzzCorpus.cases("restore-archive");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("restoreArchiveInputs")
    @Timeout(20)
    void restoreArchiveRegression(String name, byte[] data) throws IOException {
        restoreArchive(data);
    }
}
