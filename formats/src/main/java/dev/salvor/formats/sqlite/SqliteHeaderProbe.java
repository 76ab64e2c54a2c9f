package dev.salvor.formats.sqlite;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.Trigger;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.List;

/**
 * SQLite main database files by their 100-byte header.
 *
 * <p>Signature: {@code "SQLite format 3\0"} (16 bytes) at any byte offset. Confirmation (on the worker):
 * {@link DatabaseHeader#parse} reports no anomaly and page 1 parses as a b-tree page ({@link BtreePage#parse})
 * without damage. Length = in-header page count x page size when the header page count is valid (SQLite's own
 * rule), cut at the image end; otherwise only page 1 is carved (extent unknown).
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#the_database_header">the database header</a>
 */
public final class SqliteHeaderProbe implements Probe {
    private static final byte[] MAGIC = DatabaseHeader.MAGIC;
    private final ByteSource image;

    public SqliteHeaderProbe(ByteSource image) {
        this.image = image;
    }

    @Override
    public int overlap() {
        return MAGIC.length - 1;
    }

    @Override
    public Trigger trigger() {
        return Trigger.prefix(java.util.Arrays.copyOf(MAGIC, 8));
    }

    @Override
    public void at(ImageChunk c, int i, Sink sink) {
        if (c.startsWith(i, MAGIC)) {
            Artifact a = confirm(c.start() + i);
            if (a != null) {
                sink.found(a);
            }
        }
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates) {
        return List.of();
    }

    private Artifact confirm(long offset) {
        long size = image.size();
        if (size - offset < DatabaseHeader.SIZE) {
            return null;
        }
        try {
            List<Damage> damage = new ArrayList<>();
            DamageSink sink = DamageSink.collectingInto(damage);
            String name = Probe.sliceName(image, offset);
            DatabaseHeader h = DatabaseHeader.parse(image.read(offset, DatabaseHeader.SIZE), name, sink);
            if (!damage.isEmpty() || !h.magicOk()) {
                return null;
            }
            int ps = h.pageSize();
            int avail = (int) Math.min(ps, size - offset);
            byte[] page = new byte[ps];
            image.read(offset, page, 0, avail);
            BtreePage p1 = BtreePage.parse(1, page, h.usableSize(), avail, name, 0, sink);
            if (p1 == null || !damage.isEmpty()) {
                return null;
            }
            String how = "header magic; header fields valid; page 1 b-tree header and cells parse";
            long length;
            if (h.headerPageCountValid()) {
                long claimed = h.pageCount(0) * (long) ps;
                length = Math.min(claimed, size - offset);
                how += length < claimed ? "; extent from in-header page count, cut short by the image end"
                        : "; extent from in-header page count";
            } else {
                length = avail;
                how += "; in-header page count not valid: page 1 only (extent unknown)";
            }
            return new Artifact(Artifact.Kind.SQLITE_DATABASE, offset, length, how, 0);
        } catch (CorruptionException | Malformed e) {
            return null;
        }
    }
}
