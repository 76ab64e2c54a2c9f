package dev.salvor.cli;

import dev.salvor.salvage.Pipeline;
import dev.salvor.salvage.Verb;
import dev.salvor.formats.core.FileResult;
import dev.salvor.salvage.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code salvor identify PATH…}: which formats, which files, and the key figures. */
@Command(name = "identify", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Recognise each input by content and print its key figures: files, roles, sizes, record and "
                + "block counts, sequence ranges.")
final class IdentifyCommand extends ReportingCommand {

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Database directories or files (none with --jdbc).")
    List<Path> paths;

    @Override
    List<Path> paths() {
        return paths;
    }

    @Override
    Verb verb(Pipeline pipeline) {
        return Verb.IDENTIFY;
    }

    @Override
    void printSummary(PrintWriter err, RunReport r) {
        if (!jsonOption.json) {
            PrintWriter out = spec.commandLine().getOut();
            for (FileResult f : r.files()) {
                StringBuilder sb = new StringBuilder();
                sb.append(String.format("%-28s %-8s %-9s %10d B", f.file(), f.format(), f.role(), f.size()));
                for (Map.Entry<String, Object> e : f.facts().entrySet()) {
                    if (!e.getKey().equals("recognised_by")) {
                        sb.append("  ").append(e.getKey()).append('=').append(e.getValue());
                    }
                }
                if (!f.damages().isEmpty()) {
                    sb.append("  damages=").append(f.damages().size());
                }
                out.println(printable(sb));
            }
            out.flush();
        }
        super.printSummary(err, r);
    }
}
