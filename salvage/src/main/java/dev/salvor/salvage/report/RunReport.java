package dev.salvor.salvage.report;

import dev.salvor.formats.core.FileResult;
import dev.salvor.salvage.InputFile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status tree of one run: tool version, times, every input's fingerprint before and after, per-file results and
 * totals. {@link ReportJson} renders it; the CLI prints its human summary.
 */
public final class RunReport {
    private final String command;
    private final String toolVersion;
    private final Instant startedAt;
    private Instant finishedAt;
    private final List<InputFile> inputs = new ArrayList<>();
    private final List<FileResult> files = new ArrayList<>();
    private final Map<String, Long> recordsByState = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> extras = new LinkedHashMap<>();

    public RunReport(String command, String toolVersion) {
        this.command = command;
        this.toolVersion = toolVersion;
        this.startedAt = Instant.now();
    }

    public String command() {
        return command;
    }

    public String toolVersion() {
        return toolVersion;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public void finish() {
        finishedAt = Instant.now();
    }

    public List<InputFile> inputs() {
        return inputs;
    }

    public List<FileResult> files() {
        return files;
    }

    /** Records written, by state ({@code live}, {@code superseded}, {@code deleted}, ...). */
    public Map<String, Long> recordsByState() {
        return recordsByState;
    }

    /** Free-text observations for the specialist (e.g. "CURRENT missing: scanned every file"). */
    public List<String> notes() {
        return notes;
    }

    /**
     * Format-specific sections of the report (e.g. {@code chains} for hash-chained logs), rendered by
     * {@link ReportJson} after {@code notes} as JSON (maps, lists, strings, numbers, booleans); absent when empty.
     */
    public Map<String, Object> extras() {
        return extras;
    }

    public long damageCount() {
        return files.stream().mapToLong(f -> f.damages().size()).sum();
    }

    public long unitsVerified() {
        return files.stream().mapToLong(FileResult::unitsVerified).sum();
    }

    public long unitsDamaged() {
        return files.stream().mapToLong(FileResult::unitsDamaged).sum();
    }

    public long bytesVerified() {
        return files.stream().mapToLong(FileResult::bytesVerified).sum();
    }

    public boolean anyInputChanged() {
        return inputs.stream().anyMatch(InputFile::changedDuringRun);
    }

    /** {@code clean}, or {@code damaged} when any damage was found or an input changed during the run. */
    public String verdict() {
        return damageCount() > 0 || anyInputChanged() ? "damaged" : "clean";
    }
}
