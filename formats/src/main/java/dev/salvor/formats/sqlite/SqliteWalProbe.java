package dev.salvor.formats.sqlite;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.Trigger;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;

import java.util.ArrayList;
import java.util.List;

/**
 * SQLite write-ahead logs ({@code -wal}) by their header and frames.
 *
 * <p>Signature (pass 1): the big-endian magic {@code 0x377f0682} or {@code 0x377f0683} at any byte offset, then the
 * 32-byte {@link WalHeader} must carry version 3007000, a valid page size and a header checksum that holds
 * ({@link WalHeader#checksumOk()}: SQLite ignores a WAL whose header checksum fails). Confirmation (pass 2, in image
 * order) walks the frames ({@link WalFrame}: 24-byte header + one page) with {@link WalChecksum}:
 * <ul>
 * <li>while a frame carries the header's salts and its cumulative checksum, seeded with the previous frame's (the
 * header's for frame 0), holds and its page number is not 0, it is a verified frame of the current generation;</li>
 * <li>after that chain ends, frames of an older generation (other salts) left behind by a WAL reset follow; such a
 * frame verifies when its checksum holds seeded with the PREVIOUS frame's stored checksum and both carry the same
 * salts (the first frame of such a run cannot be verified on its own: it is kept only when the next frame chains
 * to it, and then only as part of the WAL file, never as a verified frame of its own).</li>
 * </ul>
 * The extent is the header plus every frame up to the last verified one; a header with no verified frame is not
 * carved (a header alone holds no rows). At least one frame of the current generation must verify, so an older
 * generation is never attached to a random header. Candidates inside a WAL already carved are skipped.
 *
 * <p>False positives: the header checksum is 64 bits over the header; random data passes it with probability
 * 2^-64, and a frame's checksum adds another 64 bits.
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#walformat">fileformat2: WAL file format</a>
 */
public final class SqliteWalProbe implements Probe {
    private static final long FIRST_BYTES = 0x3737373737373737L;
    private static final long VERSION = 3007000L;
    private final ByteSource image;

    public SqliteWalProbe(ByteSource image) {
        this.image = image;
    }

    @Override
    public int overlap() {
        return 3;
    }

    @Override
    public Trigger trigger() {
        // The magic (0x377f0682 or 0x377f0683) then the file format version, both big-endian: at() accepts nothing
        // else, and 8 fixed bytes let the pass skip most offsets (see SignatureScan).
        return Trigger.prefixes(headerStart(WalHeader.MAGIC_LE), headerStart(WalHeader.MAGIC_BE));
    }

    /** The first 8 bytes of a WAL header with {@code magic} and the only file format version, big-endian. */
    private static byte[] headerStart(long magic) {
        return java.nio.ByteBuffer.allocate(8).putInt((int) magic).putInt((int) VERSION).array();
    }

    @Override
    public void at(ImageChunk c, int i, Sink sink) {
        if (i + 4 <= c.readable() && (c.getIntBE(i) & ~1) == (int) WalHeader.MAGIC_LE && header(c.start() + i) != null) {
            sink.propose(c.start() + i);
        }
    }

    /** The WAL header at {@code at} if its fields and checksum are valid, else {@code null}. */
    private WalHeader header(long at) {
        if (image.size() - at < WalHeader.SIZE) {
            return null;
        }
        WalHeader h = WalHeader.parse(image.read(at, WalHeader.SIZE));
        return h.magicOk() && h.checksumOk() && h.version() == VERSION && DatabaseHeader.validPageSize(h.pageSize())
                ? h : null;
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates) {
        List<Artifact> out = new ArrayList<>();
        long covered = -1;
        for (long c : candidates) {
            if (c < covered) {
                continue;
            }
            try {
                Artifact a = confirmWal(c);
                if (a != null) {
                    out.add(a);
                    covered = a.end();
                }
            } catch (CorruptionException e) {
                // a read past the image end: nothing more to confirm here
            }
        }
        return out;
    }

    private Artifact confirmWal(long start) {
        WalHeader h = header(start);
        if (h == null) {
            return null;
        }
        int ps = h.pageSize();
        boolean be = h.bigEndianChecksums();
        int frameSize = WalFrame.HEADER_SIZE + ps;
        byte[] buf = new byte[frameSize];
        long size = image.size();
        int s1 = h.checksum1();
        int s2 = h.checksum2();
        boolean current = true;
        long end = -1;
        int verified = 0;
        int old = 0;
        boolean prevVerified = true;
        int prevSalt1 = 0;
        int prevSalt2 = 0;
        for (long at = start + WalHeader.SIZE; size - at >= frameSize; at += frameSize) {
            image.read(at, buf, 0, frameSize);
            long pg = u32(buf, 0);
            int fs1 = (int) u32(buf, 8);
            int fs2 = (int) u32(buf, 12);
            int c1 = (int) u32(buf, 16);
            int c2 = (int) u32(buf, 20);
            boolean ok;
            if (current) {
                ok = pg != 0 && fs1 == h.salt1() && fs2 == h.salt2() && chains(s1, s2, buf, ps, be, c1, c2);
                if (ok) {
                    verified++;
                } else if (verified == 0) {
                    return null; // no frame of the header's own generation verifies
                } else {
                    current = false;
                }
            } else {
                // An older generation's frame: it verifies when it carries the previous frame's salts and its
                // checksum holds seeded with the previous frame's STORED checksum.
                ok = pg != 0 && fs1 == prevSalt1 && fs2 == prevSalt2 && chains(s1, s2, buf, ps, be, c1, c2);
                if (ok) {
                    old++;
                } else if (!prevVerified) {
                    break; // two frames in a row that verify neither way: the WAL ended before them
                }
            }
            if (ok) {
                end = at + frameSize;
            }
            // Resync: a frame that does not verify may be the (unverifiable) first frame of an older generation's
            // run; it is kept in the extent only if the next frame chains to it (end moves past both then).
            prevVerified = ok;
            prevSalt1 = fs1;
            prevSalt2 = fs2;
            s1 = c1;
            s2 = c2;
        }
        if (end < 0) {
            return null;
        }
        String how = "WAL header magic, version and checksum; " + verified
                + " frame(s) of the current generation whose salts match and whose cumulative checksums hold";
        if (old > 0) {
            how += "; " + old + " older-generation frame(s) chaining to the frame before them";
        }
        return new Artifact(Artifact.Kind.SQLITE_WAL, start, end - start, how, 0);
    }

    /** True if the frame in {@code buf} (header + page) checksums to (c1, c2) from the seed (s1, s2). */
    private static boolean chains(int s1, int s2, byte[] buf, int ps, boolean be, int c1, int c2) {
        int[] s = WalChecksum.update(s1, s2, buf, 0, 8, be);
        s = WalChecksum.update(s[0], s[1], buf, WalFrame.HEADER_SIZE, ps, be);
        return s[0] == c1 && s[1] == c2;
    }

    static long u32(byte[] b, int i) {
        return (b[i] & 0xffL) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }
}
