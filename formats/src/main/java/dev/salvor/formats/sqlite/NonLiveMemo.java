package dev.salvor.formats.sqlite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The rows of the first pass of {@link UnreachablePages}, kept in a compact byte encoding so that the second pass
 * replays them instead of reading, parsing and carving every productive page again. The pages of the view do not
 * change between the passes, so the second pass would find exactly these rows in this order; replayed, they go
 * through the same de-duplication ({@link RowEmission#nonLive(FoundRow)}).
 *
 * <p>Memory stays bounded: the rows are kept for a prefix of the pages only, up to a byte budget. Rows are recorded
 * as the pages are handed over in page order, and {@link #pagesDone} marks how many pages are complete; a row that
 * would pass the budget drops what was recorded after the last complete page and stops the recording. The second
 * pass replays the pages up to {@link #pages()} and reads the rest from the file again as before. A budget of 0
 * keeps nothing (every page is read again).
 *
 * <p>Encoding of one row: kind, state and source ordinals; the table, its reported name and the file name as indexes
 * into a dictionary of those objects (tables by identity, names by value: there are few); page, offset, WAL frame;
 * rowid; each value tagged (null, integer, real as its bits, text as Latin-1 bytes or UTF-16 chars exactly as the
 * string holds them, blob, anything else by reference in the dictionary); the unknown columns; the index target.
 * Nothing is lost: a replayed row equals the row recorded, value for value.
 */
final class NonLiveMemo {
    /** Rows are written into blocks of this size (a larger row gets a block of its own). */
    static final int BLOCK = 1 << 18;
    /** Dictionary entries are counted at this many bytes against the budget. */
    private static final int REF_BYTES = 64;

    private static final byte NULL = 0;
    private static final byte LONG = 1;
    private static final byte DOUBLE = 2;
    private static final byte LATIN1 = 3;
    private static final byte UTF16 = 4;
    private static final byte BLOB = 5;
    private static final byte OTHER = 6;
    /** Entry kinds: a row, and the number of complete pages (0 ends a block's entries). */
    private static final byte ROW = 1;
    private static final byte PAGES_DONE = 2;

    private static final RowKind[] KINDS = RowKind.values();
    private static final RowState[] STATES = RowState.values();
    private static final RowSource[] SOURCES = RowSource.values();

    private final long budget;
    private final int blockSize;
    private final List<byte[]> blocks = new ArrayList<>();
    private final List<Object> refs = new ArrayList<>();
    private final Map<Object, Integer> refIndex = new HashMap<>();
    /** Bytes of {@link #blocks} in use, the last block's fill, and the bytes counted against the budget. */
    private int fill;
    private long used;
    /** Where the rows of the complete pages end: block index and fill, and how many pages that is. */
    private int markBlock = -1;
    private int markFill;
    private long markPages;
    private long markUsed;
    private int markRefs;
    private long recordedPages;
    private boolean stopped;
    private Scratch scratch = new Scratch(1024);

    /**
     * A memo that keeps rows worth at most {@code budget} bytes (0: none), in blocks of {@value #BLOCK} bytes or a
     * quarter of the budget when that is less (at least 1 KiB).
     */
    NonLiveMemo(long budget) {
        this.budget = Math.max(0, budget);
        this.stopped = budget <= 0;
        this.blockSize = (int) Math.max(1024, Math.min(BLOCK, this.budget / 4));
    }

    /**
     * The default budget for a heap of {@code maxHeap} bytes: half of what lies above 256 MiB, at most 128 MiB. A
     * heap of 256 MiB or less keeps no rows (the live walk, the de-duplication sets and the worker windows need it).
     */
    static long budgetFor(long maxHeap) {
        long above = maxHeap - (256L << 20);
        return above <= 0 ? 0 : Math.min(128L << 20, above / 2);
    }

    /** Records {@code row} (a row of the first pass, in page order), unless the budget is spent. */
    void add(FoundRow row) {
        if (stopped) {
            return;
        }
        Scratch s = scratch;
        s.pos = 0;
        encode(row, s);
        append(s);
        if (s.buf.length > BLOCK) {
            scratch = new Scratch(1024); // a huge row's scratch is not kept
        }
    }

    /**
     * The first {@code pages} pages of the pass are complete: their rows are all recorded. The replay tells it at
     * the same place ({@link #replay}).
     */
    void pagesDone(long pages) {
        recordedPages = pages;
        if (stopped || pages == markPages) {
            return;
        }
        Scratch s = scratch;
        s.pos = 0;
        s.put(PAGES_DONE);
        s.varint(pages);
        if (!append(s)) {
            return;
        }
        markBlock = blocks.size() - 1;
        markFill = fill;
        markPages = pages;
        markUsed = used;
        markRefs = refs.size();
    }

    /** Appends what {@code s} holds, or stops the recording when that would spend more than the budget. */
    private boolean append(Scratch s) {
        byte[] block = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
        boolean newBlock = block == null || fill + s.pos > block.length;
        int size = newBlock ? Math.max(blockSize, s.pos) : 0;
        long cost = 4 + size; // blocks are counted whole when they are made, entries by a little more
        if (used + cost > budget) {
            stop();
            return false;
        }
        if (newBlock) {
            block = new byte[size];
            blocks.add(block);
            fill = 0;
        }
        System.arraycopy(s.buf, 0, block, fill, s.pos);
        fill += s.pos;
        used += cost;
        return true;
    }

    /** How many pages, from the first on, the replay covers. */
    long pages() {
        return stopped ? markPages : recordedPages;
    }

    /** True when some page's rows were not kept (the budget was spent): the pages after {@link #pages()} are read. */
    boolean truncated() {
        return stopped;
    }

    /** Bytes counted against the budget (the kept rows' encoding and dictionary). */
    long used() {
        return used;
    }

    /**
     * Hands every recorded row, in the order recorded, to {@code rows}, and tells {@code pagesDone} how many pages
     * are complete where {@link #pagesDone} was told; the memo is empty afterwards.
     */
    void replay(Consumer<FoundRow> rows, LongConsumer pagesDone) {
        int lastBlock = stopped ? markBlock : blocks.size() - 1;
        int lastFill = stopped ? markFill : fill;
        List<byte[]> b = new ArrayList<>(blocks);
        List<Object> r = new ArrayList<>(refs);
        blocks.clear();
        refs.clear();
        refIndex.clear();
        for (int i = 0; i <= lastBlock; i++) {
            byte[] block = b.get(i);
            int end = i == lastBlock ? lastFill : block.length;
            Reader in = new Reader(block, end, r);
            b.set(i, null);
            while (in.pos < in.end && in.b[in.pos] != 0) {
                if (in.b[in.pos] == PAGES_DONE) {
                    in.pos++;
                    pagesDone.accept(in.varint());
                } else {
                    rows.accept(in.row());
                }
            }
        }
    }

    private void stop() {
        stopped = true;
        // what was recorded after the last complete page is dropped
        while (blocks.size() - 1 > markBlock) {
            blocks.remove(blocks.size() - 1);
        }
        fill = markFill;
        used = markUsed;
        while (refs.size() > markRefs) {
            refIndex.remove(refs.remove(refs.size() - 1));
        }
    }

    private int ref(Object o) {
        Integer i = refIndex.get(o);
        if (i == null) {
            i = refs.size();
            refs.add(o);
            refIndex.put(o, i);
            used += REF_BYTES + (o instanceof String s ? 2L * s.length() : 0); // may pass the budget by one entry
        }
        return i;
    }

    private void encode(FoundRow row, Scratch s) {
        s.put(ROW);
        s.put((byte) row.kind().ordinal());
        RowSite site = row.site();
        s.put((byte) site.state().ordinal());
        s.put((byte) site.source().ordinal());
        s.varint(row.table() == null ? 0 : ref(row.table()) + 1L);
        s.varint(row.tableName() == null ? 0 : ref(row.tableName()) + 1L);
        s.varint(site.file() == null ? 0 : ref(site.file()) + 1L);
        s.varint(site.page());
        s.varint(site.offset());
        s.varint(site.walFrame() == null ? 0 : site.walFrame() + 1L);
        s.optionalLong(row.rowid());
        List<Object> values = row.values();
        s.put((byte) (values instanceof ArrayList ? 1 : 0));
        s.varint(values.size());
        for (Object v : values) {
            value(v, s);
        }
        List<Integer> unknown = row.unknown();
        s.varint(unknown.size());
        for (Integer u : unknown) {
            s.varint(u);
        }
        SqliteRow.IndexTarget to = row.pointsTo();
        if (to == null) {
            s.put((byte) 0);
        } else {
            s.put((byte) 1);
            s.varint(to.table() == null ? 0 : ref(to.table()) + 1L);
            s.fixedLong(to.rowid());
        }
    }

    private void value(Object v, Scratch s) {
        if (v == null) {
            s.put(NULL);
        } else if (v instanceof Long l) {
            s.put(LONG);
            s.fixedLong(l);
        } else if (v instanceof Double d) {
            s.put(DOUBLE);
            s.fixedLong(Double.doubleToRawLongBits(d));
        } else if (v instanceof String str) {
            int n = str.length();
            boolean latin1 = true;
            for (int i = 0; i < n && latin1; i++) {
                latin1 = str.charAt(i) < 0x100;
            }
            s.put(latin1 ? LATIN1 : UTF16);
            s.varint(n);
            s.ensure(latin1 ? n : 2L * n);
            byte[] b = s.buf;
            int p = s.pos;
            for (int i = 0; i < n; i++) {
                char c = str.charAt(i);
                if (latin1) {
                    b[p++] = (byte) c;
                } else {
                    b[p++] = (byte) (c >> 8);
                    b[p++] = (byte) c;
                }
            }
            s.pos = p;
        } else if (v instanceof byte[] blob) {
            s.put(BLOB);
            s.varint(blob.length);
            s.ensure(blob.length);
            System.arraycopy(blob, 0, s.buf, s.pos, blob.length);
            s.pos += blob.length;
        } else {
            s.put(OTHER);
            refs.add(v); // kept as it is (not shared: no index entry)
            used += REF_BYTES;
            s.varint(refs.size() - 1L);
        }
    }

    /** A growable encoding buffer. */
    private static final class Scratch {
        byte[] buf;
        int pos;

        Scratch(int size) {
            buf = new byte[size];
        }

        void ensure(long more) {
            if (pos + more > buf.length) {
                long want = Math.max(2L * buf.length, pos + more);
                if (want > Integer.MAX_VALUE - 16) {
                    throw new OutOfMemoryError("a carved row larger than 2 GB");
                }
                buf = Arrays.copyOf(buf, (int) want);
            }
        }

        void put(byte b) {
            ensure(1);
            buf[pos++] = b;
        }

        void varint(long v) {
            ensure(10);
            while ((v & ~0x7fL) != 0) {
                buf[pos++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void fixedLong(long v) {
            ensure(8);
            for (int i = 56; i >= 0; i -= 8) {
                buf[pos++] = (byte) (v >>> i);
            }
        }

        void optionalLong(Long v) {
            if (v == null) {
                put((byte) 0);
            } else {
                put((byte) 1);
                fixedLong(v);
            }
        }
    }

    /** Decodes the rows of one block. */
    private static final class Reader {
        final byte[] b;
        final int end;
        final List<Object> refs;
        int pos;

        Reader(byte[] b, int end, List<Object> refs) {
            this.b = b;
            this.end = end;
            this.refs = refs;
        }

        FoundRow row() {
            pos++; // the row marker
            RowKind kind = KINDS[b[pos++]];
            RowState state = STATES[b[pos++]];
            RowSource source = SOURCES[b[pos++]];
            TableInfo table = (TableInfo) ref();
            String tableName = (String) ref();
            String file = (String) ref();
            long page = varint();
            long offset = varint();
            long frame = varint();
            RowSite site = new RowSite(state, source, file, page, offset,
                    frame == 0 ? null : Integer.valueOf((int) (frame - 1)));
            Long rowid = b[pos++] == 0 ? null : fixedLong();
            boolean arrayList = b[pos++] == 1;
            int n = (int) varint();
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                values[i] = value();
            }
            int u = (int) varint();
            List<Integer> unknown = new ArrayList<>(u);
            for (int i = 0; i < u; i++) {
                unknown.add((int) varint());
            }
            SqliteRow.IndexTarget to = null;
            if (b[pos++] == 1) {
                String t = (String) ref();
                to = new SqliteRow.IndexTarget(t, fixedLong());
            }
            List<Object> list = arrayList ? new ArrayList<>(Arrays.asList(values)) : Arrays.asList(values);
            return new FoundRow(table, tableName, rowid, list, unknown, site, kind, to);
        }

        private Object ref() {
            long i = varint();
            return i == 0 ? null : refs.get((int) (i - 1));
        }

        private Object value() {
            byte tag = b[pos++];
            switch (tag) {
                case NULL:
                    return null;
                case LONG:
                    return fixedLong();
                case DOUBLE:
                    return Double.longBitsToDouble(fixedLong());
                case LATIN1: {
                    int n = (int) varint();
                    String s = new String(b, pos, n, java.nio.charset.StandardCharsets.ISO_8859_1);
                    pos += n;
                    return s;
                }
                case UTF16: {
                    int n = (int) varint();
                    char[] c = new char[n];
                    for (int i = 0; i < n; i++) {
                        c[i] = (char) (((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff));
                        pos += 2;
                    }
                    return new String(c);
                }
                case BLOB: {
                    int n = (int) varint();
                    byte[] v = Arrays.copyOfRange(b, pos, pos + n);
                    pos += n;
                    return v;
                }
                default:
                    return refs.get((int) varint());
            }
        }

        long varint() {
            long v = 0;
            int shift = 0;
            while (true) {
                byte x = b[pos++];
                v |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    return v;
                }
                shift += 7;
            }
        }

        private long fixedLong() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[pos++] & 0xff);
            }
            return v;
        }
    }
}
