package dev.salvor.formats.chromium;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which Session Storage maps belong to which namespaces (tabs), and which maps no namespace names: built from every
 * decoded record as salvage meets them ({@link #observe}), read at the end ({@link #orphans()}). Only live namespace
 * records name a map for this purpose (a deleted or superseded namespace record says the tab once used it); a map
 * with records but no live namespace is an orphan: the browser deletes such maps, so their surviving records are
 * deleted data.
 */
public final class SessionStorageMaps {
    private final Map<Long, TreeSet<String>> namespacesByMap = new TreeMap<>();
    private final Map<Long, Long> recordsByMap = new TreeMap<>();

    /** Takes one decoded record and whether it is the live version of its key. */
    public void observe(SessionStorageRecord r, boolean live) {
        if (r.kind() == SessionStorageRecord.Kind.NAMESPACE && live && r.mapId() >= 0) {
            namespacesByMap.computeIfAbsent(r.mapId(), k -> new TreeSet<>())
                    .add(r.namespace() + " " + r.storageKey().serialized());
        } else if (r.kind() == SessionStorageRecord.Kind.MAP) {
            recordsByMap.merge(r.mapId(), 1L, Long::sum);
        }
    }

    /** A map no live namespace names, and how many record versions of it were found. */
    public record Orphan(long mapId, long records) {
    }

    /** The orphan maps, by map number. */
    public List<Orphan> orphans() {
        List<Orphan> out = new ArrayList<>();
        recordsByMap.forEach((map, n) -> {
            if (!namespacesByMap.containsKey(map)) {
                out.add(new Orphan(map, n));
            }
        });
        return out;
    }

    /** The namespaces (guid and storage key) that name each map. */
    public Map<Long, TreeSet<String>> namespacesByMap() {
        return namespacesByMap;
    }
}
