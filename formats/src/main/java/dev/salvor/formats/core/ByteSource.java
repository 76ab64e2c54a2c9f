package dev.salvor.formats.core;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A named, read-only, random-access sequence of bytes: a file, a region of a disk image, or an in-memory array.
 * Reads are absolute (no shared position), so one source can be read from several threads at once. A source never
 * writes. Reads outside {@code [0, size())} throw a {@link CorruptionException} of kind
 * {@link DamageKind#TRUNCATED} naming the resource.
 */
public interface ByteSource extends Closeable {

    /** The name used in every damage and report (usually the path the user gave, or a relative path). */
    String name();

    /** Size in bytes; fixed for the life of the source. */
    long size();

    /** Copies {@code len} bytes starting at {@code offset} into {@code dst[dstOff..]}. */
    void read(long offset, byte[] dst, int dstOff, int len);

    /** Returns a new array with {@code len} bytes from {@code offset}. Callers bound {@code len} by {@link Limits}. */
    default byte[] read(long offset, int len) {
        byte[] b = new byte[len];
        read(offset, b, 0, len);
        return b;
    }

    /**
     * A read-only view of {@code len} bytes at {@code offset}, without copying where the implementation can
     * (a mapped region inside one chunk); otherwise a copy. Position 0 of the result is {@code offset}.
     */
    default ByteBuffer view(long offset, int len) {
        return ByteBuffer.wrap(read(offset, len)).asReadOnlyBuffer();
    }

    /** One byte (unsigned). */
    default int readUnsignedByte(long offset) {
        byte[] b = new byte[1];
        read(offset, b, 0, 1);
        return b[0] & 0xff;
    }

    /** Throws the standard truncation damage unless {@code [offset, offset+len)} is inside the source. */
    default void checkRange(long offset, long len) {
        if (offset < 0 || len < 0 || offset > size() || len > size() - offset) {
            throw new CorruptionException(new Damage(name(), offset, Math.max(0, len), DamageKind.TRUNCATED,
                    "end <= " + size(), "end=" + (offset + len),
                    "read past the end of the input (file truncated or a damaged offset)"));
        }
    }

    /** Opens a file read-only, memory-mapped in chunks (works for files over 2 GiB). */
    static ByteSource open(Path file) throws IOException {
        return MappedFileSource.open(file, file.toString());
    }

    /** Opens a file read-only under a chosen display name. */
    static ByteSource open(Path file, String name) throws IOException {
        return MappedFileSource.open(file, name);
    }

    /** Wraps an array (not copied; the caller must not modify it while the source is in use). */
    static ByteSource of(String name, byte[] data) {
        return new ByteArraySource(name, data);
    }

    @Override
    default void close() throws IOException {
    }
}
