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

import dev.salvor.formats.chromium.IdbKeyPath;
import dev.salvor.formats.chromium.IdbRecordKey;
import dev.salvor.formats.chromium.IndexedDbCatalog;
import dev.salvor.formats.chromium.IndexedDbRecord;
import dev.salvor.formats.chromium.ScopesEntry;
import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.salvage.leveldb.RecordMembers;
import dev.salvor.salvage.report.JsonLineWriter;
import dev.salvor.salvage.report.JsonLineWriter.Name;

import dev.salvor.formats.v8.BlobDirectory;
import dev.salvor.formats.v8.IndexedDbValue;
import dev.salvor.formats.v8.JsonValue;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code "indexeddb"} member of a record salvaged from Chromium's IndexedDB on LevelDB:
 * <pre>"indexeddb":{"record":"data","origin":"file__0@1","database_id":1,"database":"shop","object_store_id":1,
 * "object_store":"customers","index":null,"key":1,"value":…,"version":2}</pre>
 * {@code record} names the key's kind ({@code data}, {@code exists}, {@code index}, {@code blob_entry}, the metadata
 * kinds, {@code scopes}: Chromium's undo log, with a {@code "scopes"} member, below); {@code key} is the record's IndexedDB key ({@link IdbKeyJson}; for an index entry the index
 * key, with {@code primary_key} beside it); for a metadata record {@code metadata} names the field and {@code value}
 * holds it. A data record's value is the serialized script value decoded to JSON by {@link IndexedDbValue} and
 * {@link JsonValue} (docs/browser-values.md: an undecodable value is {@code {"$type":"undecodable","reason":…}} with
 * its bytes); blob entries keep their bytes in {@code "value_raw"} with a {@code "value_reason"}, and so does a
 * scopes value that did not decode. A scopes record ({@link ScopesEntry}) gains {@code "scopes"}: the entry, scope,
 * sequence and operation, and for an undo task's put or delete the {@code "target"} record it would restore, described
 * as any record (a put's value is what that key held before: an overwritten or deleted record's old value). What did
 * not decode in the key is in {@code "problem"}; the record's own members (state, offsets, {@code crc_ok}, …) are
 * untouched.
 *
 * <p>Blobs: a value's Blob/File indexes and blob-wrapped values need the record's external objects, which its
 * blob-entry record holds; that record sorts after the data record (index id 3 after 1), so salvage gathers the
 * blob entries in a pass of their own first ({@link BlobEntryIndex}, when the origin has a blob directory). Without
 * it values are decoded with the origin's blob directory but without the list: indexes decode without their file
 * details, and a blob-wrapped value is reported undecodable with its reason.
 *
 * <p>{@link #describe} feeds every version to the {@link IndexedDbCatalog} in merge order ({@code idb_cmp1} puts a
 * database's metadata before its data), so each record is named by the metadata found before it.
 */
public final class IndexedDbJson implements RecordMembers {
    private static final Name VALUE_RAW = Name.of("value_raw");
    private static final Name VALUE_REASON = Name.of("value_reason");
    private static final Name VERSION = Name.of("version");
    private static final Name METADATA = Name.of("metadata");
    private static final Name SCOPES = Name.of("scopes");
    private static final Name ENTRY = Name.of("entry");
    private static final Name SCOPE = Name.of("scope");
    private static final Name SEQUENCE = Name.of("sequence");
    private static final Name LOCKS = Name.of("locks");
    private static final Name LEVEL = Name.of("level");
    private static final Name BEGIN = Name.of("begin");
    private static final Name END = Name.of("end");
    private static final Name IGNORE_CLEANUP_TASKS = Name.of("ignore_cleanup_tasks");
    private static final Name OPERATION = Name.of("operation");
    private static final Name TARGET = Name.of("target");
    /** Why a value is given as bytes. */
    static final String NO_V8 = "serialized script value not decoded";

    private final IndexedDbCatalog catalog = new IndexedDbCatalog();
    private final Path blobRoot;
    private final boolean decodeValues;
    private final BlobEntryIndex blobEntries;
    /** The last data version described (the merge hands a key's versions newest first), for blob-entry pairing. */
    private byte[] newerDataKey;
    private long newerDataSequence;

    /**
     * @param blobRoot     the origin's blob directory ({@code <origin>.indexeddb.blob}), or null when there is none
     * @param decodeValues whether data values are decoded (identify only counts: it does not)
     */
    public IndexedDbJson(Path blobRoot, boolean decodeValues) {
        this(blobRoot, decodeValues, null);
    }

    /**
     * @param blobRoot     the origin's blob directory ({@code <origin>.indexeddb.blob}), or null when there is none
     * @param decodeValues whether data values are decoded (identify only counts: it does not)
     * @param blobEntries  the blob entries gathered by a pass before this one, or null (values then decode without
     *                     their external objects)
     */
    public IndexedDbJson(Path blobRoot, boolean decodeValues, BlobEntryIndex blobEntries) {
        this.blobRoot = blobRoot;
        this.decodeValues = decodeValues;
        this.blobEntries = blobEntries;
    }

    /**
     * A record described: its decoded key and names, and its value as JSON (data records), or null; for a scopes
     * record its entry, and the record an undo task would restore (described the same way), or null.
     */
    record Described(IndexedDbRecord record, byte[] valueJson, ScopesEntry scopes, Described target) {
        Described(IndexedDbRecord record, byte[] valueJson) {
            this(record, valueJson, null, null);
        }
    }

    /** The catalog built so far (complete once every record was described). */
    public IndexedDbCatalog catalog() {
        return catalog;
    }

    @Override
    public Object describe(Entry e, RecordState state) {
        byte[] value = e.type() == ValueType.VALUE ? e.value() : null;
        catalog.observe(e.userKey(), value, e.sequence());
        IndexedDbRecord r = IndexedDbRecord.describe(catalog, e.userKey(), value);
        byte[] json = null;
        if (r.key() != null && r.key().kind() == IdbRecordKey.Kind.DATA) {
            long newer = java.util.Arrays.equals(newerDataKey, e.userKey()) ? newerDataSequence : Long.MAX_VALUE;
            newerDataKey = e.userKey();
            newerDataSequence = e.sequence();
            if (decodeValues && value != null) {
                json = JsonValue.toUtf8(IndexedDbValue.decode(value, new BlobDirectory(blobRoot, r.databaseId(),
                        blobEntries == null ? List.of() : blobEntries.objectsOf(e.userKey(), e.sequence(), newer))));
            }
        }
        if (r.key() != null && r.key().kind() == IdbRecordKey.Kind.SCOPES) {
            ScopesEntry se = ScopesEntry.decode(e.userKey(), r.key().prefix().length() + 1, value);
            return new Described(r, null, se, target(se));
        }
        return new Described(r, json);
    }

    /**
     * The record a put or delete undo task names, described against the catalog (not fed to it: an undo task is not
     * the store's state); a put's value is what the key held before the scope changed it. Cleanup tasks and ranges
     * name no single record; a target that is itself a scopes key is not followed.
     */
    private Described target(ScopesEntry se) {
        if (se.kind() != ScopesEntry.Kind.UNDO_TASK || se.key() == null || se.end() != null) {
            return null;
        }
        IndexedDbRecord t = IndexedDbRecord.describe(catalog, se.key(), se.value());
        byte[] json = null;
        if (t.key() != null && t.key().kind() == IdbRecordKey.Kind.DATA && decodeValues && se.value() != null) {
            json = JsonValue.toUtf8(IndexedDbValue.decode(se.value(), new BlobDirectory(blobRoot, t.databaseId(),
                    List.of())));
        }
        return new Described(t, json);
    }

    @Override
    public void write(JsonLineWriter j, Object described) {
        j.name(MEMBER);
        j.beginObject();
        body(j, (Described) described);
        j.endObject();
    }

    /** The members of one described record (also a scopes task's target, inside its own object). */
    private static void body(JsonLineWriter j, Described d) {
        IndexedDbRecord r = d.record();
        byte[] valueJson = d.valueJson();
        IdbRecordKey k = r.key();
        j.name(RECORD);
        j.string(k == null ? null : k.kind().id());
        j.name(ORIGIN);
        j.string(r.origin());
        j.name(DATABASE_ID);
        j.number(r.databaseId());
        j.name(DATABASE);
        j.string(r.database());
        j.name(OBJECT_STORE_ID);
        j.number(r.objectStoreId());
        j.name(OBJECT_STORE);
        j.string(r.objectStore());
        j.name(INDEX);
        j.string(r.index());
        j.name(KEY);
        IdbKeyJson.write(j, k == null ? null : k.key());
        if (r.primaryKey() != null) {
            j.name(PRIMARY_KEY);
            IdbKeyJson.write(j, r.primaryKey());
        }
        if (r.metadataField() != null) {
            j.name(METADATA);
            j.string(r.metadataField());
        }
        j.name(VALUE);
        if (valueJson != null) {
            j.rawValue(valueJson);
        } else {
            metadata(j, r.metadata());
        }
        boolean scopesDecoded = d.scopes() != null && d.scopes().problem() == null;
        if (r.value() != null && valueJson == null && !scopesDecoded) {
            j.name(VALUE_RAW);
            j.base64Object(r.value());
            j.name(VALUE_REASON);
            j.string("not decoded: " + (k == null ? "unknown" : k.kind().id()) + " values are kept as bytes");
        }
        if (r.version() >= 0) {
            j.name(VERSION);
            j.number(r.version());
        }
        if (d.scopes() != null) {
            scopes(j, d.scopes(), d.target());
        }
        if (r.problem() != null) {
            j.name(PROBLEM);
            j.string(r.problem());
        }
    }

    /**
     * {@code "scopes":{"entry":"undo_task","scope":3,"sequence":9223372036854775806,"operation":"put",
     * "target":{…the record the task restores…}}}; scope metadata gives its {@code locks}, global metadata its
     * {@code version}; a range gives {@code begin} and {@code end} as bytes.
     */
    private static void scopes(JsonLineWriter j, ScopesEntry se, Described target) {
        j.name(SCOPES);
        j.beginObject();
        j.name(ENTRY);
        j.string(se.kind().id());
        if (se.scope() >= 0) {
            j.name(SCOPE);
            j.number(se.scope());
        }
        if (se.sequence() >= 0) {
            j.name(SEQUENCE);
            j.number(se.sequence());
        }
        if (se.version() >= 0) {
            j.name(VERSION);
            j.number(se.version());
        }
        if (se.kind() == ScopesEntry.Kind.SCOPE_METADATA && se.problem() == null) {
            j.name(LOCKS);
            j.beginArray();
            for (ScopesEntry.Lock l : se.locks()) {
                j.beginObject();
                j.name(LEVEL);
                j.number(l.level());
                j.name(BEGIN);
                j.base64Object(l.begin() == null ? new byte[0] : l.begin());
                j.name(END);
                j.base64Object(l.end() == null ? new byte[0] : l.end());
                j.endObject();
            }
            j.endArray();
            j.name(IGNORE_CLEANUP_TASKS);
            j.bool(se.ignoreCleanupTasks());
        }
        if (se.operation() != null) {
            j.name(OPERATION);
            j.string(se.operation());
        }
        if (se.end() != null) {
            j.name(BEGIN);
            j.base64Object(se.key());
            j.name(END);
            j.base64Object(se.end());
        }
        if (target != null) {
            j.name(TARGET);
            j.beginObject();
            body(j, target);
            j.endObject();
        }
        if (se.problem() != null) {
            j.name(PROBLEM);
            j.string(se.problem());
        }
        j.endObject();
    }

    /** A decoded metadata value: a string, number, boolean or key path; null when there is none. */
    private static void metadata(JsonLineWriter j, Object v) {
        if (v instanceof String s) {
            j.string(s);
        } else if (v instanceof Long n) {
            j.number(n);
        } else if (v instanceof Boolean b) {
            j.bool(b);
        } else if (v instanceof IdbKeyPath p) {
            IdbKeyJson.keyPath(j, p);
        } else {
            j.nullValue();
        }
    }

    @Override
    public List<String> notes() {
        List<String> notes = new java.util.ArrayList<>();
        for (IndexedDbCatalog.Database d : catalog.databases()) {
            StringBuilder sb = new StringBuilder("IndexedDB database ").append(d.id()).append(' ')
                    .append(d.name() == null ? "(name not found)" : '"' + d.name() + '"')
                    .append(" of ").append(d.origin() == null ? "(origin not found)" : d.origin());
            if (d.version() >= 0) {
                sb.append(", version ").append(d.version());
            }
            if (d.deleted()) {
                sb.append(", deleted");
            }
            sb.append(": object stores");
            for (IndexedDbCatalog.ObjectStore s : d.objectStores()) {
                sb.append(' ').append(s.id()).append('=').append(s.name() == null ? "?" : '"' + s.name() + '"');
                if (s.deleted()) {
                    sb.append(" (deleted)");
                }
            }
            notes.add(sb.toString());
        }
        if (blobEntries != null && blobEntries.truncated()) {
            notes.add("IndexedDB: more blob entries than kept in memory; later values decoded without their blobs");
        }
        if (catalog.undecodable() > 0) {
            notes.add("IndexedDB: " + catalog.undecodable() + " metadata value(s) did not decode");
        }
        return notes;
    }
}
