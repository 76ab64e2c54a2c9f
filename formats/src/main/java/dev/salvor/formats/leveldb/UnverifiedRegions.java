package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;

import java.util.List;

/**
 * Decides what a region of a table is when the scan found no verifying block in it, and reports it. In order:
 *
 * <ol>
 * <li>Exactly a structure block (metaindex, index, filter) named by a handle whose block did not verify: its damage
 *     was reported when it was read; nothing more.</li>
 * <li>All zero bytes: reported as zeroed (overwritten, or never written).</li>
 * <li>Between two block boundaries, and no larger than a block may be: most likely one block whose bytes changed.
 *     It is offered as a suspect data block ({@link BlockSource#SCAN}) with its last 5 bytes taken as the trailer;
 *     reading it reports the checksum mismatch and recovers the entries that still parse.</li>
 * <li>At the end of the file with no boundary after it: the damaged footer itself (already reported), or an
 *     incomplete block at the end of a table without footer (a crash during compaction, or truncation).</li>
 * <li>Anything else: bytes between blocks that form no verifiable block (unrecognised).</li>
 * </ol>
 */
final class UnverifiedRegions {
    private static final int TRAILER = TableFile.TRAILER;

    private final TableFile file;
    private final DamageSink sink;
    private final TableCoverage coverage;
    private final List<DataBlockRef> refs;
    private final boolean footerDamaged;

    /**
     * @param refs          receives the suspect data blocks
     * @param footerDamaged whether the footer is missing or did not decode (its damage is already reported)
     */
    UnverifiedRegions(TableFile file, DamageSink sink, TableCoverage coverage, List<DataBlockRef> refs,
                      boolean footerDamaged) {
        this.file = file;
        this.sink = sink;
        this.coverage = coverage;
        this.refs = refs;
        this.footerDamaged = footerDamaged;
    }

    /**
     * An unverified region {@code [offset, offset + length)} found by scanning.
     *
     * @param boundaryAfter whether a block boundary is known to follow the region
     * @param atFileEnd     whether the region's scan range ends at the end of the file
     */
    void handle(long offset, long length, boolean boundaryAfter, boolean atFileEnd) {
        if (coverage.isStructureHint(new BlockHandle(offset, length - TRAILER))) {
            return; // a structure block whose damage was reported when it was read
        }
        if (isZero(offset, length)) {
            sink.report(new Damage(file.name(), offset, length, DamageKind.ZEROED, "a block and its trailer",
                    length + " zero bytes", "zeroed bytes where table blocks should be (overwritten, or"
                    + " never written)"));
            return;
        }
        if (boundaryAfter && length > TRAILER && length - TRAILER <= file.limits().maxBlockBytes()) {
            // Between two block boundaries: most likely one block whose bytes changed. Offer it as a block;
            // reading it reports the checksum mismatch and recovers what still parses.
            refs.add(new DataBlockRef(offset, (int) (length - TRAILER), BlockSource.SCAN));
            return;
        }
        if (atFileEnd && !boundaryAfter) {
            if (footerDamaged && length == Footer.ENCODED_LENGTH) {
                return; // the damaged footer itself, already reported
            }
            sink.report(new Damage(file.name(), offset, length, DamageKind.TRUNCATED,
                    "a block and a 5-byte trailer whose checksum verifies", length + " bytes",
                    "incomplete block at the end of a table without footer (table not finished: crash during"
                            + " compaction, or truncated)"));
            return;
        }
        sink.report(new Damage(file.name(), offset, length, DamageKind.UNRECOGNISED, "blocks whose checksums verify",
                length + " bytes", "bytes between table blocks that form no verifiable block"));
    }

    /** Whether the region is all zero bytes (read in chunks of at most 64 KiB). */
    private boolean isZero(long offset, long length) {
        byte[] chunk = new byte[(int) Math.min(length, 1 << 16)];
        for (long p = offset; p < offset + length; p += chunk.length) {
            int n = (int) Math.min(chunk.length, offset + length - p);
            file.source().read(p, chunk, 0, n);
            if (!Footer.isZero(chunk, 0, n)) {
                return false;
            }
        }
        return true;
    }
}
