package dev.salvor.cli;

import dev.salvor.salvage.Pipeline;
import dev.salvor.salvage.Verb;
import dev.salvor.formats.core.CheckLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/** {@code salvor check PATH}: verify every checksum and structure, list every damage. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Verify every block, record, page, frame or event with its own checksum and structure, and "
                + "list each damage with file, offset, length, expected and actual. Exit 0 clean, 1 damaged.")
final class CheckCommand extends ReportingCommand {

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Database directories or files (none with --jdbc).")
    List<Path> paths;

    @Option(names = "--truncation-plan", description = "Hash-chained ledgers: print the runbook's truncation plan (last"
            + " good sequence and hash, and the SQL that would delete the orphaned entries and reset the head; never"
            + " executed) on stderr and in the report, even when the chain is intact. A broken ledger export always"
            + " gets one.")
    boolean truncationPlan;

    @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "structure", converter = LevelConverter.class,
            description = {"How much to verify: crc, structure (default) or full. A damage found at a lower level is"
                    + " found, the same, at every higher one.",
                    "crc: the checksums only. LevelDB: CRC-32C of every table data block (found through footer and"
                    + " index; not decompressed, entries not walked) and of every log and MANIFEST record (batches and"
                    + " edits not decoded, no MANIFEST cross-check). SQLite: WAL header and frame checksums, journal"
                    + " page-record checksums (with the nonce); pages have no checksum, so each b-tree page reached"
                    + " from the schema has its header, cell pointers, cell extents and freeblocks checked (no"
                    + " overflow chains, freelist, page-use, pointer-map or index-count cross-check). jsonlog: every"
                    + " event's hash and the links, as at structure. Units verified: blocks, records, frames and"
                    + " b-tree pages that passed.",
                    "structure: also decompression, entries, key order, write batches, version edits, cells,"
                    + " overflow chains, and the cross-checks (MANIFEST against the directory; every SQLite page used"
                    + " once, index entries against table rows, pointer map).",
                    "full: every cross-check salvor has; none costs more than the default's today, so the same as"
                    + " structure."})
    CheckLevel level = CheckLevel.STRUCTURE;

    /** {@code crc}, {@code structure}, {@code full} (any case) as a {@link CheckLevel}. */
    static final class LevelConverter implements CommandLine.ITypeConverter<CheckLevel> {
        @Override
        public CheckLevel convert(String value) {
            for (CheckLevel l : CheckLevel.values()) {
                if (l.id().equalsIgnoreCase(value)) {
                    return l;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a check level (crc, structure,"
                    + " full)");
        }
    }

    @picocli.CommandLine.Mixin
    HtmlOption html = new HtmlOption();

    @Override
    java.util.Map<Class<?>, Object> runOptions() {
        return java.util.Map.of(CheckLevel.class, level);
    }

    @Override
    java.util.Map<String, Object> optionsInEffect() {
        java.util.Map<String, Object> m = super.optionsInEffect();
        if (level != CheckLevel.STRUCTURE) {
            m.put("level", level.id()); // the default's report stays as it was
        }
        return m;
    }

    @Override
    HtmlOption html() {
        return html;
    }

    @Override
    boolean truncationPlan() {
        return truncationPlan;
    }

    @Override
    List<Path> paths() {
        return paths;
    }

    @Override
    Verb verb(Pipeline pipeline) {
        return Verb.CHECK;
    }
}
