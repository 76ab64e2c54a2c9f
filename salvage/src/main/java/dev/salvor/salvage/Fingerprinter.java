package dev.salvor.salvage;

import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.ProgressCounter;
import dev.salvor.formats.core.SourceSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fingerprints many inputs in parallel. SHA-256 (about 250–350 MB/s per core here) is the most expensive thing a
 * check does, twice (before and after), so it runs on every core, largest files first. Each is a progress phase,
 * {@value #HASH_PHASE} and {@value #REHASH_PHASE}, over the bytes of every file, counted per chunk hashed.
 */
public final class Fingerprinter {
    /** The progress phase of the fingerprints taken before the run. */
    public static final String HASH_PHASE = "hash";
    /** The progress phase of the fingerprints taken after the run. */
    public static final String REHASH_PHASE = "rehash";

    private Fingerprinter() {
    }

    /** Takes the before-fingerprints of the files (members of the inputs' sets), in the order given. */
    public static List<InputFile> before(List<SourceSet.Member> files, int threads) throws IOException {
        return before(files, threads, Progress.NONE);
    }

    /** As {@link #before(List, int)}, as the progress phase {@value #HASH_PHASE}. */
    public static List<InputFile> before(List<SourceSet.Member> files, int threads, Progress progress)
            throws IOException {
        ProgressCounter hashed = ProgressCounter.start(progress, HASH_PHASE,
                files.stream().mapToLong(SourceSet.Member::size).sum());
        List<Task<InputFile>> tasks = new ArrayList<>();
        for (SourceSet.Member m : files) {
            tasks.add(new Task<>(m.size(), () -> InputFile.fingerprint(m, hashed::add)));
        }
        List<InputFile> out = run(tasks, threads);
        hashed.finish();
        return out;
    }

    /**
     * As {@link #before(List, int)}, but a file that cannot be read gives {@code null} at its place and its error in
     * {@code failed}: one unreadable file never stops the fingerprints of the others.
     */
    public static List<InputFile> before(List<SourceSet.Member> files, int threads,
                                         java.util.Map<SourceSet.Member, IOException> failed, Progress progress)
            throws IOException {
        ProgressCounter hashed = ProgressCounter.start(progress, HASH_PHASE,
                files.stream().mapToLong(SourceSet.Member::size).sum());
        List<Task<InputFile>> tasks = new ArrayList<>();
        for (SourceSet.Member m : files) {
            tasks.add(new Task<>(m.size(), () -> {
                try {
                    return InputFile.fingerprint(m, hashed::add);
                } catch (IOException e) {
                    failed.put(m, e);
                    return null;
                }
            }));
        }
        List<InputFile> out = run(tasks, threads);
        hashed.finish();
        return out;
    }

    /** Takes the after-fingerprints: a second SHA-256, or only size and mtime when {@code rehash} is false. */
    public static void after(List<InputFile> files, int threads, boolean rehash) throws IOException {
        after(files, threads, rehash, Progress.NONE);
    }

    /** As {@link #after(List, int, boolean)}; the second SHA-256 is the progress phase {@value #REHASH_PHASE}. */
    public static void after(List<InputFile> files, int threads, boolean rehash, Progress progress)
            throws IOException {
        if (!rehash) {
            for (InputFile f : files) {
                f.finishWithoutRehash();
            }
            return;
        }
        ProgressCounter hashed = ProgressCounter.start(progress, REHASH_PHASE,
                files.stream().mapToLong(InputFile::size).sum());
        List<Task<Void>> tasks = new ArrayList<>();
        for (InputFile f : files) {
            tasks.add(new Task<>(f.size(), () -> {
                f.finish(hashed::add);
                return null;
            }));
        }
        run(tasks, threads);
        hashed.finish();
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private record Task<T>(long size, IoCall<T> call) {
    }

    private static <T> List<T> run(List<Task<T>> tasks, int threads) throws IOException {
        if (threads <= 1 || tasks.size() <= 1) {
            List<T> out = new ArrayList<>();
            for (Task<T> t : tasks) {
                out.add(t.call().call());
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), r -> {
            Thread t = new Thread(r, "salvor-sha256");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                order.add(i);
            }
            order.sort((a, b) -> Long.compare(tasks.get(b).size(), tasks.get(a).size()));
            List<Future<T>> futures = new ArrayList<>(java.util.Collections.nCopies(tasks.size(), null));
            for (int i : order) {
                IoCall<T> c = tasks.get(i).call();
                futures.set(i, pool.submit(() -> {
                    try {
                        return c.call();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UncheckedIOException u) {
                        throw u.getCause();
                    }
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
