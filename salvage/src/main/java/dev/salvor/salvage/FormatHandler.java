package dev.salvor.salvage;

import dev.salvor.formats.core.SourceSet;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * One database format as the pipeline sees it: recognise an input by content, list the files it reads, identify,
 * check and salvage. The verbs read an input as a {@link SourceSet} (the files of a directory, one file, or regions
 * carved out of a raw image), never as a path, so carved artifacts go through the same code as files on disk.
 * Implementations add their per-file results and notes to the {@link RunReport}.
 */
public interface FormatHandler {

    /** Stable format name, as used by {@code --format} and in JSON ({@code leveldb}, {@code sqlite}, ...). */
    String name();

    /** True when the content at {@code path} (a file or directory named by the user) is this format. */
    boolean detect(Path path) throws IOException;

    /**
     * As {@link #detect(Path)}, with the files of {@code path} already listed as {@code listed} (files that cannot be
     * opened left out): a format that classifies a directory's files reads those, never the unreadable ones.
     */
    default boolean detect(Path path, SourceSet listed) throws IOException {
        return detect(path);
    }

    /**
     * Every file this handler will read for {@code input} (its members, and for a single file on disk the
     * companions the format reads beside it): they are fingerprinted before and after the run.
     */
    List<SourceSet.Member> inputFiles(SourceSet input) throws IOException;

    /** Key figures without a full verification (fast): adds file results with facts to the report. */
    void identify(SourceSet input, RunContext ctx, RunReport report) throws IOException;

    /** Verifies everything; adds per-file results with their damage to the report. */
    void check(SourceSet input, RunContext ctx, RunReport report) throws IOException;

    /** Writes every salvaged record as JSON Lines to {@code out}; adds results and record counts to the report. */
    void salvage(SourceSet input, RunContext ctx, OutputStream out, RunReport report) throws IOException;

    /** How this format rebuilds a working database ({@code salvor rebuild}), or null when it cannot. */
    default dev.salvor.salvage.rebuild.Rebuilder rebuilder() {
        return null;
    }
}
