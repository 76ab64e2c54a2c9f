package dev.salvor.salvage.jsonlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.formats.jsonlog.CsvLedgerSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One CSV record (RFC 4180, as PostgreSQL {@code COPY ... CSV} writes it) split into fields, and the JSON object a
 * ledger row stands for. Used to write a CSV row's {@code event} in salvage output; the handler checks the object
 * against the hash the verifier computed from {@link CsvLedgerSource}'s own reconstruction before writing it.
 *
 * <pre>
 *   record := field ( ',' field )*            (the bytes of one record, without its line break)
 *   field  := '"' ( any byte but '"' | '""' )* '"'  |  bytes without ',' CR LF '"'
 * </pre>
 * An unquoted empty field is SQL NULL, a quoted empty field the empty string.
 */
final class CsvRecord {
    private static final JsonFactory JSON = new JsonFactory();

    private CsvRecord() {
    }

    /** A field's text and whether it was quoted. */
    record Field(String text, boolean quoted) {
    }

    /** The fields of one record's bytes (no line break at the end; quoted fields may hold line breaks). */
    static List<Field> fields(byte[] record) {
        List<Field> out = new ArrayList<>();
        ByteArrayOutputStream cur = new ByteArrayOutputStream();
        boolean inQuotes = false;
        boolean quoted = false;
        for (int k = 0; k < record.length; k++) {
            byte b = record[k];
            if (inQuotes) {
                if (b == '"') {
                    if (k + 1 < record.length && record[k + 1] == '"') {
                        cur.write('"');
                        k++;
                    } else {
                        inQuotes = false;
                    }
                } else {
                    cur.write(b);
                }
            } else if (b == '"' && cur.size() == 0 && !quoted) {
                inQuotes = true;
                quoted = true;
            } else if (b == ',') {
                out.add(new Field(cur.toString(StandardCharsets.UTF_8), quoted));
                cur.reset();
                quoted = false;
            } else {
                cur.write(b);
            }
        }
        out.add(new Field(cur.toString(StandardCharsets.UTF_8), quoted));
        return out;
    }

    /**
     * The JSON object of a ledger row: one member per column in column order; unquoted empty is null; otherwise the
     * column's type decides (strings quoted, integers/numbers/JSON text inserted as written, {@code t}/{@code f}
     * booleans). Returns null when the row does not fit the header (the verifier rejected it too).
     */
    static byte[] toJson(List<String> header, List<Field> fields, Map<String, CsvLedgerSource.ColumnType> types) {
        if (header.size() != fields.size()) {
            return null;
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(bos)) {
            g.writeStartObject();
            for (int c = 0; c < header.size(); c++) {
                Field f = fields.get(c);
                g.writeFieldName(header.get(c));
                if (f.text().isEmpty() && !f.quoted()) {
                    g.writeNull();
                    continue;
                }
                switch (types.getOrDefault(header.get(c), CsvLedgerSource.ColumnType.STRING)) {
                    case STRING -> g.writeString(f.text());
                    case INTEGER, NUMBER, JSON -> g.writeRawValue(f.text());
                    case BOOLEAN -> {
                        switch (f.text()) {
                            case "t", "true" -> g.writeBoolean(true);
                            case "f", "false" -> g.writeBoolean(false);
                            default -> {
                                return null;
                            }
                        }
                    }
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /**
     * The column names: the fields of the first non-blank record of {@code head} (the start of the file), or null
     * when no complete record is there.
     */
    static List<String> header(byte[] head) {
        int p = 0;
        if (head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
            p = 3;
        }
        while (p < head.length && (head[p] == '\n' || head[p] == '\r')) {
            p++;
        }
        boolean inQuotes = false;
        for (int k = p; k < head.length; k++) {
            byte b = head[k];
            if (b == '"') {
                inQuotes = !inQuotes; // "" inside quotes toggles twice: the record end is found the same way
            } else if (!inQuotes && (b == '\n' || b == '\r')) {
                return fields(java.util.Arrays.copyOfRange(head, p, k)).stream().map(Field::text).toList();
            }
        }
        return null;
    }
}
