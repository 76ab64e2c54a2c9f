package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.jsonlog.BreakReason;
import dev.salvor.formats.jsonlog.ChainEvent;
import dev.salvor.formats.jsonlog.CsvLedgerSource;
import dev.salvor.formats.jsonlog.CsvLine;
import dev.salvor.formats.jsonlog.EventHash;
import dev.salvor.formats.jsonlog.JsonCanonicalizer;
import dev.salvor.formats.jsonlog.SegmentEvent;
import dev.salvor.salvage.report.ImageOffsets;
import dev.salvor.salvage.report.JsonLineWriter;
import dev.salvor.salvage.report.JsonLineWriter.Name;
import dev.salvor.salvage.report.JsonLinesOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes chain events as JSON Lines, schema v1:
 * <pre>{"format":"jsonlog","file":"segment-000013.json","index":33,"offset":28598,"event":{…},"chain":"valid"}</pre>
 * {@code event} is the stored object byte for byte (its numbers keep every digit), with line breaks between tokens
 * turned into spaces so it stays on one line; for a CSV row it is the object the row stands for. Optional members:
 * {@code reasons} (why an event is {@code broken} or {@code unverified}), {@code torn} and {@code computed_hash} for
 * an event torn inside its hash member (its {@code event} holds the surviving hash digits, closed as a string), and
 * {@code raw} with {@code "event":null} for an event that cannot be written as an object (rejected content).
 *
 * <p>Every {@code event} written for a torn event or a CSV row is checked first: its RFC 8785 form without the hash
 * member must hash to what the verifier computed; otherwise the row falls back to {@code raw}. Not thread-safe.
 */
final class ChainRows implements Consumer<ChainEvent>, AutoCloseable {
    private static final Name FORMAT = Name.of("format");
    private static final JsonLineWriter.Text JSONLOG = JsonLineWriter.Text.of("jsonlog");
    private static final Name FILE = Name.of("file");
    private static final Name INDEX = Name.of("index");
    private static final Name OFFSET = Name.of("offset");
    private static final Name EVENT = Name.of("event");
    private static final Name CHAIN = Name.of("chain");
    private static final Name REASONS = Name.of("reasons");
    private static final Name TORN = Name.of("torn");
    private static final Name COMPUTED_HASH = Name.of("computed_hash");
    private static final Name RAW = Name.of("raw");
    private static final Name LEFT_OUT = Name.of("left_out");

    private final JsonLinesOutput out;
    private final ImageOffsets imageOffsets;
    private final JsonCanonicalizer canonicalizer;
    private final String hashField;
    private final Function<ChainEvent, byte[]> csvEvent;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private long fallbacks;

    /**
     * @param csvEvent for a CSV input: the JSON object of a row (null when it cannot be built); null otherwise
     */
    ChainRows(OutputStream out, JsonCanonicalizer canonicalizer, String hashField,
              Function<ChainEvent, byte[]> csvEvent) {
        this(out, canonicalizer, hashField, csvEvent, ImageOffsets.NONE);
    }

    /** Rows that start with {@code image_offset} where {@code imageOffsets} knows the event's place. */
    ChainRows(OutputStream out, JsonCanonicalizer canonicalizer, String hashField,
              Function<ChainEvent, byte[]> csvEvent, ImageOffsets imageOffsets) {
        this.out = new JsonLinesOutput(out);
        this.imageOffsets = imageOffsets;
        this.canonicalizer = canonicalizer;
        this.hashField = hashField;
        this.csvEvent = csvEvent;
    }

    @Override
    public void accept(ChainEvent e) {
        try {
            write(e, null);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /**
     * Writes the row of an event a rebuild left out of the new database: salvage's row plus {@code "left_out"}
     * naming why.
     */
    void leftOut(ChainEvent e, String reason) throws IOException {
        write(e, reason);
    }

    /**
     * Counts an event a rebuild wrote into the new database as salvage counts its row (by chain status, and as a
     * fallback when its object could not be rebuilt), without writing a row.
     */
    void counted(ChainEvent e) {
        event(e);
        counts.merge(e.chain(), 1L, Long::sum);
    }

    private void write(ChainEvent e, String leftOut) throws IOException {
        byte[] event = event(e);
        JsonLineWriter j = out.begin(imageOffsets.of(e.file(), e.offset()));
        j.name(FORMAT);
        j.string(JSONLOG);
        j.name(FILE);
        j.string(e.file());
        j.name(INDEX);
        j.number(e.index());
        j.name(OFFSET);
        j.number(e.offset());
        j.name(EVENT);
        if (event != null) {
            j.rawValue(event);
        } else {
            j.nullValue();
        }
        j.name(CHAIN);
        j.string(e.chain());
        if (!e.reasons().isEmpty()) {
            j.name(REASONS);
            j.beginArray();
            for (BreakReason r : e.reasons()) {
                j.string(r.id());
            }
            j.endArray();
        }
        if (e.status() == SegmentEvent.Status.TORN_HASH) {
            j.name(TORN);
            j.bool(true);
            j.name(COMPUTED_HASH);
            j.string(e.computedHash());
        }
        if (event == null) {
            j.name(RAW);
            j.bytes(e.raw());
        }
        if (leftOut != null) {
            j.name(LEFT_OUT);
            j.string(leftOut);
        }
        out.end(e.chain());
        counts.merge(e.chain(), 1L, Long::sum);
    }

    /** The {@code event} member's JSON text, or null when only the raw bytes can be given. */
    private byte[] event(ChainEvent e) {
        if (e.status() == SegmentEvent.Status.REJECTED || e.computedHash() == null) {
            return null;
        }
        if (csvEvent != null) {
            return checked(csvEvent.apply(e), e);
        }
        if (e.status() == SegmentEvent.Status.TORN_HASH) {
            // The stored bytes end inside the hash string, after its last surviving digit: close the string and
            // the object. Nothing is invented: the hash member holds exactly the digits that survived.
            byte[] closed = Arrays.copyOf(e.raw(), e.raw().length + 2);
            closed[closed.length - 2] = '"';
            closed[closed.length - 1] = '}';
            return checked(closed, e);
        }
        return oneLine(e.raw());
    }

    /** {@code json} if its canonical form without the hash member hashes to the verifier's hash, else null. */
    private byte[] checked(byte[] json, ChainEvent e) {
        if (json == null) {
            fallbacks++;
            return null;
        }
        try {
            JsonCanonicalizer.Canonical c = canonicalizer.canonicalize(json, 0, json.length, hashField);
            if (c.sha256Hex().equals(e.computedHash())) {
                return oneLine(json);
            }
        } catch (RuntimeException malformed) {
            // Not the object the verifier hashed: fall back to the raw bytes.
        }
        fallbacks++;
        return null;
    }

    /**
     * The JSON text with CR and LF outside strings replaced by spaces (valid JSON has no raw line break inside a
     * string, and no two tokens that a space would merge). Returns {@code json} itself when it has none.
     */
    static byte[] oneLine(byte[] json) {
        byte[] out = null;
        boolean inString = false;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '\n' || b == '\r') {
                if (out == null) {
                    out = json.clone();
                }
                out[i] = ' ';
            }
        }
        return out == null ? json : out;
    }

    /** Events written as rows or {@link #counted}, by chain status, in the order the statuses first appeared. */
    Map<String, Long> counts() {
        return counts;
    }

    /** Rows whose object could not be rebuilt and were written with {@code raw} instead. */
    long fallbacks() {
        return fallbacks;
    }

    /** Ends the last line and flushes; the stream stays open. */
    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Builds CSV rows' objects for {@link ChainRows}: the header is parsed once from the file's start. */
    static Function<ChainEvent, byte[]> csv(List<String> header, Map<String, CsvLedgerSource.ColumnType> types) {
        return e -> header == null ? null : CsvRecord.toJson(header, CsvLine.fields(e.raw()), types);
    }
}
