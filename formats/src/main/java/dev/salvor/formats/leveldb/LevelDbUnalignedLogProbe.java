package dev.salvor.formats.leveldb;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.Trigger;
import dev.salvor.formats.core.ByteSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LevelDB logs whose blocks do not start at a 512-byte boundary (a log inside a container at an arbitrary offset,
 * or a log whose first sector is lost), complementing {@link LevelDbLogProbe}.
 *
 * <h2>Signature (pass 1): a write batch's record header at any byte offset</h2>
 * <pre>
 * +0 crc:fixed32  +4 length:u16 (&gt;= 12)  +6 type: 1 FULL or 2 FIRST
 * +7 sequence:fixed64 (bytes +12..+14 zero: sequence &lt; 2^40)  +15 count:fixed32 (bytes +17, +18 zero)
 * </pre>
 * Tested 8 positions at a time (SWAR byte masks: type byte 1/2 and the two sequence bytes after it zero), so
 * random, zeroed and text regions cost a few operations per 8 bytes.
 * Expected false candidates on random bytes: 2^-7 x 2^-40 per offset, none per TB; every real FULL/FIRST record
 * is a candidate (those inside logs the aligned probe found are dropped in pass 2 before any CRC).
 *
 * <h2>Confirmation (pass 2, image order)</h2>
 * The record's masked CRC-32C must verify. Records are then walked forward; the log's 32 KiB block grid is
 * inferred from the first block end met: a FIRST or MIDDLE fragment always ends exactly at a block end (the writer
 * splits a record only when the block is full), and a block whose last record leaves fewer than 7 bytes is zero
 * padded, so a failing header followed, after 1 to 6 zero bytes, by a verifying one marks a block end there.
 * With a grid, the log starts at the grid point of the candidate's block when the records from there verify up to
 * the candidate, and further back block by block while whole blocks verify; from that start the extent is walked
 * as by {@link LevelDbLogProbe} (a carved file's blocks are then at multiples of 32 KiB, as the log reader
 * expects). If the candidate's block does not verify from its grid point, the records before the next block end
 * are carved as a log of their own and the rest from that block end. Without a block end (a log shorter than one
 * block) the log starts at the candidate. Each walk is bounded by the log's length: pass 2 stays linear.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/log_format.md">log_format.md</a>
 */
public final class LevelDbUnalignedLogProbe implements Probe {
    private static final int BLOCK = LogFormat.BLOCK_SIZE;
    private static final int HEADER = LogFormat.HEADER_SIZE;
    private static final long ONES = 0x0101010101010101L;
    private static final long TWOS = 0x0202020202020202L;
    private final ByteSource image;
    private final LevelDbLogProbe records;

    public LevelDbUnalignedLogProbe(ByteSource image) {
        this.image = image;
        this.records = new LevelDbLogProbe(image);
    }

    @Override
    public int overlap() {
        return 0; // bytes past the chunk are read from the image (rare: only near the chunk end)
    }

    /** Triggered at the type byte (FULL or FIRST), 6 bytes into the header: the header may start in the chunk before. */
    @Override
    public Trigger trigger() {
        // The type byte (FULL or FIRST); 6 and 7 bytes after it the two top bytes of the batch's 8-byte sequence
        // number, zero for any sequence below 2^48.
        return Trigger.firstByteThen(0xffff_0000_0000_0000L, 0L, 1, 2);
    }

    @Override
    public void at(ImageChunk c, int t, Sink sink) {
        // Sequence bytes 5-7 of the batch are zero (t + 6 + 5 .. t + 6 + 7 relative to the type byte - 6).
        if (c.start() + t - 6 >= 0 && plausible(c, t - 6)) {
            sink.propose(c.start() + t - 6);
        }
    }

    /** 0x80 in every byte of {@code x} that is zero, 0 elsewhere (exact: no borrow between bytes). */
    static long zeroBytes(long x) {
        long y = (x & 0x7f7f7f7f7f7f7f7fL) + 0x7f7f7f7f7f7f7f7fL;
        return ~(y | x | 0x7f7f7f7f7f7f7f7fL);
    }

    private boolean plausible(ImageChunk c, int i) {
        long at = c.start() + i;
        if (at + 19 > image.size()) {
            return false;
        }
        int len = at(c, i + 4) | at(c, i + 5) << 8;
        return len >= 12 && at(c, i + 12) == 0 && at(c, i + 13) == 0 && at(c, i + 14) == 0 && at(c, i + 17) == 0
                && at(c, i + 18) == 0;
    }

    private int at(ImageChunk c, int i) {
        return i >= 0 && i < c.readable() ? c.get(i) & 0xff : image.readUnsignedByte(c.start() + i);
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates) {
        return confirm(candidates, List.of());
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates, List<Artifact> confirmed) {
        TreeMap<Long, Long> claimed = new TreeMap<>();
        for (Artifact a : confirmed) {
            if (a.kind() == Artifact.Kind.LEVELDB_LOG || a.kind() == Artifact.Kind.LEVELDB_TABLE
                    || a.kind() == Artifact.Kind.LEVELDB_BLOCKS) {
                claimed.merge(a.offset(), a.end(), Math::max);
            }
        }
        List<Artifact> out = new ArrayList<>();
        long covered = -1;
        for (long c : candidates) {
            Map.Entry<Long, Long> e = claimed.floorEntry(c);
            if (c < covered || (e != null && e.getValue() > c)) {
                continue;
            }
            for (Artifact a : confirmAt(c)) {
                out.add(a);
                covered = Math.max(covered, a.end());
            }
        }
        return out;
    }

    private List<Artifact> confirmAt(long c) {
        long size = image.size();
        if (records.verifiedRecordEnd(c, Math.min(size, c + BLOCK)) < 0) {
            return List.of();
        }
        long boundary = firstBlockEnd(c);
        if (boundary < 0) {
            Artifact a = records.confirmLog(c);
            return a == null ? List.of() : List.of(retitle(a, "no 32 KiB block end met: the log starts at its"
                    + " first verified record"));
        }
        long g = boundary - BLOCK;
        long start;
        if (g >= 0 && reaches(g, c)) {
            start = g;
            // Earlier blocks, while a whole block verifies up to its padding.
            while (start - BLOCK >= 0 && wholeBlock(start - BLOCK)) {
                start -= BLOCK;
            }
        } else {
            // The candidate's block does not verify from its grid point: its records form a log of their own.
            List<Artifact> l = new ArrayList<>();
            long headEnd = walkWithin(c, boundary);
            l.add(new Artifact(Artifact.Kind.LEVELDB_LOG, c, headEnd - c, "log record CRCs verify from an unaligned"
                    + " offset up to an inferred 32 KiB block end (the block's start does not verify)", 0));
            Artifact rest = records.confirmLog(boundary);
            if (rest != null) {
                l.add(retitle(rest, "32 KiB block grid inferred from a record or padding ending there"));
            }
            return l;
        }
        Artifact a = records.confirmLog(start);
        return a == null ? List.of() : List.of(retitle(a, "32 KiB block grid inferred from a record or padding"
                + " ending at a block end"));
    }

    private static Artifact retitle(Artifact a, String how) {
        return new Artifact(a.kind(), a.offset(), a.length(), a.confirmedBy() + "; " + how, a.damage());
    }

    /**
     * The first block end after {@code c} inferred from the records walked from {@code c} (see the class comment),
     * or -1 if the walk ends first.
     */
    private long firstBlockEnd(long c) {
        long size = image.size();
        long pos = c;
        while (pos - c <= BLOCK) {
            long end = records.verifiedRecordEnd(pos, Math.min(size, pos + BLOCK));
            if (end >= 0) {
                int type = image.readUnsignedByte(pos + 6);
                if (type == 2 || type == 3) {
                    return end; // FIRST / MIDDLE fill their block exactly
                }
                pos = end;
                continue;
            }
            // Resync rule: fewer than 7 bytes before a block end are zero padding; a verifying header right after
            // 1..6 zero bytes marks the block end.
            for (int pad = 1; pad < HEADER && pos + pad < size; pad++) {
                if (image.readUnsignedByte(pos + pad - 1) != 0) {
                    break;
                }
                if (records.verifiedRecordEnd(pos + pad, Math.min(size, pos + pad + BLOCK)) >= 0) {
                    return pos + pad;
                }
            }
            return -1;
        }
        return -1;
    }

    /** Whether records walked from block start {@code g} reach {@code target} exactly (inside the block). */
    private boolean reaches(long g, long target) {
        long pos = g;
        while (pos < target) {
            long end = records.verifiedRecordEnd(pos, g + BLOCK);
            if (end < 0) {
                return false;
            }
            pos = end;
        }
        return pos == target;
    }

    /** Whether the block at {@code g} verifies record by record to fewer than 7 bytes before its end. */
    private boolean wholeBlock(long g) {
        long pos = g;
        long end;
        int n = 0;
        while ((end = records.verifiedRecordEnd(pos, g + BLOCK)) >= 0) {
            pos = end;
            n++;
        }
        return n > 0 && g + BLOCK - pos < HEADER;
    }

    /** End of the last record walked from {@code c} before {@code limit}. */
    private long walkWithin(long c, long limit) {
        long pos = c;
        long end;
        while ((end = records.verifiedRecordEnd(pos, limit)) >= 0) {
            pos = end;
        }
        return pos;
    }
}
