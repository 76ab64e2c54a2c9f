import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.core.SpillStore;
import dev.salvor.formats.leveldb.LevelDbLayout;
import dev.salvor.formats.leveldb.LevelDbSalvager;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.formats.sqlite.SqliteSalvager;
import dev.salvor.formats.v8.BlobDirectory;
import dev.salvor.formats.v8.BlobResolver;
import dev.salvor.formats.v8.DecodedValue;
import dev.salvor.formats.v8.ExternalObjects;
import dev.salvor.formats.v8.IndexedDbValue;
import dev.salvor.formats.v8.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * salvor's side of compare-idb-values.py: reads one Chromium IndexedDB (a LevelDB directory with its blob
 * directory, or a SQLite backend file with its -wal) with salvor's own engines, decodes every object-store data
 * record's value (dev.salvor.formats.v8) and renders its JSON, and prints one JSON line: live values, how many
 * decoded, all versions, how many decoded, seconds (engine read, decode and JSON).
 * Run: java -cp <formats classes and jars> IdbValues.java leveldb DIR [BLOBDIR] | sqlite FILE
 */
public class IdbValues {
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        int[] n = new int[4]; // live, live decoded, all, all decoded
        long[] jsonBytes = new long[1];
        if (args[0].equals("leveldb")) {
            Path blobs = args.length > 2 ? Path.of(args[2]) : null;
            List<Object[]> data = new ArrayList<>();
            Map<String, byte[]> entries = new HashMap<>();
            new LevelDbSalvager(LevelDbLayout.of(SourceSet.of(Path.of(args[1]))), Limits.DEFAULT, new Memory(),
                    LevelDbSalvager.LOG_BUFFER_BYTES, 1).run((e, state, copies, stale) -> {
                        byte[] k = e.userKey();
                        if (k.length < 4 || e.value() == null) {
                            return;
                        }
                        int f = k[0] & 0xff;
                        int a = (f >> 5) + 1, b = ((f >> 2) & 7) + 1, c = (f & 3) + 1;
                        if (1 + a + b + c > k.length) {
                            return;
                        }
                        long db = le(k, 1, a), os = le(k, 1 + a, b), ix = le(k, 1 + a + b, c);
                        String rest = java.util.HexFormat.of().formatHex(k, 1 + a + b + c, k.length);
                        if (db != 0 && os != 0 && ix == 1) {
                            data.add(new Object[] {db, os, rest, e.value(), state.id()});
                        } else if (db != 0 && os != 0 && ix == 3) {
                            entries.putIfAbsent(db + "/" + os + "/" + rest, e.value());
                        }
                    }, p -> { });
            for (Object[] d : data) {
                byte[] entry = entries.get(d[0] + "/" + d[1] + "/" + d[2]);
                BlobResolver r = BlobResolver.NONE;
                if (entry != null) {
                    try {
                        r = new BlobDirectory(blobs, (Long) d[0], ExternalObjects.decode(entry));
                    } catch (Exception ex) {
                        r = BlobResolver.NONE;
                    }
                }
                count(IndexedDbValue.decode((byte[]) d[3], r), d[4].equals("live"), n, jsonBytes);
            }
        } else {
            Path file = Path.of(args[1]);
            Path walPath = Path.of(args[1] + "-wal");
            List<SqliteRow> rows = new ArrayList<>();
            try (ByteSource src = ByteSource.open(file);
                 ByteSource wal = Files.exists(walPath) ? ByteSource.open(walPath) : null) {
                new SqliteSalvager().salvage(src, wal, null, DamageSink.collectingInto(new ArrayList<>()), rows::add);
            }
            for (SqliteRow r : rows) {
                if (r.table().equals("records") && r.values().size() >= 5 && r.values().get(4) instanceof byte[] v
                        && r.values().get(2) instanceof Long c) {
                    count(IndexedDbValue.decodeSqlite(v, c, BlobResolver.NONE), r.stateId().equals("live"), n,
                            jsonBytes);
                }
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("{\"live\":%d,\"live_decoded\":%d,\"all\":%d,\"all_decoded\":%d,\"json_bytes\":%d,\"seconds\":%.3f}%n",
                n[0], n[1], n[2], n[3], jsonBytes[0], s);
    }

    private static void count(DecodedValue v, boolean live, int[] n, long[] jsonBytes) {
        jsonBytes[0] += JsonValue.toUtf8(v).length;
        n[2]++;
        n[3] += v.decoded() ? 1 : 0;
        if (live) {
            n[0]++;
            n[1] += v.decoded() ? 1 : 0;
        }
    }

    private static long le(byte[] b, int p, int len) {
        long v = 0;
        for (int i = len - 1; i >= 0; i--) {
            v = (v << 8) | (b[p + i] & 0xff);
        }
        return v;
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
