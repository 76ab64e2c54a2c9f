package dev.salvor.formats.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A read-only source assembled from pieces laid end to end: regions of a base source (a raw image), bytes given by
 * the caller, and runs of zero bytes that take no memory. Carving uses it to hand the engines a file that exists only
 * in pieces of the image (a database with its tail found elsewhere, a set of lone pages behind a schema page) without
 * writing a temporary copy. Every byte knows where it came from: {@link #imageOffset} maps a position back into the
 * base source, or to -1 for bytes the base source did not hold.
 */
public final class CompositeSource implements ByteSource {
    /** One piece: {@code length} bytes at {@code start} of the composite. */
    private record Piece(long start, long length, long baseOffset, byte[] bytes) {
        boolean fromBase() {
            return baseOffset >= 0;
        }
    }

    private final String name;
    private final ByteSource base;
    private final List<Piece> pieces;
    private final long[] starts;
    private final long size;

    private CompositeSource(String name, ByteSource base, List<Piece> pieces) {
        this.name = name;
        this.base = base;
        this.pieces = List.copyOf(pieces);
        this.starts = new long[pieces.size()];
        long at = 0;
        for (int i = 0; i < pieces.size(); i++) {
            starts[i] = pieces.get(i).start();
            at = pieces.get(i).start() + pieces.get(i).length();
        }
        this.size = at;
    }

    /** Builds a composite over {@code base}, piece by piece, in file order. */
    public static Builder over(ByteSource base, String name) {
        return new Builder(base, name);
    }

    /** Collects the pieces of a composite. */
    public static final class Builder {
        private final ByteSource base;
        private final String name;
        private final List<Piece> pieces = new ArrayList<>();
        private long at;

        private Builder(ByteSource base, String name) {
            this.base = base;
            this.name = name;
        }

        /** Appends {@code length} bytes of the base source from {@code offset} (checked against its size). */
        public Builder region(long offset, long length) {
            base.checkRange(offset, length);
            return add(new Piece(at, length, offset, null));
        }

        /** Appends bytes given by the caller (not copied). */
        public Builder bytes(byte[] b) {
            return add(new Piece(at, b.length, -1, b));
        }

        /** Appends {@code length} zero bytes (held as a count, not in memory). */
        public Builder zeros(long length) {
            if (length < 0) {
                throw new IllegalArgumentException("negative length " + length);
            }
            return add(new Piece(at, length, -1, null));
        }

        /** The size so far: where the next piece will start. */
        public long size() {
            return at;
        }

        private Builder add(Piece p) {
            if (p.length() > 0) {
                pieces.add(p);
                at += p.length();
            }
            return this;
        }

        public CompositeSource build() {
            return new CompositeSource(name, base, pieces);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    /** Where byte {@code offset} lies in the base source, or -1 when it was given or zero-filled (or is outside). */
    public long imageOffset(long offset) {
        int i = pieceIndex(offset);
        if (i < 0) {
            return -1;
        }
        Piece p = pieces.get(i);
        return p.fromBase() ? p.baseOffset() + (offset - p.start()) : -1;
    }

    /** The base-source offset of the first piece taken from it, or -1 when none is. */
    public long firstImageOffset() {
        for (Piece p : pieces) {
            if (p.fromBase()) {
                return p.baseOffset();
            }
        }
        return -1;
    }

    private int pieceIndex(long offset) {
        if (offset < 0 || offset >= size) {
            return -1;
        }
        int i = Arrays.binarySearch(starts, offset);
        return i >= 0 ? i : -i - 2;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOff, int len) {
        if (offset < 0 || len < 0 || offset > size - len) {
            throw new CorruptionException(new Damage(name, offset, Math.max(0, len), DamageKind.TRUNCATED,
                    "offset+length <= " + size, Long.toString(offset + len),
                    "read past the end of the assembled region (region truncated or a damaged offset)"));
        }
        int i = pieceIndex(offset);
        while (len > 0) {
            Piece p = pieces.get(i);
            long in = offset - p.start();
            int n = (int) Math.min(len, p.length() - in);
            if (p.fromBase()) {
                base.read(p.baseOffset() + in, dst, dstOff, n);
            } else if (p.bytes() != null) {
                System.arraycopy(p.bytes(), (int) in, dst, dstOff, n);
            } else {
                Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
            }
            offset += n;
            dstOff += n;
            len -= n;
            i++;
        }
    }

    @Override
    public void close() {
        // the base source belongs to the caller
    }
}
