package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A hash-chained ledger exported by PostgreSQL {@code COPY table TO 'file' WITH (FORMAT csv, HEADER)} (RFC 4180
 * CSV), read as chain events.
 *
 * <p>Format: a header record naming the columns, then one record per row. Fields are separated by {@code ,};
 * records end with LF or CRLF; a field containing {@code , " CR LF} is quoted and {@code "} doubled inside. COPY
 * writes NULL as an <em>unquoted</em> empty field and the empty string as {@code ""}, so the quoting of an empty
 * field decides null vs empty.
 *
 * <p>Event reconstruction (what the ledger hashed): each row becomes a JSON object with one member per column, in
 * column order, minus {@link Options#excluded()} columns (database-only columns such as a serial key); the hash
 * column is left out of the canonical form as for any event. CSV carries only text, so column types are
 * configured ({@link ColumnType}; default {@link ColumnType#STRING}): seed 004's {@code sequence_number} is an
 * {@code INTEGER} (JSON number, exact digits kept for the id) and a {@code jsonb} column is {@code JSON}.
 * Unquoted empty is {@code null} whatever the type. This matches a writer that hashed the row as its driver
 * returned it with numerics as strings; other mappings are configured per column.
 *
 * <p>Damage: a record with the wrong number of fields or a value not of its column's type is a
 * {@link SegmentEvent.Status#REJECTED} event (its index is kept); a quoted field never closed, a record over
 * {@link Options#maxRecordBytes()}, or invalid UTF-8 is damage and reading resumes at the next line.
 * Spec: https://www.rfc-editor.org/rfc/rfc4180, https://www.postgresql.org/docs/current/sql-copy.html
 */
public final class CsvLedgerSource implements EventSource {

    /** How a column's text becomes a JSON value. */
    public enum ColumnType {
        /** A JSON string. */
        STRING,
        /** A JSON integer literal (digits kept exactly). */
        INTEGER,
        /** A JSON number literal. */
        NUMBER,
        /** {@code t}/{@code true} or {@code f}/{@code false}. */
        BOOLEAN,
        /** The text is JSON ({@code json}/{@code jsonb} columns). */
        JSON
    }

    /**
     * Settings.
     *
     * @param fields         chain member names
     * @param types          column types by name (others are strings)
     * @param excluded       columns not part of the hashed event
     * @param maxRecordBytes longest record accepted
     */
    public record Options(ChainFields fields, Map<String, ColumnType> types, Set<String> excluded,
                          int maxRecordBytes) {
        public Options {
            types = Map.copyOf(types);
            excluded = Set.copyOf(excluded);
        }

        /** Seed 004: {@code sequence_number} integer, {@code metadata} JSON, nothing excluded, 1 MiB records. */
        public static Options ledger() {
            return new Options(ChainFields.LEDGER, Map.of("sequence_number", ColumnType.INTEGER,
                    "metadata", ColumnType.JSON), Set.of(), 1 << 20);
        }
    }

    private final ByteSource src;
    private final Options options;
    private final JsonCanonicalizer canonicalizer;

    public CsvLedgerSource(ByteSource src, Options options, JsonCanonicalizer canonicalizer) {
        this.src = src;
        this.options = options;
        this.canonicalizer = canonicalizer;
    }

    @Override
    public String name() {
        return src.name();
    }

    /** One parsed field. */
    private record Field(String text, boolean quoted) {
    }

    @Override
    public void read(DamageSink sink, Consumer<SegmentEvent> out) {
        long size = src.size();
        long p = 0;
        List<String> header = null;
        int index = 0;
        while (p < size) {
            long start = p;
            long limit = Math.min(size, p + options.maxRecordBytes());
            // Parse one record from p: scan bytes, splitting fields, honouring quotes. Read a window and
            // double it while the record is not finished (never more than maxRecordBytes).
            List<Field> fields;
            ByteArrayOutputStream cur;
            boolean inQuotes;
            boolean quoted;
            long end;
            long next;
            String problem;
            int want = (int) Math.min(limit - p, 1 << 16);
            while (true) {
                fields = new ArrayList<>();
                cur = new ByteArrayOutputStream();
                inQuotes = false;
                quoted = false;
                end = -1;   // end of record content (before the line break)
                next = -1;  // start of the next record
                problem = null;
                byte[] buf = src.read(p, want);
                int k = 0;
                boolean needMore = false;
                while (k < buf.length) {
                    byte b = buf[k];
                    if (inQuotes) {
                        if (b == '"') {
                            if (k + 1 == buf.length && p + buf.length < limit) {
                                needMore = true; // cannot tell "" from a closing quote yet
                                break;
                            }
                            if (k + 1 < buf.length && buf[k + 1] == '"') {
                                cur.write('"');
                                k += 2;
                                continue;
                            }
                            inQuotes = false;
                        } else {
                            cur.write(b);
                        }
                        k++;
                        continue;
                    }
                    if (b == '"' && cur.size() == 0 && !quoted) {
                        inQuotes = true;
                        quoted = true;
                    } else if (b == ',') {
                        fields.add(field(cur, quoted));
                        cur.reset();
                        quoted = false;
                    } else if (b == '\n' || b == '\r') {
                        if (b == '\r' && k + 1 == buf.length && p + buf.length < limit) {
                            needMore = true;
                            break;
                        }
                        end = p + k;
                        next = p + k + 1;
                        if (b == '\r' && k + 1 < buf.length && buf[k + 1] == '\n') {
                            next++;
                        }
                        break;
                    } else {
                        if (quoted) {
                            problem = "text after a closing quote";
                        }
                        cur.write(b);
                    }
                    k++;
                }
                if ((end < 0 || needMore) && p + want < limit) {
                    want = (int) Math.min(limit - p, 2L * want);
                    continue;
                }
                break;
            }
            if (end < 0) {
                if (limit < size) {
                    problem = "record longer than " + options.maxRecordBytes() + " bytes";
                } else if (inQuotes) {
                    problem = "quoted field not closed before the end of the file";
                } else {
                    end = size;
                    next = size;
                }
            }
            if (end < 0) {
                // Resync rule: the record cannot be delimited; resume at the line after its start.
                long nl = nextLine(start, size);
                sink.report(new Damage(src.name(), start, nl - start, limit < size ? DamageKind.LIMIT_EXCEEDED
                        : DamageKind.TRUNCATED, null, null, "CSV record unreadable: " + problem));
                p = nl;
                continue;
            }
            fields.add(field(cur, quoted));
            p = next;
            if (end == start && fields.size() == 1 && !fields.get(0).quoted()) {
                continue; // blank line
            }
            byte[] raw = src.read(start, (int) (end - start));
            if (Utf8.firstInvalid(raw, 0, raw.length) >= 0) {
                sink.report(new Damage(src.name(), start, raw.length, DamageKind.BAD_RECORD, null, null,
                        "CSV record is not valid UTF-8"));
                continue;
            }
            if (header == null) {
                header = new ArrayList<>();
                for (Field f : fields) {
                    header.add(f.text());
                }
                continue;
            }
            Object built = problem != null ? new Malformed(DamageKind.BAD_RECORD, 0, problem)
                    : build(header, fields);
            if (built instanceof Malformed m) {
                Damage d = new Damage(src.name(), start, raw.length, m.kind(), null, null,
                        "ledger row rejected: " + m.detail());
                sink.report(d);
                out.accept(new SegmentEvent(src.name(), index++, start, raw.length, raw,
                        SegmentEvent.Status.REJECTED, null, null, d));
                continue;
            }
            JsonCanonicalizer.Canonical c = (JsonCanonicalizer.Canonical) built;
            JsonCanonicalizer.Scalar h = c.scalar(options.fields().hash());
            out.accept(new SegmentEvent(src.name(), index++, start, raw.length, raw, SegmentEvent.Status.OK, c,
                    h != null && h.isString() ? h.text() : null, null));
        }
    }

    private long nextLine(long from, long size) {
        byte[] one = new byte[1];
        for (long q = from; q < size; q++) {
            src.read(q, one, 0, 1);
            if (one[0] == '\n') {
                return q + 1;
            }
        }
        return size;
    }

    private static Field field(ByteArrayOutputStream cur, boolean quoted) {
        return new Field(cur.toString(StandardCharsets.UTF_8), quoted);
    }

    /** The row as a JSON object, canonicalised; or the Malformed explaining why it cannot be. */
    private Object build(List<String> header, List<Field> fields) {
        List<String> values = new ArrayList<>(fields.size());
        for (Field f : fields) {
            // COPY CSV: an unquoted empty field is NULL, a quoted one the empty string.
            values.add(f.text().isEmpty() && !f.quoted() ? null : f.text());
        }
        try {
            return LedgerRow.build(header, values, options.types(), options.excluded(), options.fields().hash(),
                    canonicalizer).canonical();
        } catch (Malformed m) {
            return m;
        }
    }
}
