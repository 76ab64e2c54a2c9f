package dev.salvor.salvage.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.FileResult;
import dev.salvor.salvage.InputFile;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.util.Map;

/** Renders a {@link RunReport} as JSON (the {@code --json} output and the salvage summary file). */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportJson() {
    }

    public static String toJson(RunReport r) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            write(g, r);
        }
        return w.toString();
    }

    public static void write(OutputStream out, RunReport r) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            write(g, r);
        }
    }

    private static void write(JsonGenerator g, RunReport r) throws IOException {
        g.writeStartObject();
        g.writeStringField("tool", "salvor");
        g.writeStringField("version", r.toolVersion());
        g.writeStringField("command", r.command());
        g.writeStringField("started_at", r.startedAt().toString());
        g.writeStringField("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
        g.writeStringField("verdict", r.verdict());
        g.writeNumberField("exit_code", r.exitCode());
        if (!r.options().isEmpty()) {
            g.writeFieldName("options");
            MAPPER.writeValue(g, r.options());
        }
        if (!r.inputResults().isEmpty()) {
            g.writeArrayFieldStart("input_results");
            for (InputResult in : r.inputResults()) {
                writeInputResult(g, in);
            }
            g.writeEndArray();
        }
        g.writeArrayFieldStart("inputs");
        for (InputFile in : r.inputs()) {
            g.writeStartObject();
            writeInput(g, r, in);
            g.writeStringField("file", in.name());
            g.writeNumberField("size", in.size());
            g.writeStringField("sha256", in.sha256());
            g.writeStringField("sha256_after", in.sha256After());
            if (in.sha256After() == null) {
                g.writeStringField("after_check", "size+mtime");
            }
            g.writeBooleanField("changed_during_run", in.changedDuringRun());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("totals");
        g.writeNumberField("files", r.files().size());
        g.writeNumberField("units_verified", r.unitsVerified());
        g.writeNumberField("units_damaged", r.unitsDamaged());
        g.writeNumberField("bytes_verified", r.bytesVerified());
        g.writeNumberField("damages", r.damageCount());
        if (!r.recordsByState().isEmpty()) {
            g.writeObjectFieldStart("records");
            for (Map.Entry<String, Long> e : r.recordsByState().entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeArrayFieldStart("files");
        for (FileResult f : r.files()) {
            g.writeStartObject();
            String input = writeInput(g, r, f);
            g.writeStringField("file", f.file());
            g.writeStringField("format", f.format());
            g.writeStringField("role", f.role());
            g.writeNumberField("size", f.size());
            g.writeNumberField("units_verified", f.unitsVerified());
            g.writeNumberField("units_damaged", f.unitsDamaged());
            g.writeNumberField("bytes_verified", f.bytesVerified());
            if (!f.facts().isEmpty()) {
                g.writeFieldName("facts");
                MAPPER.writeValue(g, f.facts());
            }
            g.writeArrayFieldStart("damages");
            for (Damage d : f.damages()) {
                writeDamage(g, d, input);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("notes");
        for (String n : r.notes()) {
            g.writeString(n);
        }
        g.writeEndArray();
        for (Map.Entry<String, Object> e : r.extras().entrySet()) {
            g.writeFieldName(e.getKey());
            MAPPER.writeValue(g, e.getValue());
        }
        if (!r.outputs().isEmpty()) {
            g.writeArrayFieldStart("outputs");
            for (OutputFile o : r.outputs()) {
                g.writeStartObject();
                g.writeStringField("role", o.role());
                g.writeStringField("path", o.path());
                g.writeNumberField("size", o.size());
                g.writeStringField("sha256", o.sha256());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** The {@code input} member of a file or fingerprint when several inputs were given; returns it (or null). */
    private static String writeInput(JsonGenerator g, RunReport r, Object file) throws IOException {
        String input = r.tagsInputs() ? r.inputOf(file) : null;
        if (input != null) {
            g.writeStringField("input", input);
        }
        return input;
    }

    private static void writeInputResult(JsonGenerator g, InputResult in) throws IOException {
        g.writeStartObject();
        g.writeStringField("input", in.input());
        g.writeStringField("format", in.format());
        if (in.forced()) {
            g.writeBooleanField("forced", true);
        }
        g.writeStringField("status", in.status().id());
        g.writeNumberField("exit_code", in.exitCode());
        if (in.message() != null) {
            g.writeStringField("message", in.message());
        }
        g.writeNumberField("files", in.files());
        g.writeNumberField("units_verified", in.unitsVerified());
        g.writeNumberField("damages", in.damages());
        g.writeEndObject();
    }

    static void writeDamage(JsonGenerator g, Damage d) throws IOException {
        writeDamage(g, d, null);
    }

    /** One damage, naming its input first when several inputs were given. */
    static void writeDamage(JsonGenerator g, Damage d, String input) throws IOException {
        g.writeStartObject();
        if (input != null) {
            g.writeStringField("input", input);
        }
        g.writeStringField("file", d.resource());
        g.writeNumberField("offset", d.offset());
        g.writeNumberField("length", d.length());
        g.writeStringField("kind", d.kind().id());
        g.writeStringField("expected", d.expected());
        g.writeStringField("actual", d.actual());
        g.writeStringField("detail", d.detail());
        g.writeStringField("message", d.toString());
        g.writeEndObject();
    }
}
