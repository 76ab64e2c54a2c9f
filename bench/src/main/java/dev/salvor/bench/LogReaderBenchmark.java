package dev.salvor.bench;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.leveldb.LogReader;
import dev.salvor.formats.leveldb.LogStats;
import dev.salvor.formats.leveldb.WriteBatch;
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

import java.util.concurrent.TimeUnit;

/**
 * {@link LogReader} over an 8 MiB in-memory {@code .log} of realistic write batches (one score = one pass over the
 * whole log; {@code :mb} = log bytes per second).
 *
 * <p>{@code batches=small}: 1-10 operations per batch (1-20 KB records, mostly FULL, some split over two blocks),
 * like an application's individual writes. {@code batches=large}: 1000 operations (~1 MB records, FIRST + ~30
 * MIDDLE + LAST fragments), like {@code leveldb_gen}'s bulk load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class LogReaderBenchmark {
    static final int LOG_BYTES = 8 << 20;

    @Param({"small", "large"})
    public String batches;

    private byte[] log;
    private ByteSource source;

    @Setup(Level.Trial)
    public void setup() {
        Workload w = new Workload(42);
        Encoders.LogBuilder lb = new Encoders.LogBuilder();
        long seq = 1;
        while (lb.size() < LOG_BYTES) {
            int ops = batches.equals("small") ? w.range(1, 10) : 1000;
            lb.add(Encoders.writeBatch(w, seq, ops));
            seq += ops;
        }
        log = lb.bytes();
        source = ByteSource.of("bench.log", log);
        LogStats s = new LogReader(source, DamageSink.STRICT, Limits.DEFAULT).read(r -> { });
        if (s.logicalRecords() != lb.records() || !s.cleanEnd() || s.damages() != 0) {
            throw new IllegalStateException("generated log does not read back: " + s);
        }
    }

    /** Framing, CRC of every fragment, assembly; each record to the blackhole. */
    @Benchmark
    public LogStats read(Blackhole bh, Mb mb) {
        LogStats s = new LogReader(source, DamageSink.STRICT, Limits.DEFAULT).read(bh::consume);
        mb.add(log.length);
        return s;
    }

    /** {@link #read} plus {@link WriteBatch#decode} of every record: the whole log salvage path before output. */
    @Benchmark
    public LogStats readAndDecode(Blackhole bh, Mb mb) {
        LogStats s = new LogReader(source, DamageSink.STRICT, Limits.DEFAULT)
                .read(r -> bh.consume(WriteBatch.decode(r, DamageSink.STRICT)));
        mb.add(log.length);
        return s;
    }
}
