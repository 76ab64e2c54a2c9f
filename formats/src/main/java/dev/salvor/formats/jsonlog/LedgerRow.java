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
 * {@link CsvLedgerSource.ColumnType}. Shared by the CSV export ({@link CsvLedgerSource}) and the live table
 * ({@link JdbcLedgerSource}), so the same row gives the same event from both.
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
final class LedgerRow {
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
    record Built(byte[] json, JsonCanonicalizer.Canonical canonical) {
    }

    /**
     * Builds the object of one row; returns a {@link Built} or the {@link Malformed} explaining why the row cannot be
     * an event (a value not of its column's type, content the canonical form rejects).
     */
    static Object build(List<String> columns, List<String> values, Map<String, CsvLedgerSource.ColumnType> types,
                        Set<String> excluded, String hashField, JsonCanonicalizer canonicalizer) {
        if (values.size() != columns.size()) {
            return new Malformed(DamageKind.BAD_RECORD, 0, "row has " + values.size() + " fields vs "
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
            try {
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
                            return new Malformed(DamageKind.BAD_RECORD, 0, "column " + col + " is not "
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
                            return new Malformed(DamageKind.BAD_RECORD, 0, "column " + col + " is not a boolean: "
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
            } catch (Malformed m) {
                return m;
            }
        }
        json.put((byte) '}');
        byte[] bytes = json.toArray();
        try {
            return new Built(bytes, canonicalizer.canonicalize(bytes, 0, bytes.length, hashField));
        } catch (Malformed m) {
            return m;
        }
    }
}
