package dev.salvor.salvage.carve;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;

/** A read-only window {@code [start, start + length)} of another source, seen as a file of its own. */
final class SliceSource implements ByteSource {
    private final ByteSource base;
    private final long start;
    private final long length;
    private final String name;

    SliceSource(ByteSource base, long start, long length, String name) {
        base.checkRange(start, length);
        this.base = base;
        this.start = start;
        this.length = length;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOff, int len) {
        if (offset < 0 || len < 0 || offset > length - len) {
            throw new CorruptionException(new Damage(name, offset, len, DamageKind.TRUNCATED,
                    "offset+length <= " + length, Long.toString(offset + len),
                    "read past the end of the carved region (region truncated or a damaged offset)"));
        }
        base.read(start + offset, dst, dstOff, len);
    }

    @Override
    public void close() {
        // the base source belongs to the caller
    }
}
