package dev.salvor.formats.leveldb;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.Trigger;
import dev.salvor.formats.core.SliceSource;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;

import java.util.List;

/**
 * LevelDB tables ({@code .ldb}/{@code .sst}) by their footer.
 *
 * <p>Signature: the table magic {@code 0xdb4775248b80fb57} (8 bytes little-endian, the last 8 bytes of the 48-byte
 * footer) at any byte offset. Confirmation (on the worker): the footer decodes; its index handle gives the table
 * length ({@code index.offset + index.size + 5 + 48}, since the index block is the last block before the footer),
 * hence the start; {@link TableReader} on that region must find the footer and a verifying index block, and at least
 * one data block whose trailer CRC verifies.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/table_format.md">table_format.md</a>
 */
public final class LevelDbTableProbe implements Probe {
    /** The magic as it is stored: 8 bytes little-endian. */
    private static final byte[] MAGIC_LE = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .putLong(Footer.TABLE_MAGIC).array();
    private final ByteSource image;
    private final Limits limits;

    public LevelDbTableProbe(ByteSource image, Limits limits) {
        this.image = image;
        this.limits = limits;
    }

    @Override
    public int overlap() {
        return 7;
    }

    @Override
    public Trigger trigger() {
        return Trigger.prefix(MAGIC_LE);
    }

    @Override
    public void at(ImageChunk c, int i, Sink sink) {
        if (i + 8 <= c.readable() && c.getLongLE(i) == Footer.TABLE_MAGIC) {
            Artifact a = confirm(c.start() + i + 8);
            if (a != null) {
                sink.found(a);
            }
        }
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates) {
        return List.of();
    }

    private Artifact confirm(long footerEnd) {
        long footerStart = footerEnd - Footer.ENCODED_LENGTH;
        if (footerStart < 0) {
            return null;
        }
        try {
            Footer footer = Footer.decode(image.read(footerStart, Footer.ENCODED_LENGTH), image.name(), footerStart);
            long indexEnd = footer.indexHandle().offset() + footer.indexHandle().size();
            // Varint64 handles can claim anything: bound before arithmetic that could overflow.
            if (footer.indexHandle().offset() < 0 || footer.indexHandle().size() < 0 || indexEnd < 0
                    || indexEnd > footerStart) {
                return null;
            }
            long length = indexEnd + BlockTrailer.ENCODED_LENGTH + Footer.ENCODED_LENGTH;
            long start = footerEnd - length;
            if (start < 0) {
                return null;
            }
            int[] damage = new int[1];
            DamageSink counting = d -> damage[0]++;
            TableReader reader = new TableReader(new SliceSource(image, start, length, Probe.sliceName(image, start)),
                    counting, limits);
            TableLayout layout = reader.layout();
            if (!layout.footerOk() || !layout.indexOk()) {
                return null;
            }
            TableStats stats = reader.scan(e -> { });
            if (stats.blocksVerified() == 0) {
                return null;
            }
            return new Artifact(Artifact.Kind.LEVELDB_TABLE, start, length,
                    "footer magic; footer handles decode; index block CRC verifies; " + stats.blocksVerified()
                            + " of " + (stats.blocksVerified() + stats.blocksDamaged())
                            + " data block CRCs verify", damage[0]);
        } catch (CorruptionException | Malformed e) {
            return null;
        }
    }
}
