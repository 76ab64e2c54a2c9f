package dev.salvor.formats.chromium;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;
import dev.salvor.formats.core.SliceSource;
import dev.salvor.formats.leveldb.BatchEntry;
import dev.salvor.formats.leveldb.DataBlockRef;
import dev.salvor.formats.leveldb.DecodedDataBlock;
import dev.salvor.formats.leveldb.FileRole;
import dev.salvor.formats.leveldb.LevelDbFile;
import dev.salvor.formats.leveldb.LevelDbLayout;
import dev.salvor.formats.leveldb.LogReader;
import dev.salvor.formats.leveldb.ManifestComparator;
import dev.salvor.formats.leveldb.Recognition;
import dev.salvor.formats.leveldb.TableEntry;
import dev.salvor.formats.leveldb.TableReader;
import dev.salvor.formats.leveldb.UserKeyOrder;
import dev.salvor.formats.leveldb.WriteBatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which of Chromium's stores a LevelDB database is, decided by content: the comparator its MANIFEST names
 * ({@code idb_cmp1} = IndexedDB) or, when none is named or readable (a carved table, a lone log, a lost MANIFEST),
 * the shapes of its first keys. The sample is bounded: the first {@value #LOG_SAMPLE_BYTES} bytes of at most two
 * logs and the first data block of at most two tables whose footer verified, at most {@value #MAX_KEYS} keys.
 *
 * <p>Key shapes (each rule is the store's own key layout):
 * <ul>
 *   <li>Local Storage: {@code VERSION}, {@code META:<storage key>}, {@code METAACCESS:<storage key>},
 *       {@code _<storage key>\0} followed by 0x00 or 0x01 (the script key's encoding byte);</li>
 *   <li>Session Storage: {@code version}, {@code next-map-id}, {@code namespace-<guid>-<storage key>},
 *       {@code map-<n>-<key>};</li>
 *   <li>IndexedDB: the key decodes as one of Chromium's IndexedDB keys ({@link IdbRecordKey}).</li>
 * </ul>
 * A store is named when at least half of the sampled keys (and at least one) have its shape; Local and Session
 * Storage are tested first, since their ASCII keys can happen to decode as IndexedDB prefixes.
 */
public final class ChromiumStore {
    /** Bytes read from the start of a log for the key sample. */
    static final int LOG_SAMPLE_BYTES = 64 * 1024;
    /** Keys sampled at most. */
    static final int MAX_KEYS = 256;

    /** A Chromium store. */
    public enum Kind {
        INDEXED_DB("indexeddb"), LOCAL_STORAGE("localstorage"), SESSION_STORAGE("sessionstorage");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The name of the record member and of the store in reports. */
        public String id() {
            return id;
        }
    }

    /** What was found, and how. */
    public record Detection(Kind kind, String how) {
    }

    /** The key orders of Chromium's databases by comparator name: {@code idb_cmp1}, else LevelDB's bytewise. */
    public static final UserKeyOrder.Resolver ORDERS =
            name -> IdbComparator.NAME.equals(name) ? IdbComparator.INSTANCE : UserKeyOrder.BYTEWISE;

    private ChromiumStore() {
    }

    /**
     * The order to use for a database detected as {@code detection} (empty: not Chromium's): the MANIFEST's
     * comparator when one is named, else {@code idb_cmp1} for content detected as IndexedDB.
     */
    public static UserKeyOrder.Resolver orders(Optional<Detection> detection) {
        boolean idb = detection.isPresent() && detection.get().kind() == Kind.INDEXED_DB;
        return name -> name == null && idb ? IdbComparator.INSTANCE : ORDERS.resolve(name);
    }

    /** Detects the store (see the class comment); empty when it is not one of Chromium's. */
    public static Optional<Detection> detect(LevelDbLayout layout, Limits limits) throws IOException {
        Optional<String> comparator = ManifestComparator.name(layout, limits);
        if (comparator.isPresent() && comparator.get().equals(IdbComparator.NAME)) {
            return Optional.of(new Detection(Kind.INDEXED_DB, "comparator " + IdbComparator.NAME));
        }
        List<byte[]> keys = sampleKeys(layout, limits);
        Optional<Kind> byKeys = classify(keys);
        if (byKeys.isEmpty() || (byKeys.get() == Kind.INDEXED_DB && comparator.isPresent())) {
            return Optional.empty(); // a database that names another comparator is not IndexedDB's
        }
        return Optional.of(new Detection(byKeys.get(), "key shapes (" + keys.size() + " key(s) sampled)"));
    }

    /** The store whose key shapes at least half of {@code keys} have (see the class comment). */
    public static Optional<Kind> classify(List<byte[]> keys) {
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        int local = 0;
        int session = 0;
        int idb = 0;
        for (byte[] k : keys) {
            if (LocalStorageRecord.isLocalStorageKey(k)) {
                local++;
            } else if (SessionStorageRecord.isSessionStorageKey(k)) {
                session++;
            } else if (isIndexedDbKey(k)) {
                idb++;
            }
        }
        int half = (keys.size() + 1) / 2;
        if (local >= half && local >= session) {
            return Optional.of(Kind.LOCAL_STORAGE);
        }
        if (session >= half) {
            return Optional.of(Kind.SESSION_STORAGE);
        }
        return idb >= half ? Optional.of(Kind.INDEXED_DB) : Optional.empty();
    }

    private static boolean isIndexedDbKey(byte[] k) {
        try {
            IdbRecordKey.decode(k);
            return true;
        } catch (Malformed e) {
            return false;
        }
    }

    /** The bounded key sample (see the class comment). */
    static List<byte[]> sampleKeys(LevelDbLayout layout, Limits limits) throws IOException {
        List<byte[]> keys = new ArrayList<>();
        int logs = 0;
        for (LevelDbFile f : layout.files(FileRole.LOG)) {
            if (logs++ >= 2 || keys.size() >= MAX_KEYS) {
                break;
            }
            try (ByteSource src = f.member().open()) {
                ByteSource head = new SliceSource(src, 0, Math.min(src.size(), LOG_SAMPLE_BYTES), f.name());
                new LogReader(head, DamageSink.collectingInto(new ArrayList<>()), limits).read(rec -> {
                    if (!rec.crcOk() || keys.size() >= MAX_KEYS) {
                        return;
                    }
                    WriteBatch b = WriteBatch.decode(rec.payload(), f.name(), rec.offset(),
                            DamageSink.collectingInto(new ArrayList<>()));
                    for (BatchEntry e : b.entries()) {
                        if (keys.size() < MAX_KEYS) {
                            keys.add(e.key());
                        }
                    }
                });
            } catch (RuntimeException e) {
                // a log that does not read adds no keys; the checker reports why
            }
        }
        int tables = 0;
        for (LevelDbFile f : layout.files(FileRole.TABLE)) {
            if (f.how() != Recognition.TABLE_MAGIC || tables++ >= 2 || keys.size() >= MAX_KEYS) {
                continue;
            }
            try (ByteSource src = f.member().open()) {
                TableReader r = new TableReader(src, DamageSink.collectingInto(new ArrayList<>()), limits);
                if (r.footer().isEmpty() || r.dataBlocks().isEmpty()) {
                    continue;
                }
                DataBlockRef first = r.dataBlocks().get(0);
                DecodedDataBlock block = r.readDataBlock(first);
                if (!block.crcOk()) {
                    continue;
                }
                for (TableEntry e : block.entries()) {
                    if (e.key() != null && keys.size() < MAX_KEYS) {
                        keys.add(e.key().userKey());
                    }
                }
            } catch (RuntimeException e) {
                // a table that does not read adds no keys
            }
        }
        return keys;
    }

    static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
