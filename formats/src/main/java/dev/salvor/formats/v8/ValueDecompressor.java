package dev.salvor.formats.v8;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.xerial.snappy.Snappy;

/**
 * The two compressions IndexedDB values meet: raw Snappy (the {@code FF 11 02} wrapper, and the SQLite backend's
 * compression_type 2) and zstd frames (the SQLite backend's compression_type 1). The decompressed size is checked
 * against the caller's bound before anything that size is allocated: a Snappy header or a zstd frame may claim any
 * size.
 */
final class ValueDecompressor {
    private ValueDecompressor() {
    }

    static byte[] snappy(byte[] data, int off, int len, int maxBytes) throws UndecodableValueException {
        int claimed;
        try {
            claimed = Snappy.uncompressedLength(data, off, len);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableValueException("Snappy header: actual=unreadable vs expected=a length varint ("
                    + e.getMessage() + ")", off);
        }
        if (claimed < 0 || claimed > maxBytes) {
            throw new UndecodableValueException("Snappy length: actual=" + Integer.toUnsignedString(claimed)
                    + " vs expected=at most " + maxBytes, off);
        }
        // A Snappy element expands at most 64 bytes out of a 3-byte copy tag (ratio < 22): a claim above 24x the
        // compressed bytes cannot be true, and is refused before that many bytes are allocated.
        if (claimed > len * 24L + 64) {
            throw new UndecodableValueException("Snappy length: actual=" + claimed + " vs expected=at most "
                    + (len * 24L + 64) + " (24x the " + len + " compressed bytes)", off);
        }
        byte[] out = new byte[claimed];
        try {
            int n = Snappy.uncompress(data, off, len, out, 0);
            if (n != claimed) {
                throw new UndecodableValueException("Snappy data: actual=" + n + " bytes vs expected=" + claimed, off);
            }
        } catch (IOException | RuntimeException e) {
            throw new UndecodableValueException("Snappy data: actual=corrupt vs expected=a valid Snappy block ("
                    + e.getMessage() + ")", off);
        }
        return out;
    }

    static byte[] zstd(byte[] data, int off, int len, int maxBytes) throws UndecodableValueException {
        long content;
        try {
            content = Zstd.getFrameContentSize(data, off, len);
        } catch (RuntimeException e) {
            content = -1;
        }
        if (content > maxBytes) {
            throw new UndecodableValueException("zstd frame content size: actual=" + content + " vs expected=at most "
                    + maxBytes, off);
        }
        // Stream, never trusting the frame header alone: stop at maxBytes whatever it claims. The buffer starts no
        // larger than what the input could plausibly expand to and grows with what the frame really gives.
        long start = Math.min(content > 0 ? content : len * 4L, Math.min(maxBytes, len * 64L + 65536));
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(32, start));
        byte[] buf = new byte[8192];
        try (ZstdInputStreamNoFinalizer in = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(data, off, len))) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > maxBytes) {
                    throw new UndecodableValueException("zstd data: actual=more than " + maxBytes
                            + " bytes vs expected=at most " + maxBytes, off);
                }
                out.write(buf, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            throw new UndecodableValueException("zstd data: actual=corrupt vs expected=a valid zstd frame ("
                    + e.getMessage() + ")", off);
        }
        return out.toByteArray();
    }
}
