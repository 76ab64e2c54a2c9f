package dev.salvor.bench.sqlite;

import dev.salvor.formats.sqlite.Record;
import dev.salvor.formats.sqlite.SerialType;
import dev.salvor.formats.sqlite.TextEncoding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Record decode (header varints, serial types, values): 1024 distinct rows of the {@link SyntheticDatabase} table
 * (NULL rowid alias, two short texts, a REAL, an integer of 1-8 bytes, a text of 20-200 bytes or NULL; 60-300
 * bytes), decoded in turn. One operation = one record.
 *
 * <ul>
 * <li>{@code lenient}: what live walks use (malformed text becomes U+FFFD).</li>
 * <li>{@code strict}: what carving uses on candidates (text validated, H + body must equal the payload size).</li>
 * <li>{@code serialTypesOnly}: the header alone (shape matching during attribution), as a floor.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SqliteRecordBench {
    private byte[][] records;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(7);
        records = new byte[1024][];
        for (int i = 0; i < records.length; i++) {
            records[i] = SyntheticDatabase.record(1000 + i, rnd.split());
        }
    }

    private byte[] nextRecord() {
        byte[] r = records[next];
        next = (next + 1) & (records.length - 1);
        return r;
    }

    @Benchmark
    public Record lenient() {
        byte[] r = nextRecord();
        return Record.decode(r, 0, r.length, r.length, TextEncoding.UTF_8, false);
    }

    @Benchmark
    public Record strict() {
        byte[] r = nextRecord();
        return Record.decode(r, 0, r.length, r.length, TextEncoding.UTF_8, true);
    }

    @Benchmark
    public long serialTypesOnly() {
        byte[] r = nextRecord();
        int h = r[0];
        long body = 0;
        int p = 1;
        while (p < h) {
            long t = dev.salvor.formats.sqlite.SqliteVarint.read(r, p, h);
            p += dev.salvor.formats.sqlite.SqliteVarint.length(r, p, h);
            body += SerialType.contentSize(t);
        }
        return body;
    }
}
