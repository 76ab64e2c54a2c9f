package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Crc32c;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only log writer that reproduces LevelDB's {@code db/log_writer.cc} byte for byte: fragments a record over
 * 32 KiB blocks, pads a block with zeros when fewer than 7 bytes are left, and emits an empty FIRST fragment when
 * exactly 7 bytes are left. It remembers where every physical and logical record went, so tests can compute
 * expectations from the layout instead of from the reader under test.
 */
final class TracingLogWriter {
    static final int BS = LogFormat.BLOCK_SIZE;
    static final int HS = LogFormat.HEADER_SIZE;

    /** A physical record as written. */
    record Phys(long offset, int type, int length) {
        long end() {
            return offset + HS + length;
        }
    }

    /** A logical record as written: its first header, the end of its last fragment, its fragments and payload. */
    record Rec(long offset, long end, List<Phys> fragments, byte[] payload) {
        long firstBlockStart() {
            return offset / BS * BS;
        }

        long lastBlockEnd() {
            return ((end - 1) / BS + 1) * BS;
        }

        boolean contains(long pos) {
            return pos >= offset && pos < end;
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Phys> physical = new ArrayList<>();
    private final List<Rec> records = new ArrayList<>();

    /** Appends one logical record exactly as {@code Writer::AddRecord} does; returns it. */
    Rec add(byte[] data) {
        int ptr = 0;
        int left = data.length;
        boolean begin = true;
        List<Phys> frags = new ArrayList<>();
        do {
            int leftover = BS - blockOffset();
            if (leftover < HS) {
                // Switch to a new block, padding the rest of this one with zeros (a trailer).
                out.write(new byte[leftover], 0, leftover);
            }
            int avail = BS - blockOffset() - HS;
            int fragment = Math.min(left, avail);
            boolean end = left == fragment;
            int type = begin && end ? 1 : begin ? 2 : end ? 4 : 3;
            frags.add(emit(type, data, ptr, fragment));
            ptr += fragment;
            left -= fragment;
            begin = false;
        } while (left > 0);
        Rec r = new Rec(frags.get(0).offset(), frags.get(frags.size() - 1).end(), List.copyOf(frags), data.clone());
        records.add(r);
        return r;
    }

    private int blockOffset() {
        return out.size() % BS;
    }

    private Phys emit(int type, byte[] data, int off, int len) {
        Phys p = new Phys(out.size(), type, len);
        out.writeBytes(header(type, data, off, len));
        out.write(data, off, len);
        physical.add(p);
        return p;
    }

    /** Appends bytes verbatim (hand-made records, garbage, zeros). */
    TracingLogWriter raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    long size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    List<Rec> records() {
        return records;
    }

    List<Phys> physical() {
        return physical;
    }

    /** A 7-byte LevelDB header for {@code data[off, off+len)} with a correct masked CRC. */
    static byte[] header(int type, byte[] data, int off, int len) {
        int crc = Crc32c.mask(Crc32c.ofTypeThenData((byte) type, data, off, len));
        return new byte[] {(byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24),
                (byte) len, (byte) (len >>> 8), (byte) type};
    }

    /** A whole physical record (header + payload) of any type, with a correct CRC. */
    static byte[] physical(int type, byte[] payload) {
        byte[] h = header(type, payload, 0, payload.length);
        byte[] r = new byte[h.length + payload.length];
        System.arraycopy(h, 0, r, 0, h.length);
        System.arraycopy(payload, 0, r, h.length, payload.length);
        return r;
    }

    /** A RocksDB recyclable record: CRC over type + 4-byte log number + payload, 11-byte header. */
    static byte[] recyclable(int type, int logNumber, byte[] payload) {
        byte[] covered = new byte[5 + payload.length];
        covered[0] = (byte) type;
        for (int i = 0; i < 4; i++) {
            covered[1 + i] = (byte) (logNumber >>> (8 * i));
        }
        System.arraycopy(payload, 0, covered, 5, payload.length);
        int crc = Crc32c.mask(Crc32c.of(covered, 0, covered.length));
        byte[] r = new byte[6 + covered.length];
        r[0] = (byte) crc;
        r[1] = (byte) (crc >>> 8);
        r[2] = (byte) (crc >>> 16);
        r[3] = (byte) (crc >>> 24);
        r[4] = (byte) payload.length;
        r[5] = (byte) (payload.length >>> 8);
        System.arraycopy(covered, 0, r, 6, covered.length);
        return r;
    }
}
