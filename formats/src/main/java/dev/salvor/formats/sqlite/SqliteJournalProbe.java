package dev.salvor.formats.sqlite;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.Trigger;
import dev.salvor.formats.core.SliceSource;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.DamageSink;

import java.util.ArrayList;
import java.util.List;

/**
 * SQLite rollback journals ({@code -journal}) by their header and page records.
 *
 * <p>Signature (pass 1): the 8-byte magic {@code d9 d5 05 f9 20 a1 63 d7} at any byte offset (a journal starts a
 * file, so in a file system image it sits on a sector boundary, but the test is as cheap everywhere), followed by a
 * header whose sector size is a power of two 32..65536 and whose page size is valid (the checks
 * {@link RollbackJournal#read} makes). Confirmation (pass 2, in image order): {@link RollbackJournal#read} over the
 * rest of the image reads the header, then page records while their checksums (nonce + every 200th byte of the
 * page) hold and their page number is not 0, then any further segment header at the next sector boundary; it stops
 * at the first record that fails. The extent is the header plus every verified record; a header without a verified
 * record is not carved.
 *
 * <p>False positives: 64 bits of magic plus the header checks; a random record passes its 32-bit checksum with
 * probability 2^-32.
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#the_rollback_journal">fileformat2: rollback journal</a>
 */
public final class SqliteJournalProbe implements Probe {
    private static final long FIRST_BYTES = 0xd9d9d9d9d9d9d9d9L;
    private static final byte[] MAGIC = RollbackJournal.MAGIC;
    private static final int HEADER = 28;
    private final ByteSource image;

    public SqliteJournalProbe(ByteSource image) {
        this.image = image;
    }

    @Override
    public int overlap() {
        return MAGIC.length - 1;
    }

    @Override
    public Trigger trigger() {
        return Trigger.prefix(MAGIC);
    }

    @Override
    public void at(ImageChunk c, int i, Sink sink) {
        if (headerOk(c.start() + i)) {
            sink.propose(c.start() + i);
        }
    }

    private boolean headerOk(long at) {
        if (image.size() - at < HEADER) {
            return false;
        }
        byte[] h = image.read(at, HEADER);
        long sector = SqliteWalProbe.u32(h, 20);
        long ps = SqliteWalProbe.u32(h, 24);
        return DatabaseHeader.validPageSize(ps) && sector >= 32 && sector <= 65536 && (sector & (sector - 1)) == 0;
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates) {
        List<Artifact> out = new ArrayList<>();
        long covered = -1;
        for (long c : candidates) {
            if (c < covered) {
                continue; // a later segment header of a journal already carved
            }
            try {
                SliceSource rest = new SliceSource(image, c, image.size() - c, Probe.sliceName(image, c));
                RollbackJournal j = RollbackJournal.read(rest, 0, DamageSink.IGNORE);
                long end = -1;
                int ok = 0;
                for (RollbackJournal.PageRecord r : j.records()) {
                    if (r.checksumOk()) {
                        ok++;
                        end = r.offset() + 8L + j.pageSize();
                    }
                }
                if (ok == 0) {
                    continue;
                }
                Artifact a = new Artifact(Artifact.Kind.SQLITE_JOURNAL, c, end,
                        "journal header magic, sector and page size valid; " + ok + " page record(s) of "
                                + j.pageSize() + " bytes whose checksums (with the nonce) hold", 0);
                out.add(a);
                covered = a.end();
            } catch (CorruptionException e) {
                // a read past the image end: not a journal
            }
        }
        return out;
    }
}
