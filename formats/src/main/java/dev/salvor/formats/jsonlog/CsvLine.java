package dev.salvor.formats.jsonlog;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One CSV record (RFC 4180, as PostgreSQL {@code COPY ... CSV} writes it) split into fields, and the header record
 * at the start of an export.
 *
 * <pre>
 *   record := field ( ',' field )*            (the bytes of one record, without its line break)
 *   field  := '"' ( any byte but '"' | '""' )* '"'  |  bytes without ',' CR LF '"'
 * </pre>
 * An unquoted empty field is SQL NULL, a quoted empty field the empty string.
 */
public final class CsvLine {

    private CsvLine() {
    }

    /** A field's text and whether it was quoted. */
    public record Field(String text, boolean quoted) {
    }

    /** The fields of one record's bytes (no line break at the end; quoted fields may hold line breaks). */
    public static List<Field> fields(byte[] record) {
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
     * The column names: the fields of the first non-blank record of {@code head} (the start of the file), or null
     * when no complete record is there.
     */
    public static List<String> header(byte[] head) {
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
                return fields(Arrays.copyOfRange(head, p, k)).stream().map(Field::text).toList();
            }
        }
        return null;
    }
}
