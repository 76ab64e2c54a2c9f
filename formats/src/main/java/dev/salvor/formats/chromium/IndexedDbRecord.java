package dev.salvor.formats.chromium;

import dev.salvor.formats.core.Malformed;

/**
 * One version of a key of an IndexedDB LevelDB database, decoded and named: its key ({@link IdbRecordKey}), the
 * origin, database, object store and index it belongs to (names from the {@link IndexedDbCatalog}, when its metadata
 * was found), and its value split as the record kind says:
 * <ul>
 *   <li>data: VarInt record version, then the serialized script value ({@link #value()}: Blink's envelope and V8's
 *       stream, not decoded here);</li>
 *   <li>exists entry: the record version as an Int (little-endian, minimal bytes: 0x80 is 128);</li>
 *   <li>index: VarInt record version, then the record's primary key ({@link #primaryKey()});</li>
 *   <li>blob entry: the blob list, kept as bytes ({@link #value()});</li>
 *   <li>metadata: the value decoded as its field says ({@link #metadata()}: a String, Long, Boolean or
 *       {@link IdbKeyPath}).</li>
 * </ul>
 * What does not decode is said in {@link #problem()}; the rest is kept.
 *
 * @param key           the decoded key, or null when the key is not one of Chromium's IndexedDB keys
 * @param origin        the database's origin identifier, or null
 * @param databaseId    the database id from the prefix (0 for global metadata)
 * @param database      the database's name, or null
 * @param objectStoreId the object store id (prefix or metadata key), or 0
 * @param objectStore   the object store's name, or null
 * @param index         the index's name (index data and index metadata), or null
 * @param version       the record version (data, exists, index), or -1
 * @param primaryKey    index records: the primary key from the value (or the key), else null
 * @param value         data: the serialized script value; blob entry: the raw value; else null
 * @param metadata      metadata records: the decoded value, else null
 * @param problem       why part of the key or value did not decode, else null
 */
public record IndexedDbRecord(IdbRecordKey key, String origin, long databaseId, String database, long objectStoreId,
                              String objectStore, String index, long version, IdbKey primaryKey, byte[] value,
                              Object metadata, String problem) {

    /** Decodes {@code userKey} and {@code value} (null for a deletion) and names them from {@code catalog}. */
    public static IndexedDbRecord describe(IndexedDbCatalog catalog, byte[] userKey, byte[] value) {
        IdbRecordKey k;
        try {
            k = IdbRecordKey.decode(userKey);
        } catch (Malformed e) {
            return new IndexedDbRecord(null, null, -1, null, 0, null, null, -1, null, null, null,
                    "key: " + e.detail() + " (at +" + e.position() + ")");
        }
        long db = k.prefix().databaseId();
        IndexedDbCatalog.Database d = db == 0 ? null : catalog.database(db, false);
        String origin = k.kind() == IdbRecordKey.Kind.DATABASE_NAME ? k.origin() : d == null ? null : d.origin();
        String database = k.kind() == IdbRecordKey.Kind.DATABASE_NAME ? k.name() : d == null ? null : d.name();
        long os = k.objectStoreId();
        IndexedDbCatalog.ObjectStore s = db == 0 || os == 0 ? null : catalog.objectStore(db, os);
        String store = k.kind() == IdbRecordKey.Kind.OBJECT_STORE_NAME ? k.name() : s == null ? null : s.name();
        String index = null;
        if (k.kind() == IdbRecordKey.Kind.INDEX || k.kind() == IdbRecordKey.Kind.INDEX_METADATA) {
            IndexedDbCatalog.Index i = catalog.index(db, os, k.indexId(), false);
            index = i == null ? null : i.name();
        } else if (k.kind() == IdbRecordKey.Kind.INDEX_NAME) {
            index = k.name();
        }
        long version = -1;
        IdbKey primary = k.primaryKey();
        byte[] payload = null;
        Object meta = null;
        String problem = null;
        if (value != null) {
            try {
                switch (k.kind()) {
                    case DATA -> {
                        IdbReader in = new IdbReader(value);
                        version = in.readVarint();
                        payload = in.readRest();
                    }
                    case EXISTS -> version = IndexedDbCatalog.intValue(value);
                    case INDEX -> {
                        IdbReader in = new IdbReader(value);
                        version = in.readVarint();
                        if (in.hasRemaining()) {
                            primary = IndexedDbKeyDecoder.read(in, 0);
                        }
                    }
                    case BLOB_ENTRY, SCOPES -> payload = value;
                    default -> meta = metadataValue(k, value);
                }
            } catch (Malformed e) {
                problem = "value: " + e.detail() + " (at +" + e.position() + ")";
                if (payload == null && k.kind() == IdbRecordKey.Kind.DATA) {
                    payload = value;
                }
            }
        }
        return new IndexedDbRecord(k, origin, db, database, os, store, index, version, primary, payload, meta,
                problem);
    }

    /** A metadata value decoded as its field says (see the class comment of {@link IndexedDbCatalog}). */
    static Object metadataValue(IdbRecordKey k, byte[] value) {
        int t = k.metaType();
        switch (k.kind()) {
            case SCHEMA_VERSION, MAX_DATABASE_ID, DATA_VERSION, DATABASE_NAME, OBJECT_STORE_NAME, INDEX_NAME:
                return IndexedDbCatalog.intValue(value);
            case DATABASE_METADATA:
                if (t == IndexedDbCatalog.DB_ORIGIN || t == IndexedDbCatalog.DB_NAME || t == 2) {
                    return new IdbReader(value).readStringToEnd();
                }
                if (t == IndexedDbCatalog.DB_VERSION || t == 5) {
                    return new IdbReader(value).readVarint();
                }
                return IndexedDbCatalog.intValue(value);
            case OBJECT_STORE_METADATA:
                switch (t) {
                    case IndexedDbCatalog.OS_NAME:
                        return new IdbReader(value).readStringToEnd();
                    case IndexedDbCatalog.OS_KEY_PATH:
                        return IdbKeyPath.decode(value);
                    case IndexedDbCatalog.OS_AUTO_INCREMENT, 3, 6:
                        return value.length == 1 ? value[0] != 0 : IndexedDbCatalog.intValue(value);
                    default:
                        return IndexedDbCatalog.intValue(value);
                }
            case INDEX_METADATA:
                switch (t) {
                    case IndexedDbCatalog.INDEX_NAME:
                        return new IdbReader(value).readStringToEnd();
                    case IndexedDbCatalog.INDEX_KEY_PATH:
                        return IdbKeyPath.decode(value);
                    default:
                        return value.length == 1 ? value[0] != 0 : IndexedDbCatalog.intValue(value);
                }
            default:
                return null;
        }
    }

    /** The metadata field's name (e.g. {@code name}, {@code key_path}, {@code version}), or null. */
    public String metadataField() {
        if (key == null) {
            return null;
        }
        int t = key.metaType();
        switch (key.kind()) {
            case DATABASE_METADATA:
                return switch (t) {
                    case 0 -> "origin";
                    case 1 -> "name";
                    case 2 -> "string_version";
                    case 3 -> "max_object_store_id";
                    case 4 -> "version";
                    case 5 -> "blob_number";
                    default -> "type_" + t;
                };
            case OBJECT_STORE_METADATA:
                return switch (t) {
                    case 0 -> "name";
                    case 1 -> "key_path";
                    case 2 -> "auto_increment";
                    case 3 -> "evictable";
                    case 4 -> "last_version";
                    case 5 -> "max_index_id";
                    case 6 -> "has_key_path";
                    case 7 -> "key_generator";
                    default -> "type_" + t;
                };
            case INDEX_METADATA:
                return switch (t) {
                    case 0 -> "name";
                    case 1 -> "unique";
                    case 2 -> "key_path";
                    case 3 -> "multi_entry";
                    default -> "type_" + t;
                };
            case DATABASE_NAME:
                return "database_id";
            case OBJECT_STORE_NAME:
                return "object_store_id";
            case INDEX_NAME:
                return "index_id";
            default:
                return null;
        }
    }
}
