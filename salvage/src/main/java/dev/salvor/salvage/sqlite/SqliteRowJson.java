package dev.salvor.salvage.sqlite;

import dev.salvor.formats.sqlite.RowKind;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.salvage.report.ImageOffsets;
import dev.salvor.salvage.report.JsonLineWriter;
import dev.salvor.salvage.report.JsonLineWriter.Name;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Encodes {@link SqliteRow}s as JSON Lines schema v1 with a {@link JsonLineWriter}, into its reusable buffer: byte
 * for byte what Jackson's {@code UTF8JsonGenerator} wrote for the same row (see {@link JsonLineWriter} for the
 * escaping rules; REALs as {@link Double#toString}, NaN and infinities as strings; blobs as
 * {@code {"base64": "…"}} even when their bytes are valid UTF-8).
 *
 * <p>Not thread-safe: one encoder per thread.
 */
final class SqliteRowJson {
    private static final Name FORMAT = Name.of("format");
    private static final JsonLineWriter.Text SQLITE = JsonLineWriter.Text.of("sqlite");
    private static final Name FILE = Name.of("file");
    private static final Name TABLE = Name.of("table");
    private static final Name ROWID = Name.of("rowid");
    private static final Name VALUES = Name.of("values");
    private static final Name STATE = Name.of("state");
    private static final Name SOURCE = Name.of("source");
    private static final Name PAGE = Name.of("page");
    private static final Name OFFSET = Name.of("offset");
    private static final Name WAL_FRAME = Name.of("wal_frame");
    private static final Name UNKNOWN_COLUMNS = Name.of("unknown_columns");
    private static final Name LEFT_OUT = Name.of("left_out");
    private static final Name KIND = Name.of("kind");
    private static final Name POINTS_TO = Name.of("points_to");

    private final JsonLineWriter json;
    private final ImageOffsets imageOffsets;
    /** Chromium's IndexedDB on SQLite: the rows' {@code "indexeddb"} member, or null (set before the first row). */
    private dev.salvor.salvage.chromium.IndexedDbSqliteJson indexedDb;

    SqliteRowJson(int initialCapacity) {
        this(initialCapacity, ImageOffsets.NONE);
    }

    /** Rows that start with {@code image_offset} where {@code imageOffsets} knows the row's place. */
    SqliteRowJson(int initialCapacity, ImageOffsets imageOffsets) {
        this.json = new JsonLineWriter(initialCapacity);
        this.imageOffsets = imageOffsets;
    }

    /** Bytes encoded so far. */
    int size() {
        return json.size();
    }

    /** Writes what was encoded to {@code out} and starts over (the buffer is kept). */
    void drainTo(OutputStream out) throws IOException {
        json.drainTo(out);
    }

    /** The encoded bytes (a copy). */
    byte[] toByteArray() {
        return json.toByteArray();
    }

    /**
     * From the next row on, rows of Chromium's IndexedDB tables carry an {@code "indexeddb"} member (described in row
     * order by whichever single thread encodes them).
     */
    void indexedDb(dev.salvor.salvage.chromium.IndexedDbSqliteJson members) {
        this.indexedDb = members;
    }

    /** Appends {@code r} as one JSON object and a line feed. */
    void row(SqliteRow r) {
        row(r, null);
    }

    /**
     * Appends {@code r} as {@link #row(SqliteRow)} does, with a last member {@code "left_out":leftOut} (why a rebuild
     * left the row out of the new database) unless {@code leftOut} is null.
     */
    void row(SqliteRow r, String leftOut) {
        JsonLineWriter j = json;
        j.beginRecord(imageOffsets.of(r.file(), r.offset()));
        j.name(FORMAT);
        j.string(SQLITE);
        j.name(FILE);
        repeated(r.file(), 0);
        j.name(TABLE);
        repeated(r.table(), 1);
        j.name(ROWID);
        if (r.rowid() == null) {
            j.nullValue();
        } else {
            j.number(r.rowid());
        }
        j.name(VALUES);
        j.beginArray();
        List<Object> values = r.values();
        for (int i = 0, n = values.size(); i < n; i++) {
            value(values.get(i));
        }
        j.endArray();
        j.name(STATE);
        repeated(r.stateId(), 2);
        j.name(SOURCE);
        repeated(r.sourceId(), 3);
        j.name(PAGE);
        j.number(r.page());
        j.name(OFFSET);
        j.number(r.offset());
        if (r.walFrame() != null) {
            j.name(WAL_FRAME);
            j.number(r.walFrame());
        }
        List<Integer> unknown = r.unknownColumns();
        if (unknown != null && !unknown.isEmpty()) {
            j.name(UNKNOWN_COLUMNS);
            j.beginArray();
            for (int i = 0, n = unknown.size(); i < n; i++) {
                j.number(unknown.get(i));
            }
            j.endArray();
        }
        if (r.kind() != null && r.kind() != RowKind.ROW) {
            // index entries and rows rebuilt from them say what they are; plain rows keep the v1 members only
            j.name(KIND);
            j.string(r.kind().id());
            SqliteRow.IndexTarget to = r.pointsTo();
            if (to != null) {
                j.name(POINTS_TO);
                j.beginObject();
                j.name(TABLE);
                j.string(to.table());
                j.name(ROWID);
                j.number(to.rowid());
                j.endObject();
            }
        }
        if (indexedDb != null) {
            Object described = indexedDb.describe(r);
            if (described != null) {
                indexedDb.write(j, described);
            }
        }
        if (leftOut != null) {
            j.name(LEFT_OUT);
            j.string(leftOut);
        }
        j.endRecord();
    }

    /** {@code values} as one JSON array, encoded as in a row's {@code values} (blobs as {@code {"base64": …}}). */
    static String valuesArray(List<Object> values) {
        SqliteRowJson one = new SqliteRowJson(64);
        one.json.beginArray();
        for (int i = 0, n = values.size(); i < n; i++) {
            one.value(values.get(i));
        }
        one.json.endArray();
        return new String(one.json.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A string that repeats from row to row ({@code member}: 0 a file, 1 a table, 2 a state, 3 a source name): escaped
     * once and kept, the same bytes as {@link JsonLineWriter#string(String)} writes. At most {@value #MAX_REPEATED}
     * are kept (the cache starts over beyond that, so that a database of many tables holds no more).
     */
    private void repeated(String s, int member) {
        if (s == null) {
            json.string((String) null);
            return;
        }
        JsonLineWriter.Text t = s == lastRepeated[member] ? lastRepeatedText[member] : repeated.get(s);
        if (t == null) {
            if (repeated.size() >= MAX_REPEATED) {
                repeated.clear();
            }
            t = JsonLineWriter.Text.of(s);
            repeated.put(s, t);
        }
        lastRepeated[member] = s;
        lastRepeatedText[member] = t;
        json.string(t);
    }

    private static final int MAX_REPEATED = 256;
    /** Per member (file, table, state, source): the string {@link #repeated} wrote last (by identity), its encoding. */
    private final String[] lastRepeated = new String[4];
    private final JsonLineWriter.Text[] lastRepeatedText = new JsonLineWriter.Text[4];
    private final java.util.HashMap<String, JsonLineWriter.Text> repeated = new java.util.HashMap<>();

    private void value(Object v) {
        if (v == null) {
            json.nullValue();
        } else if (v instanceof Long l) {
            json.number(l.longValue());
        } else if (v instanceof String s) {
            json.string(s);
        } else if (v instanceof Double d) {
            json.number(d.doubleValue());
        } else if (v instanceof byte[] b) {
            json.base64Object(b); // a blob is not text, even when its bytes are valid UTF-8
        } else {
            json.string(String.valueOf(v));
        }
    }
}
