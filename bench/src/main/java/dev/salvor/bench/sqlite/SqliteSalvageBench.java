package dev.salvor.bench.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.sqlite.SqliteChecker;
import dev.salvor.formats.sqlite.SqliteSalvager;
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
 * Whole-file work on a mid-size in-memory database ({@link SyntheticDatabase}: one table, {@code rows} rows of
 * 60-300 bytes, 5 % deleted into freeblocks; 200,000 rows = about 35 MB): {@code salvage} is
 * {@link SqliteSalvager#salvage} (live walk, free-space carving of every page, dedup) with rows sent to a
 * Blackhole (no JSON); {@code check} is {@link SqliteChecker#check}. One operation = the whole file. No JVM start-up
 * and no output writing: compare with the CLI figures of bench/compare/compare-sqlite.sh for those.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class SqliteSalvageBench {
    @Param({"200000"})
    public int rows;

    private ByteSource source;
    private long expectedLive;

    @Setup(Level.Trial)
    public void setUp() {
        SyntheticDatabase db = SyntheticDatabase.build(rows, 0.05, 42);
        source = ByteSource.of("bench.db", db.image());
        expectedLive = db.liveRows();
        List<dev.salvor.formats.core.Damage> damage = new ArrayList<>();
        SqliteSalvager.Summary s = new SqliteSalvager().salvage(source, null, null,
                DamageSink.collectingInto(damage), r -> { });
        new SqliteChecker().check(source, null, null, DamageSink.collectingInto(damage));
        if (!damage.isEmpty() || s.live() != expectedLive) {
            throw new IllegalStateException("synthetic database not clean: live " + s.live() + " vs "
                    + expectedLive + ", damage " + damage);
        }
    }

    /** Database size in MB (10^6 bytes), to turn ms/op into MB/s. */
    public double megabytes() {
        return source.size() / 1e6;
    }

    @Benchmark
    public SqliteSalvager.Summary salvage(Blackhole bh) {
        return new SqliteSalvager().salvage(source, null, null, DamageSink.IGNORE, bh::consume);
    }

    @Benchmark
    public SqliteChecker.Report check() {
        return new SqliteChecker().check(source, null, null, DamageSink.IGNORE);
    }
}
