package dev.salvor.formats.core;

import java.nio.ByteBuffer;
import java.util.Objects;

/** A {@link ByteSource} over an in-memory array: tests, fuzzing and units carved out of larger inputs. */
final class ByteArraySource implements ByteSource {
    private final String name;
    private final byte[] data;

    ByteArraySource(String name, byte[] data) {
        this.name = Objects.requireNonNull(name, "name");
        this.data = Objects.requireNonNull(data, "data");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOff, int len) {
        checkRange(offset, len);
        System.arraycopy(data, (int) offset, dst, dstOff, len);
    }

    @Override
    public ByteBuffer view(long offset, int len) {
        checkRange(offset, len);
        return ByteBuffer.wrap(data, (int) offset, len).slice().asReadOnlyBuffer();
    }

    @Override
    public int readUnsignedByte(long offset) {
        checkRange(offset, 1);
        return data[(int) offset] & 0xff;
    }
}
