package dev.salvor.formats.chromium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.LevelDbChecker;
import dev.salvor.formats.leveldb.LevelDbLayout;
import dev.salvor.formats.leveldb.LevelDbSalvager;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.formats.leveldb.UserKeyOrder;
import dev.salvor.formats.leveldb.ValueType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browser storage written by the real browser (fixtures/browser: Debian's headless chromium running page.html,
 * LevelDB backend; "basic" holds only logs, "tables" also a flushed .ldb table): every key the page wrote comes out
 * decoded, named (origin, database, object store, index) and in its state, in {@code idb_cmp1} order, as
 * expected.json lists; Local and Session Storage decode; and the checker verifies the table in the browser's key
 * order, where the bytewise order finds it out of order.
 */
class ChromiumFixturesTest {
    private static JsonNode expected;

    @BeforeAll
    static void load() throws IOException {
        Path e = Fixtures.path("browser/expected.json");
        Assumptions.assumeTrue(Files.exists(e), "no browser fixtures at " + e);
        expected = Fixtures.json(e);
    }

    /** One salvaged version, decoded. */
    record Row(Entry entry, RecordState state, IndexedDbRecord idb) {
    }

    static LevelDbLayout layout(String relative) throws IOException {
        return LevelDbLayout.of(SourceSet.of(Fixtures.path("browser/" + relative)));
    }

    /** Salvages with the order {@link ChromiumStore} detects, naming records as salvage's writer does. */
    static List<Row> salvage(LevelDbLayout layout) throws IOException {
        Optional<ChromiumStore.Detection> d = ChromiumStore.detect(layout, Limits.DEFAULT);
        LevelDbSalvager s = new LevelDbSalvager(layout, Limits.DEFAULT, null, 1L << 30, 2)
                .keyOrders(ChromiumStore.orders(d));
        IndexedDbCatalog catalog = new IndexedDbCatalog();
        List<Row> rows = new ArrayList<>();
        s.run((e, state, copies, stale) -> {
            byte[] value = e.type() == ValueType.VALUE ? e.value() : null;
            catalog.observe(e.userKey(), value, e.sequence());
            rows.add(new Row(e, state, IndexedDbRecord.describe(catalog, e.userKey(), value)));
        }, Progress.NONE);
        return rows;
    }

    static List<FileResult> check(LevelDbLayout layout, UserKeyOrder.Resolver orders) throws IOException {
        return new LevelDbChecker(layout, Limits.DEFAULT, 2).keyOrders(orders).run(Progress.NONE);
    }

    static List<Damage> damages(List<FileResult> results) {
        return results.stream().flatMap(r -> r.damages().stream()).toList();
    }

    @Test
    void everyStoreChecksCleanInItsOwnOrder() throws IOException {
        for (String c : List.of("basic", "tables")) {
            for (String store : List.of("indexeddb", "localstorage", "sessionstorage")) {
                List<FileResult> r = check(layout(c + "/" + store), ChromiumStore.ORDERS);
                assertEquals(List.of(), damages(r), c + "/" + store);
                assertTrue(r.stream().mapToLong(FileResult::unitsVerified).sum() > 0, c + "/" + store);
            }
        }
    }

    @Test
    void theFlushedTableIsOutOfOrderBytewiseAndInOrderUnderIdbCmp1() throws IOException {
        LevelDbLayout layout = layout("tables/indexeddb");
        List<Damage> bytewise = damages(check(layout, UserKeyOrder.Resolver.BYTEWISE_ONLY));
        assertEquals(1, bytewise.size(), bytewise.toString());
        assertEquals(DamageKind.BAD_STRUCTURE, bytewise.get(0).kind());
        assertEquals("000005.ldb", bytewise.get(0).resource());
        LevelDbChecker checker = new LevelDbChecker(layout, Limits.DEFAULT, 2).keyOrders(ChromiumStore.ORDERS);
        assertEquals(List.of(), damages(checker.run(Progress.NONE)));
        assertEquals(IdbComparator.NAME, checker.keyOrder().comparatorName());
    }

    @Test
    void eachStoreIsDetectedByContent() throws IOException {
        assertEquals(new ChromiumStore.Detection(ChromiumStore.Kind.INDEXED_DB, "comparator idb_cmp1"),
                ChromiumStore.detect(layout("basic/indexeddb"), Limits.DEFAULT).orElseThrow());
        assertEquals(ChromiumStore.Kind.LOCAL_STORAGE,
                ChromiumStore.detect(layout("basic/localstorage"), Limits.DEFAULT).orElseThrow().kind());
        assertEquals(ChromiumStore.Kind.SESSION_STORAGE,
                ChromiumStore.detect(layout("basic/sessionstorage"), Limits.DEFAULT).orElseThrow().kind());
        // without its MANIFEST (a lone log, a carved table) the keys' shapes still say IndexedDB
        ChromiumStore.Detection log = ChromiumStore.detect(layout("basic/indexeddb/000003.log"), Limits.DEFAULT)
                .orElseThrow();
        assertEquals(ChromiumStore.Kind.INDEXED_DB, log.kind());
        assertTrue(log.how().startsWith("key shapes"), log.how());
        assertEquals(ChromiumStore.Kind.INDEXED_DB,
                ChromiumStore.detect(layout("tables/indexeddb/000005.ldb"), Limits.DEFAULT).orElseThrow().kind());
        // plain LevelDB written by the C++ engine is none of Chromium's stores
        LevelDbLayout plain = LevelDbLayout.of(SourceSet.of(Fixtures.path("leveldb/snappy/db")));
        assertTrue(ChromiumStore.detect(plain, Limits.DEFAULT).isEmpty());
    }

    @Test
    void catalogNamesTheDatabasesObjectStoresAndIndexes() throws IOException {
        for (String c : List.of("basic", "tables")) {
            IndexedDbCatalog catalog = new IndexedDbCatalog();
            for (Row r : salvage(layout(c + "/indexeddb"))) {
                catalog.observe(r.entry().userKey(), r.entry().type() == ValueType.VALUE ? r.entry().value() : null,
                        r.entry().sequence());
            }
            JsonNode dbs = expected.get("indexeddb").get("databases");
            Set<String> names = new TreeSet<>();
            for (IndexedDbCatalog.Database d : catalog.databases()) {
                names.add(d.name());
                JsonNode want = dbs.get(d.name());
                assertNotNull(want, "unexpected database " + d.name());
                assertEquals(expected.get("indexeddb").get("origin").asText(), d.origin());
                assertEquals(want.get("version").asLong(), d.version(), d.name());
                assertFalse(d.deleted());
                Set<String> stores = new TreeSet<>();
                for (IndexedDbCatalog.ObjectStore s : d.objectStores()) {
                    stores.add(s.name());
                    JsonNode ws = want.get("object_stores").get(s.name());
                    assertNotNull(ws, "unexpected store " + s.name());
                    assertEquals(ws.get("key_path").isNull() ? IdbKeyPath.NONE
                            : new IdbKeyPath(ws.get("key_path").asText(), null), s.keyPath(), s.name());
                    assertEquals(ws.get("auto_increment").asBoolean(), s.autoIncrement(), s.name());
                    Map<String, IndexedDbCatalog.Index> idx = new LinkedHashMap<>();
                    s.indexes().forEach(i -> idx.put(i.name(), i));
                    assertEquals(names(ws.get("indexes")), idx.keySet(), s.name());
                    for (IndexedDbCatalog.Index i : idx.values()) {
                        JsonNode wi = ws.get("indexes").get(i.name());
                        assertEquals(new IdbKeyPath(wi.get("key_path").asText(), null), i.keyPath());
                        assertEquals(wi.get("unique").asBoolean(), i.unique());
                        assertEquals(wi.get("multi_entry").asBoolean(), i.multiEntry());
                    }
                }
                assertEquals(names(want.get("object_stores")), stores, d.name());
            }
            assertEquals(c.equals("tables") ? Set.of("bulk", "shop") : Set.of("shop"), names, c);
            assertEquals(5, catalog.schemaVersion());
            assertEquals(0, catalog.undecodable());
        }
    }

    @Test
    void everyKeyThePageWroteComesOutDecodedInItsStateAndOrder() throws IOException {
        for (String c : List.of("basic", "tables")) {
            List<Row> rows = salvage(layout(c + "/indexeddb"));
            for (Row r : rows) {
                assertNotNull(r.idb().key(), "undecodable key in " + c + ": " + r.idb().problem());
                assertNull(r.idb().problem(), c + ": " + r.idb().key() + " " + r.entry() + ": " + r.idb().problem());
            }
            JsonNode dbs = expected.get("indexeddb").get("databases");
            for (Iterator<String> it = dbs.fieldNames(); it.hasNext(); ) {
                String db = it.next();
                if (db.equals("bulk") && !c.equals("tables")) {
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> st = dbs.get(db).get("object_stores").fields(); st.hasNext(); ) {
                    Map.Entry<String, JsonNode> s = st.next();
                    List<Row> data = rows.stream().filter(r -> r.idb().key().kind() == IdbRecordKey.Kind.DATA
                            && db.equals(r.idb().database()) && s.getKey().equals(r.idb().objectStore())).toList();
                    List<IdbKey> live = keys(data, RecordState.LIVE);
                    if (s.getValue().has("live_count")) {
                        assertEquals(s.getValue().get("live_count").asInt(), live.size(), s.getKey());
                    } else {
                        assertEquals(keys(s.getValue().get("live")), live, c + " " + db + "/" + s.getKey() + " live");
                    }
                    assertEquals(new LinkedHashSet<>(keys(s.getValue().get("superseded"))),
                            new LinkedHashSet<>(keys(data, RecordState.SUPERSEDED)), c + " " + s.getKey());
                    assertEquals(new LinkedHashSet<>(keys(s.getValue().get("deleted"))),
                            new LinkedHashSet<>(keys(data, RecordState.DELETED)), c + " " + s.getKey());
                    for (int i = 1; i < data.size(); i++) {
                        assertTrue(IdbKey.compare(data.get(i - 1).idb().key().key(), data.get(i).idb().key().key())
                                <= 0, "idb_cmp1 order in " + s.getKey() + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void valuesHoldWhatThePageWrote() throws IOException {
        List<Row> rows = salvage(layout("tables/indexeddb"));
        JsonNode dbs = expected.get("indexeddb").get("databases");
        int checked = 0;
        for (Iterator<String> it = dbs.fieldNames(); it.hasNext(); ) {
            String db = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> st = dbs.get(db).get("object_stores").fields(); st.hasNext(); ) {
                Map.Entry<String, JsonNode> s = st.next();
                JsonNode vc = s.getValue().get("value_contains");
                if (vc == null) {
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> v = vc.fields(); v.hasNext(); ) {
                    Map.Entry<String, JsonNode> want = v.next();
                    IdbKey key = key(new com.fasterxml.jackson.databind.ObjectMapper().readTree(want.getKey()));
                    boolean deletedKey = keys(s.getValue().get("deleted")).contains(key);
                    Row r = rows.stream().filter(x -> x.idb().key().kind() == IdbRecordKey.Kind.DATA
                                    && db.equals(x.idb().database()) && s.getKey().equals(x.idb().objectStore())
                                    && key.equals(x.idb().key().key()) && x.idb().value() != null
                                    && (deletedKey || x.state() == RecordState.LIVE))
                            .findFirst().orElseThrow(() -> new AssertionError(db + "/" + s.getKey() + " " + key));
                    String latin1 = new String(r.idb().value(), StandardCharsets.ISO_8859_1);
                    assertTrue(latin1.contains(want.getValue().asText()), key + ": " + want.getValue());
                    assertTrue(r.idb().version() > 0);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 12, "values checked: " + checked);
    }

    @Test
    void indexEntriesNameTheirIndexAndPrimaryKey() throws IOException {
        List<Row> rows = salvage(layout("basic/indexeddb"));
        Map<String, IdbKey> email = new LinkedHashMap<>();
        Set<String> tags = new TreeSet<>();
        for (Row r : rows) {
            if (r.idb().key().kind() != IdbRecordKey.Kind.INDEX || r.state() != RecordState.LIVE) {
                continue;
            }
            assertEquals("customers", r.idb().objectStore());
            String k = ((IdbKey.Str) r.idb().key().key()).value();
            if ("by_email".equals(r.idb().index())) {
                email.put(k, r.idb().primaryKey());
            } else {
                assertEquals("by_tag", r.idb().index());
                tags.add(k);
            }
        }
        // zoe@ (customer 3) stays live in the index: Chromium removes stale index entries lazily
        assertEquals(new IdbKey.Number(1), email.get("ada@example.test"));
        assertEquals(new IdbKey.Number(2), email.get("grace@example.test"));
        assertEquals(Set.of("cobol", "math", "navy", "vip"), tags);
    }

    @Test
    void globalMetadataAndScopes() throws IOException {
        List<Row> rows = salvage(layout("basic/indexeddb"));
        Row name = rows.stream().filter(r -> r.idb().key().kind() == IdbRecordKey.Kind.DATABASE_NAME).findFirst()
                .orElseThrow();
        assertEquals("file__0@1", name.idb().origin());
        assertEquals("shop", name.idb().database());
        assertEquals(1L, name.idb().metadata());
        assertTrue(rows.stream().anyMatch(r -> r.idb().key().kind() == IdbRecordKey.Kind.SCOPES));
        Row version = rows.stream().filter(r -> r.idb().key().kind() == IdbRecordKey.Kind.DATA_VERSION).findFirst()
                .orElseThrow();
        assertTrue((Long) version.idb().metadata() > 1L << 32, "v8 version in the high 32 bits");
    }

    @Test
    void aLoneLogAndALoneTableMergeInTheBrowsersOrder() throws IOException {
        List<Row> log = salvage(layout("tables/indexeddb/000004.log"));
        List<Row> table = salvage(layout("tables/indexeddb/000005.ldb"));
        assertFalse(log.isEmpty());
        assertFalse(table.isEmpty());
        for (List<Row> rows : List.of(log, table)) {
            for (int i = 1; i < rows.size(); i++) {
                assertTrue(IdbComparator.INSTANCE.compare(rows.get(i - 1).entry().userKey(),
                        rows.get(i).entry().userKey()) <= 0, "order at " + i);
            }
            assertTrue(rows.stream().allMatch(r -> r.idb().key() != null));
        }
        // the table alone holds bulk records without their metadata (it is in the log): keys still decode
        assertTrue(table.stream().anyMatch(r -> r.idb().key().kind() == IdbRecordKey.Kind.DATA));
    }

    @Test
    void localStorageDecoded() throws IOException {
        JsonNode want = expected.get("localstorage");
        for (String c : List.of("basic", "tables")) {
            Map<String, String> live = new LinkedHashMap<>();
            Set<String> deleted = new TreeSet<>();
            boolean meta = false;
            for (Row r : salvage(layout(c + "/localstorage"))) {
                LocalStorageRecord l = LocalStorageRecord.decode(r.entry().userKey(),
                        r.entry().type() == ValueType.VALUE ? r.entry().value() : null);
                assertNull(l.problem());
                if (l.kind() == LocalStorageRecord.Kind.ENTRY) {
                    assertEquals(want.get("storage_key").asText(), l.storageKey().serialized());
                    if (r.state() == RecordState.LIVE) {
                        live.put(l.scriptKey(), l.value());
                    } else if (r.state() == RecordState.DELETED) {
                        deleted.add(l.scriptKey());
                    }
                } else if (l.kind() == LocalStorageRecord.Kind.META) {
                    meta = true;
                    Instant modified = Instant.EPOCH.plusNanos(
                            (l.lastModified() - dev.salvor.formats.v8.ExternalObjects.WINDOWS_TO_UNIX_MICROS) * 1000);
                    assertTrue(modified.isAfter(Instant.parse("2020-01-01T00:00:00Z")), modified.toString());
                    assertTrue(l.size() > 0);
                }
            }
            Map<String, String> wantLive = new LinkedHashMap<>();
            want.get("live").fields().forEachRemaining(e -> wantLive.put(e.getKey(), e.getValue().asText()));
            assertEquals(wantLive, live, c);
            assertEquals(names(want.get("deleted")), deleted, c);
            assertTrue(meta, c);
        }
    }

    @Test
    void sessionStorageDecoded() throws IOException {
        JsonNode want = expected.get("sessionstorage");
        SessionStorageMaps maps = new SessionStorageMaps();
        Map<String, Map<String, String>> byMap = new LinkedHashMap<>();
        int namespaces = 0;
        for (Row r : salvage(layout("basic/sessionstorage"))) {
            SessionStorageRecord s = SessionStorageRecord.decode(r.entry().userKey(),
                    r.entry().type() == ValueType.VALUE ? r.entry().value() : null);
            assertNull(s.problem());
            maps.observe(s, r.state() == RecordState.LIVE);
            if (s.kind() == SessionStorageRecord.Kind.NAMESPACE) {
                namespaces++;
                assertEquals(want.get("storage_key").asText(), s.storageKey().serialized());
                assertEquals(36, s.namespace().length());
            } else if (s.kind() == SessionStorageRecord.Kind.MAP && r.state() == RecordState.LIVE) {
                byMap.computeIfAbsent(Long.toString(s.mapId()), k -> new LinkedHashMap<>())
                        .put(s.scriptKey(), s.value());
            }
        }
        assertEquals(want.get("namespaces").asInt(), namespaces);
        Map<String, Map<String, String>> wantMaps = new LinkedHashMap<>();
        want.get("maps").fields().forEachRemaining(m -> {
            Map<String, String> kv = new LinkedHashMap<>();
            m.getValue().fields().forEachRemaining(e -> kv.put(e.getKey(), e.getValue().asText()));
            wantMaps.put(m.getKey(), kv);
        });
        assertEquals(wantMaps, byMap);
        assertEquals(List.of(), maps.orphans());
    }

    private static List<IdbKey> keys(List<Row> rows, RecordState state) {
        List<IdbKey> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.state() == state && !out.contains(r.idb().key().key())) {
                out.add(r.idb().key().key());
            }
        }
        return out;
    }

    static List<IdbKey> keys(JsonNode array) {
        List<IdbKey> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(key(n)));
        }
        return out;
    }

    /** The expected.json mapping of a key (see its "about"). */
    static IdbKey key(JsonNode n) {
        if (n.isNumber()) {
            return new IdbKey.Number(n.asDouble());
        }
        if (n.isTextual()) {
            return new IdbKey.Str(n.asText());
        }
        if (n.isArray()) {
            List<IdbKey> items = new ArrayList<>();
            n.forEach(x -> items.add(key(x)));
            return new IdbKey.Array(items);
        }
        if (n.has("number")) {
            return new IdbKey.Number(Double.parseDouble(n.get("number").asText()));
        }
        if (n.has("date")) {
            return new IdbKey.Date(Instant.parse(n.get("date").asText()).toEpochMilli());
        }
        if (n.has("binary")) {
            return new IdbKey.Binary(Base64.getDecoder().decode(n.get("binary").asText()));
        }
        throw new IllegalArgumentException("not a key: " + n);
    }

    private static Set<String> names(JsonNode n) {
        Set<String> out = new TreeSet<>();
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else {
            n.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }
}
