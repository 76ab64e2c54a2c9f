package dev.salvor.formats.leveldb;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LevelDB's hash and bloom filter: the vectors of {@code util/hash_test.cc}, and the filter's properties. */
class BloomFilterPolicyTest {

    @Test
    void hashMatchesLevelDbsTestVectors() {
        byte[] data5 = new byte[48];
        int[] set = {0x01, 0xc0};
        data5[0] = (byte) set[0];
        data5[1] = (byte) set[1];
        data5[16] = 0x14;
        data5[22] = 0x04;
        data5[27] = 0x14;
        data5[31] = 0x18;
        data5[32] = 0x28;
        data5[40] = 0x02;
        assertEquals(0xbc9f1d34, BloomFilterPolicy.hash(new byte[0], 0xbc9f1d34));
        assertEquals(0xef1345c4, BloomFilterPolicy.hash(bytes(0x62), 0xbc9f1d34));
        assertEquals(0x5b663814, BloomFilterPolicy.hash(bytes(0xc3, 0x97), 0xbc9f1d34));
        assertEquals(0x323c078f, BloomFilterPolicy.hash(bytes(0xe2, 0x99, 0xa5), 0xbc9f1d34));
        assertEquals(0xed21633a, BloomFilterPolicy.hash(bytes(0xe1, 0x80, 0xb9, 0x32), 0xbc9f1d34));
        assertEquals(0xf333dabb, BloomFilterPolicy.hash(data5, 0x12345678));
    }

    @Test
    void everyKeyAddedMatchesAndFewOthersDo() {
        BloomFilterPolicy policy = new BloomFilterPolicy(10);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            keys.add(("key" + i).getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        policy.createFilter(keys, out);
        byte[] filter = out.toByteArray();
        assertEquals(1000 * 10 / 8 + 1, filter.length, "10 bits per key and the probe count");
        assertEquals(6, filter[filter.length - 1], "k = 10 * 0.69");
        for (byte[] k : keys) {
            assertTrue(BloomFilterPolicy.mayMatch(k, filter, 0, filter.length));
        }
        int falsePositives = 0;
        for (int i = 0; i < 10000; i++) {
            if (BloomFilterPolicy.mayMatch(("other" + i).getBytes(StandardCharsets.UTF_8), filter, 0,
                    filter.length)) {
                falsePositives++;
            }
        }
        // bloom_test.cc requires a false-positive rate under 2 % at 10 bits per key
        assertTrue(falsePositives < 200, "false positives: " + falsePositives);
    }

    @Test
    void aSmallFilterHasAtLeast64Bits() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BloomFilterPolicy(10).createFilter(List.of(bytes(1)), out);
        assertEquals(8 + 1, out.size());
        assertFalse(BloomFilterPolicy.mayMatch(bytes(1), new byte[1], 0, 1), "too short to be a filter");
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }
}
