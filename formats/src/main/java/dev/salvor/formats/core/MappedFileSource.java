package dev.salvor.formats.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file mapped read-only in chunks of {@value #CHUNK} bytes, so files over 2 GiB work. The channel is opened with
 * {@link StandardOpenOption#READ} only and the mappings are {@link FileChannel.MapMode#READ_ONLY}: nothing can be
 * written through this class. Reads use absolute buffer operations only, so concurrent readers are safe.
 *
 * <p>If the file shrinks after it was mapped, reads of the lost region fault with an {@link InternalError}
 * ({@code SIGBUS}); {@link #read} turns that into a {@link DamageKind#CHANGED_DURING_READ} damage.
 */
final class MappedFileSource implements ByteSource {
    /** 1 GiB: a power of two below {@link Integer#MAX_VALUE}, so offsets split with shifts and masks. */
    static final int CHUNK_SHIFT = 30;
    static final long CHUNK = 1L << CHUNK_SHIFT;

    private final String name;
    private final long size;
    private final MappedByteBuffer[] chunks;

    private MappedFileSource(String name, long size, MappedByteBuffer[] chunks) {
        this.name = name;
        this.size = size;
        this.chunks = chunks;
    }

    static MappedFileSource open(Path file, String name) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int n = (int) ((size + CHUNK - 1) >>> CHUNK_SHIFT);
            MappedByteBuffer[] chunks = new MappedByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long start = (long) i << CHUNK_SHIFT;
                chunks[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(CHUNK, size - start));
            }
            // The mappings stay valid after the channel is closed.
            return new MappedFileSource(name, size, chunks);
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

    @Override
    public void read(long offset, byte[] dst, int dstOff, int len) {
        checkRange(offset, len);
        try {
            while (len > 0) {
                int chunk = (int) (offset >>> CHUNK_SHIFT);
                int within = (int) (offset & (CHUNK - 1));
                int n = Math.min(len, chunks[chunk].capacity() - within);
                chunks[chunk].get(within, dst, dstOff, n);
                offset += n;
                dstOff += n;
                len -= n;
            }
        } catch (InternalError e) {
            throw changed(offset, e);
        }
    }

    @Override
    public ByteBuffer view(long offset, int len) {
        checkRange(offset, len);
        int chunk = (int) (offset >>> CHUNK_SHIFT);
        int within = (int) (offset & (CHUNK - 1));
        if (chunk < chunks.length && within + (long) len <= chunks[chunk].capacity()) {
            return chunks[chunk].slice(within, len).asReadOnlyBuffer();
        }
        return ByteBuffer.wrap(read(offset, len)).asReadOnlyBuffer();
    }

    @Override
    public int readUnsignedByte(long offset) {
        checkRange(offset, 1);
        try {
            return chunks[(int) (offset >>> CHUNK_SHIFT)].get((int) (offset & (CHUNK - 1))) & 0xff;
        } catch (InternalError e) {
            throw changed(offset, e);
        }
    }

    private CorruptionException changed(long offset, InternalError e) {
        return new CorruptionException(Damage.of(name, offset, 0, DamageKind.CHANGED_DURING_READ,
                "the file shrank or became unreadable while mapped (" + e.getMessage() + ")"));
    }
}
