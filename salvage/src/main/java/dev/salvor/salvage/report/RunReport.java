package dev.salvor.salvage.report;

import dev.salvor.formats.core.FileResult;
import dev.salvor.salvage.InputFile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
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
    private final List<InputResult> inputResults = new ArrayList<>();
    private final Map<Object, String> inputOf = new IdentityHashMap<>();
    private final List<OutputFile> outputs = new ArrayList<>();
    private final Map<String, Object> options = new LinkedHashMap<>();

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

    /** One outcome per input named on the command line, in the order given (see {@link InputResult}). */
    public List<InputResult> inputResults() {
        return inputResults;
    }

    private boolean tagInputs;

    /** Set when more than one input was given: records, files and damages then name the input they came from. */
    public void tagInputs(boolean tag) {
        this.tagInputs = tag;
    }

    /** True when more than one input was given: records, files and damages name the input they came from. */
    public boolean tagsInputs() {
        return tagInputs;
    }

    /** Records that {@code file} (a per-file result or a fingerprint) belongs to the input {@code input}. */
    public synchronized void attribute(Object file, String input) {
        inputOf.put(file, input);
    }

    /** The input (as given) a per-file result or fingerprint belongs to, or {@code null} when unknown. */
    public synchronized String inputOf(Object file) {
        return inputOf.get(file);
    }

    /** What the run wrote (records, HTML, report file), with sizes and SHA-256 as written. */
    public List<OutputFile> outputs() {
        return outputs;
    }

    /** The options in effect that change what is read or how ({@code format}, {@code anchor}, ...), by name. */
    public Map<String, Object> options() {
        return options;
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

    /**
     * The run's status: its worst input's (see {@link InputStatus}), at least {@link InputStatus#DAMAGED} when an
     * input changed during the run. Without per-input outcomes (a report built by hand): damaged when any damage was
     * found, clean when something verified, else nothing verified.
     */
    public InputStatus status() {
        InputStatus s;
        if (inputResults.isEmpty()) {
            s = damageCount() > 0 ? InputStatus.DAMAGED
                    : unitsVerified() > 0 ? InputStatus.CLEAN : InputStatus.NOTHING_VERIFIED;
        } else {
            s = InputStatus.CLEAN;
            for (InputResult r : inputResults) {
                s = s.worst(r.status());
            }
        }
        return anyInputChanged() ? s.worst(InputStatus.DAMAGED) : s;
    }

    /** {@link #status()} as named in JSON: {@code clean}, {@code damaged}, {@code not_format}, ... */
    public String verdict() {
        return status().id();
    }

    /** The exit code the run ends with: its status's (0 clean, 1 damaged, 3 unreadable or not verified, 4 bug). */
    public int exitCode() {
        return status().exitCode();
    }

    /** The format of the worst input, for the summary's {@code NOT <FORMAT>}; null when none. */
    public String worstFormat() {
        InputStatus s = status();
        return inputResults.stream().filter(r -> r.status() == s).map(InputResult::format)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }
}
