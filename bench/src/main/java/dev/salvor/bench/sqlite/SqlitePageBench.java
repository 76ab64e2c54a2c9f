package dev.salvor.bench.sqlite;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.sqlite.BtreePage;
import dev.salvor.formats.sqlite.Cell;
import dev.salvor.formats.sqlite.Record;
import dev.salvor.formats.sqlite.TextEncoding;
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
 * B-tree page decode over realistic 4 KiB table-leaf pages (about 20 rows of 60-300 bytes each, some freed into
 * freeblocks), taken from a {@link SyntheticDatabase}. One operation = one page; MB/s = ops/s x 4096 / 10^6.
 *
 * <ul>
 * <li>{@code parse}: header, cell pointer array, every cell's varints and spill rule, overlap check, freeblock
 * chain ({@link BtreePage#parse}).</li>
 * <li>{@code parseAndDecodeRecords}: the same, then every cell's record decoded to values
 * ({@link Record#decode}, lenient, as the salvager's live walk does for local payloads).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SqlitePageBench {
    /** Fraction of rows deleted (their cells left as freeblocks). */
    @Param({"0.05"})
    public double deleted;

    private byte[][] pages;
    private int next;
    private int usable;

    @Setup(Level.Trial)
    public void setUp() {
        SyntheticDatabase db = SyntheticDatabase.build(20_000, deleted, 42);
        int n = Math.min(256, db.leafPages());
        pages = new byte[n][];
        usable = db.pageSize();
        long cells = 0;
        for (int i = 0; i < n; i++) {
            pages[i] = db.page(3 + i);
            BtreePage p = BtreePage.parse(3 + i, pages[i], usable, "bench", 0, DamageSink.STRICT);
            cells += p.cells().size();
        }
        if (cells < n * 10L) {
            throw new IllegalStateException("unrealistic pages: " + cells + " cells in " + n + " pages");
        }
    }

    private byte[] nextPage() {
        byte[] p = pages[next];
        next = next + 1 == pages.length ? 0 : next + 1;
        return p;
    }

    @Benchmark
    public BtreePage parse() {
        return BtreePage.parse(3, nextPage(), usable, "bench", 0, DamageSink.IGNORE);
    }

    @Benchmark
    public void parseAndDecodeRecords(Blackhole bh) {
        byte[] data = nextPage();
        BtreePage page = BtreePage.parse(3, data, usable, "bench", 0, DamageSink.IGNORE);
        for (Cell c : page.cells()) {
            bh.consume(Record.decode(data, c.payloadOffset(), c.localSize(), c.payloadSize(), TextEncoding.UTF_8,
                    false));
        }
    }
}
