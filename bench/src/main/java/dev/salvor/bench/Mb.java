package dev.salvor.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.management.ManagementFactory;

/**
 * Bytes processed, as JMH auxiliary counters reported next to the primary score (unit "ops/s"):
 * <ul>
 *   <li>{@code <benchmark>:mb}: megabytes (10<sup>6</sup> bytes) per wall-clock second;</li>
 *   <li>{@code <benchmark>:mbCpu}: megabytes per second of CPU time of the whole benchmark JVM (all its threads:
 *       GC and JIT included) during the iteration. On a shared, loaded machine the wall-clock figure includes the
 *       time the benchmark thread waited for a core; this one does not (it is still slowed by caches and
 *       hyper-threads shared with the other load). When the machine is idle both agree within a few percent.</li>
 * </ul>
 * JMH divides every OPERATIONS counter by its measured iteration time, so {@code mbCpu} is stored pre-multiplied by
 * wall/cpu (the wall time measured here from iteration set-up to tear-down, which JMH's own timing spans within
 * microseconds of a 1 s iteration).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Mb {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Megabytes processed in the current iteration. */
    public double mb;
    /** Megabytes processed, scaled by wall/CPU time at the end of the iteration. */
    public double mbCpu;

    private long wall0;
    private long cpu0;

    /** Reset per iteration. */
    @Setup(Level.Iteration)
    public void start() {
        mb = 0;
        mbCpu = 0;
        cpu0 = OS.getProcessCpuTime();
        wall0 = System.nanoTime();
    }

    /** Scales the CPU-time counter. */
    @TearDown(Level.Iteration)
    public void stop() {
        long wall = System.nanoTime() - wall0;
        long cpu = OS.getProcessCpuTime() - cpu0;
        mbCpu = cpu > 0 ? mb * wall / cpu : 0;
    }

    /** Counts {@code bytes}. */
    public void add(long bytes) {
        mb += bytes / 1e6;
    }
}
