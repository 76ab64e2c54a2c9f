package dev.salvor.salvage;

import dev.salvor.formats.core.SourceSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One input as detection left it: its files as one {@link SourceSet} (opened once), the format that claimed it and
 * the files that format reads for it, listed once (a LevelDB listing reads every file, so it is never repeated for
 * fingerprints, progress or backup claims).
 *
 * @param path    the input as the user named it (a database directory or file), or {@code null} for a set built
 *                from regions of an image
 * @param input   the input's files
 * @param handler the format that recognised it by content, or the one forced with {@code --format}
 * @param files   every file the handler reads for {@code input}
 * @param bytes   the size of those files when they were listed (for progress)
 */
public record DetectedInput(Path path, SourceSet input, FormatHandler handler, List<SourceSet.Member> files,
                            long bytes) {

    public DetectedInput {
        files = List.copyOf(files);
    }

    /** Lists the files {@code handler} reads for the directory or file {@code path}. */
    public static DetectedInput list(Path path, FormatHandler handler) throws IOException {
        return list(path, SourceSet.of(path), handler);
    }

    /** Lists the files {@code handler} reads for {@code input} (named {@code path} by the user, or null). */
    public static DetectedInput list(Path path, SourceSet input, FormatHandler handler) throws IOException {
        List<SourceSet.Member> files = handler.inputFiles(input);
        return new DetectedInput(path, input, handler, files, files.stream().mapToLong(SourceSet.Member::size).sum());
    }

    /** The files on disk among {@link #files()} (none for regions of an image). */
    public List<Path> paths() {
        return files.stream().flatMap(m -> m.path().stream()).toList();
    }

    /** The format's name ({@code leveldb}, {@code sqlite}, {@code jsonlog}). */
    public String format() {
        return handler.name();
    }
}
