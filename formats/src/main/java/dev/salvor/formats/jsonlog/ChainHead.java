package dev.salvor.formats.jsonlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.formats.core.ByteSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the first bytes of a file say about a hash-chained log: whether it is JSON (an array of events, JSON Lines,
 * an EventLog segment) or a CSV export, and the top-level members of its first event (or the CSV header's column
 * names), from which the chain's member names are chosen. The cheap detection test of the format is
 * {@link #matches(byte[])}.
 *
 * <p>Reading: {@link #HEAD_BYTES} first; only when the first event (or header line) goes on past them is more
 * read, up to {@link #MAX_HEAD_BYTES}, so the answer is the one the whole first event gives.
 *
 * @param layout   JSON or CSV
 * @param members  the first event's top-level members (scalars as text, JSON null as {@code null}, containers as
 *                 {@code "{}"}/{@code "[]"}), those read before any damage; for CSV the header's column names mapped
 *                 to null (empty when the first line is not a header)
 * @param complete false when the bytes end inside the first event or header line, so more bytes could change the
 *                 answer (never false for a whole file or a head of {@link #MAX_HEAD_BYTES})
 */
public record ChainHead(Layout layout, Map<String, String> members, boolean complete) {

    /** How the file stores its events. */
    public enum Layout {
        /** JSON: an array of events, JSON Lines, an EventLog segment. */
        JSON,
        /** A CSV export with a header ({@code COPY ... TO ... CSV HEADER}). */
        CSV
    }

    /** Bytes read first. */
    public static final int HEAD_BYTES = 4 << 10;

    /** Most bytes read to find the end of the first event or header line. */
    public static final int MAX_HEAD_BYTES = 1 << 20;

    public ChainHead {
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /**
     * True when these first bytes of a file look like a hash chain of JSON events or a ledger export: the first
     * event carries chain members ({@link #chainedEvent}), or the CSV header names them ({@link #chainedColumns}).
     * A cut head is read as far as it goes.
     */
    public static boolean matches(byte[] head) {
        return of(head, true).chained();
    }

    /** True when the members (event) or columns (CSV) are those of a hash chain. */
    public boolean chained() {
        return layout == Layout.CSV ? chainedColumns(members.keySet()) : chainedEvent(members);
    }

    /**
     * The head of an export file: JSON when its first byte after a UTF-8 byte order mark and white space is
     * {@code [} or <code>{</code>, else CSV.
     *
     * @param wholeFile true when {@code head} is the whole file
     */
    public static ChainHead of(byte[] head, boolean wholeFile) {
        boolean capped = wholeFile || head.length >= MAX_HEAD_BYTES;
        int p = skipBomAndWs(head);
        if (p < head.length && (head[p] == '[' || head[p] == '{')) {
            Probe probe = probeJson(head);
            return new ChainHead(Layout.JSON, probe.members(), capped || probe.ended());
        }
        if (p == head.length && !capped) {
            return new ChainHead(Layout.CSV, Map.of(), false); // only white space so far
        }
        int end = p;
        while (end < head.length && head[end] != '\n' && head[end] != '\r') {
            end++;
        }
        if (end == head.length && head.length >= MAX_HEAD_BYTES) {
            return new ChainHead(Layout.CSV, Map.of(), true); // no complete header line within the limit
        }
        if (end == head.length && !wholeFile) {
            return new ChainHead(Layout.CSV, Map.of(), false);
        }
        return new ChainHead(Layout.CSV, csvHeader(Arrays.copyOfRange(head, p, end)), true);
    }

    /** The head of an EventLog segment: the first event's members (see {@link #of}). */
    public static ChainHead ofEvent(byte[] head, boolean wholeFile) {
        Probe probe = probeJson(head);
        return new ChainHead(Layout.JSON, probe.members(), wholeFile || head.length >= MAX_HEAD_BYTES
                || probe.ended());
    }

    /** Reads the head of an export file (see {@link #of}): {@link #HEAD_BYTES}, more only while incomplete. */
    public static ChainHead read(ByteSource src) {
        return read(src, false);
    }

    /** Reads the head of an EventLog segment (see {@link #ofEvent}). */
    public static ChainHead readEvent(ByteSource src) {
        return read(src, true);
    }

    private static ChainHead read(ByteSource src, boolean event) {
        long limit = Math.min(src.size(), MAX_HEAD_BYTES);
        int n = (int) Math.min(limit, HEAD_BYTES);
        while (true) {
            byte[] head = src.read(0, n);
            boolean whole = n == src.size();
            ChainHead h = event ? ofEvent(head, whole) : of(head, whole);
            if (h.complete() || n >= limit) {
                return h;
            }
            n = (int) Math.min(limit, 8L * n);
        }
    }

    /**
     * A JSON event of a hash chain carries the hash and previous-hash members of the EventLog or of the ledger, or
     * (other names) one member holding a SHA-256 hex string and another holding one or null.
     */
    public static boolean chainedEvent(Map<String, String> m) {
        for (ChainFields f : List.of(ChainFields.EVENT_LOG, ChainFields.LEDGER)) {
            if (m.containsKey(f.hash()) && m.containsKey(f.prev())) {
                return true;
            }
        }
        int hashes = 0;
        int nulls = 0;
        for (String v : m.values()) {
            if (v == null) {
                nulls++;
            } else if (EventHash.isHash(v)) {
                hashes++;
            }
        }
        return hashes >= 2 || (hashes == 1 && nulls >= 1);
    }

    /**
     * A ledger's columns (a CSV header, a table) name the EventLog's or the ledger's hash columns, or two columns
     * with "hash" in the name; at least three columns.
     */
    public static boolean chainedColumns(Collection<String> columns) {
        if (columns.size() < 3) {
            return false;
        }
        for (ChainFields f : List.of(ChainFields.EVENT_LOG, ChainFields.LEDGER)) {
            if (columns.contains(f.hash()) && columns.contains(f.prev())) {
                return true;
            }
        }
        return columns.stream().filter(n -> n.toLowerCase(Locale.ROOT).contains("hash")).count() >= 2;
    }

    private static int skipBomAndWs(byte[] b) {
        int p = b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf ? 3 : 0;
        while (p < b.length && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r')) {
            p++;
        }
        return p;
    }

    /**
     * Members read and whether the parse ended on its own (first event closed, or not an object): false when it
     * stopped at an error, which may be the end of a cut head.
     */
    private record Probe(Map<String, String> members, boolean ended) {
    }

    /** Top-level members of the first event in {@code head} (possibly a cut prefix): those read before any error. */
    private static Probe probeJson(byte[] head) {
        Map<String, String> m = new LinkedHashMap<>();
        int p = skipBomAndWs(head);
        if (p == head.length) {
            return new Probe(m, false); // nothing but white space so far
        }
        JsonFactory f = JsonCanonicalizer.newFactory(64, 1 << 20);
        try (JsonParser jp = f.createParser(head, p, head.length - p)) {
            JsonToken t = jp.nextToken();
            if (t == JsonToken.START_ARRAY) {
                t = jp.nextToken();
            }
            if (t != JsonToken.START_OBJECT) {
                return new Probe(m, true);
            }
            while ((t = jp.nextToken()) == JsonToken.FIELD_NAME) {
                String name = jp.currentName();
                JsonToken v = jp.nextToken();
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    jp.skipChildren();
                    m.put(name, v == JsonToken.START_OBJECT ? "{}" : "[]");
                } else if (v == JsonToken.VALUE_NULL) {
                    m.put(name, null);
                } else if (v != null) {
                    m.put(name, jp.getText());
                }
            }
            return new Probe(m, true);
        } catch (IOException | RuntimeException e) {
            // A cut or damaged first event: keep the members read before the damage.
            return new Probe(m, false);
        }
    }

    /**
     * Column names of a CSV header line (without its line break), each mapped to null; empty if not a header:
     * invalid UTF-8, control characters, empty or repeated column names.
     */
    private static Map<String, String> csvHeader(byte[] line) {
        Map<String, String> m = new LinkedHashMap<>();
        if (Utf8.firstInvalid(line, 0, line.length) >= 0
                || new String(line, StandardCharsets.UTF_8).chars().anyMatch(c -> c < 0x20)) {
            return m;
        }
        for (CsvLine.Field col : CsvLine.fields(line)) {
            if (col.text().isEmpty() || m.containsKey(col.text())) {
                return new LinkedHashMap<>();
            }
            m.put(col.text(), null);
        }
        return m;
    }
}
