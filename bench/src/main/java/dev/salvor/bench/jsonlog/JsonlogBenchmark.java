package dev.salvor.bench.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.jsonlog.ChainFields;
import dev.salvor.formats.jsonlog.ChainReport;
import dev.salvor.formats.jsonlog.ChainVerifier;
import dev.salvor.formats.jsonlog.EventSource;
import dev.salvor.formats.jsonlog.JsonCanonicalizer;
import dev.salvor.formats.jsonlog.SegmentReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hash-chained JSON events: events per second for parse + canonicalise (RFC 8785) + SHA-256, and for the whole
 * chain verification on one and on two threads, over a generated EventLog chain of {@link #EVENTS} events (~350
 * bytes each, non-ASCII, escapes, nested payloads, decimals) in segments of 1,000 (see {@link ChainGenerator}).
 * {@code sha256} hashes the same bytes with {@link MessageDigest} (the JDK's SHA-256, for scale).
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar jsonlog -prof gc
 * </pre>
 * Scores are per event (ops = events): multiply by the average event size ({@code bytesPerEvent}, printed at
 * setup) for bytes per second. {@code bench/compare/compare-jsonlog.sh} measures the same side by side with
 * {@code sha256sum} on a large chain on disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class JsonlogBenchmark {
    /** Events in the generated chain. */
    public static final int EVENTS = 50_000;

    @Param({"1", "2"})
    public int threads;

    private List<byte[]> segments;
    private List<EventSource> sources;
    private SegmentReader reader;
    private long bytes;
    private MessageDigest sha;
    private byte[] all;

    @Setup(Level.Trial)
    public void setup() throws NoSuchAlgorithmException {
        segments = ChainGenerator.inMemory(EVENTS, 1000, 42);
        reader = new SegmentReader(SegmentReader.Options.defaults(ChainFields.EVENT_LOG));
        sources = new ArrayList<>();
        int i = 0;
        for (byte[] s : segments) {
            bytes += s.length;
            sources.add(EventSource.segment(ByteSource.of(String.format("segment-%06d.json", ++i), s), reader));
        }
        all = new byte[(int) bytes];
        int at = 0;
        for (byte[] s : segments) {
            System.arraycopy(s, 0, all, at, s.length);
            at += s.length;
        }
        sha = MessageDigest.getInstance("SHA-256");
        System.out.printf("%n%d events, %d bytes, bytesPerEvent=%.1f%n", EVENTS, bytes, (double) bytes / EVENTS);
    }

    /** Reading every segment: framing, strict UTF-8, RFC 8785 canonical form and its SHA-256, per event. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void parseCanonicaliseHash(Blackhole bh) {
        for (EventSource s : sources) {
            s.read(DamageSink.IGNORE, e -> bh.consume(e.canonical().sha256Hex()));
        }
    }

    /** Full verification (every hash, link, id, the snapshot-free chain) on {@link #threads} threads. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public ChainReport verifyChain() {
        ChainReport r = new ChainVerifier(ChainVerifier.Options.defaults(ChainFields.EVENT_LOG)
                .withThreads(threads)).verify(sources, null, DamageSink.IGNORE);
        if (!r.intact()) {
            throw new IllegalStateException("generated chain does not verify: " + r.firstBreak());
        }
        return r;
    }

    /** The public canonicaliser (a copy of the bytes and every top-level member) on one event at a time. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void canonicalizeApi(Blackhole bh) {
        JsonCanonicalizer jcs = reader.canonicalizer();
        for (byte[] s : segments) {
            // One compact event per line between "[\n" and "\n]\n".
            int start = 2;
            for (int i = 2; i < s.length; i++) {
                if (s[i] == '\n') {
                    int end = s[i - 1] == ',' ? i - 1 : i;
                    if (end > start && s[start] == '{') {
                        bh.consume(jcs.canonicalize(s, start, end - start, "current_hash").sha256Hex());
                    }
                    start = i + 1;
                }
            }
        }
    }

    /** SHA-256 of the same bytes (the JDK's intrinsic), for scale. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public byte[] sha256() {
        sha.update(all);
        return sha.digest();
    }
}
