package dev.salvor.salvage.chromium;

import dev.salvor.formats.chromium.IdbKeyPath;
import dev.salvor.formats.chromium.IndexedDbSqliteCatalog;
import dev.salvor.formats.chromium.IndexedDbSqliteCatalog.Catalog;
import dev.salvor.formats.chromium.IndexedDbSqliteCatalog.Index;
import dev.salvor.formats.chromium.IndexedDbSqliteCatalog.ObjectStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code salvor identify} says about one of Chromium's IndexedDB databases on SQLite: the origin (from the path,
 * {@link IndexedDbSqliteJson#originOf}), the database's name and version, each object store with its key path,
 * auto-increment, indexes and live record count ({@link IndexedDbSqliteCatalog}). The same facts twice: as lines for
 * the run's notes, worded as the LevelDB backend's ({@link ChromiumSummary}), and as the database file's
 * {@value #FACT} fact for {@code --json}, with the member names salvage's {@code "indexeddb"} records carry
 * ({@code origin}, {@code database_id}, {@code database}, {@code object_store_id}, {@code object_store}, {@code index},
 * {@code key_path}).
 */
public final class IndexedDbSqliteSummary {
    /** The name of the database file's fact. */
    public static final String FACT = "indexeddb";

    private final String origin;
    private final Catalog catalog;

    /** @param origin the origin identifier ({@link IndexedDbSqliteJson#originOf}), or null when the path has none */
    public IndexedDbSqliteSummary(String origin, Catalog catalog) {
        this.origin = origin;
        this.catalog = catalog;
    }

    /** The summary lines. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("Chromium IndexedDB on SQLite (recognised by its tables "
                + IndexedDbSqliteCatalog.TABLES.stream().sorted().toList() + ")");
        out.add("  origin " + (origin == null ? "(not found: the file does not lie in an origin's directory)" : origin)
                + ": database " + quote(catalog.name())
                + (catalog.version() == null ? "" : ", version " + catalog.version()) + ", "
                + catalog.objectStores().size() + " object store(s)");
        for (ObjectStore s : catalog.objectStores()) {
            String indexes = s.indexes().stream().map(i -> quote(i.name())).collect(Collectors.joining(", "));
            out.add("  database " + quote(catalog.name()) + ", object store " + s.id() + " " + quote(s.name())
                    + " (key path " + keyPath(s.keyPath())
                    + (s.autoIncrement() == null ? "" : ", auto-increment " + (s.autoIncrement() ? "yes" : "no"))
                    + (indexes.isEmpty() ? "" : ", indexes " + indexes) + "): " + s.records()
                    + " live record(s)" + (catalog.countsComplete() ? "" : " or more"));
        }
        catalog.problems().forEach(p -> out.add("  " + p));
        return out;
    }

    /** The {@value #FACT} fact: plain maps and lists, for the report's JSON. */
    public Map<String, Object> fact() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("backend", "sqlite");
        f.put("origin", origin);
        f.put("database_id", null); // the LevelDB backend's database id: one database per file here, no id
        f.put("database", catalog.name());
        f.put("version", catalog.version());
        List<Object> stores = new ArrayList<>();
        for (ObjectStore s : catalog.objectStores()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object_store_id", s.id());
            m.put("object_store", s.name());
            m.put("key_path", keyPathJson(s.keyPath()));
            m.put("auto_increment", s.autoIncrement());
            List<Object> indexes = new ArrayList<>();
            for (Index i : s.indexes()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("index_id", i.id());
                x.put("index", i.name());
                x.put("key_path", keyPathJson(i.keyPath()));
                x.put("unique", i.unique());
                x.put("multi_entry", i.multiEntry());
                indexes.add(x);
            }
            m.put("indexes", indexes);
            m.put("live_records", s.records());
            stores.add(m);
        }
        f.put("object_stores", stores);
        f.put("counts_complete", catalog.countsComplete());
        f.put("uncounted_records", catalog.uncountedRecords());
        f.put("problems", catalog.problems());
        return f;
    }

    /** A key path as salvage's records write it: null for none, a string, or an array of strings. */
    private static Object keyPathJson(IdbKeyPath p) {
        if (p == null || p.isNone()) {
            return null;
        }
        return p.string() != null ? p.string() : p.array();
    }

    private static String keyPath(IdbKeyPath p) {
        if (p == null || p.isNone()) {
            return "none";
        }
        return p.string() != null ? quote(p.string())
                : p.array().stream().map(IndexedDbSqliteSummary::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String quote(String s) {
        return s == null ? "(name not found)" : '"' + s + '"';
    }
}
