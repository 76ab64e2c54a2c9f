package dev.salvor.formats.sqlite;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Function;

/**
 * Reads pages on worker threads and hands what each page gave to the calling thread in page order, so that the
 * rows come out exactly as a single thread reading page after page would emit them. The pages of the non-live
 * phases are independent of one another (each is parsed and carved on its own); what is shared, the de-duplication
 * sets and the output, stays on the calling thread.
 *
 * <p>Memory stays bounded whatever the pages hold: workers run at most {@value #WINDOW} runs of {@value #CHUNK} pages
 * ahead of the run being handed over, and a run of pages whose findings weigh more than {@value #CHUNK_BYTES} bytes (many cells with long
 * overflow chains) waits until it is the run being handed over, then hands them over in parts as it reads on.
 */
final class OrderedPages {
    /** Pages a worker takes at a time: a run of neighbouring pages is handed over at once (fewer wake-ups). */
    static final int CHUNK = 16;
    /** How many runs of {@value #CHUNK} pages the workers may be ahead of the run being handed over. */
    static final int WINDOW = 8;
    /** The weight ({@link PageRowBuffer#weight}) one run of pages may keep before it waits to be handed over. */
    static final long CHUNK_BYTES = 8L << 20;

    /**
     * One worker's reading of a page: its findings go to the buffer the worker was made with ({@code run}'s
     * {@code work}). Each worker thread has its own.
     */
    interface PageWork {
        void page(long n);
    }

    /** What is known of one run of pages of the window. */
    private static final class Slot {
        long chunk = -1;
        final ArrayDeque<List<FoundRow>> parts = new ArrayDeque<>();
        long weight;
        boolean done;
        Throwable failure;
    }

    /** Ends a worker whose run was stopped. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the run being handed over gets findings or is done (the calling thread waits on it). */
    private final Condition handed = lock.newCondition();
    /** Signalled when the run being handed over moves on or was emptied, or when the run stops (workers wait). */
    private final Condition taken = lock.newCondition();
    private final Slot[] window = new Slot[WINDOW];
    private final long first;
    private final long last;
    private final long chunks;
    /** The run of pages the calling thread hands over next. */
    private long head;
    /** The next run a worker takes. */
    private long next;
    private boolean stopped;
    private boolean handOverWaiting;
    private int workersWaiting;

    private OrderedPages(long first, long last) {
        this.first = first;
        this.last = last;
        this.chunks = (last - first) / CHUNK + 1;
        for (int i = 0; i < WINDOW; i++) {
            window[i] = new Slot();
        }
    }

    /**
     * Reads pages {@code first..last} with {@code threads} workers (each with its own {@link PageWork}, made by
     * {@code work} with the buffer its findings go to); every row a page gave goes to {@code rows} on the calling
     * thread, page after page in order, then {@code pagesDone} is told how many pages were handed over. A failure of
     * a worker on some page is thrown here when that page's turn comes (the rows of the pages before it have been
     * handed over); a failure of {@code rows} stops the workers and is thrown.
     */
    static void run(long first, long last, int threads, Function<PageRowBuffer, PageWork> work,
                    Consumer<FoundRow> rows, LongConsumer pagesDone) {
        if (last < first) {
            return;
        }
        OrderedPages run = new OrderedPages(first, last);
        List<Thread> workers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> run.work(work), "salvor-sqlite-pages-" + (i + 1));
                t.setDaemon(true);
                workers.add(t);
                t.start();
            }
            run.handOver(rows, pagesDone);
        } finally {
            run.stop();
            boolean interrupted = false;
            for (Thread t : workers) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Slot slot(long chunk) {
        return window[(int) (chunk % WINDOW)];
    }

    /** A worker: takes the next run of pages while it is inside the window, reads it, hands its findings over. */
    private void work(Function<PageRowBuffer, PageWork> work) {
        long[] chunk = new long[1];
        PageRowBuffer out = new PageRowBuffer(CHUNK_BYTES, b -> publish(chunk[0], b, false));
        PageWork w = work.apply(out);
        while (true) {
            long c;
            lock.lock();
            try {
                while (!stopped && next < chunks && next >= head + WINDOW) {
                    workersWaiting++;
                    try {
                        taken.await();
                    } finally {
                        workersWaiting--;
                    }
                }
                if (stopped || next >= chunks) {
                    return;
                }
                c = next++;
                Slot s = slot(c);
                s.chunk = c;
                s.parts.clear();
                s.weight = 0;
                s.done = false;
                s.failure = null;
            } catch (InterruptedException e) {
                return; // only stop() ends a worker's wait in practice; the calling thread sees the run unfinished
            } finally {
                lock.unlock();
            }
            chunk[0] = c;
            long from = first + c * CHUNK;
            long to = Math.min(last, from + CHUNK - 1);
            try {
                for (long p = from; p <= to; p++) {
                    w.page(p);
                }
                publish(c, out, true);
            } catch (Stopped e) {
                return;
            } catch (Throwable e) {
                try {
                    publish(c, out, false); // what was found before the failure is handed over, as one thread would
                } catch (Stopped stopped) {
                    return;
                }
                fail(c, e);
                return;
            }
        }
    }

    /**
     * Hands the findings kept in {@code out} over for run {@code c}; unless the run is {@code done}, waits while its
     * findings not yet taken weigh more than {@link #CHUNK_BYTES}.
     */
    private void publish(long c, PageRowBuffer out, boolean done) {
        long w = out.weight();
        List<FoundRow> part = out.isEmpty() ? null : out.take();
        lock.lock();
        try {
            Slot s = slot(c);
            if (part != null) {
                s.parts.add(part);
                s.weight += w;
            }
            s.done = done;
            if (handOverWaiting && c == head) {
                handed.signal();
            }
            while (!done && !stopped && s.weight > CHUNK_BYTES) {
                workersWaiting++;
                try {
                    taken.await();
                } finally {
                    workersWaiting--;
                }
            }
            if (stopped) {
                throw new Stopped();
            }
        } catch (InterruptedException e) {
            throw new Stopped();
        } finally {
            lock.unlock();
        }
    }

    private void fail(long c, Throwable e) {
        lock.lock();
        try {
            Slot s = slot(c);
            s.failure = e;
            s.done = true;
            handed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void stop() {
        lock.lock();
        try {
            stopped = true;
            taken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The calling thread: each run's findings in page order, as they come. */
    private void handOver(Consumer<FoundRow> rows, LongConsumer pagesDone) {
        List<List<FoundRow>> parts = new ArrayList<>();
        for (long c = 0; c < chunks; c++) {
            while (true) {
                boolean done;
                Throwable failure;
                lock.lock();
                try {
                    Slot s = slot(c);
                    while (s.chunk != c || (s.parts.isEmpty() && !s.done)) {
                        handOverWaiting = true;
                        try {
                            handed.await();
                        } finally {
                            handOverWaiting = false;
                        }
                    }
                    parts.addAll(s.parts);
                    s.parts.clear();
                    s.weight = 0;
                    done = s.done;
                    failure = s.failure;
                    if (done) {
                        head = c + 1;
                    }
                    if (workersWaiting > 0) {
                        taken.signalAll();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted while reading pages");
                } finally {
                    lock.unlock();
                }
                for (List<FoundRow> part : parts) {
                    for (FoundRow r : part) {
                        rows.accept(r);
                    }
                }
                parts.clear();
                if (failure instanceof RuntimeException r) {
                    throw r;
                }
                if (failure instanceof Error err) {
                    throw err;
                }
                if (failure != null) {
                    throw new IllegalStateException(failure);
                }
                if (done) {
                    break;
                }
            }
            long from = first + c * CHUNK;
            pagesDone.accept(Math.min(last, from + CHUNK - 1) - from + 1);
        }
    }
}
