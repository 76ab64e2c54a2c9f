package dev.salvor.salvage.chromium;

import static dev.salvor.salvage.chromium.IndexedDbMemberNames.DATABASE;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.DATABASE_ID;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.INDEX;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.KEY;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.MEMBER;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.OBJECT_STORE;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.OBJECT_STORE_ID;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.ORIGIN;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.PRIMARY_KEY;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.PROBLEM;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.RECORD;
import static dev.salvor.salvage.chromium.IndexedDbMemberNames.VALUE;

import dev.salvor.formats.chromium.IdbKey;
import dev.salvor.formats.chromium.IdbKeyPath;
import dev.salvor.formats.chromium.IndexedDbKeyDecoder;
import dev.salvor.formats.core.Malformed;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.formats.v8.BlobResolver;
import dev.salvor.formats.v8.IndexedDbValue;
import dev.salvor.formats.v8.JsonValue;
import dev.salvor.salvage.report.JsonLineWriter;
import dev.salvor.salvage.report.JsonLineWriter.Name;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code "indexeddb"} member of rows salvaged from Chromium's IndexedDB on SQLite (Chrome 144+: one database per
 * file, tables {@code records(row_id, object_store_id, compression_type, key, value)}, {@code object_stores},
 * {@code indexes}, {@code index_references}, {@code indexed_db_metadata}): live, deleted and WAL versions alike, as
 * salvor's SQLite engine finds them. Keys are in the sortable encoding ({@link IndexedDbKeyDecoder#decodeSortable});
 * names and key paths are UTF-16LE blobs (an array key path's parts joined by a space, written as a JSON array); a record's value (compressed as {@code compression_type} says: 0 none,
 * 1 zstd, 2 Snappy) is decoded by {@link IndexedDbValue#decodeSqlite} and rendered by {@link JsonValue}; blobs kept
 * in the {@code blobs} table are not resolved (Blob/File indexes decode without their details).
 *
 * <p>{@link #describe} runs once per row in row order, on whichever single thread encodes the rows (the salvaging
 * thread, or the one writing thread): object stores and indexes are learned from their tables' rows (the SQLite
 * engine emits tables in schema order, and Chromium creates {@code object_stores} before {@code records}), so a
 * record row is named by the stores found before it, the same in serial and parallel output.
 */
public final class IndexedDbSqliteJson {

    private static final Name COMPRESSION = Name.of("compression");
    private static final Name KEY_PATH = Name.of("key_path");

    private final String origin;
    private String database;
    private final Map<Long, String> stores = new HashMap<>();
    private final Map<Long, String> indexes = new HashMap<>();

    /** @param origin the origin identifier (the directory the file lies in, e.g. {@code https_a.test_0}), or null */
    public IndexedDbSqliteJson(String origin) {
        this.origin = origin;
    }

    /** One row, described. */
    record Row(String kind, String database, Long objectStoreId, String objectStore, String index, IdbKey key,
               IdbKey primaryKey, String name, IdbKeyPath keyPath, byte[] valueJson, Long compression, String problem) {
    }

    /**
     * The origin identifier of a database file: the name of the directory it lies in when it looks like one
     * ({@code <scheme>_<host>_<port>}, e.g. {@code https_a.test_0}, {@code file__0}), else null.
     */
    public static String originOf(java.nio.file.Path file) {
        java.nio.file.Path dir = file == null ? null : file.toAbsolutePath().getParent();
        String name = dir == null || dir.getFileName() == null ? null : dir.getFileName().toString();
        return name != null && name.matches("[a-z][a-z0-9+.-]*_[^/]*_\\d+") ? name : null;
    }


    /** Describes {@code r} (null for a row of another table); learns names from metadata rows. */
    public Object describe(SqliteRow r) {
        List<Object> v = r.values();
        try {
            switch (r.table()) {
                case "indexed_db_metadata" -> {
                    String name = utf16le(at(v, 0));
                    if (database == null && r.stateId().equals("live")) {
                        database = name;
                    }
                    return new Row("database_metadata", name, null, null, null, null, null, name, null, null, null,
                            null);
                }
                case "object_stores" -> {
                    Long id = v.size() > 0 && v.get(0) instanceof Long l ? l : r.rowid();
                    String name = utf16le(at(v, 1));
                    if (id != null && name != null) {
                        stores.putIfAbsent(id, name);
                    }
                    return new Row("object_store_metadata", database, id, name, null, null, null, name,
                            keyPath(at(v, 2)), null, null, null);
                }
                case "indexes" -> {
                    Long os = at(v, 0) instanceof Long l ? l : null;
                    Long id = at(v, 1) instanceof Long l ? l : null;
                    String name = utf16le(at(v, 2));
                    if (os != null && id != null && name != null) {
                        indexes.putIfAbsent(os << 32 ^ id, name);
                    }
                    return new Row("index_metadata", database, os, os == null ? null : stores.get(os), name, null,
                            null, name, keyPath(at(v, 3)), null, null, null);
                }
                case "records" -> {
                    Long os = at(v, 1) instanceof Long l ? l : null;
                    Long compression = at(v, 2) instanceof Long l ? l : null;
                    IdbKey key = null;
                    String problem = null;
                    if (at(v, 3) instanceof byte[] k) {
                        try {
                            key = IndexedDbKeyDecoder.decodeSortable(k);
                        } catch (Malformed e) {
                            problem = "key: " + e.detail() + " (at +" + e.position() + ")";
                        }
                    }
                    byte[] value = at(v, 4) instanceof byte[] b ? b : null;
                    byte[] json = value == null ? null : JsonValue.toUtf8(IndexedDbValue.decodeSqlite(value,
                            compression == null ? 0 : compression, BlobResolver.NONE));
                    return new Row("data", database, os, os == null ? null : stores.get(os), null, key, null, null,
                            null, json, compression, problem);
                }
                case "index_references" -> {
                    Long idx = at(v, 1) instanceof Long l ? l : null;
                    Long os = at(v, 3) instanceof Long l ? l : null;
                    IdbKey key = null;
                    IdbKey primary = null;
                    String problem = null;
                    try {
                        key = at(v, 2) instanceof byte[] k ? IndexedDbKeyDecoder.decodeSortable(k) : null;
                        primary = at(v, 4) instanceof byte[] k ? IndexedDbKeyDecoder.decodeSortable(k) : null;
                    } catch (Malformed e) {
                        problem = "key: " + e.detail() + " (at +" + e.position() + ")";
                    }
                    String index = os == null || idx == null ? null : indexes.get(os << 32 ^ idx);
                    return new Row("index", database, os, os == null ? null : stores.get(os), index, key, primary,
                            null, null, null, null, problem);
                }
                default -> {
                    return null;
                }
            }
        } catch (RuntimeException e) {
            return null; // a row whose columns are not what the schema says stays a plain row
        }
    }

    private static Object at(List<Object> v, int i) {
        return v != null && i < v.size() ? v.get(i) : null;
    }

    /** A UTF-16LE name blob (Chromium's SQLite backend), or a text value as it is. */
    static String utf16le(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, 0, b.length & ~1, StandardCharsets.UTF_16LE);
        }
        return o instanceof String s ? s : null;
    }

    /** A key path blob ({@link IdbKeyPath#ofSqlite}: an array's parts joined by a space), null for none. */
    private static IdbKeyPath keyPath(Object o) {
        if (o instanceof String s) {
            return new IdbKeyPath(s, null);
        }
        return o instanceof byte[] b ? IdbKeyPath.ofSqlite(b) : null;
    }

    /** Writes the member for a description {@link #describe} returned. */
    public void write(JsonLineWriter j, Object described) {
        Row r = (Row) described;
        j.name(MEMBER);
        j.beginObject();
        j.name(RECORD);
        j.string(r.kind());
        j.name(ORIGIN);
        j.string(origin);
        j.name(DATABASE_ID);
        j.nullValue();
        j.name(DATABASE);
        j.string(r.database());
        j.name(OBJECT_STORE_ID);
        if (r.objectStoreId() == null) {
            j.nullValue();
        } else {
            j.number(r.objectStoreId());
        }
        j.name(OBJECT_STORE);
        j.string(r.objectStore());
        j.name(INDEX);
        j.string(r.index());
        j.name(KEY);
        IdbKeyJson.write(j, r.key());
        if (r.primaryKey() != null) {
            j.name(PRIMARY_KEY);
            IdbKeyJson.write(j, r.primaryKey());
        }
        if (r.keyPath() != null) {
            j.name(KEY_PATH);
            IdbKeyJson.keyPath(j, r.keyPath());
        }
        j.name(VALUE);
        if (r.valueJson() != null) {
            j.rawValue(r.valueJson());
        } else if (r.name() != null) {
            j.string(r.name());
        } else {
            j.nullValue();
        }
        if (r.compression() != null) {
            j.name(COMPRESSION);
            j.string(r.compression() == null ? null : switch (r.compression().intValue()) {
                case 0 -> "none";
                case 1 -> "zstd";
                case 2 -> "snappy";
                default -> "unknown " + r.compression();
            });
        }
        if (r.problem() != null) {
            j.name(PROBLEM);
            j.string(r.problem());
        }
        j.endObject();
    }
}
