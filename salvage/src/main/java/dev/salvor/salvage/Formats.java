package dev.salvor.salvage;

import dev.salvor.salvage.jsonlog.JsonLogHandler;
import dev.salvor.salvage.leveldb.LevelDbHandler;
import dev.salvor.salvage.sqlite.SqliteHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The registry of formats salvor handles, in detection order. */
public final class Formats {
    // Cheapest detection first: SQLite reads its 100-byte header (12 bytes at a few page starts when the header
    // string is gone); jsonlog 4 KiB of the first segment or export (more only while its first event continues);
    // LevelDB classifies every file of a directory by its first 4 KiB and last 8 bytes.
    private static final List<FormatHandler> ALL = List.of(new SqliteHandler(), new JsonLogHandler(),
            new LevelDbHandler());

    private Formats() {
    }

    public static List<FormatHandler> all() {
        return ALL;
    }

    public static List<String> names() {
        return ALL.stream().map(FormatHandler::name).toList();
    }

    public static Optional<FormatHandler> byName(String name) {
        return ALL.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /** The first handler whose content detection accepts {@code path}. */
    public static Optional<FormatHandler> detect(Path path) throws IOException {
        return detect(path, h -> true);
    }

    /** The first handler whose content detection accepts {@code path}, listed as {@code listed}. */
    public static Optional<FormatHandler> detect(Path path, dev.salvor.formats.core.SourceSet listed)
            throws IOException {
        for (FormatHandler h : ALL) {
            if (h.detect(path, listed)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    /**
     * The first handler among the {@code candidates} whose content detection accepts {@code path}, in the same
     * order as {@link #detect(Path)} (a caller that knows a format cannot apply skips its detection, never reorders).
     */
    public static Optional<FormatHandler> detect(Path path, Predicate<FormatHandler> candidates) throws IOException {
        for (FormatHandler h : ALL) {
            if (candidates.test(h) && h.detect(path)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }
}
