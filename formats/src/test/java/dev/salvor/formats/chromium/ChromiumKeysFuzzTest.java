package dev.salvor.formats.chromium;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.fixtures.FuzzCorpus;
import dev.salvor.formats.core.Malformed;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer target {@code chromium-keys}: a stream of key/value versions (per version: u16 LE key length, key, u16 LE
 * value length or 0xFFFF for a deletion, value; seeds are the browser fixtures' log operations) fed through every
 * decoder of this package as salvage feeds them: the catalog and {@link IndexedDbRecord#describe}, the LevelDB and
 * sortable key decoders, the undo log's {@link ScopesEntry}, Local and Session Storage, and {@code idb_cmp1} on every
 * neighbouring pair.
 *
 * <p>Invariants: only {@link Malformed} leaves a decoder that may refuse (the key decoders, the prefix); the record,
 * catalog, scopes and web-storage decoders never throw (they say why in {@code problem}); the comparator is antisymmetric,
 * reflexive and never calls two different keys equal.
 */
class ChromiumKeysFuzzTest {

    @FuzzTest
    void keys(byte[] data) {
        List<byte[][]> versions = parse(data);
        IndexedDbCatalog catalog = new IndexedDbCatalog();
        SessionStorageMaps maps = new SessionStorageMaps();
        byte[] previous = null;
        long seq = 0;
        for (byte[][] kv : versions) {
            byte[] key = kv[0];
            byte[] value = kv[1];
            catalog.observe(key, value, ++seq);
            IndexedDbRecord r = IndexedDbRecord.describe(catalog, key, value);
            assertTrue(r.key() != null || r.problem() != null);
            try {
                IndexedDbKeyDecoder.decodeSortable(key);
            } catch (Malformed expected) {
                // refused with a position: fine
            }
            try {
                IndexedDbKeyDecoder.decode(key);
            } catch (Malformed expected) {
                // refused with a position: fine
            }
            ScopesEntry scopes = ScopesEntry.decode(key, 5, value); // never throws: says why in problem
            assertTrue(scopes.kind() != ScopesEntry.Kind.UNKNOWN || scopes.problem() != null);
            LocalStorageRecord.decode(key, value);
            maps.observe(SessionStorageRecord.decode(key, value), true);
            assertEquals(0, IdbComparator.INSTANCE.compare(key, key.clone()));
            if (previous != null) {
                int ab = Integer.signum(IdbComparator.INSTANCE.compare(previous, key));
                int ba = Integer.signum(IdbComparator.INSTANCE.compare(key, previous));
                assertEquals(-ab, ba);
                // 0 for different bytes is allowed: keys idb_cmp1 calls equal (0 and -0, a simple metadata key with
                // bytes after its type) are one key to the browser's LevelDB, and to salvor's merge
            }
            previous = key;
        }
        catalog.databases();
        maps.orphans();
    }

    static List<byte[][]> parse(byte[] data) {
        List<byte[][]> out = new ArrayList<>();
        int p = 0;
        while (p + 2 <= data.length) {
            int kl = (data[p] & 0xFF) | (data[p + 1] & 0xFF) << 8;
            p += 2;
            if (kl > data.length - p) {
                break;
            }
            byte[] key = Arrays.copyOfRange(data, p, p + kl);
            p += kl;
            byte[] value = null;
            if (p + 2 <= data.length) {
                int vl = (data[p] & 0xFF) | (data[p + 1] & 0xFF) << 8;
                p += 2;
                if (vl != 0xFFFF) {
                    vl = Math.min(vl, data.length - p);
                    value = Arrays.copyOfRange(data, p, p + vl);
                    p += vl;
                }
            }
            out.add(new byte[][]{key, value});
        }
        return out;
    }

    static Stream<Object[]> keysInputs() {
        return FuzzCorpus.cases("chromium-keys");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keysInputs")
    void keysRegression(String name, byte[] data) {
        keys(data);
    }
}
