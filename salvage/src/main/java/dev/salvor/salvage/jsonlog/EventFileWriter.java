package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.jsonlog.ChainEvent;
import dev.salvor.salvage.rebuild.Rebuilder;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes one event file of a rebuilt chain: the kept events' bytes exactly as the evidence holds them, in their
 * order, framed as the original file was ({@link EventFileLayout}). The original's bytes before, between and after
 * the events are reused where they are clean framing (so an intact file is rewritten byte for byte); elsewhere the
 * layout's default framing is written. A CSV export keeps its header line as it was.
 *
 * <p>The original is read only through its {@link ByteSource}, at most {@value #MAX_FRAMING} bytes of framing at a
 * time (longer gaps are not framing: they held damage) and its header line up to {@code maxHeaderBytes}.
 */
final class EventFileWriter implements Closeable {
    /** Longest run of original bytes reused as framing. */
    static final int MAX_FRAMING = 4096;

    private final ByteSource original;
    private final EventFileLayout layout;
    private final OutputStream out;
    private final byte[] header;
    private long end = -1;
    private long events;
    private long bytes;

    private EventFileWriter(ByteSource original, EventFileLayout layout, OutputStream out, byte[] header) {
        this.original = original;
        this.layout = layout;
        this.out = out;
        this.header = header;
    }

    /**
     * Opens the original {@code member} (read-only) and creates {@code target} (which must not exist).
     *
     * @param csv            true for a CSV export (else JSON, array or lines as the original is)
     * @param maxHeaderBytes longest CSV header line accepted
     */
    static EventFileWriter create(SourceSet.Member member, boolean csv, Path target, int maxHeaderBytes)
            throws IOException {
        ByteSource src = member.open();
        try {
            EventFileLayout layout = csv ? EventFileLayout.CSV : EventFileLayout.ofJson(src);
            byte[] header = csv ? csvHeader(src, maxHeaderBytes) : new byte[0];
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), 1 << 16);
            return new EventFileWriter(src, layout, out, header);
        } catch (IOException | RuntimeException e) {
            src.close();
            throw e;
        }
    }

    /** The file's layout. */
    EventFileLayout layout() {
        return layout;
    }

    /** Appends {@code e} (the next kept event of this file, in file order). */
    void event(ChainEvent e) throws IOException {
        long from = end < 0 ? header.length : end;
        if (e.offset() < from) {
            throw new IOException("event out of order in " + original.name() + ": offset=0x"
                    + Long.toHexString(e.offset()) + " vs expected at least 0x" + Long.toHexString(from));
        }
        if (end < 0) {
            write(header);
            write(layout.opening(framing(header.length, e.offset())));
        } else {
            write(layout.separator(framing(end, e.offset())));
        }
        write(e.raw());
        end = e.offset() + e.length();
        events++;
    }

    /** Events written. */
    long events() {
        return events;
    }

    /** Bytes written. */
    long bytes() {
        return bytes;
    }

    /** Writes the closing framing (or the empty file's content) and flushes; then {@link #close()}. */
    void finish() throws IOException {
        if (end < 0) {
            write(header);
            write(layout.empty(framing(0, original.size())));
        } else {
            write(layout.closing(framing(end, original.size())));
        }
        out.flush();
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        bytes += b.length;
    }

    /** The original's bytes in {@code [from, to)}, or null when that is too long to be framing. */
    private byte[] framing(long from, long to) {
        if (to < from || to - from > MAX_FRAMING) {
            return null;
        }
        return original.read(from, (int) (to - from));
    }

    /**
     * The CSV header line with its line break (and any blank lines before it) as the original holds it: up to the
     * first CR or LF outside double quotes after the first non-blank byte; CR LF counts as one break.
     */
    private static byte[] csvHeader(ByteSource src, int max) throws IOException {
        byte[] head = src.read(0, (int) Math.min(src.size(), max));
        int p = 0;
        while (p < head.length && (head[p] == '\n' || head[p] == '\r')) {
            p++;
        }
        boolean inQuotes = false;
        for (int k = p; k < head.length; k++) {
            byte b = head[k];
            if (b == '"') {
                inQuotes = !inQuotes;
            } else if (!inQuotes && (b == '\n' || b == '\r')) {
                int stop = b == '\r' && k + 1 < head.length && head[k + 1] == '\n' ? k + 2 : k + 1;
                return Arrays.copyOf(head, stop);
            }
        }
        throw new Rebuilder.RebuildRefused("CSV header of " + src.name() + " not found: no line break in its first "
                + head.length + " bytes (the export has no row, or its header is longer than the record limit)");
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            original.close();
        }
    }
}
