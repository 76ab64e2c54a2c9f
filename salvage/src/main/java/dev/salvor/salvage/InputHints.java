package dev.salvor.salvage;

import dev.salvor.formats.sqlite.RollbackJournal;
import dev.salvor.formats.sqlite.WalHeader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What an input that no format claimed looks like, and what to give instead: the sentence after "not recognised"
 * and "not &lt;format&gt;". A specialist at 3 a.m. gives the folder that holds {@code app.db}, or the folder above a
 * LevelDB directory, or a WAL without its database: each gets the path to try. Reads at most a few headers of the
 * first {@link #MAX_CHILDREN} entries of a directory.
 */
public final class InputHints {
    /** Directory entries looked at for a hint. */
    static final int MAX_CHILDREN = 256;
    /** What each format expects, for every "not recognised" message. */
    public static final String EXPECTED = "salvor reads an SQLite database file (its -wal and -journal are read"
            + " beside it), a LevelDB directory (the folder holding CURRENT, MANIFEST-*, *.ldb, *.log) or one of its"
            + " files, or a hash-chained JSON log (segment files, an export, or their folder)";

    private InputHints() {
    }

    /** The SQLite companion kind of a file by content: {@code WAL}, {@code journal}, or empty. */
    public static Optional<String> companionKind(Path file) {
        byte[] head = head(file, 8);
        if (head.length >= 4) {
            long magic = (head[0] & 0xffL) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8 | (head[3] & 0xff);
            if (magic == WalHeader.MAGIC_LE || magic == WalHeader.MAGIC_BE) {
                return Optional.of("WAL");
            }
        }
        if (head.length == 8 && Arrays.equals(head, RollbackJournal.MAGIC)) {
            return Optional.of("journal");
        }
        return Optional.empty();
    }

    /**
     * The database an SQLite WAL or journal belongs to, when it lies beside it under SQLite's naming
     * ({@code app.db-wal} → {@code app.db}, also {@code X.sqlite-wal} → {@code X.sqlite}), else empty.
     */
    public static Optional<Path> databaseOf(Path companion) {
        String name = companion.getFileName().toString();
        for (String suffix : List.of("-wal", "-journal")) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                Path db = companion.resolveSibling(name.substring(0, name.length() - suffix.length()));
                if (Files.isRegularFile(db, LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.of(db);
                }
            }
        }
        return Optional.empty();
    }

    /** What {@code path} is and what to give instead, as one sentence (no format claimed it). */
    public static String describe(Path path) {
        try {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                return describeDirectory(path);
            }
            return describeFile(path);
        } catch (IOException | RuntimeException e) {
            return "could not look inside it (" + e.getMessage() + ")";
        }
    }

    private static String describeFile(Path file) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return "an empty file";
        }
        Optional<String> companion = companionKind(file);
        if (companion.isPresent()) {
            Optional<Path> db = databaseOf(file);
            return db.map(d -> "an SQLite " + companion.get() + "; give its database instead: " + d
                            + " (its " + companion.get() + " is read beside it)")
                    .orElse("an SQLite " + companion.get() + " without its database");
        }
        byte[] head = head(file, 16);
        return size + " bytes of unrecognised content (first bytes " + hex(head) + ")";
    }

    private static String describeDirectory(Path dir) throws IOException {
        List<String> candidates = new ArrayList<>();
        int entries = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path child : ds) {
                if (++entries > MAX_CHILDREN) {
                    break;
                }
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    if (looksLikeLevelDbDirectory(child)) {
                        candidates.add(child.toString());
                    }
                } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS) && isSqliteDatabase(child)) {
                    candidates.add(child.toString());
                }
            }
        }
        if (entries == 0) {
            return "an empty directory";
        }
        candidates.sort(null);
        if (candidates.isEmpty()) {
            return "a directory of " + (entries > MAX_CHILDREN ? "more than " + MAX_CHILDREN : entries)
                    + " entr" + (entries == 1 ? "y" : "ies") + ", none of them a database salvor knows";
        }
        List<String> names = candidates.stream().map(c -> Path.of(c).getFileName().toString()).toList();
        return "a directory holding " + String.join(", ", names.subList(0, Math.min(5, names.size())))
                + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "") + "; try "
                + String.join(" ", candidates.subList(0, Math.min(5, candidates.size())));
    }

    /** A folder with a CURRENT file or a MANIFEST: the LevelDB directory itself. */
    private static boolean looksLikeLevelDbDirectory(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("CURRENT"), LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        int seen = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith("MANIFEST-") || n.endsWith(".ldb") || n.endsWith(".sst")) {
                    return true;
                }
                if (++seen > MAX_CHILDREN) {
                    return false;
                }
            }
        }
        return false;
    }

    private static boolean isSqliteDatabase(Path file) {
        return dev.salvor.formats.sqlite.SqliteSignature.matches(head(file, 16));
    }

    /** Up to {@code n} first bytes of {@code file} (none when it cannot be read). */
    static byte[] head(Path file, int n) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }
}
