package dev.salvor.salvage.chromium;

import dev.salvor.formats.chromium.ChromiumStore;
import dev.salvor.formats.chromium.IdbRecordKey;
import dev.salvor.formats.chromium.IndexedDbCatalog;
import dev.salvor.formats.chromium.IndexedDbRecord;
import dev.salvor.formats.chromium.LocalStorageRecord;
import dev.salvor.formats.chromium.SessionStorageRecord;
import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.RecordSink;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.salvage.leveldb.RecordMembers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code salvor identify} says about a Chromium store: for IndexedDB each origin, database and object store
 * with its record counts (live records, and older or deleted versions that survive); for Local Storage each storage
 * key with its entries; for Session Storage its namespaces and maps. Fed every salvaged record (a {@link RecordSink})
 * through the same {@link RecordMembers} salvage writes with, so the names are the ones salvage's records carry.
 */
public final class ChromiumSummary implements RecordSink {
    private final ChromiumStore.Detection detection;
    private final RecordMembers members;
    /** Counts by "what" (database/store, storage key, map), each: live, other versions. */
    private final Map<String, long[]> counts = new TreeMap<>();
    /** IndexedDB data records by database id, then object store id: live, other versions. */
    private final Map<Long, Map<Long, long[]>> storeCounts = new TreeMap<>();
    private long namespaces;

    public ChromiumSummary(ChromiumStore.Detection detection) {
        this.detection = detection;
        this.members = detection.kind() == ChromiumStore.Kind.INDEXED_DB ? new IndexedDbJson(null, false)
                : ChromiumMembers.of(java.util.Optional.of(detection), null).orElseThrow();
    }

    @Override
    public void accept(Entry e, RecordState state, List<Entry> copies, boolean maybeStale) {
        Object d = members.describe(e, state);
        if (d instanceof IndexedDbJson.Described x) {
            d = x.record();
        }
        String what = null;
        if (d instanceof IndexedDbRecord r && r.key() != null && r.key().kind() == IdbRecordKey.Kind.DATA) {
            what = "database " + r.databaseId() + " " + quote(r.database()) + ", object store " + r.objectStoreId()
                    + " " + quote(r.objectStore());
            storeCounts.computeIfAbsent(r.databaseId(), k -> new TreeMap<>())
                    .computeIfAbsent(r.objectStoreId(), k -> new long[2])[state == RecordState.LIVE ? 0 : 1]++;
        } else if (d instanceof LocalStorageRecord r && r.kind() == LocalStorageRecord.Kind.ENTRY) {
            what = "storage key " + quote(r.storageKey().serialized());
        } else if (d instanceof SessionStorageRecord r) {
            if (r.kind() == SessionStorageRecord.Kind.MAP) {
                what = "map " + r.mapId();
            } else if (r.kind() == SessionStorageRecord.Kind.NAMESPACE && state == RecordState.LIVE) {
                namespaces++;
            }
        }
        if (what != null) {
            long[] c = counts.computeIfAbsent(what, k -> new long[2]);
            c[state == RecordState.LIVE ? 0 : 1]++;
        }
    }

    private static String quote(String s) {
        return s == null ? "(name not found)" : '"' + s + '"';
    }

    /** The summary lines (after the run). */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        String store = switch (detection.kind()) {
            case INDEXED_DB -> "IndexedDB";
            case LOCAL_STORAGE -> "Local Storage";
            case SESSION_STORAGE -> "Session Storage";
        };
        out.add("Chromium " + store + " (recognised by " + detection.how() + ")");
        if (members instanceof IndexedDbJson idb) {
            for (IndexedDbCatalog.Database db : idb.catalog().databases()) {
                out.add("  origin " + (db.origin() == null ? "(not found)" : db.origin()) + ": database " + db.id()
                        + " " + quote(db.name()) + (db.version() >= 0 ? ", version " + db.version() : "")
                        + (db.deleted() ? " (deleted)" : "") + ", " + db.objectStores().size() + " object store(s)");
            }
        }
        if (detection.kind() == ChromiumStore.Kind.SESSION_STORAGE) {
            out.add("  " + namespaces + " live namespace(s)");
        }
        counts.forEach((what, c) -> out.add("  " + what + ": " + c[0] + " live record(s), " + c[1]
                + " older or deleted version(s)"));
        members.notes().stream().filter(n -> !n.startsWith("IndexedDB database ")).forEach(n -> out.add("  " + n));
        return out;
    }

    /**
     * For IndexedDB, one object per database for the report's {@value IndexedDbIdentity#KEY} section (after the
     * run): its metadata as the catalog found it and each object store's live records and older or deleted versions;
     * stores and databases known only from their records are listed by id with null names. Empty for other stores.
     */
    public List<Map<String, Object>> identities(String input) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!(members instanceof IndexedDbJson idb)) {
            return out;
        }
        Map<Long, Map<Long, long[]>> left = new TreeMap<>();
        storeCounts.forEach((db, stores) -> left.put(db, new TreeMap<>(stores)));
        for (IndexedDbCatalog.Database db : idb.catalog().databases()) {
            Map<String, Object> d = IndexedDbIdentity.database(input, "leveldb", db.origin(), db.id(), db.name(),
                    db.version() >= 0 ? db.version() : null);
            d.put("deleted", db.deleted());
            Map<Long, long[]> counted = left.getOrDefault(db.id(), new TreeMap<>());
            for (IndexedDbCatalog.ObjectStore os : db.objectStores()) {
                Map<String, Object> m = IndexedDbIdentity.objectStore(d, os.id(), os.name(), os.keyPath(),
                        os.autoIncrement());
                for (IndexedDbCatalog.Index i : os.indexes()) {
                    IndexedDbIdentity.index(m, i.id(), i.name(), i.keyPath(), i.unique(), i.multiEntry());
                }
                m.put("deleted", os.deleted());
                storeCounts(m, counted.remove(os.id()));
            }
            unnamedStores(d, counted);
            left.remove(db.id());
            out.add(d);
        }
        left.forEach((id, stores) -> {
            Map<String, Object> d = IndexedDbIdentity.database(input, "leveldb", null, id, null, null);
            unnamedStores(d, stores);
            out.add(d);
        });
        return out;
    }

    private static void unnamedStores(Map<String, Object> database, Map<Long, long[]> stores) {
        stores.forEach((id, c) -> storeCounts(IndexedDbIdentity.objectStore(database, id, null, null, null), c));
    }

    private static void storeCounts(Map<String, Object> store, long[] c) {
        store.put("live_records", c == null ? 0 : c[0]);
        store.put("older_or_deleted_versions", c == null ? 0 : c[1]);
    }
}
