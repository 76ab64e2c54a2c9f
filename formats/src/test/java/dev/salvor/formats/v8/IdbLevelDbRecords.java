package dev.salvor.formats.v8;

import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.core.SpillStore;
import dev.salvor.formats.leveldb.LevelDbLayout;
import dev.salvor.formats.leveldb.LevelDbSalvager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: the object-store data records and blob-entry records of a Chromium IndexedDB LevelDB directory, read
 * with salvor's LevelDB salvager (every physical version, with its state). Only what these tests need of the key
 * encoding: the key prefix (three little-endian ids whose byte counts are in the first byte), index id 1 (data) and
 * 3 (blob entry), and string or number primary keys. The full key decoding belongs to dev.salvor.formats.chromium.
 */
final class IdbLevelDbRecords {
    /** One data record: database and object store ids, primary key as text, raw value, state. */
    record Data(long databaseId, long objectStoreId, String key, byte[] value, String state, long sequence) {
    }

    final List<Data> data = new ArrayList<>();
    /** Blob-entry values by "db/os/key" of their live or latest version. */
    final Map<String, byte[]> blobEntries = new HashMap<>();

    static IdbLevelDbRecords read(Path dir) throws IOException {
        IdbLevelDbRecords r = new IdbLevelDbRecords();
        LevelDbSalvager s = new LevelDbSalvager(LevelDbLayout.of(SourceSet.of(dir)), Limits.DEFAULT, new Memory(),
                LevelDbSalvager.LOG_BUFFER_BYTES, 1);
        s.run((e, state, copies, stale) -> {
            byte[] k = e.userKey();
            if (k.length < 4) {
                return;
            }
            int first = k[0] & 0xff;
            int dbLen = (first >> 5) + 1;
            int osLen = ((first >> 2) & 7) + 1;
            int ixLen = (first & 3) + 1;
            int p = 1;
            if (p + dbLen + osLen + ixLen > k.length) {
                return;
            }
            long db = le(k, p, dbLen);
            p += dbLen;
            long os = le(k, p, osLen);
            p += osLen;
            long ix = le(k, p, ixLen);
            p += ixLen;
            if (db == 0 || os == 0) {
                return;
            }
            String key = key(k, p);
            if (ix == 1) {
                r.data.add(new Data(db, os, key, e.value(), state.id(), e.sequence()));
            } else if (ix == 3 && e.value() != null && !r.blobEntries.containsKey(db + "/" + os + "/" + key)) {
                r.blobEntries.put(db + "/" + os + "/" + key, e.value());
            }
        }, b -> { });
        return r;
    }

    /** The external objects of a data record, or an empty list. */
    List<ExternalObject> externalObjects(Data d) throws UndecodableValueException {
        byte[] v = blobEntries.get(d.databaseId() + "/" + d.objectStoreId() + "/" + d.key());
        return v == null ? List.of() : ExternalObjects.decode(v);
    }

    private static long le(byte[] b, int p, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[p + i] & 0xff);
        }
        return v;
    }

    /** IDB key type 1 (StringWithLength: varint count, UTF-16BE) or 3 (number, double LE); else hex. */
    private static String key(byte[] k, int p) {
        if (p < k.length && k[p] == 1) {
            int q = p + 1;
            long n = 0;
            int shift = 0;
            while (q < k.length) {
                int b = k[q++] & 0xff;
                n |= (long) (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (q + 2 * n <= k.length) {
                return new String(k, q, (int) (2 * n), StandardCharsets.UTF_16BE);
            }
        }
        if (p < k.length && k[p] == 3 && p + 9 <= k.length) {
            return "#" + Double.longBitsToDouble(le(k, p + 1, 8));
        }
        return java.util.HexFormat.of().formatHex(k, p, k.length);
    }

    private static final class Memory implements SpillStore {
        @Override
        public Run create() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            return new Run() {
                @Override
                public OutputStream output() {
                    return bytes;
                }

                @Override
                public InputStream input() {
                    return new ByteArrayInputStream(bytes.toByteArray());
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
