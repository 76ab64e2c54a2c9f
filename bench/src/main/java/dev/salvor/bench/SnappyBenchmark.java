package dev.salvor.bench;

import org.xerial.snappy.Snappy;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * snappy-java (JNI) decompression of ~4 KiB blocks, one block per score, round-robin. {@code :mb} = uncompressed
 * bytes/s. {@code blocks=table}: the Snappy-compressed data blocks of the benchmark table ({@link TableInput}; the
 * workload's value mix, ratio ~1.5: random halves are literals); {@code blocks=text}: 4 KiB data blocks holding only
 * the JSON-like text values (ratio ~2.5, many short copies: Snappy's slow case).
 * {@code uncompress} writes into a reused array (the codec alone); {@code uncompressAlloc} allocates the output per
 * block as the table reader does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SnappyBenchmark {
    @Param({"auto"})
    public String table;

    @Param({"table", "text"})
    public String blocks;

    private byte[][] compressed;
    private int[] lengths;
    private byte[] out;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        List<byte[]> c = new ArrayList<>();
        List<Integer> l = new ArrayList<>();
        long in = 0;
        long outBytes = 0;
        if (blocks.equals("text")) {
            for (byte[] raw : textBlocks(500)) {
                byte[] z = compress(raw);
                c.add(z);
                l.add(raw.length);
                in += z.length;
                outBytes += raw.length;
            }
        } else {
            for (TableInput.DataBlock b : TableInput.load(table).dataBlocks()) {
                if (b.type() == 1) {
                    c.add(Arrays.copyOf(b.stored(), b.size()));
                    l.add(b.contents().length);
                    in += b.size();
                    outBytes += b.contents().length;
                }
            }
        }
        compressed = c.toArray(new byte[0][]);
        lengths = l.stream().mapToInt(Integer::intValue).toArray();
        out = new byte[lengths.length == 0 ? 0 : Arrays.stream(lengths).max().getAsInt()];
        System.out.printf("%n# %d Snappy blocks, ratio %.2f, %.0f B uncompressed on average%n", compressed.length,
                (double) outBytes / in, (double) outBytes / compressed.length);
    }

    /** {@code count} data blocks (4 KiB, restart interval 16) of ascending keys with text-only values. */
    static List<byte[]> textBlocks(int count) {
        Workload w = new Workload(5);
        List<byte[]> out = new ArrayList<>();
        Encoders.BlockBuilder b = new Encoders.BlockBuilder(16);
        long seq = 1;
        while (out.size() < count) {
            byte[] v;
            do {
                v = w.nextValue();
            } while (!isText(v));
            b.add(Encoders.internalKey(w.nextKey(), seq++, 1), v);
            if (b.estimate() >= 4096) {
                out.add(b.finish());
                b = new Encoders.BlockBuilder(16);
            }
        }
        return out;
    }

    private static boolean isText(byte[] v) {
        for (byte x : v) {
            if (x < 0x20 || x > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static byte[] compress(byte[] raw) {
        try {
            return Snappy.compress(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public int uncompress(Mb mb) throws IOException {
        int i = next;
        next = i + 1 == compressed.length ? 0 : i + 1;
        byte[] c = compressed[i];
        int n = Snappy.uncompress(c, 0, c.length, out, 0);
        mb.add(n);
        return n;
    }

    @Benchmark
    public byte[] uncompressAlloc(Mb mb) throws IOException {
        int i = next;
        next = i + 1 == compressed.length ? 0 : i + 1;
        byte[] c = compressed[i];
        // As BlockDecompressor does: the varint32 preamble parsed in Java, a new output array per block.
        int claimed = 0;
        for (int k = 0, shift = 0; ; k++, shift += 7) {
            int x = c[k] & 0xff;
            claimed |= (x & 0x7f) << shift;
            if (x < 0x80) {
                break;
            }
        }
        byte[] o = new byte[claimed];
        Snappy.uncompress(c, 0, c.length, o, 0);
        mb.add(o.length);
        return o;
    }
}
