package dev.salvor.salvage.rebuild;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where one rebuild writes, handed to a format's {@link Rebuilder}: the new database (at {@link #database()}, a path
 * that does not exist yet, inside a hidden staging directory beside the final OUTPUT: the rebuilder creates a file
 * there, SQLite, or a directory, LevelDB and event logs) and everything left out of it ({@link #leftOut()}, JSON
 * Lines: each record as {@code salvage} writes it, with {@code "left_out"} naming why). The command renames the
 * database into place only when the rebuilder returned and everything was written, so a run killed at any point
 * leaves no OUTPUT.
 *
 * <p>Counts go into {@link #facts()} (the report's {@code rebuild} section): {@code written} (records in the new
 * database), {@code left_out} by reason, and format figures (tables, level, sequence, page size...).
 */
public final class RebuildTarget {
    private final Path database;
    private final OutputStream leftOut;
    private final Options options;
    private final Map<String, Object> facts = new LinkedHashMap<>();

    /**
     * @param database where the new database goes (does not exist yet; its parent does)
     * @param leftOut  JSON Lines of every record left out
     * @param options  what the user asked for
     */
    public RebuildTarget(Path database, OutputStream leftOut, Options options) {
        this.database = Objects.requireNonNull(database);
        this.leftOut = Objects.requireNonNull(leftOut);
        this.options = Objects.requireNonNull(options);
    }

    /**
     * What the user asked for.
     *
     * @param withDeleted       SQLite: add a {@code salvor_recovered} table holding deleted, superseded and
     *                          uncommitted rows (state, source, page, offset)
     * @param includeUnverified LevelDB: also write entries found only in blocks whose checksum failed
     */
    public record Options(boolean withDeleted, boolean includeUnverified) {
        /** Nothing added: only what verifies and is current. */
        public static final Options DEFAULT = new Options(false, false);
    }

    /** Path of the new database (file or directory, to be created by the rebuilder). */
    public Path database() {
        return database;
    }

    /** JSON Lines of every record left out, with {@code left_out} (the reason) in each. */
    public OutputStream leftOut() {
        return leftOut;
    }

    public Options options() {
        return options;
    }

    /** Figures of the rebuild for the report ({@code written}, {@code left_out}, format facts), in order. */
    public Map<String, Object> facts() {
        return facts;
    }

    /** Adds {@code n} to the count of records left out for {@code reason} (thread-safe). */
    public synchronized void leftOut(String reason, long n) {
        @SuppressWarnings("unchecked")
        Map<String, Long> byReason = (Map<String, Long>) facts.computeIfAbsent("left_out",
                k -> new LinkedHashMap<String, Long>());
        byReason.merge(reason, n, Long::sum);
    }

    /** Adds {@code n} to the count of records written into the new database (thread-safe). */
    public synchronized void written(long n) {
        facts.merge("written", n, (a, b) -> (Long) a + (Long) b);
    }
}
