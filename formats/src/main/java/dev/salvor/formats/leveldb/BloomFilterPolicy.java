package dev.salvor.formats.leveldb;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * LevelDB's built-in bloom filter ({@code util/bloom.cc}), named {@value #NAME}: {@code bitsPerKey} bits per key
 * (at least 64 bits per filter), {@code k = bitsPerKey * 0.69} probes (1 to 30) by double hashing of
 * {@link #hash LevelDB's hash} with seed {@code 0xbc9f1d34}; the filter's last byte holds {@code k}.
 * In a table the keys are user keys (the internal key's 8-byte trailer stripped, {@code InternalFilterPolicy}).
 */
public final class BloomFilterPolicy {
    /** The policy's name; the metaindex key is {@code "filter." + NAME}. */
    public static final String NAME = "leveldb.BuiltinBloomFilter2";
    private static final int SEED = 0xbc9f1d34;

    private final int bitsPerKey;
    private final int probes;

    /** A policy of {@code bitsPerKey} bits per key (LevelDB applications use 10). */
    public BloomFilterPolicy(int bitsPerKey) {
        this.bitsPerKey = bitsPerKey;
        this.probes = Math.max(1, Math.min(30, (int) (bitsPerKey * 0.69)));
    }

    /** Appends the filter of {@code keys} to {@code out} ({@code CreateFilter}). */
    public void createFilter(List<byte[]> keys, ByteArrayOutputStream out) {
        int bits = Math.max(64, keys.size() * bitsPerKey);
        int bytes = (bits + 7) / 8;
        bits = bytes * 8;
        byte[] array = new byte[bytes + 1];
        array[bytes] = (byte) probes;
        for (byte[] key : keys) {
            int h = hash(key, SEED);
            int delta = (h >>> 17) | (h << 15);
            for (int j = 0; j < probes; j++) {
                int bit = (int) (Integer.toUnsignedLong(h) % bits);
                array[bit / 8] |= (byte) (1 << (bit % 8));
                h += delta;
            }
        }
        out.write(array, 0, array.length);
    }

    /** Whether {@code key} may be in {@code filter} ({@code KeyMayMatch}; true for filters it cannot read). */
    public static boolean mayMatch(byte[] key, byte[] filter, int off, int len) {
        if (len < 2) {
            return false;
        }
        int bits = (len - 1) * 8;
        int k = filter[off + len - 1] & 0xff;
        if (k > 30) {
            return true; // reserved for new encodings
        }
        int h = hash(key, SEED);
        int delta = (h >>> 17) | (h << 15);
        for (int j = 0; j < k; j++) {
            int bit = (int) (Integer.toUnsignedLong(h) % bits);
            if ((filter[off + bit / 8] & (1 << (bit % 8))) == 0) {
                return false;
            }
            h += delta;
        }
        return true;
    }

    /** LevelDB's {@code Hash(data, n, seed)} ({@code util/hash.cc}), a Murmur-like 32-bit hash. */
    public static int hash(byte[] data, int seed) {
        final int m = 0xc6a4a793;
        final int r = 24;
        int n = data.length;
        int h = seed ^ (n * m);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int w = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16
                    | (data[i + 3] & 0xff) << 24;
            h += w;
            h *= m;
            h ^= h >>> 16;
        }
        switch (n - i) {
            case 3:
                h += (data[i + 2] & 0xff) << 16;
                // fall through
            case 2:
                h += (data[i + 1] & 0xff) << 8;
                // fall through
            case 1:
                h += data[i] & 0xff;
                h *= m;
                h ^= h >>> r;
                break;
            default:
                break;
        }
        return h;
    }
}
