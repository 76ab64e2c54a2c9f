package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;

import java.nio.charset.StandardCharsets;

/**
 * The 100-byte database header at the start of page 1. All multi-byte fields are big-endian.
 *
 * <pre>
 * off size field
 *   0  16  magic "SQLite format 3\0"
 *  16   2  page size (power of two 512..32768, or 1 meaning 65536)
 *  18   1  file format write version (1 legacy, 2 WAL)
 *  19   1  file format read version  (1 legacy, 2 WAL)
 *  20   1  reserved bytes at the end of each page (usable size = page size - reserved, must be >= 480)
 *  21   1  max embedded payload fraction (must be 64)
 *  22   1  min embedded payload fraction (must be 32)
 *  23   1  leaf payload fraction (must be 32)
 *  24   4  file change counter
 *  28   4  database size in pages (valid only if change counter == version-valid-for and non-zero)
 *  32   4  first freelist trunk page
 *  36   4  total freelist pages
 *  40   4  schema cookie
 *  44   4  schema format number (1..4)
 *  48   4  default page cache size
 *  52   4  largest root b-tree page (auto-vacuum / incremental vacuum; 0 = none)
 *  56   4  text encoding (1 UTF-8, 2 UTF-16le, 3 UTF-16be)
 *  60   4  user version
 *  64   4  incremental-vacuum mode (non-zero = incremental)
 *  68   4  application id
 *  72  20  reserved for expansion (zero)
 *  92   4  version-valid-for number
 *  96   4  SQLITE_VERSION_NUMBER that last wrote the file
 * </pre>
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#the_database_header">fileformat2: database header</a>
 */
public record DatabaseHeader(boolean magicOk, int pageSize, int writeVersion, int readVersion, int reservedBytes,
                             int maxPayloadFraction, int minPayloadFraction, int leafPayloadFraction,
                             long changeCounter, long headerPageCount, long firstFreelistTrunk,
                             long freelistPageCount, long schemaCookie, long schemaFormat, long defaultCacheSize,
                             long largestRootPage, long textEncodingCode, long userVersion, long incrementalVacuum,
                             long applicationId, long versionValidFor, long sqliteVersion, TextEncoding encoding,
                             boolean inferred) {

    /** Size of the header. */
    public static final int SIZE = 100;
    /** The 16 magic bytes. */
    public static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /** Usable bytes per page: page size minus reserved bytes. */
    public int usableSize() {
        return pageSize - reservedBytes;
    }

    /** WAL mode (read and write versions 2). */
    public boolean walMode() {
        return writeVersion == 2 || readVersion == 2;
    }

    /** Auto-vacuum or incremental vacuum is on, so pointer-map pages exist. */
    public boolean autoVacuum() {
        return largestRootPage != 0;
    }

    /** The in-header page count is trustworthy (SQLite's rule: change counter == version-valid-for, non-zero). */
    public boolean headerPageCountValid() {
        return headerPageCount > 0 && changeCounter == versionValidFor;
    }

    /** Page count: the header's when valid, else derived from the file size (rounded down). */
    public long pageCount(long fileSize) {
        long fromSize = fileSize / pageSize;
        return headerPageCountValid() ? headerPageCount : fromSize;
    }

    /** True if {@code v} is a valid page size (512..65536, power of two). */
    public static boolean validPageSize(long v) {
        return v >= 512 && v <= 65536 && (v & (v - 1)) == 0;
    }

    /**
     * Parses and validates the header in {@code b[0..100)}; every anomaly is reported to {@code sink} (offsets are
     * file offsets) and replaced by a usable value, so the result is always usable: page size 4096 if invalid,
     * reserved 0 if the usable size would be below 480, UTF-8 if the encoding is invalid.
     */
    public static DatabaseHeader parse(byte[] b, String resource, DamageSink sink) {
        boolean magicOk = true;
        for (int i = 0; i < 16; i++) {
            if (b[i] != MAGIC[i]) {
                magicOk = false;
                break;
            }
        }
        if (!magicOk) {
            sink.report(new Damage(resource, 0, 16, allZero(b, 0, 16) ? DamageKind.ZEROED : DamageKind.BAD_MAGIC,
                    "\"SQLite format 3\\0\"", printable(b, 0, 16), "database header magic"));
        }
        int rawPs = u16(b, 16);
        int pageSize = rawPs == 1 ? 65536 : rawPs;
        if (!validPageSize(pageSize)) {
            sink.report(new Damage(resource, 16, 2, DamageKind.BAD_STRUCTURE, "power of two 512..32768 or 1",
                    Integer.toString(rawPs), "page size (header damaged; page size will be inferred)"));
            pageSize = 4096;
        }
        int wv = b[18] & 0xff;
        int rv = b[19] & 0xff;
        if (wv < 1 || wv > 2 || rv < 1 || rv > 2) {
            sink.report(new Damage(resource, 18, 2, DamageKind.BAD_STRUCTURE, "1 or 2", wv + "/" + rv,
                    "file format write/read version"));
        }
        int reserved = b[20] & 0xff;
        if (pageSize - reserved < 480) {
            sink.report(new Damage(resource, 20, 1, DamageKind.BAD_STRUCTURE, "usable size >= 480",
                    Integer.toString(pageSize - reserved), "reserved bytes per page leave too little usable space"));
            reserved = 0;
        }
        int maxF = b[21] & 0xff;
        int minF = b[22] & 0xff;
        int leafF = b[23] & 0xff;
        if (maxF != 64 || minF != 32 || leafF != 32) {
            sink.report(new Damage(resource, 21, 3, DamageKind.BAD_STRUCTURE, "64/32/32",
                    maxF + "/" + minF + "/" + leafF, "payload fractions"));
        }
        long enc = u32(b, 56);
        TextEncoding encoding = TextEncoding.ofCode(enc);
        if (encoding == null && enc == 0 && u32(b, 40) == 0) {
            // 0 is "not set yet": SQLite writes the encoding with the first schema change and reads 0 as UTF-8. A
            // file whose schema was never changed (schema cookie 0) has it, e.g. a database created in WAL mode
            // whose every later page, page 1 included, is still in the WAL.
            encoding = TextEncoding.UTF_8;
        } else if (encoding == null) {
            sink.report(new Damage(resource, 56, 4, DamageKind.BAD_STRUCTURE, "1, 2 or 3", Long.toString(enc),
                    "text encoding (assuming UTF-8)"));
            encoding = TextEncoding.UTF_8;
        }
        long schemaFormat = u32(b, 44);
        if (schemaFormat > 4) {
            sink.report(new Damage(resource, 44, 4, DamageKind.BAD_STRUCTURE, "0..4", Long.toString(schemaFormat),
                    "schema format number"));
        }
        return new DatabaseHeader(magicOk, pageSize, wv, rv, reserved, maxF, minF, leafF, u32(b, 24), u32(b, 28),
                u32(b, 32), u32(b, 36), u32(b, 40), schemaFormat, u32(b, 48), u32(b, 52), enc, u32(b, 60),
                u32(b, 64), u32(b, 68), u32(b, 92), u32(b, 96), encoding, false);
    }

    /** A header inferred from page structure when the real one is destroyed. */
    public static DatabaseHeader inferred(int pageSize, TextEncoding encoding, boolean autoVacuum) {
        return new DatabaseHeader(false, pageSize, 1, 1, 0, 64, 32, 32, 0, 0, 0, 0, 0, 4, 0, autoVacuum ? 1 : 0,
                encoding.code(), 0, 0, 0, 0, 0, encoding, true);
    }

    /** A copy with a different text encoding (after inference). */
    public DatabaseHeader withEncoding(TextEncoding e) {
        return new DatabaseHeader(magicOk, pageSize, writeVersion, readVersion, reservedBytes, maxPayloadFraction,
                minPayloadFraction, leafPayloadFraction, changeCounter, headerPageCount, firstFreelistTrunk,
                freelistPageCount, schemaCookie, schemaFormat, defaultCacheSize, largestRootPage, e.code(),
                userVersion, incrementalVacuum, applicationId, versionValidFor, sqliteVersion, e, inferred);
    }

    static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    static boolean allZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static String printable(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.append('"').toString();
    }
}
