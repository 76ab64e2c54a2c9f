package dev.salvor.bench.sqlite;

import dev.salvor.formats.sqlite.WalChecksum;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The WAL's cumulative checksum over one frame as the WAL reader computes it: the first 8 bytes of the 24-byte frame
 * header, then the 4096-byte page, seeded with the previous frame's checksum. {@code bigEndian} = the byte order the
 * WAL magic selects (0x377f0683 = big-endian, written by big-endian hosts; 0x377f0682 = little-endian, the usual
 * one). One operation = one frame; MB/s = ops/s x 4104 / 10^6.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SqliteWalChecksumBench {
    @Param({"false", "true"})
    public boolean bigEndian;

    private byte[] header;
    private byte[] page;
    private int s1;
    private int s2;

    @Setup(Level.Trial)
    public void setUp() {
        SyntheticDatabase db = SyntheticDatabase.build(2_000, 0.05, 42);
        page = db.page(3);
        header = new byte[24];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < header.length; i++) {
            header[i] = (byte) r.nextInt();
        }
    }

    @Benchmark
    public int[] frame() {
        int[] s = WalChecksum.update(s1, s2, header, 0, 8, bigEndian);
        s = WalChecksum.update(s[0], s[1], page, 0, page.length, bigEndian);
        s1 = s[0]; // cumulative, as in the WAL: the next frame is seeded with this one's checksum
        s2 = s[1];
        return s;
    }
}
