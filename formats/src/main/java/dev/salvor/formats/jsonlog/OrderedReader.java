package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.Damage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads several event sources on worker threads and hands their events and damage to one consumer in exactly the
 * order a sequential read would: source by source, and within a source in reading order. The merge is
 * deterministic whatever the threads' timing, so verification results do not depend on the thread count.
 *
 * <p>How: source {@code i} is read by a worker into its own bounded queue (batches of {@link #BATCH} items); the
 * calling thread drains source 0's queue to its end marker, then source 1's, and so on. At most {@code threads}
 * sources are read ahead, and they are submitted in order to a pool of {@code threads} workers, so the source being
 * drained always has a worker (no deadlock) and memory stays bounded (threads x {@link #QUEUE} batches). If the
 * consumer fails, the workers are interrupted and stop at their next hand-over.
 */
final class OrderedReader {
    /** Items per hand-over (one lock per batch, not per event). */
    static final int BATCH = 256;
    /** Batches a worker may be ahead of the consumer, per source. */
    static final int QUEUE = 8;

    /** What the consumer receives, in order. */
    interface Listener {
        /** Source {@code s} starts. */
        void start(EventSource s);

        void damage(Damage d);

        void event(SegmentEvent e);

        /** Source {@code s} ended. */
        void end(EventSource s);
    }

    private static final Object END = new Object();

    /** A worker's failure, rethrown on the consumer thread at the point it happened. */
    private record Failure(Throwable error) {
    }

    /** Unwinds a worker whose consumer has gone. */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super(null, null, false, false);
        }
    }

    private OrderedReader() {
    }

    /** Reads {@code sources} with up to {@code threads} workers; {@code l} is called on the calling thread only. */
    static void read(List<EventSource> sources, int threads, Listener l) {
        if (threads <= 1 || sources.size() <= 1) {
            for (EventSource s : sources) {
                l.start(s);
                s.read(l::damage, l::event);
                l.end(s);
            }
            return;
        }
        int workers = Math.min(threads, sources.size());
        AtomicInteger names = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "salvor-jsonlog-" + names.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<BlockingQueue<Object>> queues = new ArrayList<>();
        try {
            int submitted = 0;
            for (int i = 0; i < sources.size(); i++) {
                while (submitted < sources.size() && submitted < i + workers) {
                    queues.add(submit(pool, sources.get(submitted)));
                    submitted++;
                }
                EventSource s = sources.get(i);
                BlockingQueue<Object> q = queues.get(i);
                l.start(s);
                drain(q, l);
                queues.set(i, null);
                l.end(s);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static BlockingQueue<Object> submit(ExecutorService pool, EventSource s) {
        BlockingQueue<Object> q = new ArrayBlockingQueue<>(QUEUE);
        pool.execute(new Producer(s, q));
        return q;
    }

    /** Reads one source into its queue, in batches. */
    private static final class Producer implements Runnable {
        private final EventSource source;
        private final BlockingQueue<Object> queue;
        private List<Object> batch = new ArrayList<>(BATCH);

        Producer(EventSource source, BlockingQueue<Object> queue) {
            this.source = source;
            this.queue = queue;
        }

        private void add(Object item) {
            batch.add(item);
            if (batch.size() == BATCH) {
                put(batch);
                batch = new ArrayList<>(BATCH);
            }
        }

        private void put(Object o) {
            try {
                queue.put(o);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Cancelled();
            }
        }

        @Override
        public void run() {
            Object last = END;
            try {
                source.read(this::add, this::add);
            } catch (Cancelled c) {
                return;
            } catch (Throwable t) {
                last = new Failure(t);
            }
            try {
                if (!batch.isEmpty()) {
                    put(batch);
                }
                put(last);
            } catch (Cancelled c) {
                // the consumer has gone
            }
        }
    }

    private static void drain(BlockingQueue<Object> q, Listener l) {
        while (true) {
            Object o;
            try {
                o = q.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading events", e);
            }
            if (o == END) {
                return;
            }
            if (o instanceof Failure f) {
                if (f.error() instanceof RuntimeException r) {
                    throw r;
                }
                if (f.error() instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f.error());
            }
            @SuppressWarnings("unchecked")
            List<Object> batch = (List<Object>) o;
            for (Object item : batch) {
                if (item instanceof SegmentEvent e) {
                    l.event(e);
                } else {
                    l.damage((Damage) item);
                }
            }
        }
    }
}
