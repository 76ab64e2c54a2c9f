package dev.salvor.formats.chromium;

import dev.salvor.formats.core.Malformed;

/**
 * A whole key of an IndexedDB LevelDB database, decoded: its {@link KeyPrefix} and what follows, by
 * {@link Kind}. Metadata keys carry the object store / index ids and the metadata type byte they name; data, exists,
 * blob-entry and index keys carry the record's IndexedDB key (and, for an index, the index's sequence number and the
 * record's primary key).
 *
 * <p>Layout (after the prefix), from Chromium's {@code indexed_db_leveldb_coding.cc}:
 * <pre>
 * global metadata  (0,0,0)   type byte: 0 schema version, 1 max database id, 2 data version, 3/4 blob journals,
 *                            5/6 sweep/compaction times, 50 scopes (undo log), 100 + VarInt db id (free list),
 *                            201 + StringWithLength origin + StringWithLength name (database name → id)
 * database metadata (db,0,0) type byte: 0 origin, 1 name, 2 string version, 3 max object store id, 4 version,
 *                            5 blob number; 50 + VarInt os + byte (object store metadata); 100 + VarInt os + VarInt
 *                            index + byte (index metadata); 150 + VarInt os / 151 + VarInt os + VarInt index (free
 *                            lists); 200 + StringWithLength (object store name → id); 201 + VarInt os +
 *                            StringWithLength (index name → id)
 * object store data (db,os,1) IDB key        exists entry (db,os,2) IDB key        blob entry (db,os,3) IDB key
 * index data       (db,os,≥30) IDB key [VarInt sequence [IDB key of the primary key]]
 * </pre>
 *
 * @param prefix        the key prefix
 * @param kind          what the key is
 * @param metaType      the metadata type byte (global, database, object store or index metadata), else -1
 * @param objectStoreId the object store named (prefix or metadata key), else 0
 * @param indexId       the index named (prefix or metadata key), else 0
 * @param origin        DATABASE_NAME keys: the origin identifier (e.g. {@code https_example.com_0@1})
 * @param name          DATABASE_NAME, OBJECT_STORE_NAMES, INDEX_NAMES keys: the name
 * @param key           data, exists, blob-entry and index keys: the IndexedDB key (for an index: the index key)
 * @param sequence      index keys: the sequence number (-1 when absent)
 * @param primaryKey    index keys: the record's primary key (null when absent)
 */
public record IdbRecordKey(KeyPrefix prefix, Kind kind, int metaType, long objectStoreId, long indexId,
                           String origin, String name, IdbKey key, long sequence, IdbKey primaryKey) {

    /** What a key is. */
    public enum Kind {
        SCHEMA_VERSION("schema_version"), MAX_DATABASE_ID("max_database_id"), DATA_VERSION("data_version"),
        BLOB_JOURNAL("blob_journal"), SWEEP_TIME("sweep_time"), SCOPES("scopes"),
        DATABASE_FREE_LIST("database_free_list"), DATABASE_NAME("database_name"), GLOBAL_OTHER("global_metadata"),
        DATABASE_METADATA("database_metadata"), OBJECT_STORE_METADATA("object_store_metadata"),
        INDEX_METADATA("index_metadata"), OBJECT_STORE_FREE_LIST("object_store_free_list"),
        INDEX_FREE_LIST("index_free_list"), OBJECT_STORE_NAME("object_store_name"), INDEX_NAME("index_name"),
        DATA("data"), EXISTS("exists"), BLOB_ENTRY("blob_entry"), INDEX("index");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The name in the JSON output. */
        public String id() {
            return id;
        }

        /** True for the four kinds that hold a record's key (data, exists, blob entry, index). */
        public boolean holdsRecordKey() {
            return this == DATA || this == EXISTS || this == BLOB_ENTRY || this == INDEX;
        }
    }

    /** Global metadata type bytes. */
    static final int SCOPES_BYTE = 50;
    static final int DATABASE_FREE_LIST_BYTE = 100;
    static final int DATABASE_NAME_BYTE = 201;
    /** Database metadata type bytes. */
    static final int OBJECT_STORE_META_BYTE = 50;
    static final int INDEX_META_BYTE = 100;
    static final int OBJECT_STORE_FREE_LIST_BYTE = 150;
    static final int INDEX_FREE_LIST_BYTE = 151;
    static final int OBJECT_STORE_NAMES_BYTE = 200;
    static final int INDEX_NAMES_BYTE = 201;

    /**
     * Decodes {@code userKey}.
     *
     * @throws Malformed when the key is not one of Chromium's (too short, unknown type byte, ids out of place, bytes
     *                   left over where none may be)
     */
    public static IdbRecordKey decode(byte[] userKey) {
        IdbReader in = new IdbReader(userKey);
        KeyPrefix p = KeyPrefix.decode(in);
        switch (p.type()) {
            case GLOBAL_METADATA:
                return global(p, in);
            case DATABASE_METADATA:
                return database(p, in);
            case OBJECT_STORE_DATA:
                return record(p, Kind.DATA, in);
            case EXISTS_ENTRY:
                return record(p, Kind.EXISTS, in);
            case BLOB_ENTRY:
                return record(p, Kind.BLOB_ENTRY, in);
            case INDEX_DATA: {
                IdbKey k = IndexedDbKeyDecoder.read(in, 0);
                long seq = -1;
                IdbKey primary = null;
                if (in.hasRemaining()) {
                    seq = in.readVarint();
                    if (in.hasRemaining()) {
                        primary = IndexedDbKeyDecoder.read(in, 0);
                    }
                }
                end(in);
                return new IdbRecordKey(p, Kind.INDEX, -1, p.objectStoreId(), p.indexId(), null, null, k, seq,
                        primary);
            }
            default:
                throw in.malformed("IndexedDB key prefix: actual=(" + p.databaseId() + "," + p.objectStoreId() + ","
                        + p.indexId() + ") vs expected=global, database metadata, data (1), exists (2), blob (3) or"
                        + " index (>=30)");
        }
    }

    private static IdbRecordKey record(KeyPrefix p, Kind kind, IdbReader in) {
        IdbKey k = IndexedDbKeyDecoder.read(in, 0);
        end(in);
        return new IdbRecordKey(p, kind, -1, p.objectStoreId(), p.indexId(), null, null, k, -1, null);
    }

    private static IdbRecordKey global(KeyPrefix p, IdbReader in) {
        int type = in.readByte();
        switch (type) {
            case 0:
            case 1:
            case 2:
            case 3:
            case 4:
            case 5:
            case 6: {
                end(in);
                Kind k = type == 0 ? Kind.SCHEMA_VERSION : type == 1 ? Kind.MAX_DATABASE_ID
                        : type == 2 ? Kind.DATA_VERSION : type <= 4 ? Kind.BLOB_JOURNAL : Kind.SWEEP_TIME;
                return new IdbRecordKey(p, k, type, 0, 0, null, null, null, -1, null);
            }
            case SCOPES_BYTE:
                // LevelDB scopes (Chromium's undo log): the rest is the scopes' own key, decoded by ScopesEntry.
                return new IdbRecordKey(p, Kind.SCOPES, type, 0, 0, null, null, null, -1, null);
            case DATABASE_FREE_LIST_BYTE: {
                long db = in.readVarint();
                end(in);
                return new IdbRecordKey(p, Kind.DATABASE_FREE_LIST, type, db, 0, null, null, null, -1, null);
            }
            case DATABASE_NAME_BYTE: {
                String origin = in.readStringWithLength();
                String name = in.readStringWithLength();
                end(in);
                return new IdbRecordKey(p, Kind.DATABASE_NAME, type, 0, 0, origin, name, null, -1, null);
            }
            default:
                return new IdbRecordKey(p, Kind.GLOBAL_OTHER, type, 0, 0, null, null, null, -1, null);
        }
    }

    private static IdbRecordKey database(KeyPrefix p, IdbReader in) {
        int type = in.readByte();
        switch (type) {
            case OBJECT_STORE_META_BYTE: {
                long os = in.readVarint();
                int meta = in.readByte();
                end(in);
                return new IdbRecordKey(p, Kind.OBJECT_STORE_METADATA, meta, os, 0, null, null, null, -1, null);
            }
            case INDEX_META_BYTE: {
                long os = in.readVarint();
                long idx = in.readVarint();
                int meta = in.readByte();
                end(in);
                return new IdbRecordKey(p, Kind.INDEX_METADATA, meta, os, idx, null, null, null, -1, null);
            }
            case OBJECT_STORE_FREE_LIST_BYTE: {
                long os = in.readVarint();
                end(in);
                return new IdbRecordKey(p, Kind.OBJECT_STORE_FREE_LIST, type, os, 0, null, null, null, -1, null);
            }
            case INDEX_FREE_LIST_BYTE: {
                long os = in.readVarint();
                long idx = in.readVarint();
                end(in);
                return new IdbRecordKey(p, Kind.INDEX_FREE_LIST, type, os, idx, null, null, null, -1, null);
            }
            case OBJECT_STORE_NAMES_BYTE: {
                String name = in.readStringWithLength();
                end(in);
                return new IdbRecordKey(p, Kind.OBJECT_STORE_NAME, type, 0, 0, null, name, null, -1, null);
            }
            case INDEX_NAMES_BYTE: {
                long os = in.readVarint();
                String name = in.readStringWithLength();
                end(in);
                return new IdbRecordKey(p, Kind.INDEX_NAME, type, os, 0, null, name, null, -1, null);
            }
            default:
                end(in);
                return new IdbRecordKey(p, Kind.DATABASE_METADATA, type, 0, 0, null, null, null, -1, null);
        }
    }

    private static void end(IdbReader in) {
        if (in.hasRemaining()) {
            throw in.malformed("IndexedDB key: actual=" + in.remaining() + " byte(s) left over vs expected=0");
        }
    }
}
