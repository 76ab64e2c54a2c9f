package dev.salvor.salvage.jsonlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.jsonlog.ChainFields;
import dev.salvor.formats.jsonlog.EventHash;
import dev.salvor.formats.jsonlog.EventLogDirectory;
import dev.salvor.formats.jsonlog.JsonCanonicalizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@code jsonlog} input is, found by content: an EventLog directory ({@code segment-NNNNNN.json} files and an
 * optional {@code event-log-snapshot.json}), a single JSON file (array or JSON Lines) or a CSV export, and the
 * top-level members of its first event (or the CSV header), from which field names are chosen.
 *
 * <p>Only a bounded prefix of each file is read ({@link #PROBE_BYTES}); nothing is written.
 *
 * @param path    the input as named
 * @param kind    directory, JSON or CSV
 * @param dir     the directory listing (null for a single file)
 * @param members the first event's top-level members (scalars as text, JSON null as {@code null}, containers as
 *                {@code "{}"}/{@code "[]"}); for CSV the header's column names mapped to null, for a table its
 *                column names
 * @param table   the live table (null unless {@link Kind#TABLE}; then {@code path} is null)
 */
record ChainInput(Path path, Kind kind, EventLogDirectory dir, Map<String, String> members, JdbcInput table) {

    /** How the events are stored. */
    enum Kind {
        /** An EventLog directory. */
        DIRECTORY,
        /** One JSON file: an array of events or JSON Lines. */
        JSON,
        /** One CSV export with a header ({@code COPY ... TO ... CSV HEADER}). */
        CSV,
        /** A live PostgreSQL table ({@code --jdbc}). */
        TABLE
    }

    /** Bytes of a file read to recognise it. */
    static final int PROBE_BYTES = 1 << 20;

    /** Describes {@code path} (a directory or a file) whatever its content. */
    static ChainInput of(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            EventLogDirectory d = EventLogDirectory.scan(path);
            Map<String, String> members = Map.of();
            for (Path seg : d.segments().subList(0, Math.min(3, d.segments().size()))) {
                members = probeJson(prefix(seg));
                if (!members.isEmpty()) {
                    break;
                }
            }
            return new ChainInput(path, Kind.DIRECTORY, d, members, null);
        }
        byte[] head = prefix(path);
        int p = skipBomAndWs(head);
        if (p < head.length && (head[p] == '[' || head[p] == '{')) {
            return new ChainInput(path, Kind.JSON, null, probeJson(head), null);
        }
        return new ChainInput(path, Kind.CSV, null, probeCsvHeader(head, p), null);
    }

    /** A live table with these columns. */
    static ChainInput ofTable(JdbcInput table, List<String> columns) {
        Map<String, String> m = new LinkedHashMap<>();
        columns.forEach(c -> m.put(c, null));
        return new ChainInput(null, Kind.TABLE, null, m, table);
    }

    /** The input's name in reports: the path as given, or the table's URL without credentials. */
    String name() {
        return table != null ? table.displayName() : path.toString();
    }

    /** True when the content looks like a hash chain of JSON events (see {@link #chained}). */
    boolean recognised() {
        if (kind == Kind.DIRECTORY) {
            return !dir.segments().isEmpty() && (chained(members) || dir.snapshot() != null);
        }
        return kind == Kind.CSV || kind == Kind.TABLE ? chainedCsv(members) : chained(members);
    }

    /**
     * The chain's member names: the ones given, else those of the EventLog ({@code current_hash}) when the first
     * event has its hash member, else the seed-004 ledger's ({@code entry_hash}) when it has that one, else the
     * EventLog's.
     */
    ChainFields fields(JsonLogOptions o) {
        if (o.fieldsGiven()) {
            return o.explicitFields();
        }
        if (members.containsKey(ChainFields.EVENT_LOG.hash())) {
            return ChainFields.EVENT_LOG;
        }
        if (members.containsKey(ChainFields.LEDGER.hash())) {
            return ChainFields.LEDGER;
        }
        return ChainFields.EVENT_LOG;
    }

    /** Every file read for this input. */
    List<Path> files() {
        if (kind == Kind.TABLE) {
            return List.of();
        }
        if (kind != Kind.DIRECTORY) {
            return List.of(path);
        }
        List<Path> l = new ArrayList<>(dir.segments());
        if (dir.snapshot() != null) {
            l.add(dir.snapshot());
        }
        return l;
    }

    /**
     * A JSON event of a hash chain carries the hash and previous-hash members of the EventLog or of the ledger, or
     * (other names) one member holding a SHA-256 hex string and another holding one or null.
     */
    static boolean chained(Map<String, String> m) {
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

    /** A CSV header names the EventLog's or the ledger's hash columns, or two columns with "hash" in the name. */
    static boolean chainedCsv(Map<String, String> header) {
        if (header.size() < 3) {
            return false;
        }
        for (ChainFields f : List.of(ChainFields.EVENT_LOG, ChainFields.LEDGER)) {
            if (header.containsKey(f.hash()) && header.containsKey(f.prev())) {
                return true;
            }
        }
        return header.keySet().stream().filter(n -> n.toLowerCase(Locale.ROOT).contains("hash")).count() >= 2;
    }

    private static byte[] prefix(Path file) {
        if (!Files.isRegularFile(file)) {
            return new byte[0];
        }
        try (ByteSource s = ByteSource.open(file)) {
            return s.read(0, (int) Math.min(s.size(), PROBE_BYTES));
        } catch (IOException | CorruptionException e) {
            // Unreadable (permission) or changed while probing: not recognised here; the pipeline's fingerprinting
            // reports an unreadable input with its own exit code.
            return new byte[0];
        }
    }

    private static int skipBomAndWs(byte[] b) {
        int p = b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf ? 3 : 0;
        while (p < b.length && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r')) {
            p++;
        }
        return p;
    }

    /** Top-level members of the first event in {@code head} (possibly a cut prefix): those read before any error. */
    static Map<String, String> probeJson(byte[] head) {
        Map<String, String> m = new LinkedHashMap<>();
        int p = skipBomAndWs(head);
        JsonFactory f = JsonCanonicalizer.newFactory(64, 1 << 20);
        try (JsonParser jp = f.createParser(head, p, head.length - p)) {
            JsonToken t = jp.nextToken();
            if (t == JsonToken.START_ARRAY) {
                t = jp.nextToken();
            }
            if (t != JsonToken.START_OBJECT) {
                return m;
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
        } catch (IOException | RuntimeException e) {
            // A cut or damaged first event: keep the members read before the damage.
        }
        return m;
    }

    /** Column names of the CSV header (the first non-blank line), each mapped to null; empty if not a header. */
    static Map<String, String> probeCsvHeader(byte[] head, int p) {
        Map<String, String> m = new LinkedHashMap<>();
        int end = p;
        while (end < head.length && head[end] != '\n' && head[end] != '\r') {
            end++;
        }
        if (end == head.length && head.length == PROBE_BYTES) {
            return m; // no complete header line in the probe
        }
        String line = dev.salvor.salvage.JsonBytes.utf8OrNull(java.util.Arrays.copyOfRange(head, p, end));
        if (line == null || line.chars().anyMatch(c -> c < 0x20)) {
            return m;
        }
        for (String col : CsvRecord.fields(line.getBytes(StandardCharsets.UTF_8)).stream()
                .map(CsvRecord.Field::text).toList()) {
            if (col.isEmpty() || m.containsKey(col)) {
                return new LinkedHashMap<>(); // not a header: empty or repeated column names
            }
            m.put(col, null);
        }
        return m;
    }
}
