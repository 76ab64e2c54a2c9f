package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Crc32c;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes logical records in LevelDB's log format ({@code db/log_writer.cc}, see {@link LogFormat}), the format of
 * {@code *.log} and {@code MANIFEST-*} files: {@value LogFormat#BLOCK_SIZE}-byte blocks, each record cut into FULL
 * or FIRST, MIDDLE..., LAST fragments that never cross a block; a block with fewer than 7 bytes left is padded with
 * zeros. Each fragment's header holds the masked CRC32C of its type byte and payload, its length and type.
 */
public final class LogWriter {
    private static final byte[] ZEROS = new byte[LogFormat.HEADER_SIZE];

    private final OutputStream out;
    private int blockOffset;
    private long written;

    /** A writer appending to {@code out} from a block boundary (a new file). */
    public LogWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Appends one logical record ({@code Writer::AddRecord}). */
    public void addRecord(byte[] data) throws IOException {
        int ptr = 0;
        int left = data.length;
        boolean begin = true;
        do {
            int leftover = LogFormat.BLOCK_SIZE - blockOffset;
            if (leftover < LogFormat.HEADER_SIZE) {
                out.write(ZEROS, 0, leftover);
                written += leftover;
                blockOffset = 0;
            }
            int avail = LogFormat.BLOCK_SIZE - blockOffset - LogFormat.HEADER_SIZE;
            int fragment = Math.min(left, avail);
            boolean end = left == fragment;
            LogRecordType type = begin && end ? LogRecordType.FULL : begin ? LogRecordType.FIRST
                    : end ? LogRecordType.LAST : LogRecordType.MIDDLE;
            emit(type, data, ptr, fragment);
            ptr += fragment;
            left -= fragment;
            begin = false;
        } while (left > 0);
    }

    /** Bytes written. */
    public long written() {
        return written;
    }

    private void emit(LogRecordType type, byte[] data, int off, int length) throws IOException {
        int crc = Crc32c.mask(Crc32c.ofTypeThenData((byte) type.code(), data, off, length));
        byte[] header = {(byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24),
                (byte) length, (byte) (length >>> 8), (byte) type.code()};
        out.write(header);
        out.write(data, off, length);
        blockOffset += LogFormat.HEADER_SIZE + length;
        written += LogFormat.HEADER_SIZE + length;
    }
}
