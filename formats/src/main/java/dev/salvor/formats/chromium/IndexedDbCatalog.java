package dev.salvor.formats.chromium;

import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an IndexedDB LevelDB database's metadata says: its databases (origin, name, version), their object stores
 * (name, key path, auto-increment, key generator) and indexes (name, key path, unique, multi-entry), built from the
 * metadata records as salvage meets them ({@link #observe}). Under {@code idb_cmp1} every database's metadata sorts
 * before its data (prefix (db, 0, 0) before (db, os ≥ 1, …)), and the global database-name records before everything,
 * so a single pass in merge order names every record as it comes.
 *
 * <p>Each metadata field keeps the value of its newest put (by sequence number), whatever came after: a store deleted
 * since still has its name, so its surviving records are named too; {@link ObjectStore#deleted()} says whether the
 * newest version of its name is a deletion. A metadata value that does not decode is skipped (that field stays
 * unknown) and counted in {@link #undecodable()}.
 */
public final class IndexedDbCatalog {
    /** Metadata value types of an object store (the byte after the object store id). */
    static final int OS_NAME = 0;
    static final int OS_KEY_PATH = 1;
    static final int OS_AUTO_INCREMENT = 2;
    static final int OS_KEY_GENERATOR = 7;
    /** Metadata value types of an index. */
    static final int INDEX_NAME = 0;
    static final int INDEX_UNIQUE = 1;
    static final int INDEX_KEY_PATH = 2;
    static final int INDEX_MULTI_ENTRY = 3;
    /** Database metadata value types. */
    static final int DB_ORIGIN = 0;
    static final int DB_NAME = 1;
    static final int DB_MAX_OBJECT_STORE_ID = 3;
    static final int DB_VERSION = 4;

    /** One database. Fields are null (or -1) until their record is seen. */
    public static final class Database {
        private final long id;
        private String origin;
        private String name;
        private long version = -1;
        private long maxObjectStoreId = -1;
        private boolean deleted;
        private final Map<Long, ObjectStore> stores = new TreeMap<>();

        Database(long id) {
            this.id = id;
        }

        public long id() {
            return id;
        }

        /** The origin identifier (e.g. {@code https_example.com_0@1}, {@code file__0@1}). */
        public String origin() {
            return origin;
        }

        public String name() {
            return name;
        }

        /** The version the page opened it with, or -1. */
        public long version() {
            return version;
        }

        public long maxObjectStoreId() {
            return maxObjectStoreId;
        }

        /** True when the newest version of its name record is a deletion (the database was deleted). */
        public boolean deleted() {
            return deleted;
        }

        /** Its object stores, by id. */
        public Collection<ObjectStore> objectStores() {
            return stores.values();
        }
    }

    /** One object store. */
    public static final class ObjectStore {
        private final long databaseId;
        private final long id;
        private String name;
        private IdbKeyPath keyPath;
        private Boolean autoIncrement;
        private long keyGenerator = -1;
        private boolean deleted;
        private final Map<Long, Index> indexes = new TreeMap<>();

        ObjectStore(long databaseId, long id) {
            this.databaseId = databaseId;
            this.id = id;
        }

        public long databaseId() {
            return databaseId;
        }

        public long id() {
            return id;
        }

        public String name() {
            return name;
        }

        /** The key path, or null when its record was not found. */
        public IdbKeyPath keyPath() {
            return keyPath;
        }

        /** Whether keys are generated, or null when its record was not found. */
        public Boolean autoIncrement() {
            return autoIncrement;
        }

        /** The key generator's current number, or -1. */
        public long keyGenerator() {
            return keyGenerator;
        }

        /** True when the newest version of its name record is a deletion (the store was deleted). */
        public boolean deleted() {
            return deleted;
        }

        public Collection<Index> indexes() {
            return indexes.values();
        }
    }

    /** One index. */
    public static final class Index {
        private final long id;
        private String name;
        private IdbKeyPath keyPath;
        private Boolean unique;
        private Boolean multiEntry;

        Index(long id) {
            this.id = id;
        }

        public long id() {
            return id;
        }

        public String name() {
            return name;
        }

        public IdbKeyPath keyPath() {
            return keyPath;
        }

        public Boolean unique() {
            return unique;
        }

        public Boolean multiEntry() {
            return multiEntry;
        }
    }

    private final Map<Long, Database> databases = new TreeMap<>();
    /** Sequence of the version each metadata field holds, by its key. */
    private final Map<java.nio.ByteBuffer, Long> newest = new HashMap<>();
    private long schemaVersion = -1;
    private long dataVersion = -1;
    private long undecodable;

    /**
     * Takes one version of a key: a put ({@code value} not null) or a deletion ({@code value} null), with its sequence
     * number. Keys that are not metadata are ignored; so is a version older than the one a field already holds.
     */
    public void observe(byte[] userKey, byte[] value, long sequence) {
        IdbRecordKey k;
        try {
            // records (data, exists, blob entries, index entries) are most keys and hold no metadata: the prefix
            // alone says so, without decoding their IndexedDB keys
            switch (KeyPrefix.decode(userKey).type()) {
                case OBJECT_STORE_DATA, EXISTS_ENTRY, BLOB_ENTRY, INDEX_DATA:
                    return;
                default:
                    break;
            }
            k = IdbRecordKey.decode(userKey);
        } catch (Malformed e) {
            return;
        }
        if (k.kind().holdsRecordKey() || k.kind() == IdbRecordKey.Kind.SCOPES) {
            return;
        }
        java.nio.ByteBuffer field = java.nio.ByteBuffer.wrap(userKey.clone());
        Long held = newest.get(field);
        if (held != null && held >= sequence) {
            return;
        }
        newest.put(field, sequence);
        try {
            apply(k, value);
        } catch (Malformed e) {
            undecodable++;
        }
    }

    private void apply(IdbRecordKey k, byte[] value) {
        long db = k.prefix().databaseId();
        boolean deleted = value == null;
        switch (k.kind()) {
            case SCHEMA_VERSION -> {
                if (!deleted) {
                    schemaVersion = intValue(value);
                }
            }
            case DATA_VERSION -> {
                if (!deleted) {
                    dataVersion = intValue(value);
                }
            }
            case DATABASE_NAME -> {
                if (deleted) {
                    // the id is in the value of the put; a deletion only says some database of that name went
                    return;
                }
                Database d = database(intValue(value));
                d.origin = d.origin == null ? k.origin() : d.origin;
                d.name = d.name == null ? k.name() : d.name;
            }
            case DATABASE_METADATA -> {
                Database d = database(db);
                if (k.metaType() == DB_NAME) {
                    d.deleted = deleted;
                }
                if (deleted) {
                    return;
                }
                switch (k.metaType()) {
                    case DB_ORIGIN -> d.origin = new IdbReader(value).readStringToEnd();
                    case DB_NAME -> d.name = new IdbReader(value).readStringToEnd();
                    case DB_MAX_OBJECT_STORE_ID -> d.maxObjectStoreId = intValue(value);
                    case DB_VERSION -> d.version = new IdbReader(value).readVarint();
                    default -> {
                    }
                }
            }
            case OBJECT_STORE_METADATA -> {
                ObjectStore s = store(db, k.objectStoreId());
                if (k.metaType() == OS_NAME) {
                    s.deleted = deleted;
                }
                if (deleted) {
                    return;
                }
                switch (k.metaType()) {
                    case OS_NAME -> s.name = new IdbReader(value).readStringToEnd();
                    case OS_KEY_PATH -> s.keyPath = IdbKeyPath.decode(value);
                    case OS_AUTO_INCREMENT -> s.autoIncrement = boolValue(value);
                    case OS_KEY_GENERATOR -> s.keyGenerator = intValue(value);
                    default -> {
                    }
                }
            }
            case INDEX_METADATA -> {
                if (deleted) {
                    return;
                }
                Index i = index(db, k.objectStoreId(), k.indexId());
                switch (k.metaType()) {
                    case INDEX_NAME -> i.name = new IdbReader(value).readStringToEnd();
                    case INDEX_UNIQUE -> i.unique = boolValue(value);
                    case INDEX_KEY_PATH -> i.keyPath = IdbKeyPath.decode(value);
                    case INDEX_MULTI_ENTRY -> i.multiEntry = boolValue(value);
                    default -> {
                    }
                }
            }
            case OBJECT_STORE_NAME -> {
                if (!deleted) {
                    ObjectStore s = store(db, intValue(value));
                    s.name = s.name == null ? k.name() : s.name;
                }
            }
            default -> {
            }
        }
    }

    /** Chromium's Int: the whole value, little-endian. */
    static long intValue(byte[] value) {
        IdbReader in = new IdbReader(value);
        if (value.length == 0 || value.length > 8) {
            throw in.malformed("Int value: actual=" + value.length + " byte(s) vs expected=1..8");
        }
        return in.readInt(value.length);
    }

    private static boolean boolValue(byte[] value) {
        if (value.length != 1) {
            throw new IdbReader(value).malformed("Bool value: actual=" + value.length + " byte(s) vs expected=1");
        }
        return value[0] != 0;
    }

    private Database database(long id) {
        return databases.computeIfAbsent(id, Database::new);
    }

    private ObjectStore store(long db, long os) {
        return database(db).stores.computeIfAbsent(os, id -> new ObjectStore(db, id));
    }

    private Index index(long db, long os, long idx) {
        return store(db, os).indexes.computeIfAbsent(idx, Index::new);
    }

    /** Every database seen (by a name record, metadata or a record's prefix), by id. */
    public List<Database> databases() {
        return new ArrayList<>(databases.values());
    }

    /** The database of that id, or null. */
    public Database database(long id, boolean create) {
        return create ? database(id) : databases.get(id);
    }

    /** The object store, or null when no record named it. */
    public ObjectStore objectStore(long db, long os) {
        Database d = databases.get(db);
        return d == null ? null : d.stores.get(os);
    }

    /** The index, or null when no record named it. */
    public Index index(long db, long os, long idx, boolean create) {
        if (create) {
            return index(db, os, idx);
        }
        ObjectStore s = objectStore(db, os);
        return s == null ? null : s.indexes.get(idx);
    }

    /** The IndexedDB schema version (global metadata), or -1. */
    public long schemaVersion() {
        return schemaVersion;
    }

    /** The serialization data version ({@code v8 version << 32 | blink version}), or -1. */
    public long dataVersion() {
        return dataVersion;
    }

    /** Metadata values that did not decode (their field stays unknown). */
    public long undecodable() {
        return undecodable;
    }
}
