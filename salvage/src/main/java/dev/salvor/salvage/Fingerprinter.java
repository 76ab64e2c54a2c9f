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
 * Fingerprints many inputs in parallel. SHA-256 (about 230–350 MB/s per core here) is the most expensive thing a
 * check does, twice (before and after), so it runs on every core, largest files first. Each is a progress phase,
 * {@value #HASH_PHASE} and {@value #REHASH_PHASE}, over the bytes of every file, counted per chunk hashed.
 *
 * <p>The pipeline takes the before-hashes with {@link #start}: on threads of their own, while the engines verify
 * (no serial pass before the run); {@link Pending#join} waits for them once the run has read everything.
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

    /**
     * Starts the before-SHA-256 of every file (made by {@link InputFile#stat}) on {@code threads} threads of their own,
     * largest first, and returns at once: the run reads while they hash.
     */
    static Pending start(List<InputFile> files, int threads) {
        return new Pending(files, threads);
    }

    /**
     * Before-hashes under way. Their bytes are counted from the start, and reported as the progress phase
     * {@value #HASH_PHASE} only from {@link #join} on: while the engines run, the progress line is theirs.
     */
    static final class Pending {
        private final List<InputFile> files;
        private final long total;
        private final java.util.concurrent.atomic.AtomicLong hashed = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.Map<InputFile, IOException> failed = new java.util.concurrent.ConcurrentHashMap<>();
        private final List<Future<?>> futures = new ArrayList<>();
        private final ExecutorService pool;
        private Progress shown = Progress.NONE;
        private boolean joined;

        private Pending(List<InputFile> files, int threads) {
            this.files = List.copyOf(files);
            this.total = files.stream().mapToLong(InputFile::size).sum();
            this.pool = files.isEmpty() ? null : Executors.newFixedThreadPool(Math.max(1, Math.min(threads,
                    files.size())), r -> {
                Thread t = new Thread(r, "salvor-sha256");
                t.setDaemon(true);
                return t;
            });
            List<InputFile> order = new ArrayList<>(this.files);
            order.sort((a, b) -> Long.compare(b.size(), a.size()));
            for (InputFile f : order) {
                futures.add(pool.submit(() -> hash(f)));
            }
        }

        private void hash(InputFile f) {
            try {
                f.hashBefore(this::count);
            } catch (IOException e) {
                failed.put(f, e);
            } catch (UncheckedIOException e) {
                failed.put(f, e.getCause());
            } catch (dev.salvor.formats.core.CorruptionException e) {
                // a region of an image whose bytes went away while mapped (the image shrank)
                failed.put(f, new IOException(e.getMessage(), e));
            }
        }

        /** Counts a chunk hashed; once {@link #join} started, on its phase (in rising order: one count at a time). */
        private synchronized void count(long n) {
            shown.done(Math.min(total, hashed.addAndGet(n)));
        }

        /** From now on, the counts go to {@code progress}, starting with those made so far. */
        private synchronized void show(Progress progress) {
            progress.phase(HASH_PHASE, total);
            shown = progress;
            progress.done(Math.min(total, hashed.get()));
        }

        /**
         * Waits for every before-hash, as the progress phase {@value #HASH_PHASE} (complete at once when they are
         * done already, so a progress line shows it only while it still runs), and returns the files that could
         * not be hashed with why (they have no before-hash).
         */
        java.util.Map<InputFile, IOException> join(Progress progress) throws IOException {
            if (joined) {
                return failed;
            }
            joined = true;
            show(progress);
            try {
                for (Future<?> f : futures) {
                    f.get();
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while hashing the inputs");
            } finally {
                if (pool != null) {
                    pool.shutdownNow();
                }
            }
            synchronized (this) {
                shown = Progress.NONE;
                progress.done(total); // the bytes of a file that could not be hashed to its end are past too
            }
            return failed;
        }

        /** Stops the hashes without waiting (the run ended before {@link #join}). */
        void cancel() {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
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
