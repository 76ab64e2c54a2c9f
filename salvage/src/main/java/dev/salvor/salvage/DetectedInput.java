package dev.salvor.salvage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One input as detection left it: the path the user named, the format that claimed it and the files that format
 * reads for it, listed once (a LevelDB listing reads every file, so it is never repeated for fingerprints, progress
 * or backup claims).
 *
 * @param path    the input as named (a database directory or file)
 * @param handler the format that recognised it by content, or the one forced with {@code --format}
 * @param files   every file the handler reads for {@code path}
 * @param bytes   the size of those files when they were listed (for progress)
 */
public record DetectedInput(Path path, FormatHandler handler, List<Path> files, long bytes) {

    public DetectedInput {
        files = List.copyOf(files);
    }

    /** Lists the files {@code handler} reads for {@code path}. */
    public static DetectedInput list(Path path, FormatHandler handler) throws IOException {
        List<Path> files = handler.inputFiles(path);
        return new DetectedInput(path, handler, files, files.stream().mapToLong(p -> p.toFile().length()).sum());
    }

    /** The format's name ({@code leveldb}, {@code sqlite}, {@code jsonlog}). */
    public String format() {
        return handler.name();
    }
}
