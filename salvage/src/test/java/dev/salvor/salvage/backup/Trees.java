package dev.salvor.salvage.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test helpers over directory trees, independent of the code under test (plain JDK hashing and walking). */
public final class Trees {
    private Trees() {
    }

    /** Every entry below {@code root}: relative path → {@code dir}, {@code link->target} or the file's SHA-256. */
    public static Map<String, String> snapshot(Path root) {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return m;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (Files.isSymbolicLink(p)) {
                    m.put(rel, "link->" + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    m.put(rel, "dir");
                } else {
                    m.put(rel, sha256(Files.readAllBytes(p)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** Asserts the two trees hold the same paths with byte-identical files. */
    public static void assertSameTree(Path expected, Path actual) {
        assertEquals(snapshot(expected), snapshot(actual), "tree " + actual + " differs from " + expected);
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a tree (files and directories; mtimes kept). */
    public static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Writes {@code files} files of {@code size} pseudo-random (incompressible) bytes under {@code dir}. */
    public static void random(Path dir, int files, int size, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = new byte[size];
        for (int i = 0; i < files; i++) {
            for (int j = 0; j < size; j += 8) {
                long v = r.nextLong();
                for (int k = 0; k < 8 && j + k < size; k++) {
                    b[j + k] = (byte) (v >>> (8 * k));
                }
            }
            Files.write(dir.resolve(String.format("chunk-%05d.bin", i)), b);
        }
    }

    /** The names in {@code dir} (not recursive), sorted. */
    public static java.util.List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
