package dev.salvor.formats.leveldb;

import dev.salvor.bench.Entries;
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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The k-way merge of {@code salvor salvage}'s LevelDB path, alone: {@code cursors} sorted runs (469 = about the
 * tables of the full-size comparison database) of 2,000 entries each (keys of ~20 bytes sharing a prefix), merged to
 * the end by {@link Entry#INTERNAL_ORDER}. {@code loserTree}: {@link LoserTree}, as the salvager merges today;
 * {@code heap}: the {@link PriorityQueue} of cursors it replaced (poll, advance, add). One operation = the whole
 * merge (938,000 entries); {@code :entries} = entries merged per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class MergeBenchmark {
    @Param({"469"})
    public int cursors;

    private List<Entry[]> runs;

    private static final class ArrayCursor implements EntryCursor {
        private final Entry[] entries;
        private int next;

        ArrayCursor(Entry[] entries) {
            this.entries = entries;
        }

        @Override
        public Entry peek() {
            return next < entries.length ? entries[next] : null;
        }

        @Override
        public Entry next() {
            return next < entries.length ? entries[next++] : null;
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        Random rnd = new Random(14);
        runs = new ArrayList<>();
        for (int c = 0; c < cursors; c++) {
            Entry[] run = new Entry[2000];
            for (int i = 0; i < run.length; i++) {
                byte[] key = String.format("user:%012d-%d", rnd.nextInt(50_000_000), rnd.nextInt(1000))
                        .getBytes(StandardCharsets.US_ASCII);
                run[i] = new Entry(key, rnd.nextInt(20_000_000), ValueType.VALUE, new byte[0],
                        String.format("%06d.ldb", c), EntryUnit.TABLE, 4096L * (i / 30), 0, true, 3);
            }
            Arrays.sort(run, Entry.INTERNAL_ORDER);
            runs.add(run);
        }
    }

    private List<EntryCursor> fresh() {
        List<EntryCursor> cs = new ArrayList<>(runs.size());
        for (Entry[] r : runs) {
            cs.add(new ArrayCursor(r));
        }
        return cs;
    }

    @Benchmark
    public long loserTree(Entries entries) {
        LoserTree t = new LoserTree(fresh(), Entry.INTERNAL_ORDER);
        long n = 0;
        long h = 0;
        for (EntryCursor c = t.top(); c != null; c = t.top()) {
            h += c.next().sequence();
            t.advanced();
            n++;
        }
        entries.entries += n;
        return h;
    }

    @Benchmark
    public long heap(Entries entries) {
        Comparator<EntryCursor> byHead = (a, b) -> Entry.INTERNAL_ORDER.compare(a.peek(), b.peek());
        PriorityQueue<EntryCursor> q = new PriorityQueue<>(runs.size(), byHead);
        q.addAll(fresh());
        long n = 0;
        long h = 0;
        while (!q.isEmpty()) {
            EntryCursor c = q.poll();
            h += c.next().sequence();
            if (c.peek() != null) {
                q.add(c);
            }
            n++;
        }
        entries.entries += n;
        return h;
    }
}
