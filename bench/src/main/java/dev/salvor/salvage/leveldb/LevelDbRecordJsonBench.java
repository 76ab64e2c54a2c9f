package dev.salvor.salvage.leveldb;

import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.EntryUnit;
import dev.salvor.formats.leveldb.RecordState;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.salvor.bench.Mb;
import dev.salvor.bench.Workload;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.salvage.JsonBytes;
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

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The LevelDB JSON Lines sink of {@code salvor salvage}: one operation = 10,000 entries of the benchmark workload
 * ({@link Workload}: keys {@code user:%012d…}, values of 100-2000 bytes, half JSON-like text, half with random bytes
 * that go out as base64; 3 % deletions; every tenth entry with one older copy) written to a stream that discards
 * them. {@code sink}: {@link JsonLinesRecordSink} on the calling thread (salvage below 3 threads); {@code parallel}:
 * the same through {@link ParallelJsonRecordSink} (encoding on a second thread, as salvage runs it from 3 threads
 * on); {@code jackson}: the same records through a Jackson {@code JsonGenerator} and {@link JsonBytes}, the way the
 * sink wrote them before it had its own writer (the reference to compare with in one run). {@code :mb} = JSON bytes
 * written per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class LevelDbRecordJsonBench {
    private static final int ENTRIES = 10_000;

    private List<Entry> entries;
    private List<List<Entry>> copies;
    private final CountingDiscard out = new CountingDiscard();

    @Setup(Level.Trial)
    public void setUp() {
        Workload w = new Workload(7);
        entries = new ArrayList<>(ENTRIES);
        copies = new ArrayList<>(ENTRIES);
        for (int i = 0; i < ENTRIES; i++) {
            boolean delete = w.range(0, 99) < 3;
            boolean table = i % 2 == 0;
            Entry e = new Entry(w.nextKey(), 1000 + i, delete ? ValueType.DELETION : ValueType.VALUE,
                    delete ? null : w.nextValue(), table ? "000012.ldb" : "000015.log", table ? EntryUnit.TABLE : EntryUnit.LOG,
                    4096L * i, table ? 37 * (i % 100) : i % 50, true, table ? 1 : -1);
            entries.add(e);
            copies.add(i % 10 == 0 ? List.of(new Entry(e.userKey(), e.sequence(), e.type(), e.value(), "000009.log",
                    EntryUnit.LOG, 512L * i, 3, true, -1)) : List.of());
        }
    }

    @Benchmark
    public long sink(Mb mb) throws IOException {
        long before = out.count;
        try (JsonLinesRecordSink s = new JsonLinesRecordSink(out)) {
            for (int i = 0; i < ENTRIES; i++) {
                s.accept(entries.get(i), i % 7 == 0 ? RecordState.SUPERSEDED : RecordState.LIVE, copies.get(i), i % 13 == 0);
            }
        }
        mb.add(out.count - before);
        return out.count;
    }

    /**
     * {@link ParallelJsonRecordSink} with 2 threads, as {@code salvage} runs it from 3 threads on: the calling thread
     * only batches the records; encoding runs on the sink's thread (the score is wall time, both threads together).
     */
    @Benchmark
    public long parallel(Mb mb) throws IOException {
        long before = out.count;
        try (JsonLinesRecordSink s = new JsonLinesRecordSink(out);
             ParallelJsonRecordSink p = new ParallelJsonRecordSink(s, 2)) {
            for (int i = 0; i < ENTRIES; i++) {
                p.accept(entries.get(i), i % 7 == 0 ? RecordState.SUPERSEDED : RecordState.LIVE, copies.get(i), i % 13 == 0);
            }
            p.finish();
        }
        mb.add(out.count - before);
        return out.count;
    }

    @Benchmark
    public long jackson(Mb mb) throws IOException {
        long before = out.count;
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        for (int i = 0; i < ENTRIES; i++) {
            writeWithJackson(g, entries.get(i), i % 7 == 0 ? "superseded" : "live", copies.get(i), i % 13 == 0);
        }
        g.writeRaw('\n');
        g.close();
        mb.add(out.count - before);
        return out.count;
    }

    private static void writeWithJackson(JsonGenerator g, Entry e, String state, List<Entry> copies,
                                         boolean maybeStale) throws IOException {
        g.writeStartObject();
        g.writeStringField("format", "leveldb");
        g.writeStringField("file", e.file());
        g.writeNumberField("offset", e.offset());
        g.writeStringField("unit", e.unit().id());
        if (e.unit() == EntryUnit.TABLE) {
            g.writeNumberField("offset_in_block", e.offsetInBlock());
        } else {
            g.writeNumberField("batch_index", e.offsetInBlock());
        }
        if (e.level() >= 0) {
            g.writeNumberField("level", e.level());
        }
        g.writeNumberField("seq", e.sequence());
        g.writeStringField("op", e.type() == ValueType.VALUE ? "put" : "delete");
        g.writeFieldName("key");
        JsonBytes.write(g, e.userKey());
        g.writeFieldName("value");
        JsonBytes.write(g, e.type() == ValueType.VALUE ? e.value() : null);
        g.writeStringField("state", state);
        g.writeBooleanField("crc_ok", e.crcOk());
        if (maybeStale) {
            g.writeBooleanField("maybe_stale", true);
        }
        if (!copies.isEmpty()) {
            g.writeArrayFieldStart("copies");
            for (Entry c : copies) {
                g.writeStartObject();
                g.writeStringField("file", c.file());
                g.writeNumberField("offset", c.offset());
                g.writeStringField("unit", c.unit().id());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** Discards what it is given and counts the bytes. */
    private static final class CountingDiscard extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
