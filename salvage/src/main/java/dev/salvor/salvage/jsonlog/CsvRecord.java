package dev.salvor.salvage.jsonlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.formats.jsonlog.CsvLedgerSource;
import dev.salvor.formats.jsonlog.CsvLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON object a ledger row (a CSV record split by {@link CsvLine}) stands for. Used to write a CSV row's
 * {@code event} in salvage output; the handler checks the object against the hash the verifier computed from
 * {@link CsvLedgerSource}'s own reconstruction before writing it. An unquoted empty field is SQL NULL, a quoted
 * empty field the empty string.
 */
final class CsvRecord {
    private static final JsonFactory JSON = new JsonFactory();

    private CsvRecord() {
    }

    /**
     * The JSON object of a ledger row: one member per column in column order; unquoted empty is null; otherwise the
     * column's type decides (strings quoted, integers/numbers/JSON text inserted as written, {@code t}/{@code f}
     * booleans). Returns null when the row does not fit the header (the verifier rejected it too).
     */
    static byte[] toJson(List<String> header, List<CsvLine.Field> fields, Map<String, CsvLedgerSource.ColumnType> types) {
        if (header.size() != fields.size()) {
            return null;
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(bos)) {
            g.writeStartObject();
            for (int c = 0; c < header.size(); c++) {
                CsvLine.Field f = fields.get(c);
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
}
