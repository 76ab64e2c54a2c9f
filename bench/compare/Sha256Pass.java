import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * One SHA-256 pass over every input file with salvor's own custody hash ({@code dev.salvor.salvage.Sha256.ofFile},
 * from salvor.jar on the class path; files spread over THREADS threads, largest first), in a fresh JVM: the floor of what one custody hash costs a
 * one-shot `salvor check`. compare-perf.sh's `custody-floor` entry times it.
 *
 * <p>Usage: java -cp DIR:salvor.jar Sha256Pass THREADS PATH... (a folder stands for the regular files directly in it). Prints
 * the bytes hashed and the seconds the pass took inside the JVM (start-up excluded).
 */
public final class Sha256Pass {
    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Path p = Path.of(args[i]);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(Files::isRegularFile).forEach(files::add);
                }
            } else {
                files.add(p);
            }
        }
        files.sort(Comparator.comparingLong(Sha256Pass::size).reversed());
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> hashed = new ArrayList<>();
        for (Path f : files) {
            hashed.add(pool.submit(() -> hash(f)));
        }
        long bytes = 0;
        for (Future<Long> h : hashed) {
            bytes += h.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d bytes in %d file(s) on %d thread(s): %.3f s in the JVM, %.0f MB/s%n", bytes, files.size(),
                threads, seconds, bytes / seconds / 1e6);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** salvor's own custody hash of the file (Sha256.ofFile: 1 MiB reads into MessageDigest); returns its size. */
    private static long hash(Path f) throws Exception {
        dev.salvor.salvage.Sha256.ofFile(f);
        return Files.size(f);
    }
}
