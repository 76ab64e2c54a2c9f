package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.SpillStore;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sorts an unbounded stream of entries (the contents of write-ahead logs, which are in write order, not key order)
 * in bounded memory: entries are buffered up to {@code maxBufferedBytes}, then sorted and written as a run to the
 * caller's {@link SpillStore} (a command-line run uses temporary files, never beside the evidence).
 * {@link #cursors()} returns one sorted cursor per run, for the merge. Runs are released on {@link #close()}.
 */
final class SpillingSorter implements AutoCloseable {
    /** The units by ordinal, for reading spilled entries back (one array, not one per entry). */
    private static final EntryUnit[] UNITS = EntryUnit.values();

    private final long maxBufferedBytes;
    private final SpillStore store;
    private final List<Entry> buffer = new ArrayList<>();
    private long bufferedBytes;
    private long entries;
    private final List<SpillStore.Run> runs = new ArrayList<>();
    private final List<DataInputStream> open = new ArrayList<>();

    private final java.util.Comparator<Entry> order;

    SpillingSorter(long maxBufferedBytes, SpillStore store) {
        this(maxBufferedBytes, store, Entry.INTERNAL_ORDER);
    }

    /** A sorter whose runs are in {@code order} (the database's internal-key order). */
    SpillingSorter(long maxBufferedBytes, SpillStore store, java.util.Comparator<Entry> order) {
        this.maxBufferedBytes = maxBufferedBytes;
        this.store = store;
        this.order = order;
    }

    void add(Entry e) {
        entries++;
        buffer.add(e);
        bufferedBytes += 96 + e.userKey().length + (e.value() == null ? 0 : e.value().length);
        if (bufferedBytes > maxBufferedBytes) {
            try {
                spill();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    /** Number of entries added. */
    long entries() {
        return entries;
    }

    /** Number of runs written to the spill store so far. */
    int spilledRuns() {
        return runs.size();
    }

    private void spill() throws IOException {
        buffer.sort(order);
        SpillStore.Run run = store.create();
        runs.add(run);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(run.output(), 1 << 16))) {
            for (Entry e : buffer) {
                write(out, e);
            }
        }
        buffer.clear();
        bufferedBytes = 0;
    }

    /** Sorted cursors: the in-memory remainder plus one per spilled run. */
    List<EntryCursor> cursors() throws IOException {
        List<EntryCursor> cursors = new ArrayList<>();
        buffer.sort(order);
        cursors.add(new ListCursor(new ArrayList<>(buffer)));
        buffer.clear();
        for (SpillStore.Run run : runs) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(run.input(), 1 << 16));
            open.add(in);
            cursors.add(new RunCursor(in));
        }
        return cursors;
    }

    private static void write(DataOutputStream out, Entry e) throws IOException {
        out.writeInt(e.userKey().length);
        out.write(e.userKey());
        out.writeLong(e.sequence());
        out.writeByte(e.type().code());
        out.writeInt(e.value() == null ? -1 : e.value().length);
        if (e.value() != null) {
            out.write(e.value());
        }
        out.writeUTF(e.file());
        out.writeByte(e.unit().ordinal());
        out.writeLong(e.offset());
        out.writeInt(e.offsetInBlock());
        out.writeBoolean(e.crcOk());
        out.writeInt(e.level());
    }

    private static Entry read(DataInputStream in) throws IOException {
        int kl;
        try {
            kl = in.readInt();
        } catch (EOFException end) {
            return null;
        }
        byte[] key = in.readNBytes(kl);
        long seq = in.readLong();
        ValueType type = ValueType.of(in.readByte());
        int vl = in.readInt();
        byte[] value = vl < 0 ? null : in.readNBytes(vl);
        return new Entry(key, seq, type, value, in.readUTF(), UNITS[in.readByte()], in.readLong(),
                in.readInt(), in.readBoolean(), in.readInt());
    }

    @Override
    public void close() throws IOException {
        for (DataInputStream in : open) {
            in.close();
        }
        for (SpillStore.Run run : runs) {
            run.close();
        }
    }

    private static final class ListCursor implements EntryCursor {
        private final List<Entry> list;
        private int i;

        ListCursor(List<Entry> list) {
            this.list = list;
        }

        @Override
        public Entry peek() {
            return i < list.size() ? list.get(i) : null;
        }

        @Override
        public Entry next() {
            if (i >= list.size()) {
                return null;
            }
            Entry e = list.get(i);
            list.set(i++, null); // let the merged entry be collected
            return e;
        }
    }

    private static final class RunCursor implements EntryCursor {
        private final DataInputStream in;
        private Entry head;

        RunCursor(DataInputStream in) throws IOException {
            this.in = in;
            this.head = read(in);
        }

        @Override
        public Entry peek() {
            return head;
        }

        @Override
        public Entry next() {
            Entry e = head;
            try {
                head = read(in);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return e;
        }
    }
}
