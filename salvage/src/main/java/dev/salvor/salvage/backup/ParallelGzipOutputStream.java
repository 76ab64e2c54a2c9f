package dev.salvor.salvage.backup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one gzip member (RFC 1952) compressed on several cores, the way pigz does: the input is cut into
 * {@value #BLOCK}-byte blocks, each deflated by its own {@link Deflater} primed with the previous 32 KiB as preset
 * dictionary (so back-references still reach across blocks) and ended with a sync flush (an empty stored block that
 * byte-aligns the output), except the last which ends the stream. The raw deflate outputs concatenate into one valid
 * deflate stream; the CRC-32 and length of the uncompressed data make the trailer. The result is a single member any
 * gzip reads, which {@link GzipMember} requires.
 *
 * <table>
 *   <caption>what is written</caption>
 *   <tr><th>part</th><th>bytes</th></tr>
 *   <tr><td>header: {@code 1f 8b 08 00}, MTIME (LE), XFL 0, OS 255</td><td>10</td></tr>
 *   <tr><td>block 1 .. n-1: raw deflate, sync-flushed</td><td>…</td></tr>
 *   <tr><td>block n: raw deflate, final</td><td>…</td></tr>
 *   <tr><td>CRC-32, ISIZE (LE)</td><td>8</td></tr>
 * </table>
 * Blocks are compressed concurrently and written in order; at most {@code 2 × threads} are in flight.
 */
final class ParallelGzipOutputStream extends OutputStream {
    /** Uncompressed bytes per block (pigz's default). */
    static final int BLOCK = 128 * 1024;
    private static final int DICT = 32 * 1024;

    private final OutputStream out;
    private final int level;
    private final int maxInFlight;
    private final ExecutorService pool;
    private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private byte[] block = new byte[BLOCK];
    private int fill;
    private byte[] dictionary;
    private long size;
    private boolean closed;

    /**
     * @param out     where the member goes (closed by {@link #close()})
     * @param level   deflate level 1..9
     * @param threads compressing threads
     * @param mtime   the header's MTIME
     */
    ParallelGzipOutputStream(OutputStream out, int level, int threads, Instant mtime) throws IOException {
        this.out = out;
        this.level = level;
        this.maxInFlight = 2 * Math.max(1, threads);
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "salvor-gzip");
            t.setDaemon(true);
            return t;
        });
        long t = mtime == null ? 0 : Math.max(0, Math.min(0xffffffffL, mtime.getEpochSecond()));
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, (byte) t, (byte) (t >> 8), (byte) (t >> 16), (byte) (t >> 24),
                0, (byte) 255});
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        crc.update(b, off, len);
        size += len;
        while (len > 0) {
            int k = Math.min(len, BLOCK - fill);
            System.arraycopy(b, off, block, fill, k);
            fill += k;
            off += k;
            len -= k;
            if (fill == BLOCK) {
                submit(false);
            }
        }
    }

    private void submit(boolean last) throws IOException {
        byte[] input = fill == block.length ? block : Arrays.copyOf(block, fill);
        byte[] dict = dictionary;
        inFlight.add(pool.submit(() -> deflate(input, dict, last, level)));
        // The next block's dictionary: the last 32 KiB of this one (a block is at least that long unless it is last).
        dictionary = input.length >= DICT ? Arrays.copyOfRange(input, input.length - DICT, input.length) : null;
        block = new byte[BLOCK];
        fill = 0;
        while (inFlight.size() >= maxInFlight) {
            writeHead();
        }
    }

    private void writeHead() throws IOException {
        try {
            out.write(inFlight.poll().get());
        } catch (ExecutionException e) {
            throw new IOException("compression failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        }
    }

    private static byte[] deflate(byte[] input, byte[] dict, boolean last, int level) {
        Deflater d = new Deflater(level, true);
        try {
            if (dict != null) {
                d.setDictionary(dict);
            }
            d.setInput(input);
            ByteArrayOutputStream o = new ByteArrayOutputStream(input.length / 2 + 64);
            byte[] buf = new byte[64 * 1024];
            if (last) {
                d.finish();
                while (!d.finished()) {
                    int k = d.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
                    o.write(buf, 0, k);
                }
            } else {
                // SYNC_FLUSH consumes all input, then emits an empty stored block: the output ends byte-aligned and
                // the next block's stream can follow directly. A full buffer means there may be more to flush.
                int k;
                do {
                    k = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                    o.write(buf, 0, k);
                } while (k == buf.length || !d.needsInput());
            }
            return o.toByteArray();
        } finally {
            d.end();
        }
    }

    /** Writes the final block and the trailer, then closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            submit(true);
            while (!inFlight.isEmpty()) {
                writeHead();
            }
            long c = crc.getValue();
            long s = size & 0xffffffffL;
            out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                    (byte) s, (byte) (s >> 8), (byte) (s >> 16), (byte) (s >> 24)});
            out.close();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Stops the workers without finishing the member (the output is being discarded). */
    void abort() throws IOException {
        if (!closed) {
            closed = true;
            pool.shutdownNow();
            out.close();
        }
    }
}
