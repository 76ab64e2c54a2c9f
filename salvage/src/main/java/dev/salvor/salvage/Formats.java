package dev.salvor.salvage;

import dev.salvor.salvage.jsonlog.JsonLogHandler;
import dev.salvor.salvage.leveldb.LevelDbHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The registry of formats salvor handles, in detection order. */
public final class Formats {
    // jsonlog first: its detection reads at most 1 MiB of three files, while LevelDB's probes every file up to
    // 64 MiB in depth when its first record does not verify (a directory of JSON segments is read twice over).
    private static final List<FormatHandler> ALL = List.of(new JsonLogHandler(), new LevelDbHandler());

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
        for (FormatHandler h : ALL) {
            if (h.detect(path)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }
}
