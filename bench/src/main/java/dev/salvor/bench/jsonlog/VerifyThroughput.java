package dev.salvor.bench.jsonlog;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.jsonlog.ChainFields;
import dev.salvor.formats.jsonlog.ChainReport;
import dev.salvor.formats.jsonlog.ChainVerifier;
import dev.salvor.formats.jsonlog.EventLogDirectory;
import dev.salvor.formats.jsonlog.SegmentReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The library's verification of an EventLog directory, timed in one JVM: every segment read (memory-mapped),
 * parsed, canonicalised (RFC 8785), hashed and checked (hashes, links, ids, snapshot anchor) on {@code THREADS}
 * threads, {@code RUNS} times after {@code WARMUP} untimed runs. No JVM start-up, no report, no input
 * fingerprints: the parse + canonicalise + hash throughput that {@code compare-jsonlog.sh} puts beside
 * {@code sha256sum}.
 *
 * <p>Usage: {@code VerifyThroughput DIR [THREADS] [RUNS] [WARMUP]} (defaults 2, 5, 2). Prints one line per timed
 * run ({@code run SECONDS CPU_SECONDS}, CPU of the whole process: every thread, GC included) and
 * {@code median SECONDS CPU_SECONDS events=N intact=B}. Exit 1 when the chain does not verify.
 */
public final class VerifyThroughput {
    private VerifyThroughput() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: VerifyThroughput DIR [THREADS] [RUNS] [WARMUP]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        EventLogDirectory d = EventLogDirectory.of(SourceSet.of(dir));
        List<Double> times = new ArrayList<>();
        List<Double> cpus = new ArrayList<>();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        ChainReport last = null;
        for (int r = 0; r < warmup + runs; r++) {
            SegmentReader reader = new SegmentReader(SegmentReader.Options.defaults(ChainFields.EVENT_LOG));
            ChainVerifier verifier = new ChainVerifier(ChainVerifier.Options.defaults(ChainFields.EVENT_LOG)
                    .withThreads(threads));
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            last = d.verify(verifier, reader, DamageSink.IGNORE, null);
            double s = (System.nanoTime() - t0) / 1e9;
            double c = (os.getProcessCpuTime() - c0) / 1e9;
            if (r >= warmup) {
                times.add(s);
                cpus.add(c);
                System.out.printf("run %.3f %.3f%n", s, c);
            }
        }
        Collections.sort(times);
        Collections.sort(cpus);
        System.out.printf("median %.3f %.3f events=%d intact=%s%n", times.get(times.size() / 2),
                cpus.get(cpus.size() / 2), last.events(), last.intact());
        System.exit(last.intact() ? 0 : 1);
    }
}
