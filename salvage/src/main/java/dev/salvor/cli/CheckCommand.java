package dev.salvor.cli;

import dev.salvor.salvage.Pipeline;
import dev.salvor.salvage.Verb;
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

    @picocli.CommandLine.Mixin
    HtmlOption html = new HtmlOption();

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
