package dev.salvor.formats.leveldb;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.Trigger;
import dev.salvor.formats.core.ByteSource;

import java.util.ArrayList;
import java.util.List;

/**
 * LevelDB write-ahead logs ({@code .log}) by their record headers.
 *
 * <p>Signature (pass 1): at every 512-byte-aligned offset (a sector: log files start on one), a 7-byte record
 * header (masked CRC-32C, length, type 1..4) whose record fits in its 32 KiB block (a FIRST or MIDDLE fragment
 * filling it exactly, as the writer makes them at a block start) and whose CRC verifies over type and payload. Confirmation (pass 2, in image order): from a candidate block, records are walked while their CRCs
 * verify; a block walked to its end (the tail of fewer than 7 bytes is the writer's zero padding) continues into the
 * next block if that one starts with a verifying record. The extent ends after the last verified record. Candidates
 * inside an extent already found are skipped (they are later blocks of the same log), which keeps pass 2 linear.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/log_format.md">log_format.md</a>
 */
public final class LevelDbLogProbe implements Probe {
    /** Alignment at which log block starts are tried (a sector). */
    static final int LOG_ALIGN = 512;
    private static final int HEADER = LogFormat.HEADER_SIZE;
    private static final int BLOCK = LogFormat.BLOCK_SIZE;
    private final ByteSource image;

    public LevelDbLogProbe(ByteSource image) {
        this.image = image;
    }

    @Override
    public int overlap() {
        return 0;
    }

    @Override
    public Trigger trigger() {
        // The record type byte (FULL, FIRST, MIDDLE, LAST: 1..4): at tells the same before any other test.
        return Trigger.aligned(LOG_ALIGN, 6, 1, 2, 3, 4);
    }

    @Override
    public void at(ImageChunk c, int i, Sink sink) {
        // Prechecks from the chunk before any read of the image (a candidate is taken as a block start: logs start
        // on a sector, and confirmLog walks blocks from the candidate): type byte 1..4; the record fits in the block;
        // and a FIRST or MIDDLE fragment at a block start fills the whole block (the writer only splits a record
        // when it does not fit in what is left of the block, and then uses all of it: log_writer.cc AddRecord), so
        // its length is exactly 32768 - 7. This halves the CRCs computed over random data.
        if (i + HEADER <= c.readable()) {
            int type = c.get(i + 6);
            int len = (c.get(i + 4) & 0xff) | (c.get(i + 5) & 0xff) << 8;
            if (type < 1 || type > 4 || len > BLOCK - HEADER
                    || (type == 2 || type == 3) && len != BLOCK - HEADER) {
                return;
            }
        }
        long a = c.start() + i;
        if (verifiedRecordEnd(a, Math.min(a + BLOCK, image.size())) >= 0) {
            sink.propose(a);
        }
    }

    @Override
    public boolean confirmsInBatches() {
        return true;
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates) {
        List<Artifact> out = new ArrayList<>();
        long covered = -1;
        for (long c : candidates) {
            if (c < covered) {
                continue;
            }
            Artifact a = confirmLog(c);
            if (a != null) {
                out.add(a);
                covered = a.end();
            }
        }
        return out;
    }

    /** The record starting at {@code at}: its end offset if it is a LevelDB record whose CRC verifies, else -1. */
    long verifiedRecordEnd(long at, long blockEnd) {
        // A view of the payload, not a copy: on a random image thousands of headers pass the precheck and each names
        // ~16 KiB.
        return LogRecordHeader.verifiedEnd(image, at, blockEnd, false);
    }

    Artifact confirmLog(long start) {
        long size = image.size();
        long end = -1;
        int blocks = 0;
        long records = 0;
        long block = start;
        while (block < size) {
            long blockEnd = Math.min(block + BLOCK, size);
            long pos = block;
            long r;
            int inBlock = 0;
            while ((r = verifiedRecordEnd(pos, blockEnd)) >= 0) {
                pos = r;
                inBlock++;
            }
            if (inBlock == 0) {
                break;
            }
            blocks++;
            records += inBlock;
            end = pos;
            // Resync rule: only a block walked to its end (< 7 bytes left: the writer's zero padding) continues
            // into the next block; a record that fails mid-block ends the run there.
            if (blockEnd - pos >= HEADER || blockEnd - block < BLOCK) {
                break;
            }
            block = blockEnd;
        }
        if (end < 0) {
            return null;
        }
        return new Artifact(Artifact.Kind.LEVELDB_LOG, start, end - start,
                "log record CRCs verify: " + records + " records in " + blocks + " consecutive 32 KiB blocks", 0);
    }
}
