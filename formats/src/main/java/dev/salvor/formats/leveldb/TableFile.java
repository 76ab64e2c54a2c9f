package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;

/**
 * One table file as the reading phases see it: its bytes, its limits, and the read of one block plus its 5-byte
 * {@link BlockTrailer} that every phase shares ({@code table/format.cc ReadBlock}).
 *
 * <p>Every read is bounded before allocation: the caller has bounded the handle by the file length, and the block
 * size is checked against {@link Limits#maxBlockBytes()} before the buffer is allocated.
 */
final class TableFile {
    static final int TRAILER = BlockTrailer.ENCODED_LENGTH;

    private final ByteSource source;
    private final Limits limits;

    TableFile(ByteSource source, Limits limits) {
        this.source = source;
        this.limits = limits;
    }

    ByteSource source() {
        return source;
    }

    Limits limits() {
        return limits;
    }

    String name() {
        return source.name();
    }

    long length() {
        return source.size();
    }

    /** Block plus trailer as read from disk. */
    record RawBlock(long offset, int size, byte[] raw, BlockTrailer trailer, boolean crcOk) {
        /** Block plus trailer: the extent damage to the block is reported with. */
        long damageLength() {
            return size + (long) TRAILER;
        }
    }

    /**
     * Reads block plus trailer and checks the CRC (reporting a mismatch as {@code what}). Returns null after
     * reporting when the block cannot be read at all. The caller has bounded the handle by the file length.
     */
    RawBlock readRaw(long offset, long size, String what, DamageSink out) {
        try {
            int n = Limits.checkAllocation(size, limits.maxBlockBytes(), what + " block", name(), offset);
            byte[] raw = new byte[n + TRAILER];
            source.read(offset, raw, 0, n + TRAILER);
            BlockTrailer t = BlockTrailer.decode(raw, n);
            int actual = Crc32c.mask(Crc32c.ofDataThenType(raw, 0, n, raw[n]));
            boolean ok = actual == t.maskedCrc();
            if (!ok) {
                out.report(new Damage(name(), offset, n + (long) TRAILER, DamageKind.CRC_MISMATCH,
                        Damage.hex32(t.maskedCrc()), Damage.hex32(actual),
                        what + " block checksum mismatch (bytes changed after writing: bit rot, overwrite or torn"
                                + " write)"));
            }
            return new RawBlock(offset, n, raw, t, ok);
        } catch (CorruptionException e) {
            out.report(e.damage());
            return null;
        }
    }

    /**
     * Checks block plus trailer like {@link #readRaw} (the same damage for the same block: a CRC mismatch, a block
     * over the limit, a read past the end), without copying where the source is mapped and without decompressing.
     * Returns whether the CRC verified; false after reporting.
     */
    boolean crcVerifies(long offset, long size, String what, DamageSink out) {
        try {
            int n = Limits.checkAllocation(size, limits.maxBlockBytes(), what + " block", name(), offset);
            java.nio.ByteBuffer v = source.view(offset, n + TRAILER);
            byte type = v.get(n);
            int stored = v.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(n + 1);
            int actual = Crc32c.mask(Crc32c.ofDataThenType(v.duplicate().limit(n), type));
            if (actual != stored) {
                out.report(new Damage(name(), offset, n + (long) TRAILER, DamageKind.CRC_MISMATCH,
                        Damage.hex32(stored), Damage.hex32(actual),
                        what + " block checksum mismatch (bytes changed after writing: bit rot, overwrite or torn"
                                + " write)"));
                return false;
            }
            return true;
        } catch (CorruptionException e) {
            out.report(e.damage());
            return false;
        } catch (InternalError e) {
            out.report(Damage.of(name(), offset, 0, DamageKind.CHANGED_DURING_READ,
                    "the file shrank or became unreadable while mapped (" + e.getMessage() + ")"));
            return false;
        }
    }

    /** Decompresses a raw block with the codec its trailer names, or reports and returns null. */
    BlockDecompressor.Result contents(RawBlock rb, DamageSink out) {
        try {
            return BlockDecompressor.decompress(rb.raw(), rb.size(), rb.trailer().typeCode(), name(), rb.offset(),
                    rb.damageLength(), limits);
        } catch (CorruptionException e) {
            out.report(e.damage());
            return null;
        }
    }

    /** Whether the block {@code h} names and its trailer verify (no report: the caller decides what it means). */
    boolean blockVerifies(BlockHandle h) {
        byte[] raw = source.read(h.offset(), (int) h.size() + TRAILER);
        return BlockTrailer.decode(raw, (int) h.size()).verifies(raw, 0, (int) h.size());
    }

    /** Up to 16 bytes as hex, for damage reports. */
    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(16, b.length); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return b.length > 16 ? sb + "... (" + b.length + " bytes)" : b.length == 0 ? "empty" : sb.toString();
    }
}
