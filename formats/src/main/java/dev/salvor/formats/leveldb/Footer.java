package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

/**
 * The fixed 48 bytes at the end of a table ({@code table/format.h}, doc/table_format.md).
 *
 * <pre>
 * metaindex_handle: BlockHandle   (2 varint64)
 * index_handle:     BlockHandle   (2 varint64)
 * padding:          zero bytes up to 40 bytes in total
 * magic:            fixed64 LE = 0xdb4775248b80fb57
 * </pre>
 *
 * @param metaindexHandle where the metaindex block is
 * @param indexHandle     where the index block is
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/table_format.md">table_format.md</a>
 */
public record Footer(BlockHandle metaindexHandle, BlockHandle indexHandle) {

    /** Two maximal handles, then the magic. */
    public static final int ENCODED_LENGTH = 48;

    /** {@code kTableMagicNumber}: the first 64 bits of SHA-1 of "http://code.google.com/p/leveldb/". */
    public static final long TABLE_MAGIC = 0xdb4775248b80fb57L;

    /** RocksDB's block-based table magic (its newer footer format is not LevelDB's). */
    static final long ROCKSDB_BLOCK_BASED_MAGIC = 0x88e241b785f4cff7L;

    private static final int HANDLES_LENGTH = 2 * BlockHandle.MAX_ENCODED_LENGTH;

    /**
     * Decodes the footer held in {@code b48} (exactly 48 bytes read at {@code offset} of {@code resource}).
     *
     * @throws CorruptionException {@link DamageKind#ZEROED} if all 48 bytes are zero, {@link DamageKind#BAD_MAGIC} if
     *                             the magic is wrong (not a table, or a table whose footer was never written),
     *                             {@link DamageKind#BAD_VARINT} / {@link DamageKind#BAD_POINTER} if a handle is
     *                             undecodable
     */
    public static Footer decode(byte[] b48, String resource, long offset) {
        if (b48.length != ENCODED_LENGTH) {
            throw new IllegalArgumentException("footer must be " + ENCODED_LENGTH + " bytes, got " + b48.length);
        }
        long magic = ByteCursor.getFixed64(b48, HANDLES_LENGTH);
        if (magic != TABLE_MAGIC) {
            if (isZero(b48, 0, ENCODED_LENGTH)) {
                throw new CorruptionException(new Damage(resource, offset, ENCODED_LENGTH, DamageKind.ZEROED,
                        hex64(TABLE_MAGIC), "48 zero bytes",
                        "table footer is all zeros (overwritten, or a preallocated file never finished)"));
            }
            String cause = magic == ROCKSDB_BLOCK_BASED_MAGIC
                    ? "table footer magic is RocksDB's block-based table magic (RocksDB format, not LevelDB)"
                    : "table footer magic wrong (table not finished: crash or close during compaction, truncated,"
                    + " or overwritten)";
            throw new CorruptionException(new Damage(resource, offset, ENCODED_LENGTH, DamageKind.BAD_MAGIC,
                    hex64(TABLE_MAGIC), hex64(magic), cause));
        }
        ByteCursor c = new ByteCursor(b48, 0, HANDLES_LENGTH);
        try {
            BlockHandle meta = BlockHandle.decode(c);
            BlockHandle index = BlockHandle.decode(c);
            return new Footer(meta, index);
        } catch (Malformed m) {
            throw new CorruptionException(new Damage(resource, offset, ENCODED_LENGTH, m.kind(),
                    "two block handles in the first 40 bytes", m.detail(),
                    "table footer block handle undecodable at +" + m.position()));
        }
    }

    /** Number of bytes the two handles occupy at the start of the footer (the rest up to 40 is padding). */
    int handlesLength() {
        return metaindexHandle.encode().length + indexHandle.encode().length;
    }

    /** The 48-byte encoding (handles, zero padding, magic). */
    public byte[] encode() {
        byte[] out = new byte[ENCODED_LENGTH];
        byte[] m = metaindexHandle.encode();
        byte[] i = indexHandle.encode();
        System.arraycopy(m, 0, out, 0, m.length);
        System.arraycopy(i, 0, out, m.length, i.length);
        for (int k = 0; k < 8; k++) {
            out[HANDLES_LENGTH + k] = (byte) (TABLE_MAGIC >>> (8 * k));
        }
        return out;
    }

    static boolean isZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static String hex64(long v) {
        return String.format("0x%016x", v);
    }
}
