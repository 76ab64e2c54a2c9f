package dev.salvor.formats.chromium;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.sqlite.SchemaEntry;
import dev.salvor.formats.sqlite.SqliteDatabase;
import dev.salvor.formats.sqlite.TableTree;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one of Chromium's IndexedDB databases on SQLite (Chrome 144+, one file per database) says about itself, read
 * cheaply from its live tables: the database's name and version ({@code indexed_db_metadata(name BLOB, version
 * INTEGER)}, one row), its object stores ({@code object_stores(id INTEGER PRIMARY KEY, name BLOB, key_path BLOB,
 * auto_increment INTEGER, key_generator_current_number INTEGER)}), their indexes ({@code indexes(object_store_id,
 * id, name BLOB, key_path BLOB, is_unique, multi_entry)}, WITHOUT ROWID) and the live record count of each store:
 * {@code records(row_id INTEGER PRIMARY KEY, object_store_id INTEGER, compression_type, key BLOB, value BLOB)} counted
 * by {@code object_store_id} from the records tree's cells, no key or value decoded. Names and key paths are UTF-16LE
 * blobs ({@link IdbKeyPath#ofSqlite}).
 *
 * <p>Live rows only (deleted records are salvage's business) and never more than {@link #MAX_METADATA_ROWS} metadata
 * rows kept. A damaged tree still gives what it reaches: {@link Catalog#problems()} says what could not be read or
 * counted, and {@link Catalog#countsComplete()} is false when a page of the records tree was lost (the counts are then
 * lower bounds).
 */
public final class IndexedDbSqliteCatalog {
    /** Tables that make an SQLite file one of Chromium's IndexedDB databases. */
    public static final Set<String> TABLES = Set.of("records", "object_stores", "indexed_db_metadata");

    /** Most rows of {@code object_stores} and of {@code indexes} kept (Chromium sets no limit; a page holds dozens). */
    public static final int MAX_METADATA_ROWS = 100_000;

    private IndexedDbSqliteCatalog() {
    }

    /** One index of an object store. Flags are null when their column is not an integer. */
    public record Index(long id, String name, IdbKeyPath keyPath, Boolean unique, Boolean multiEntry) {
    }

    /**
     * One object store: {@code name} null when its {@code object_stores} row was not found (records name a store the
     * metadata does not hold), {@code autoIncrement} null when unknown; {@code records} its live records counted;
     * {@code keyIndexEntries}, only when the records tree is damaged and the {@code records_by_key} index is not, the
     * entries that index holds for the store: how many live records the store had, the lost ones included.
     */
    public record ObjectStore(long id, String name, IdbKeyPath keyPath, Boolean autoIncrement, List<Index> indexes,
                              long records, Long keyIndexEntries) {
    }

    /**
     * The database: {@code name} and {@code version} null when {@code indexed_db_metadata} could not be read;
     * {@code uncountedRecords} the records whose store could not be told (a damaged record header).
     */
    public record Catalog(String name, Long version, List<ObjectStore> objectStores, long uncountedRecords,
                          boolean countsComplete, List<String> problems) {
    }

    /** True when the schema names Chromium's IndexedDB tables ({@link #TABLES}). */
    public static boolean recognises(Collection<String> tableNames) {
        return tableNames.containsAll(TABLES);
    }

    /**
     * Reads the catalog of {@code db} (the current view: WAL frames and a hot journal applied), one phase per table.
     * Damage met on the way goes to {@code sink} and is summed up in the catalog's problems.
     */
    public static Catalog read(SqliteDatabase db, DamageSink sink) {
        List<String> problems = new ArrayList<>();
        Map<String, SchemaEntry> tables = new TreeMap<>();
        List<SchemaEntry> schema = TableTree.schema(db, sink);
        for (SchemaEntry e : schema) {
            if ("table".equals(e.type()) && e.name() != null) {
                tables.putIfAbsent(e.name(), e);
            }
        }
        String name = null;
        Long version = null;
        TableTree.Rows meta = rows(db, tables.get("indexed_db_metadata"), 2, sink, problems);
        if (meta != null && !meta.records().isEmpty()) {
            List<Object> v = meta.records().get(0).record().values();
            name = utf16le(at(v, 0));
            version = at(v, 1) instanceof Long l ? l : null;
            if (meta.rows() > 1) {
                problems.add("indexed_db_metadata: " + meta.rows() + " rows (expected 1): the first names the database");
            }
        } else if (meta != null) {
            problems.add("indexed_db_metadata: no row found: the database's name and version are unknown");
        }
        Map<Long, List<Index>> indexes = indexes(db, tables.get("indexes"), sink, problems);
        Map<Long, ObjectStore> stores = new TreeMap<>();
        TableTree.Rows os = rows(db, tables.get("object_stores"), MAX_METADATA_ROWS, sink, problems);
        if (os != null) {
            for (TableTree.Row r : os.records()) {
                // id is the INTEGER PRIMARY KEY: SQLite stores NULL in the record and the id as the rowid
                List<Object> v = r.record().values();
                long id = at(v, 0) instanceof Long l ? l : r.rowid();
                stores.putIfAbsent(id, store(id, v, indexes));
            }
        }
        boolean complete = true;
        long uncounted = 0;
        SchemaEntry records = tables.get("records");
        if (records == null) {
            problems.add("records: the table is not in the schema: nothing counted");
            complete = false;
        } else {
            List<Damage> first = new ArrayList<>(1);
            TableTree.Counts c = TableTree.countBy(db, records, 1, d -> { // column 1: object_store_id
                if (first.isEmpty()) {
                    first.add(d);
                }
                sink.report(d);
            });
            for (Map.Entry<Long, Long> e : c.byValue().entrySet()) {
                ObjectStore s = stores.get(e.getKey());
                stores.put(e.getKey(), s == null ? new ObjectStore(e.getKey(), null, null, null,
                        indexes.getOrDefault(e.getKey(), List.of()), e.getValue(), null)
                        : new ObjectStore(s.id(), s.name(), s.keyPath(), s.autoIncrement(), s.indexes(), e.getValue(),
                        null));
            }
            uncounted = c.unreadable();
            if (c.unreadable() > 0) {
                problems.add("records: " + c.unreadable() + " record(s) whose object_store_id could not be read "
                        + "(damaged record header): counted in no store");
            }
            if (c.damages() > 0) {
                complete = false;
                problems.add("records: " + c.damages() + " problem(s) in the records tree (first: " + first.get(0)
                        + "): the records of pages that could not be read are not counted, the counts are lower "
                        + "bounds");
                keyIndex(db, schema, stores, indexes, problems);
            }
        }
        return new Catalog(name, version, List.copyOf(stores.values()), uncounted, complete, List.copyOf(problems));
    }

    /**
     * With the records tree damaged: the entries of the {@code records_by_key} index ({@code (object_store_id, key)},
     * one per live record, in a tree of its own) by store, so that what was lost can be told. Only an index whose
     * own tree is whole is believed; its entries are counted as the records are, no key decoded.
     */
    private static void keyIndex(SqliteDatabase db, List<SchemaEntry> schema, Map<Long, ObjectStore> stores,
                                 Map<Long, List<Index>> indexes, List<String> problems) {
        SchemaEntry index = schema.stream()
                .filter(e -> "index".equals(e.type()) && "records_by_key".equals(e.name())
                        && "records".equals(e.tableName()))
                .findFirst().orElse(null);
        if (index == null) {
            problems.add("records_by_key: no such index: how many records were lost cannot be told");
            return;
        }
        TableTree.Counts c = TableTree.countBy(db, index, 0, DamageSink.IGNORE); // column 0: object_store_id
        if (c.damages() > 0 || c.unreadable() > 0) {
            problems.add("records_by_key: the index is damaged too: how many records were lost cannot be told");
            return;
        }
        for (Map.Entry<Long, Long> e : c.byValue().entrySet()) {
            ObjectStore s = stores.get(e.getKey());
            stores.put(e.getKey(), s == null
                    ? new ObjectStore(e.getKey(), null, null, null, indexes.getOrDefault(e.getKey(), List.of()), 0,
                    e.getValue())
                    : new ObjectStore(s.id(), s.name(), s.keyPath(), s.autoIncrement(), s.indexes(), s.records(),
                    e.getValue()));
        }
        for (Map.Entry<Long, ObjectStore> e : stores.entrySet()) {
            if (e.getValue().keyIndexEntries() == null) {
                ObjectStore s = e.getValue();
                e.setValue(new ObjectStore(s.id(), s.name(), s.keyPath(), s.autoIncrement(), s.indexes(), s.records(),
                        0L));
            }
        }
        problems.add("records_by_key: the index (intact) lists " + c.rows() + " live record(s): "
                + Math.max(0, c.rows() - stores.values().stream().mapToLong(ObjectStore::records).sum())
                + " of them could not be counted in the records tree");
    }

    private static ObjectStore store(long id, List<Object> v, Map<Long, List<Index>> indexes) {
        return new ObjectStore(id, utf16le(at(v, 1)), at(v, 2) instanceof byte[] b ? IdbKeyPath.ofSqlite(b)
                : IdbKeyPath.NONE, flag(at(v, 3)), indexes.getOrDefault(id, List.of()), 0, null);
    }

    /** The indexes by object store id. */
    private static Map<Long, List<Index>> indexes(SqliteDatabase db, SchemaEntry table, DamageSink sink,
                                                  List<String> problems) {
        Map<Long, List<Index>> out = new TreeMap<>();
        TableTree.Rows rows = rows(db, table, MAX_METADATA_ROWS, sink, problems);
        if (rows == null) {
            return out;
        }
        for (TableTree.Row r : rows.records()) {
            List<Object> v = r.record().values();
            if (at(v, 0) instanceof Long os && at(v, 1) instanceof Long id) {
                out.computeIfAbsent(os, k -> new ArrayList<>()).add(new Index(id, utf16le(at(v, 2)),
                        at(v, 3) instanceof byte[] b ? IdbKeyPath.ofSqlite(b) : IdbKeyPath.NONE, flag(at(v, 4)),
                        flag(at(v, 5))));
            }
        }
        return out;
    }

    /** The rows of a metadata table, its problems noted; null (noted) when the schema lacks it. */
    private static TableTree.Rows rows(SqliteDatabase db, SchemaEntry table, int max, DamageSink sink,
                                       List<String> problems) {
        if (table == null) {
            return null;
        }
        List<Damage> first = new ArrayList<>(1);
        TableTree.Rows rows = TableTree.rows(db, table, max, d -> {
            if (first.isEmpty()) {
                first.add(d);
            }
            sink.report(d);
        });
        if (rows.damages() > 0) {
            problems.add(table.name() + ": " + rows.damages() + " problem(s) reading the table (first: "
                    + first.get(0) + "): what it names may be incomplete");
        }
        if (rows.rows() > max) {
            problems.add(table.name() + ": " + rows.rows() + " rows, only the first " + max + " read");
        }
        return rows;
    }

    private static Boolean flag(Object o) {
        return o instanceof Long l ? l != 0 : null;
    }

    private static Object at(List<Object> v, int i) {
        return v != null && i < v.size() ? v.get(i) : null;
    }

    /**
     * A UTF-16LE name blob (an odd last byte is no code unit and is left out; a lone surrogate is kept), or a text
     * value as it is.
     */
    private static String utf16le(Object o) {
        if (o instanceof byte[] b) {
            return dev.salvor.formats.core.Utf16.littleEndian(b, 0, b.length / 2);
        }
        return o instanceof String s ? s : null;
    }
}
