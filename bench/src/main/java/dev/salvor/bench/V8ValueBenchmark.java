package dev.salvor.bench;

import dev.salvor.formats.v8.BlobResolver;
import dev.salvor.formats.v8.DecodedValue;
import dev.salvor.formats.v8.IndexedDbValue;
import dev.salvor.formats.v8.JsonValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * IndexedDB value decoding ({@code dev.salvor.formats.v8}), {@value #COUNT} LevelDB record values per call; the
 * score is values/s ({@code :mb} counts the record bytes). Values are written in the wire format Chrome 150 uses
 * (record version, Blink envelope 21 with its trailer pointer, V8 version 16):
 * <ul>
 *   <li>{@code record}: an application object of ~170 bytes (id, Latin-1 and UTF-16 strings, a Date, a double, a
 *       tag array, a nested object, booleans), each a little different;</li>
 *   <li>{@code typed}: a Float64Array of 512 elements (4 KiB).</li>
 * </ul>
 * {@code decode} builds the value; {@code decodeToJson} also renders the documented JSON mapping.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class V8ValueBenchmark {
    static final int COUNT = 1024;

    @Param({"record", "typed"})
    public String kind;

    private byte[][] values;
    private long bytes;

    @Setup(Level.Trial)
    public void setup() {
        Workload w = new Workload(16);
        values = new byte[COUNT][];
        for (int i = 0; i < COUNT; i++) {
            values[i] = kind.equals("record") ? record(w, i) : typed(w);
            bytes += values[i].length;
            DecodedValue d = IndexedDbValue.decode(values[i], BlobResolver.NONE);
            if (!d.decoded()) {
                throw new IllegalStateException("workload value " + i + " does not decode: " + d.reason());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public void decode(Blackhole bh, Mb mb) {
        mb.add(bytes);
        for (byte[] v : values) {
            bh.consume(IndexedDbValue.decode(v, BlobResolver.NONE));
        }
    }

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public void decodeToJson(Blackhole bh, Mb mb) {
        mb.add(bytes);
        for (byte[] v : values) {
            DecodedValue d = IndexedDbValue.decode(v, BlobResolver.NONE);
            bh.consume(JsonValue.toUtf8(d));
        }
    }

    /** Record version 1, Blink envelope 21 (no trailer), V8 16. */
    private static ByteArrayOutputStream header() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(1);
        o.write(0xff);
        o.write(21);
        o.write(0xfe);
        o.writeBytes(new byte[12]);
        o.write(0xff);
        o.write(16);
        return o;
    }

    private static byte[] record(Workload w, int i) {
        ByteArrayOutputStream o = header();
        o.write('o');
        key(o, "id");
        o.write('I');
        Encoders.putVarint(o, (long) i << 1);
        key(o, "name");
        key(o, "customer-" + w.range(100000, 999999));
        key(o, "email");
        key(o, "user" + w.range(0, 99999) + "@example.test");
        key(o, "city");
        o.write('c');
        byte[] city = ("Zürich " + (char) 0x6771 + (char) 0x4eac).getBytes(StandardCharsets.UTF_16LE);
        Encoders.putVarint(o, city.length);
        o.writeBytes(city);
        key(o, "created");
        o.write('D');
        putDouble(o, 1.7e12 + w.range(0, 1 << 30));
        key(o, "score");
        o.write('N');
        putDouble(o, w.range(0, 1 << 20) / 1024.0);
        key(o, "tags");
        o.write('A');
        o.write(3);
        key(o, "alpha");
        key(o, "beta");
        key(o, "gamma");
        o.write('$');
        o.write(0);
        o.write(3);
        key(o, "address");
        o.write('o');
        key(o, "street");
        key(o, w.range(1, 200) + " Main Street");
        key(o, "zip");
        o.write('I');
        Encoders.putVarint(o, (long) w.range(1000, 99999) << 1);
        o.write('{');
        o.write(2);
        key(o, "active");
        o.write(w.range(0, 1) == 0 ? 'T' : 'F');
        key(o, "note");
        o.write('_');
        o.write('{');
        o.write(10);
        return o.toByteArray();
    }

    private static byte[] typed(Workload w) {
        ByteArrayOutputStream o = header();
        int n = 512;
        o.write('B');
        Encoders.putVarint(o, n * 8L);
        for (int i = 0; i < n; i++) {
            putDouble(o, w.range(0, 1 << 30) / 7.0);
        }
        o.write('V');
        o.write('F');
        o.write(0);
        Encoders.putVarint(o, n * 8L);
        o.write(0);
        return o.toByteArray();
    }

    /** A Latin-1 string value ({@code "}). */
    private static void key(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        o.write('"');
        Encoders.putVarint(o, b.length);
        o.writeBytes(b);
    }

    private static void putDouble(ByteArrayOutputStream o, double d) {
        long bits = Double.doubleToLongBits(d);
        for (int i = 0; i < 8; i++) {
            o.write((int) (bits >>> (8 * i)));
        }
    }
}
