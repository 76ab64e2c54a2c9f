package dev.salvor.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.salvage.OutputTarget;
import dev.salvor.salvage.jsonlog.JdbcInput;
import dev.salvor.salvage.jsonlog.JsonLogOptions;
import dev.salvor.salvage.jsonlog.LedgerTruncation;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code salvor rebuild --jdbc URL --table T [--apply]}: a live PostgreSQL ledger is not rebuilt into OUTPUT but
 * truncated in place after its last good sequence ({@link LedgerTruncation}); without {@code --apply} only the plan
 * is printed. The summary goes to stderr, the result to {@code --json} (stdout) and {@code --report FILE}.
 *
 * <p>Exit: 0 when the ledger verifies (intact, or truncated and verified), 1 when it is broken and was not
 * truncated (plan only, or rolled back: the message says why), 2 usage, 3 unreadable.
 */
final class TableRebuild {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RebuildCommand command;

    TableRebuild(RebuildCommand command) {
        this.command = command;
    }

    int run(boolean apply) throws IOException {
        CommandLine cl = command.spec.commandLine();
        if (command.output != null || !command.inputPaths().isEmpty()) {
            throw new CommandLine.ParameterException(cl, "--jdbc truncates the table in place: give no INPUT and"
                    + " no -o OUTPUT");
        }
        JdbcInput table;
        JsonLogOptions options;
        try {
            table = command.chain.toTable();
            options = command.chain.toOptions(false);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        PrintWriter err = cl.getErr();
        OutputTarget report = command.reportFile == null ? null : openReport(cl);
        try {
            LedgerTruncation.Result r;
            try {
                r = LedgerTruncation.run(table, System.getenv(), options, apply);
            } catch (JdbcInput.Unreadable e) {
                err.println("salvor: " + ReportingCommand.printable(e.getMessage()));
                err.flush();
                return ExitCodes.UNREADABLE;
            }
            byte[] json = json(r, apply);
            if (report != null) {
                report.stream().write(json);
                report.commit();
            }
            if (command.jsonOption.json) {
                command.main.stdout.write(json);
                command.main.stdout.println();
                command.main.stdout.flush();
            }
            summary(err, r, apply);
            return r.exitCode();
        } finally {
            if (report != null) {
                report.close();
            }
        }
    }

    private OutputTarget openReport(CommandLine cl) throws IOException {
        try {
            return OutputTarget.open("report", command.reportFile, List.of(), command.force, command.main.stdout);
        } catch (OutputTarget.Refused e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    private static byte[] json(LedgerTruncation.Result r, boolean apply) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", "salvor");
        m.put("version", Version.get());
        m.put("command", "rebuild");
        m.put("apply", apply);
        m.put("exit_code", r.exitCode());
        m.put("truncation", r.toMap());
        return JSON.copy().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writerWithDefaultPrettyPrinter()
                .writeValueAsString(m).getBytes(StandardCharsets.UTF_8);
    }

    private static void summary(PrintWriter err, LedgerTruncation.Result r, boolean apply) {
        err.println("salvor rebuild: " + ReportingCommand.printable(r.input()));
        if (r.brokenAt() != null) {
            err.println("  first break: " + ReportingCommand.printable(r.brokenAt().get("message")));
            err.println("  last good: " + r.lastGoodSequence() + ", hash " + r.lastGoodHash());
        }
        if (r.quarantineTable() != null) {
            err.println("  quarantine: " + r.quarantineTable() + ", " + r.rowsQuarantined() + " row(s)"
                    + (r.applied() ? "" : " would move") + ", sha256 " + r.quarantineDigest());
        }
        if (r.sql() != null && !r.applied()) {
            err.println("  " + (apply ? "statements (rolled back):" : "plan (run again with --apply):"));
            r.sql().lines().forEach(l -> err.println("    " + l));
        }
        err.println("  " + ReportingCommand.printable(r.message()));
        String verdict = r.failed() ? "FAILED" : r.applied() ? "TRUNCATED" : r.brokenAt() == null ? "INTACT"
                : "BROKEN (plan only)";
        err.println("  verdict: " + verdict + (r.exitCode() == 0 ? "" : " (exit " + r.exitCode() + ")"));
        err.flush();
    }
}
