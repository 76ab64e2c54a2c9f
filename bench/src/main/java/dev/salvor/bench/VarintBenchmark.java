package dev.salvor.bench;

import dev.salvor.formats.core.ByteCursor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;

/**
 * {@link ByteCursor} varint decoding, {@value #COUNT} values per call; the score is varints/s (ns per varint =
 * 10^9 / score; {@code :mb} counts the encoded bytes, so {@code mbCpu / mb} rescales the score to CPU time). Varint32: a length mix like a block's entry headers and a batch's key/value lengths (60 % one
 * byte, 30 % two, 8 % three, 2 % five). Varint64: sequence numbers and file offsets/sizes (3-6 bytes, as in
 * version edits and block handles).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class VarintBenchmark {
    static final int COUNT = 4096;

    private byte[] v32;
    private byte[] v64;

    @Setup(Level.Trial)
    public void setup() {
        Workload w = new Workload(11);
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < COUNT; i++) {
            int r = w.range(0, 99);
            long v = r < 60 ? w.range(0, 127) : r < 90 ? w.range(128, 16383) : r < 98 ? w.range(16384, 2097151)
                    : w.range(1 << 28, Integer.MAX_VALUE);
            Encoders.putVarint(a, v);
            Encoders.putVarint(b, (w.next() >>> 20) >>> w.range(0, 24));
        }
        v32 = a.toByteArray();
        v64 = b.toByteArray();
    }

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public void readVarint32(Blackhole bh, Mb mb) {
        mb.add(v32.length);
        ByteCursor c = new ByteCursor(v32);
        for (int i = 0; i < COUNT; i++) {
            bh.consume(c.readVarint32());
        }
    }

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public void readVarint64(Blackhole bh, Mb mb) {
        mb.add(v64.length);
        ByteCursor c = new ByteCursor(v64);
        for (int i = 0; i < COUNT; i++) {
            bh.consume(c.readVarint64());
        }
    }
}
