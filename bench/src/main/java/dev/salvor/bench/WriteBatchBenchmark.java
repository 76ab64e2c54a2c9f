package dev.salvor.bench;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.leveldb.BatchEntry;
import dev.salvor.formats.leveldb.ValueType;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link WriteBatch#decode} over ~4 MB of realistic batch payloads (one score = all of them; {@code :mb} = payload
 * bytes per second, {@code :entries} = operations per second). {@code reference} decodes the same bytes with the
 * same allocations (key and value copies, one {@link BatchEntry} each, an {@link ArrayList}) but without anything
 * else, to show what the production decoder spends beyond that.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class WriteBatchBenchmark {
    @Param({"small", "large"})
    public String batches;

    private byte[][] payloads;
    private long totalBytes;
    private long totalEntries;

    @Setup(Level.Trial)
    public void setup() {
        Workload w = new Workload(7);
        List<byte[]> list = new ArrayList<>();
        long seq = 1;
        totalBytes = 0;
        totalEntries = 0;
        while (totalBytes < 4_000_000) {
            int ops = batches.equals("small") ? w.range(1, 10) : 1000;
            byte[] p = Encoders.writeBatch(w, seq, ops);
            list.add(p);
            seq += ops;
            totalBytes += p.length;
            totalEntries += ops;
        }
        payloads = list.toArray(new byte[0][]);
        long n = 0;
        for (byte[] p : payloads) {
            WriteBatch b = WriteBatch.decode(p, "bench.log", 0, DamageSink.STRICT);
            if (!b.complete()) {
                throw new IllegalStateException("generated batch does not decode");
            }
            n += b.entries().size();
            if (reference(p).size() != b.entries().size()) {
                throw new IllegalStateException("reference decoder disagrees");
            }
        }
        if (n != totalEntries) {
            throw new IllegalStateException("entries " + n + " vs " + totalEntries);
        }
    }

    @Benchmark
    public void decode(Blackhole bh, Mb mb, Entries entries) {
        for (byte[] p : payloads) {
            bh.consume(WriteBatch.decode(p, "bench.log", 0, DamageSink.STRICT));
        }
        mb.add(totalBytes);
        entries.entries += totalEntries;
    }

    @Benchmark
    public void reference(Blackhole bh, Mb mb, Entries entries) {
        for (byte[] p : payloads) {
            bh.consume(reference(p));
        }
        mb.add(totalBytes);
        entries.entries += totalEntries;
    }

    /** The minimum work of a decode: header, tags, varints, copies, one record per entry (no damage handling). */
    static List<BatchEntry> reference(byte[] p) {
        long seq = ByteCursor.getFixed64(p, 0);
        List<BatchEntry> out = new ArrayList<>();
        ByteCursor in = new ByteCursor(p, 12, p.length - 12);
        while (in.hasRemaining()) {
            int tag = in.readUnsignedByte();
            int index = out.size();
            byte[] key = in.readBytes(in.readVarint32());
            if (tag == 1) {
                byte[] value = in.readBytes(in.readVarint32());
                out.add(new BatchEntry(seq + index, ValueType.VALUE, key, value, index));
            } else {
                out.add(new BatchEntry(seq + index, ValueType.DELETION, key, null, index));
            }
        }
        return out;
    }
}
