package dev.salvor.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.salvage.backup.ArchiveReader;
import dev.salvor.salvage.backup.BackupException;
import dev.salvor.salvage.backup.BackupManifest;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code backup}, {@code verify-backup}, {@code restore} and {@code image} share: exit codes, JSON, summaries. */
final class BackupSupport {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Problems printed on stderr before "… N more (see --json)". */
    static final int SHOWN = 20;

    private BackupSupport() {
    }

    /**
     * The exit code for an operation that did not happen: 2 for an unsuitable target or output (a usage matter:
     * choose another, or add --force), 3 for a source or archive that cannot be used (nothing was written).
     */
    static int exitCode(BackupException e) {
        return e.kind() == BackupException.Kind.TARGET_REFUSED ? ExitCodes.USAGE : ExitCodes.UNREADABLE;
    }

    /**
     * An I/O error of the environment (disk full, permission denied on the output, a vanished directory): not a bug
     * in salvor, so one line and exit 3, saying what was (not) left behind.
     */
    static int ioError(PrintWriter err, IOException e, String state) {
        String what = e instanceof java.nio.file.FileSystemException f
                ? (f.getFile() == null ? "" : f.getFile() + ": ") + (f.getReason() == null
                ? e.getClass().getSimpleName() : f.getReason())
                : String.valueOf(e.getMessage());
        err.println("salvor: I/O error: " + what + "; " + state);
        return ExitCodes.UNREADABLE;
    }

    /** Writes one JSON document to {@code out}. */
    static void json(PrintStream out, JsonWriter w) throws IOException {
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
            g.useDefaultPrettyPrinter();
            w.write(g);
        }
        out.print(sw);
        out.println();
        out.flush();
    }

    /** Writes a JSON value. */
    interface JsonWriter {
        void write(JsonGenerator g) throws IOException;
    }

    static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** The findings of an archive reading as JSON members (inside an object being written). */
    static void writeFindings(JsonGenerator g, ArchiveReader.Result r) throws IOException {
        g.writeStringField("archive", r.archive().toString());
        g.writeNumberField("archive_size", r.archiveSize());
        g.writeStringField("archive_sha256", r.archiveSha256());
        g.writeBooleanField("intact", r.intact());
        BackupManifest m = r.manifest();
        if (m != null) {
            g.writeObjectFieldStart("manifest");
            g.writeStringField("created_at", m.createdAt());
            g.writeStringField("tool", m.tool());
            g.writeStringField("label", m.label());
            g.writeStringField("source", m.source());
            g.writeStringField("source_kind", m.sourceKind());
            g.writeNumberField("files", m.files().size());
            g.writeNumberField("bytes", m.totalBytes());
            g.writeStringField("check_verdict", m.checkVerdict());
            g.writeEndObject();
        } else {
            g.writeNullField("manifest");
        }
        g.writeStringField("manifest_beside", r.besideManifest());
        g.writeNumberField("entries", r.entries());
        g.writeNumberField("files_verified", r.filesVerified());
        g.writeNumberField("bytes_verified", r.bytesVerified());
        writeStrings(g, "missing", r.missing());
        writeStrings(g, "extra", r.extra());
        g.writeArrayFieldStart("changed");
        for (ArchiveReader.Changed c : r.changed()) {
            g.writeStartObject();
            g.writeStringField("path", c.path());
            g.writeNumberField("expected_size", c.expectedSize());
            g.writeNumberField("actual_size", c.actualSize());
            g.writeStringField("expected_sha256", c.expectedSha256());
            g.writeStringField("actual_sha256", c.actualSha256());
            g.writeStringField("message", c.toString());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("refused");
        for (ArchiveReader.Refused x : r.refused()) {
            g.writeStartObject();
            g.writeStringField("entry", x.entry());
            g.writeNumberField("index", x.index());
            g.writeStringField("reason", x.reason());
            g.writeEndObject();
        }
        g.writeEndArray();
        writeStrings(g, "errors", r.errors());
        g.writeNumberField("problems_not_listed", r.problemsNotListed());
        writeStrings(g, "problems", r.problems());
    }

    /** A component (database) as JSON. */
    static void writeComponent(JsonGenerator g, BackupManifest.Component c) throws IOException {
        g.writeStringField("path", c.path());
        g.writeStringField("format", c.format());
        g.writeStringField("verdict", c.verdict());
        g.writeNumberField("damages", c.damages());
        g.writeFieldName("summary");
        MAPPER.writeValue(g, c.summary());
        writeStrings(g, "notes", c.notes());
    }

    /** One line: {@code leveldb .: CLEAN (files=12, entries=1234, …)}. */
    static String componentLine(BackupManifest.Component c) {
        StringBuilder sb = new StringBuilder(c.format()).append(' ').append(c.path()).append(": ")
                .append(c.verdict().toUpperCase(Locale.ROOT));
        if (c.damages() > 0) {
            sb.append(", ").append(c.damages()).append(" damage(s)");
        }
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Object> e : c.summary().entrySet()) {
            if (e.getValue() != null) {
                s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
            }
        }
        if (s.length() > 0) {
            sb.append(" (").append(s).append(')');
        }
        return sb.toString();
    }

    /** Prints the problems, at most {@link #SHOWN}. */
    static void printProblems(PrintWriter err, List<String> problems) {
        int shown = 0;
        for (String p : problems) {
            if (shown++ == SHOWN) {
                err.println("    … " + (problems.size() - SHOWN) + " more (see --json)");
                break;
            }
            err.println("    " + p);
        }
    }
}
