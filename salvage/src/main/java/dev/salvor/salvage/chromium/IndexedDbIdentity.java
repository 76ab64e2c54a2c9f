package dev.salvor.salvage.chromium;

import dev.salvor.formats.chromium.IdbKeyPath;
import dev.salvor.salvage.report.RunReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's {@value #KEY} section ({@code --json} of {@code identify}): one object per IndexedDB database found,
 * on either of Chromium's backends, with the member names salvage's {@code "indexeddb"} records carry where the
 * concept is the same — {@code input}, {@code backend} ({@code leveldb}, {@code sqlite}), {@code origin},
 * {@code database_id}, {@code database}, {@code version}, {@code object_stores[]} ({@code object_store_id},
 * {@code object_store}, {@code key_path}, {@code auto_increment}, {@code indexes[]} with {@code index_id},
 * {@code index}, {@code key_path}, {@code unique}, {@code multi_entry}, and {@code live_records}). Each backend adds
 * what only it knows: LevelDB {@code deleted} and {@code older_or_deleted_versions}; SQLite
 * {@code counts_complete}, {@code uncounted_records} and {@code problems}.
 */
public final class IndexedDbIdentity {
    /** The extras key. */
    public static final String KEY = "indexeddb";

    private IndexedDbIdentity() {
    }

    /** Adds one database's object to the report's {@value #KEY} section. */
    @SuppressWarnings("unchecked")
    public static void add(RunReport report, Map<String, Object> database) {
        ((List<Map<String, Object>>) report.extras().computeIfAbsent(KEY, k -> new ArrayList<>())).add(database);
    }

    /** A database's object, its {@code object_stores} empty. */
    static Map<String, Object> database(String input, String backend, String origin, Long databaseId, String name,
                                        Long version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", input);
        m.put("backend", backend);
        m.put("origin", origin);
        m.put("database_id", databaseId);
        m.put("database", name);
        m.put("version", version);
        m.put("object_stores", new ArrayList<>());
        return m;
    }

    /** An object store's object, its {@code indexes} empty, added to {@code database}'s stores. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> objectStore(Map<String, Object> database, long id, String name, IdbKeyPath keyPath,
                                           Boolean autoIncrement) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object_store_id", id);
        m.put("object_store", name);
        m.put("key_path", keyPath(keyPath));
        m.put("auto_increment", autoIncrement);
        m.put("indexes", new ArrayList<>());
        ((List<Object>) database.get("object_stores")).add(m);
        return m;
    }

    /** Adds an index's object to {@code store}'s indexes. */
    @SuppressWarnings("unchecked")
    static void index(Map<String, Object> store, long id, String name, IdbKeyPath keyPath, Boolean unique,
                      Boolean multiEntry) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("index_id", id);
        x.put("index", name);
        x.put("key_path", keyPath(keyPath));
        x.put("unique", unique);
        x.put("multi_entry", multiEntry);
        ((List<Object>) store.get("indexes")).add(x);
    }

    /** A key path as salvage's records write it: null for none (or unknown), a string, or an array of strings. */
    static Object keyPath(IdbKeyPath p) {
        if (p == null || p.isNone()) {
            return null;
        }
        return p.string() != null ? p.string() : p.array();
    }
}
