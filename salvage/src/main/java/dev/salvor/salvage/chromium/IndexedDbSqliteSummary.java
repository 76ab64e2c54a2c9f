package dev.salvor.salvage.chromium;

import dev.salvor.formats.chromium.IdbKeyPath;
import dev.salvor.formats.chromium.IndexedDbSqliteCatalog;
import dev.salvor.formats.chromium.IndexedDbSqliteCatalog.Catalog;
import dev.salvor.formats.chromium.IndexedDbSqliteCatalog.Index;
import dev.salvor.formats.chromium.IndexedDbSqliteCatalog.ObjectStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code salvor identify} says about one of Chromium's IndexedDB databases on SQLite: the origin (from the path,
 * {@link IndexedDbSqliteJson#originOf}), the database's name and version, each object store with its key path,
 * auto-increment, indexes and live record count ({@link IndexedDbSqliteCatalog}). The same facts twice: as lines for
 * the run's notes, worded as the LevelDB backend's ({@link ChromiumSummary}), and as an object of the report's
 * {@value IndexedDbIdentity#KEY} section for {@code --json}, shaped as the LevelDB backend's ({@link IndexedDbIdentity}).
 */
public final class IndexedDbSqliteSummary {
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
                    + " live record(s)" + (catalog.countsComplete() ? "" : " or more")
                    + (s.keyIndexEntries() == null ? "" : " (the records_by_key index lists " + s.keyIndexEntries()
                    + ")"));
        }
        catalog.problems().forEach(p -> out.add("  " + p));
        return out;
    }

    /** The database's object for the report's {@value IndexedDbIdentity#KEY} section ({@link IndexedDbIdentity}). */
    public Map<String, Object> identity(String input) {
        Map<String, Object> f = IndexedDbIdentity.database(input, "sqlite", origin, null, catalog.name(),
                catalog.version()); // database_id null: one database per file, no id
        for (ObjectStore s : catalog.objectStores()) {
            Map<String, Object> m = IndexedDbIdentity.objectStore(f, s.id(), s.name(), s.keyPath(), s.autoIncrement());
            for (Index i : s.indexes()) {
                IndexedDbIdentity.index(m, i.id(), i.name(), i.keyPath(), i.unique(), i.multiEntry());
            }
            m.put("live_records", s.records());
            if (s.keyIndexEntries() != null) {
                m.put("records_by_key_entries", s.keyIndexEntries());
            }
        }
        f.put("counts_complete", catalog.countsComplete());
        f.put("uncounted_records", catalog.uncountedRecords());
        f.put("problems", catalog.problems());
        return f;
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
