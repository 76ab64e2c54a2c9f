package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One ledger row - column names and each column's text (its SQL text form, null for SQL NULL) - as the JSON object
 * the ledger hashed: one member per column in column order, minus excluded columns, each value typed by its
 * {@link CsvLedgerSource.ColumnType}. Shared by the CSV export ({@link CsvLedgerSource}) and any other reader of the
 * same table (a live database connection), so the same row gives the same event from all of them.
 *
 * <pre>
 *   NULL                 -&gt; null                 (whatever the type)
 *   STRING   text        -&gt; "text"               (JSON string, RFC 8785 escaping)
 *   INTEGER  -?digits    -&gt; the digits as written (never through a double)
 *   NUMBER   JSON number -&gt; the literal as written
 *   BOOLEAN  t|true|f|false -&gt; true / false
 *   JSON     JSON text   -&gt; the text as written (canonicalised with the rest)
 * </pre>
 */
public final class LedgerRow {
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

    private LedgerRow() {
    }

    /**
     * A row as a JSON object and its canonical form.
     *
     * @param json      the object, members in column order, values as the columns hold them (one line unless a
     *                  JSON column's text has line breaks)
     * @param canonical its RFC 8785 form without the hash member, with the top-level scalars
     */
    public record Built(byte[] json, JsonCanonicalizer.Canonical canonical) {
    }

    /**
     * Builds the object of one row.
     *
     * @throws Malformed why the row cannot be an event (a value not of its column's type, content the canonical
     *                   form rejects)
     */
    public static Built build(List<String> columns, List<String> values,
                              Map<String, CsvLedgerSource.ColumnType> types, Set<String> excluded, String hashField,
                              JsonCanonicalizer canonicalizer) {
        if (values.size() != columns.size()) {
            throw new Malformed(DamageKind.BAD_RECORD, 0, "row has " + values.size() + " fields vs "
                    + columns.size() + " columns");
        }
        JsonCanonicalizer.ByteBuf json = new JsonCanonicalizer.ByteBuf(256);
        json.put((byte) '{');
        boolean first = true;
        for (int c = 0; c < columns.size(); c++) {
            String col = columns.get(c);
            if (excluded.contains(col)) {
                continue;
            }
            String v = values.get(c);
            if (!first) {
                json.put((byte) ',');
            }
            first = false;
            JsonCanonicalizer.checkSurrogates(col, null);
            JsonCanonicalizer.writeString(col, json);
            json.put((byte) ':');
            if (v == null) {
                json.put(NULL);
                continue;
            }
            CsvLedgerSource.ColumnType t = types.getOrDefault(col, CsvLedgerSource.ColumnType.STRING);
            switch (t) {
                case STRING -> {
                    JsonCanonicalizer.checkSurrogates(v, null);
                    JsonCanonicalizer.writeString(v, json);
                }
                case INTEGER, NUMBER -> {
                    if (!(t == CsvLedgerSource.ColumnType.INTEGER ? INTEGER : NUMBER).matcher(v).matches()) {
                        throw new Malformed(DamageKind.BAD_RECORD, 0, "column " + col + " is not "
                                + (t == CsvLedgerSource.ColumnType.INTEGER ? "an integer" : "a JSON number")
                                + ": " + JsonCanonicalizer.abbreviate(v));
                    }
                    json.put(v.getBytes(StandardCharsets.US_ASCII));
                }
                case BOOLEAN -> {
                    byte[] b = switch (v) {
                        case "t", "true" -> TRUE;
                        case "f", "false" -> FALSE;
                        default -> null;
                    };
                    if (b == null) {
                        throw new Malformed(DamageKind.BAD_RECORD, 0, "column " + col + " is not a boolean: "
                                + JsonCanonicalizer.abbreviate(v));
                    }
                    json.put(b);
                }
                case JSON -> {
                    // Exactly one JSON value: text such as 1,"entry_hash":"..." must not add members.
                    byte[] b = v.getBytes(StandardCharsets.UTF_8);
                    canonicalizer.canonicalize(b, 0, b.length, null);
                    json.put(b);
                }
            }
        }
        json.put((byte) '}');
        byte[] bytes = json.toArray();
        return new Built(bytes, canonicalizer.canonicalize(bytes, 0, bytes.length, hashField));
    }

    /**
     * A row's values as a JSON array of strings (SQL NULL as {@code null}): the raw bytes kept for a row that could
     * not become an event. Lone surrogates are replaced, never thrown on.
     */
    public static byte[] valuesAsJson(String[] values) {
        JsonCanonicalizer.ByteBuf b = new JsonCanonicalizer.ByteBuf(256);
        b.put((byte) '[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.put((byte) ',');
            }
            if (values[i] == null) {
                b.put(NULL);
            } else {
                String v = new String(values[i].getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                JsonCanonicalizer.writeString(v, b);
            }
        }
        b.put((byte) ']');
        return b.toArray();
    }
}
