package dev.salvor.formats.sqlite;

/**
 * The 32-byte WAL header (all fields big-endian u32).
 *
 * <pre>
 * off field
 *   0 magic 0x377f0682 (checksums over little-endian words) or 0x377f0683 (big-endian words)
 *   4 file format version 3007000
 *   8 database page size
 *  12 checkpoint sequence number
 *  16 salt-1 (incremented at each WAL reset)
 *  20 salt-2 (random at each WAL reset)
 *  24 checksum-1 } over header bytes 0..23
 *  28 checksum-2 }
 * </pre>
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#walformat">fileformat2: WAL file format</a>
 */
public record WalHeader(long magic, long version, int pageSize, long checkpointSequence, int salt1, int salt2,
                        int checksum1, int checksum2, boolean bigEndianChecksums, boolean magicOk,
                        boolean checksumOk) {

    public static final int SIZE = 32;
    public static final long MAGIC_LE = 0x377f0682L;
    public static final long MAGIC_BE = 0x377f0683L;

    /** Parses {@code b[0..32)}. */
    public static WalHeader parse(byte[] b) {
        long magic = DatabaseHeader.u32(b, 0);
        boolean magicOk = magic == MAGIC_LE || magic == MAGIC_BE;
        boolean be = magic == MAGIC_BE;
        long rawPs = DatabaseHeader.u32(b, 8);
        int ps = rawPs == 1 ? 65536 : (int) Math.min(rawPs, Integer.MAX_VALUE);
        int[] s = WalChecksum.update(0, 0, b, 0, 24, be);
        int c1 = (int) DatabaseHeader.u32(b, 24);
        int c2 = (int) DatabaseHeader.u32(b, 28);
        return new WalHeader(magic, DatabaseHeader.u32(b, 4), ps, DatabaseHeader.u32(b, 12),
                (int) DatabaseHeader.u32(b, 16), (int) DatabaseHeader.u32(b, 20), c1, c2, be, magicOk,
                s[0] == c1 && s[1] == c2);
    }
}
