package dev.salvor.salvage.carve;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.cli.CliRun;
import dev.salvor.fixtures.FuzzCorpus;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes carving through the CLI: the fuzzer's bytes are a raw image. {@code carve IMAGE -o DIR} and
 * {@code salvage --carve IMAGE -o OUT} must end with exit 0, 1 or 3 (never 4, never an escaped exception), print no
 * stack trace, and leave the image byte-identical. Every probe runs on every input, so one target covers the LevelDB,
 * SQLite and event-log carving and the salvage of what they confirm. Seeds (real artifacts between filler, made by
 * {@code fixtures/fuzz/make-seeds.py}) and findings live in {@code fixtures/fuzz/carve-image/} and are replayed in
 * every build by {@link #carveImageRegression}.
 */
class CarveFuzzTest {
    private static final Set<Integer> ALLOWED = Set.of(0, 1, 3);

    @FuzzTest
    @Timeout(30)
    void carveImage(byte[] data) throws IOException {
        Path tmp = Files.createTempDirectory("salvor-fuzz-carve-");
        try {
            Path image = tmp.resolve("fuzz.img");
            Files.write(image, data);
            byte[] before = sha256(data);
            CliRun c = CliRun.of("carve", "--no-progress", "--threads", "1", image.toString(),
                    "-o", tmp.resolve("carved").toString());
            assertTrue(ALLOWED.contains(c.exit()), "carve exit " + c.exit() + ": " + c.err());
            assertFalse(c.err().contains("\tat "), "stack trace printed: " + c.err());
            CliRun s = CliRun.of("salvage", "--no-progress", "--no-rehash", "--threads", "1", "--carve",
                    image.toString(), "-o", tmp.resolve("out.jsonl").toString());
            assertTrue(ALLOWED.contains(s.exit()), "salvage --carve exit " + s.exit() + ": " + s.err());
            assertFalse(s.err().contains("\tat "), "stack trace printed: " + s.err());
            assertArrayEquals(before, sha256(Files.readAllBytes(image)), "the image changed");
        } finally {
            try (Stream<Path> w = Files.walk(tmp)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<Object[]> carveImageInputs() {
        return FuzzCorpus.cases("carve-image");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("carveImageInputs")
    @Timeout(30)
    void carveImageRegression(String name, byte[] data) throws IOException {
        carveImage(data);
        // Also the image cut in half and with its first sector zeroed: the common damage of a partial dd copy.
        carveImage(Arrays.copyOf(data, data.length / 2));
        byte[] z = data.clone();
        Arrays.fill(z, 0, Math.min(512, z.length), (byte) 0);
        carveImage(z);
    }
}
