package dev.salvor.formats.leveldb;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Limits;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Turns a block's stored bytes into its contents, checking every claimed size against
 * {@link Limits#maxBlockBytes()} before allocating. Which codec is used follows {@link CompressionType}'s table:
 * ids 0 and 1 are trusted; for the ids forks disagree on the payload is sniffed (zstd magic {@code 28 b5 2f fd},
 * zlib header {@code CMF/FLG}) instead of trusting the id.
 *
 * <p>Failures are {@link CorruptionException}s located at the block (offset, block plus trailer length):
 * {@link DamageKind#UNKNOWN_COMPRESSION}, {@link DamageKind#DECOMPRESS_FAILED}, {@link DamageKind#LIMIT_EXCEEDED}.
 */
final class BlockDecompressor {
    private static final int ZSTD_MAGIC = 0xfd2fb528; // bytes 28 b5 2f fd, little-endian

    private BlockDecompressor() {
    }

    /** Decompressed contents: {@code data[0, length)}. */
    record Result(byte[] data, int length, CompressionType type) {
    }

    /**
     * Decodes {@code raw[0, size)} stored with type byte {@code typeCode}. For {@link CompressionType#NONE} the
     * result shares {@code raw}.
     */
    static Result decompress(byte[] raw, int size, int typeCode, String resource, long offset, long damageLength,
                             Limits limits) {
        return decompress(raw, size, typeCode, resource, offset, damageLength, limits, null);
    }

    /**
     * As {@link #decompress(byte[], int, int, String, long, long, Limits)}, Snappy blocks decompressed into
     * {@code scratch}'s contents buffer when given (then the result is valid until that buffer's next use).
     */
    static Result decompress(byte[] raw, int size, int typeCode, String resource, long offset, long damageLength,
                             Limits limits, Block.Scratch scratch) {
        switch (typeCode) {
            case 0:
                return new Result(raw, size, CompressionType.NONE);
            case 1:
                return snappy(raw, size, resource, offset, damageLength, limits, scratch);
            case 2:
            case 3:
            case 7:
                if (isZstd(raw, size)) {
                    return zstd(raw, size, resource, offset, damageLength, limits);
                }
                if (isZlib(raw, size)) {
                    return inflate(raw, size, false, CompressionType.ZLIB, resource, offset, damageLength, limits);
                }
                if (typeCode == 3) {
                    throw fail(DamageKind.UNKNOWN_COMPRESSION, resource, offset, damageLength,
                            "zstd or zlib payload", "type 3, " + head(raw, size),
                            "block compression id 3 (RocksDB bzip2?) is not supported");
                }
                throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength,
                        "zstd magic 28 b5 2f fd or a zlib header", head(raw, size),
                        "block compression id " + typeCode + " payload is neither a zstd frame nor a zlib stream");
            case 4:
                if (isZlib(raw, size)) {
                    return inflate(raw, size, false, CompressionType.ZLIB, resource, offset, damageLength, limits);
                }
                return inflate(raw, size, true, CompressionType.ZLIB_RAW, resource, offset, damageLength, limits);
            default:
                throw fail(DamageKind.UNKNOWN_COMPRESSION, resource, offset, damageLength,
                        "0 (none), 1 (snappy), 2 (zstd/zlib), 4 (raw deflate) or 7 (zstd)",
                        Integer.toString(typeCode), "block compression id unknown");
        }
    }

    static boolean isZstd(byte[] raw, int size) {
        return size >= 4 && (raw[0] & 0xff | (raw[1] & 0xff) << 8 | (raw[2] & 0xff) << 16 | (raw[3] & 0xff) << 24)
                == ZSTD_MAGIC;
    }

    /** RFC 1950: CM = 8 (deflate), CINFO &lt;= 7, no preset dictionary, (CMF*256 + FLG) divisible by 31. */
    static boolean isZlib(byte[] raw, int size) {
        if (size < 2) {
            return false;
        }
        int cmf = raw[0] & 0xff;
        int flg = raw[1] & 0xff;
        return (cmf & 0x0f) == 8 && (cmf >>> 4) <= 7 && (flg & 0x20) == 0 && ((cmf << 8) | flg) % 31 == 0;
    }

    private static Result snappy(byte[] raw, int size, String resource, long offset, long damageLength,
                                 Limits limits, Block.Scratch scratch) {
        // Parse the varint32 preamble ourselves: snappy-java returns it as a (possibly negative) int.
        long claimed = 0;
        int i = 0;
        for (int shift = 0; ; shift += 7, i++) {
            if (i >= size || i >= 5) {
                throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength,
                        "varint32 uncompressed length", head(raw, size),
                        "snappy length preamble overlong or cut off");
            }
            int x = raw[i] & 0xff;
            claimed |= (long) (x & 0x7f) << shift;
            if (x < 0x80) {
                break;
            }
        }
        if (claimed > limits.maxBlockBytes()) {
            throw fail(DamageKind.LIMIT_EXCEEDED, resource, offset, damageLength, "<= " + limits.maxBlockBytes(),
                    Long.toString(claimed),
                    "snappy preamble claims an uncompressed block larger than the configured limit"
                            + " (damaged length, or raise maxBlockBytes)");
        }
        // A snappy element expands at most 64 bytes out of a 3-byte copy tag (ratio < 22), so a claim above 24x the
        // stream is impossible: refuse it before allocating rather than let a tiny block reserve maxBlockBytes.
        long body = size - (i + 1L);
        if (claimed > body * 24 + 64) {
            throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength,
                    "<= " + (body * 24 + 64) + " (24x the " + body + " compressed bytes)", Long.toString(claimed),
                    "snappy preamble claims more than the stream can expand to");
        }
        if (claimed == 0 && body > 0 && !allZero(raw, size)) {
            // A table block is never empty (it holds at least its restart count): a preamble of 0 followed by data
            // is a damaged head, typically the first bytes of the block zeroed or overwritten.
            throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength,
                    "a length preamble > 0 (a block holds at least its restart count)",
                    "0, followed by " + body + " compressed bytes",
                    "snappy length preamble reads 0 (head of the block zeroed or overwritten?)");
        }
        byte[] out = scratch == null ? new byte[(int) claimed] : scratch.contents((int) claimed);
        int n;
        try {
            n = Snappy.uncompress(raw, 0, size, out, 0);
        } catch (IOException | RuntimeException e) {
            if (allZero(raw, size)) {
                // A zeroed block reads as preamble 0 followed by zeros: say what it is, not what snappy saw.
                throw fail(DamageKind.ZEROED, resource, offset, damageLength,
                        "a snappy-compressed block", size + " zero bytes",
                        "block contents zeroed (overwritten, or a hole in a sparse or damaged file)");
            }
            throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength,
                    "a snappy stream expanding to " + claimed + " bytes", String.valueOf(e.getMessage()),
                    "snappy block does not decompress");
        }
        if (n != claimed) {
            throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength, Long.toString(claimed),
                    Integer.toString(n), "snappy block decompressed to a size other than its preamble");
        }
        return new Result(out, n, CompressionType.SNAPPY);
    }

    private static Result zstd(byte[] raw, int size, String resource, long offset, long damageLength,
                               Limits limits) {
        long content;
        try {
            content = Zstd.getFrameContentSize(raw, 0, size);
        } catch (RuntimeException e) {
            content = -2;
        }
        if (content == -2 || content < -2) {
            throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength, "a zstd frame header",
                    head(raw, size), "zstd frame header invalid");
        }
        if (content >= 0) {
            if (content > limits.maxBlockBytes()) {
                throw fail(DamageKind.LIMIT_EXCEEDED, resource, offset, damageLength, "<= " + limits.maxBlockBytes(),
                        Long.toString(content), "zstd frame claims an uncompressed block larger than the configured"
                                + " limit (damaged header, or raise maxBlockBytes)");
            }
            byte[] out = new byte[(int) content];
            long r;
            try {
                r = Zstd.decompressByteArray(out, 0, out.length, raw, 0, size);
            } catch (RuntimeException e) {
                throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength,
                        "a zstd frame of " + content + " bytes", String.valueOf(e.getMessage()),
                        "zstd block does not decompress");
            }
            if (Zstd.isError(r)) {
                throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength,
                        "a zstd frame of " + content + " bytes", Zstd.getErrorName(r),
                        "zstd block does not decompress");
            }
            if (r != content) {
                throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength, Long.toString(content),
                        Long.toString(r), "zstd block decompressed to a size other than its frame header");
            }
            return new Result(out, (int) r, CompressionType.ZSTD);
        }
        // Content size not recorded: stream, never holding more than the limit.
        try (ZstdInputStreamNoFinalizer in = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(raw, 0, size))) {
            byte[] out = new byte[Math.min(limits.maxBlockBytes(), Math.max(4096, size * 4))];
            int n = 0;
            while (true) {
                if (n == out.length) {
                    if (out.length >= limits.maxBlockBytes()) {
                        if (in.read() < 0) {
                            break;
                        }
                        throw fail(DamageKind.LIMIT_EXCEEDED, resource, offset, damageLength,
                                "<= " + limits.maxBlockBytes(), "more", "zstd block decompresses to more than the"
                                        + " configured limit (raise maxBlockBytes)");
                    }
                    out = Arrays.copyOf(out, (int) Math.min(limits.maxBlockBytes(), 2L * out.length));
                }
                int k = in.read(out, n, out.length - n);
                if (k < 0) {
                    break;
                }
                n += k;
            }
            return new Result(out, n, CompressionType.ZSTD);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CorruptionException ce) {
                throw ce;
            }
            throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength, "a zstd frame",
                    String.valueOf(e.getMessage()), "zstd block does not decompress");
        }
    }

    private static Result inflate(byte[] raw, int size, boolean nowrap, CompressionType type, String resource,
                                  long offset, long damageLength, Limits limits) {
        Inflater inf = new Inflater(nowrap);
        try {
            inf.setInput(raw, 0, size);
            int max = limits.maxBlockBytes();
            byte[] out = new byte[Math.min(max, Math.max(4096, size * 4))];
            int n = 0;
            while (!inf.finished()) {
                if (n == out.length) {
                    if (out.length >= max) {
                        throw fail(DamageKind.LIMIT_EXCEEDED, resource, offset, damageLength, "<= " + max, "more",
                                "deflate block decompresses to more than the configured limit (raise maxBlockBytes)");
                    }
                    out = Arrays.copyOf(out, (int) Math.min(max, 2L * out.length));
                }
                int k = inf.inflate(out, n, out.length - n);
                n += k;
                if (k == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) {
                    throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength,
                            "a complete stream", "ends after " + n + " output bytes",
                            (nowrap ? "raw deflate" : "zlib") + " block stream cut off");
                }
            }
            if (inf.getRemaining() != 0) {
                throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength, "0",
                        Integer.toString(inf.getRemaining()),
                        (nowrap ? "raw deflate" : "zlib") + " block has bytes after the end of its stream");
            }
            return new Result(out, n, type);
        } catch (DataFormatException e) {
            throw fail(DamageKind.DECOMPRESS_FAILED, resource, offset, damageLength, "a valid deflate stream",
                    String.valueOf(e.getMessage()), (nowrap ? "raw deflate" : "zlib") + " block does not decompress");
        } finally {
            inf.end();
        }
    }

    private static boolean allZero(byte[] raw, int size) {
        for (int i = 0; i < size; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return size > 0;
    }

    private static String head(byte[] raw, int size) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, size); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", raw[i] & 0xff));
        }
        return size == 0 ? "empty" : sb.toString();
    }

    private static CorruptionException fail(DamageKind kind, String resource, long offset, long length,
                                            String expected, String actual, String detail) {
        return new CorruptionException(new Damage(resource, offset, length, kind, expected, actual, detail));
    }
}
