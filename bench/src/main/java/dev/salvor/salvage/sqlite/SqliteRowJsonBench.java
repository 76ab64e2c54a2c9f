package dev.salvor.salvage.sqlite;

import dev.salvor.bench.Mb;
import dev.salvor.formats.sqlite.SqliteRow;
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

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The SQLite JSON Lines encoder of {@code salvor salvage} ({@link SqliteRowJson}, as {@link SqliteRowWriter} drives
 * it: rows appended to one buffer, drained in 256 KiB chunks to a stream that discards them). One operation = 10,000
 * rows of a typical application table: an integer key, a short ASCII name, a longer text of mostly ASCII with some
 * accented and CJK characters and an occasional quote or line break, a REAL, a small blob, a NULL. {@code :mb} =
 * JSON bytes written per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class SqliteRowJsonBench {
    private static final int ROWS = 10_000;
    private static final int CHUNK = 1 << 18;
    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "naïve", "café", "東京", "line\nbreak",
        "say \"hi\"", "path\\to", "user", "message", "the", "of", "and", "réservé"};

    private List<SqliteRow> rows;
    private SqliteRowJson json;
    private final OutputStream discard = OutputStream.nullOutputStream();

    @Setup(Level.Trial)
    public void setUp() {
        Random rnd = new Random(42);
        rows = new ArrayList<>(ROWS);
        for (int i = 0; i < ROWS; i++) {
            List<Object> values = new ArrayList<>(6);
            values.add((long) i);
            values.add("user_" + rnd.nextInt(100_000));
            StringBuilder text = new StringBuilder();
            int words = 5 + rnd.nextInt(40);
            for (int w = 0; w < words; w++) {
                text.append(rnd.nextInt(8) == 0 ? WORDS[rnd.nextInt(WORDS.length)] : WORDS[rnd.nextInt(4)]).append(' ');
            }
            values.add(text.toString());
            values.add(rnd.nextDouble() * 1e6);
            byte[] blob = new byte[rnd.nextInt(24)];
            rnd.nextBytes(blob);
            values.add(blob);
            values.add(null);
            rows.add(new SqliteRow("app.db", "messages", (long) i, values, i % 20 == 0 ? dev.salvor.formats.sqlite.RowState.DELETED
                    : dev.salvor.formats.sqlite.RowState.LIVE, dev.salvor.formats.sqlite.RowSource.BTREE, 2 + i / 30, 4096L * (2 + i / 30) + 100 * (i % 30), null, List.of()));
        }
        json = new SqliteRowJson(CHUNK + (1 << 12));
    }

    @Benchmark
    public int encode(Mb mb) throws Exception {
        long bytes = 0;
        for (SqliteRow r : rows) {
            json.row(r);
            if (json.size() >= CHUNK) {
                bytes += json.size();
                json.drainTo(discard);
            }
        }
        bytes += json.size();
        json.drainTo(discard);
        mb.add(bytes);
        return (int) bytes;
    }
}
