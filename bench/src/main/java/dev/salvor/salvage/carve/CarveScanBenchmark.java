package dev.salvor.salvage.carve;

import dev.salvor.bench.Mb;
import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.SignatureScan;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.leveldb.LevelDbLogProbe;
import dev.salvor.formats.leveldb.LevelDbTableProbe;
import dev.salvor.formats.sqlite.SqliteHeaderProbe;
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

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Pass 1 of {@code salvor carve} (the signature scan, {@link SignatureScan}) over one 8 MiB chunk per operation,
 * single-threaded, taken round-robin from a 64 MiB direct buffer (larger than the caches, standing in for the
 * memory-mapped image: the scan reads it in place, as it reads a mapping). {@code :mb} = image bytes scanned per
 * second.
 * <ul>
 * <li>{@code scan}: the probes of {@code probes} ({@code carver}: all nine probes of every format, fused as
 * {@code salvor carve} runs them; {@code table}: LevelDB table footer magic at any offset, {@code log}: LevelDB log
 * record header at 512-byte-aligned offsets with its CRC, {@code sqlite}: the SQLite header string at any offset,
 * {@code all}: these three fused) over {@code filler}
 * ({@code random} bytes or {@code zero} bytes; nothing is found in either, as in the gaps of a real image);</li>
 * <li>{@code readFloor}: the same words copied out and summed, no test: the memory-read floor of any scan.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CarveScanBenchmark {
    static final int BUFFER = 64 << 20;

    @Param({"random", "zero"})
    public String filler;

    private ByteBuffer image;
    private ByteSource source;
    private long start;
    private final long[] tmp = new long[SignatureScan.SEGMENT / 8];

    /** The probe set (a state of its own so that {@code readFloor} is not repeated per probe set). */
    @State(Scope.Benchmark)
    public static class Probes {
        @Param({"carver", "all", "table", "log", "sqlite"})
        public String probes;

        SignatureScan scan;
        Probe.Sink[] sinks;
        long proposed;
        long found;

        @Setup(Level.Trial)
        public void setup(CarveScanBenchmark b) {
            ByteSource source = b.source;
            List<Probe> all = List.of(new LevelDbTableProbe(source, Limits.DEFAULT), new LevelDbLogProbe(source),
                    new SqliteHeaderProbe(source));
            scan = new SignatureScan(switch (probes) {
                case "carver" -> Carver.probes(source, Limits.DEFAULT);
                case "all" -> all;
                case "table" -> List.of(all.get(0));
                case "log" -> List.of(all.get(1));
                case "sqlite" -> List.of(all.get(2));
                default -> throw new IllegalArgumentException(probes);
            });
            Probe.Sink sink = new Probe.Sink() {
                @Override
                public void propose(long offset) {
                    proposed++;
                }

                @Override
                public void found(Artifact artifact) {
                    found++;
                }
            };
            sinks = new Probe.Sink[scan.size()];
            java.util.Arrays.fill(sinks, sink);
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        image = ByteBuffer.allocateDirect(BUFFER);
        if (filler.equals("random")) {
            byte[] b = new byte[1 << 20];
            Random rnd = new Random(42);
            while (image.hasRemaining()) {
                rnd.nextBytes(b);
                image.put(b);
            }
        }
        image.clear();
        source = new BufferSource(image.asReadOnlyBuffer());
    }

    private ImageChunk nextChunk() {
        long s = start;
        start = s + Carver.CHUNK >= BUFFER ? 0 : s + Carver.CHUNK;
        int readable = (int) Math.min(Carver.CHUNK + Carver.OVERLAP, BUFFER - s);
        return ImageChunk.of(s, source.view(s, readable), Carver.CHUNK, readable);
    }

    @Benchmark
    public long scan(Probes p, Mb mb) {
        ImageChunk c = nextChunk();
        p.scan.scan(c, p.sinks);
        mb.add(c.length());
        return p.proposed + p.found;
    }

    @Benchmark
    public long readFloor(Mb mb) {
        ImageChunk c = nextChunk();
        long sum = 0;
        int words = c.length() / 8;
        for (int w = 0; w < words; w += tmp.length) {
            int n = Math.min(tmp.length, words - w);
            c.words(w, tmp, n);
            for (int k = 0; k < n; k++) {
                sum += tmp[k];
            }
        }
        mb.add(c.length());
        return sum;
    }

    /** The direct buffer as an image (views are slices: no copy, like a mapping). */
    private static final class BufferSource implements ByteSource {
        private final ByteBuffer buf;

        BufferSource(ByteBuffer buf) {
            this.buf = buf;
        }

        @Override
        public String name() {
            return "bench";
        }

        @Override
        public long size() {
            return buf.capacity();
        }

        @Override
        public void read(long offset, byte[] dst, int dstOff, int len) {
            checkRange(offset, len);
            buf.get((int) offset, dst, dstOff, len);
        }

        @Override
        public ByteBuffer view(long offset, int len) {
            checkRange(offset, len);
            return buf.slice((int) offset, len).asReadOnlyBuffer();
        }
    }
}
