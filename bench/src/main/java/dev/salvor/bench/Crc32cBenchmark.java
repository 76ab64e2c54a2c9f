package dev.salvor.bench;

import dev.salvor.formats.core.Crc32c;
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

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * LevelDB's masked CRC32C ({@link Crc32c}, JDK intrinsic) over {@code size} bytes of a realistic log: 32768 = a log
 * block, 4096 = a table block. {@code :mb} = bytes/s. Each call takes the next {@code size} bytes of a 1 MiB log
 * (round-robin; it stays in L2): over one fixed buffer C2 hoists the CRC out of JMH's loop and reports ~70 GB/s.
 * {@code jdkReused} is the bare {@link CRC32C} with one reused instance, for the per-call overhead of
 * {@link Crc32c#of}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class Crc32cBenchmark {
    @Param({"32768", "4096"})
    public int size;

    static final int POOL = 1 << 20;

    private byte[] data;
    private int offset;
    private final CRC32C crc = new CRC32C();

    @Setup(Level.Trial)
    public void setup() {
        Workload w = new Workload(3);
        Encoders.LogBuilder lb = new Encoders.LogBuilder();
        while (lb.size() < POOL) {
            lb.add(Encoders.writeBatch(w, 1, 3));
        }
        data = Arrays.copyOf(lb.bytes(), POOL);
    }

    private int nextOffset() {
        int o = offset;
        offset = o + 2 * size > POOL ? 0 : o + size;
        return o;
    }

    @Benchmark
    public int masked(Mb mb) {
        mb.add(size);
        return Crc32c.mask(Crc32c.of(data, nextOffset(), size));
    }

    @Benchmark
    public int jdkReused(Mb mb) {
        mb.add(size);
        crc.reset();
        crc.update(data, nextOffset(), size);
        return (int) crc.getValue();
    }
}
