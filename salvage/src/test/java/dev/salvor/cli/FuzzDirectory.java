package dev.salvor.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns fuzzer bytes into a LevelDB-like database directory, so the whole CLI can be fuzzed on directories built
 * from real databases. Encoding (the seeds in {@code fixtures/fuzz/cli-salvage-leveldb/} are real databases in this
 * form, written by {@code fixtures/fuzz/make-seeds.py}):
 * <pre>
 *   entry*: u8 selector   the file name is NAMES[selector &amp; 15]; a name already written is skipped
 *           u24 length    little-endian; clamped to the bytes that remain
 *           byte[length]  the file's contents
 * </pre>
 */
final class FuzzDirectory {
    /** File names by selector; keep in sync with DIR_NAMES in fixtures/fuzz/make-seeds.py. */
    static final List<String> NAMES = List.of("CURRENT", "MANIFEST-000001", "MANIFEST-000002", "LOG", "000003.log",
            "000005.ldb", "000006.log", "000007.ldb", "000009.ldb", "000010.log", "000011.ldb", "000013.ldb",
            "000014.log", "000015.ldb", "000016.sst", "MANIFEST-000017");

    private FuzzDirectory() {
    }

    /** Decodes {@code data} into file name to contents (sorted by name). */
    static Map<String, byte[]> decode(byte[] data) {
        Map<String, byte[]> files = new TreeMap<>();
        int p = 0;
        while (p < data.length) {
            String name = NAMES.get(data[p] & 15);
            int len = 0;
            for (int k = 0; k < 3 && p + 1 + k < data.length; k++) {
                len |= (data[p + 1 + k] & 0xff) << (8 * k);
            }
            int start = Math.min(data.length, p + 4);
            int end = (int) Math.min(data.length, (long) start + len);
            files.putIfAbsent(name, Arrays.copyOfRange(data, start, end));
            p = end; // > p: the 4 header bytes (or what is left of them) are always consumed
        }
        return files;
    }

    /** The inverse of {@link #decode} for files whose names are in {@link #NAMES}. */
    static byte[] encode(Map<String, byte[]> files) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        files.forEach((name, bytes) -> {
            int sel = NAMES.indexOf(name);
            if (sel < 0 || bytes.length >= 1 << 24) {
                throw new IllegalArgumentException("cannot encode " + name + " (" + bytes.length + " bytes)");
            }
            out.write(sel);
            out.write(bytes.length);
            out.write(bytes.length >>> 8);
            out.write(bytes.length >>> 16);
            out.writeBytes(bytes);
        });
        return out.toByteArray();
    }

    /** Writes the files into {@code dir} (which must exist). */
    static void write(Map<String, byte[]> files, Path dir) throws IOException {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
    }

    /** Name to SHA-256 of every regular file under {@code dir}: compared before and after a run. */
    static Map<String, String> fingerprint(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), sha256(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    /** Deletes {@code dir} and everything under it. */
    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
