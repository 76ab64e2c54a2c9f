package dev.salvor.formats.core;


/** A read-only window {@code [start, start + length)} of another source, seen as a file of its own. */
public final class SliceSource implements ByteSource {
    private final ByteSource base;
    private final long start;
    private final long length;
    private final String name;

    public SliceSource(ByteSource base, long start, long length, String name) {
        base.checkRange(start, length);
        this.base = base;
        this.start = start;
        this.length = length;
        this.name = name;
    }

    /** Where this slice starts in its base source (in a raw image: the image offset of the slice's byte 0). */
    public long start() {
        return start;
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
