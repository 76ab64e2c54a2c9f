package dev.salvor.salvage.chromium;

import dev.salvor.formats.chromium.LocalStorageRecord;
import dev.salvor.formats.chromium.SessionStorageMaps;
import dev.salvor.formats.chromium.SessionStorageRecord;
import dev.salvor.formats.chromium.StorageKey;
import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.formats.v8.ExternalObjects;
import dev.salvor.salvage.leveldb.RecordMembers;
import dev.salvor.salvage.report.JsonLineWriter;
import dev.salvor.salvage.report.JsonLineWriter.Name;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code "localstorage"} and {@code "sessionstorage"} members of records salvaged from Chromium's Local and
 * Session Storage:
 * <pre>"localstorage":{"record":"entry","storage_key":"https://a.test","origin":"https://a.test","key":"k","value":"v"}
 * "localstorage":{"record":"meta","storage_key":…,"origin":…,"last_modified":"2026-12-07T12:54:48.459285Z","size":58}
 * "sessionstorage":{"record":"namespace","namespace":"6245f6c3_…","storage_key":"file:///","origin":"file://","map_id":0}
 * "sessionstorage":{"record":"map","map_id":0,"key":"k","value":"v"}</pre>
 * A partitioned storage key adds {@code "partition":{"top_level_site":…}}; timestamps are ISO-8601 UTC with
 * microseconds (Chromium stores µs since 1601-01-01); what did not decode is in {@code "problem"}. Session Storage
 * maps that no live namespace names (orphans: the browser deletes them, so their records are deleted data) are listed
 * in the run's notes once every record was read.
 */
public final class WebStorageJson {
    private static final Name RECORD = Name.of("record");
    private static final Name STORAGE_KEY = Name.of("storage_key");
    private static final Name ORIGIN = Name.of("origin");
    private static final Name PARTITION = Name.of("partition");
    private static final Name KEY = Name.of("key");
    private static final Name VALUE = Name.of("value");
    private static final Name LAST_MODIFIED = Name.of("last_modified");
    private static final Name LAST_ACCESSED = Name.of("last_accessed");
    private static final Name SIZE = Name.of("size");
    private static final Name NAMESPACE = Name.of("namespace");
    private static final Name MAP_ID = Name.of("map_id");
    private static final Name PROBLEM = Name.of("problem");

    private WebStorageJson() {
    }

    /** Members for Local Storage. */
    public static RecordMembers localStorage() {
        return new RecordMembers() {
            private final Name member = Name.of("localstorage");

            @Override
            public Object describe(Entry e, RecordState state) {
                return LocalStorageRecord.decode(e.userKey(), e.type() == ValueType.VALUE ? e.value() : null);
            }

            @Override
            public void write(JsonLineWriter j, Object described) {
                LocalStorageRecord r = (LocalStorageRecord) described;
                j.name(member);
                j.beginObject();
                j.name(RECORD);
                j.string(r.kind().id());
                storageKey(j, r.storageKey());
                if (r.kind() == LocalStorageRecord.Kind.ENTRY) {
                    j.name(KEY);
                    j.string(r.scriptKey());
                }
                if (r.kind() == LocalStorageRecord.Kind.ENTRY || r.kind() == LocalStorageRecord.Kind.VERSION) {
                    j.name(VALUE);
                    j.string(r.value());
                }
                if (r.lastModified() >= 0) {
                    j.name(LAST_MODIFIED);
                    j.string(time(r.lastModified()));
                }
                if (r.size() >= 0) {
                    j.name(SIZE);
                    j.number(r.size());
                }
                if (r.lastAccessed() >= 0) {
                    j.name(LAST_ACCESSED);
                    j.string(time(r.lastAccessed()));
                }
                problem(j, r.problem());
                j.endObject();
            }

            @Override
            public List<String> notes() {
                return List.of();
            }
        };
    }

    /** Members for Session Storage (with the orphan maps in its notes). */
    public static RecordMembers sessionStorage() {
        return new RecordMembers() {
            private final Name member = Name.of("sessionstorage");
            private final SessionStorageMaps maps = new SessionStorageMaps();

            @Override
            public Object describe(Entry e, RecordState state) {
                SessionStorageRecord r = SessionStorageRecord.decode(e.userKey(),
                        e.type() == ValueType.VALUE ? e.value() : null);
                maps.observe(r, state == RecordState.LIVE && e.type() == ValueType.VALUE);
                return r;
            }

            @Override
            public void write(JsonLineWriter j, Object described) {
                SessionStorageRecord r = (SessionStorageRecord) described;
                j.name(member);
                j.beginObject();
                j.name(RECORD);
                j.string(r.kind().id());
                switch (r.kind()) {
                    case NAMESPACE -> {
                        j.name(NAMESPACE);
                        j.string(r.namespace());
                        storageKey(j, r.storageKey());
                        j.name(MAP_ID);
                        mapId(j, r.mapId());
                    }
                    case MAP -> {
                        j.name(MAP_ID);
                        mapId(j, r.mapId());
                        j.name(KEY);
                        j.string(r.scriptKey());
                        j.name(VALUE);
                        j.string(r.value());
                    }
                    case NEXT_MAP_ID, VERSION -> {
                        j.name(VALUE);
                        j.string(r.value());
                    }
                    default -> {
                    }
                }
                problem(j, r.problem());
                j.endObject();
            }

            @Override
            public List<String> notes() {
                List<String> notes = new ArrayList<>();
                for (SessionStorageMaps.Orphan o : maps.orphans()) {
                    notes.add("Session Storage map " + o.mapId() + " is named by no live namespace (an orphan: "
                            + o.records() + " record version(s), deleted data)");
                }
                for (Map.Entry<Long, java.util.TreeSet<String>> m : maps.namespacesByMap().entrySet()) {
                    if (m.getValue().size() > 1) {
                        notes.add("Session Storage map " + m.getKey() + " is shared by " + m.getValue().size()
                                + " namespaces (cloned tabs): " + String.join(", ", m.getValue()));
                    }
                }
                return notes;
            }
        };
    }

    private static void mapId(JsonLineWriter j, long id) {
        if (id >= 0) {
            j.number(id);
        } else {
            j.nullValue();
        }
    }

    private static void storageKey(JsonLineWriter j, StorageKey k) {
        if (k == null) {
            return;
        }
        j.name(STORAGE_KEY);
        j.string(k.serialized());
        j.name(ORIGIN);
        j.string(k.origin());
        if (k.partitioned()) {
            j.name(PARTITION);
            j.beginObject();
            for (Map.Entry<String, String> a : k.attributes().entrySet()) {
                j.name(Name.of(a.getKey()));
                j.string(a.getValue());
            }
            j.endObject();
        }
    }

    private static void problem(JsonLineWriter j, String problem) {
        if (problem != null) {
            j.name(PROBLEM);
            j.string(problem);
        }
    }

    /** Microseconds since 1601-01-01 UTC as ISO-8601 UTC with microseconds. */
    static String time(long micros1601) {
        long unixMicros = micros1601 - ExternalObjects.WINDOWS_TO_UNIX_MICROS;
        Instant t = Instant.ofEpochSecond(Math.floorDiv(unixMicros, 1_000_000L),
                Math.floorMod(unixMicros, 1_000_000L) * 1000L);
        return t.toString();
    }
}
