package dev.salvor.salvage;

import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * One database format as the pipeline sees it: recognise an input by content, list the files it reads, identify,
 * check and salvage. Implementations add their per-file results and notes to the {@link RunReport}.
 */
public interface FormatHandler {

    /** Stable format name, as used by {@code --format} and in JSON ({@code leveldb}, {@code sqlite}, ...). */
    String name();

    /** True when the content at {@code path} (a file or directory) is this format. */
    boolean detect(Path path) throws IOException;

    /** Every file this handler will read for {@code path}: they are fingerprinted before and after the run. */
    List<Path> inputFiles(Path path) throws IOException;

    /** Key figures without a full verification (fast): adds file results with facts to the report. */
    void identify(Path path, RunContext ctx, RunReport report) throws IOException;

    /** Verifies everything; adds per-file results with their damage to the report. */
    void check(Path path, RunContext ctx, RunReport report) throws IOException;

    /** Writes every salvaged record as JSON Lines to {@code out}; adds results and record counts to the report. */
    void salvage(Path path, RunContext ctx, OutputStream out, RunReport report) throws IOException;
}
